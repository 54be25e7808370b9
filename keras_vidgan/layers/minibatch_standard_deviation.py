import keras
from keras import layers


@keras.saving.register_keras_serializable(package="keras_vidgan")
class MinibatchStandardDeviation(layers.Layer):
    """Appends the spread of a group of examples as one more feature of each.

    The discriminator layer of Karras et al. (2018, "Progressive Growing of
    GANs", section 3): the batch is cut into consecutive groups of
    `group_size` examples; within a group, the standard deviation of every
    feature over its examples is averaged into one number, which is
    appended to each example of the group as an extra channel. A generator
    that draws the same thing for every noise gives a spread near zero,
    which the discriminator can see in any single example; this counters
    mode collapse.

    Groups are consecutive and every example's group lies inside the batch
    it was given (the last group may be smaller), so a batch split across
    replicas in multiples of `group_size` scores as the whole batch does.

    Args:
        group_size: int. Examples per group (StyleGAN: 4).
        **kwargs: passed to `keras.layers.Layer`.

    Example:

    ```python
    import numpy as np
    from keras_vidgan.layers import MinibatchStandardDeviation

    features = np.random.default_rng(0).normal(size=(8, 5)).astype("float32")
    print(MinibatchStandardDeviation(4)(features).shape)  # (8, 6)
    ```
    """

    def __init__(self, group_size=4, **kwargs):
        super().__init__(**kwargs)
        if isinstance(group_size, bool) or not isinstance(group_size, int) or group_size < 2:
            raise ValueError(f"`group_size` must be an integer of at least 2; got {group_size!r}.")
        self.group_size = group_size

    def call(self, inputs):
        import tensorflow as tf

        values = tf.cast(inputs, tf.float32)
        batch = tf.shape(values)[0]
        group_ids = tf.range(batch) // self.group_size
        groups = (batch + self.group_size - 1) // self.group_size
        mean = tf.math.unsorted_segment_mean(values, group_ids, groups)
        deviation = values - tf.gather(mean, group_ids)
        variance = tf.math.unsorted_segment_mean(tf.square(deviation), group_ids, groups)
        feature_axes = list(range(1, len(values.shape)))
        # The small constant keeps the gradient finite where a group has no spread.
        spread = tf.reduce_mean(tf.sqrt(variance + 1e-8), axis=feature_axes)
        per_example = tf.reshape(tf.gather(spread, group_ids), [-1] + [1] * len(feature_axes))
        feature = tf.ones_like(values[..., :1]) * per_example
        return tf.cast(tf.concat([values, feature], axis=-1), inputs.dtype)

    def compute_output_shape(self, input_shape):
        channels = None if input_shape[-1] is None else input_shape[-1] + 1
        return tuple(input_shape[:-1]) + (channels,)

    def get_config(self):
        return {**super().get_config(), "group_size": self.group_size}
