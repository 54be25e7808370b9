import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="keras_vidgan")
class ConvGRU(layers.Layer):
    """A convolutional GRU over the time axis of `[B, T, H, W, C]` feature maps.

    The GRU of Cho et al. (2014) with its matrix products replaced by 2D
    convolutions (Ballas et al., 2016, "Delving Deeper into Convolutional
    Networks for Learning Video Representations"), as DVD-GAN (Clark et al.,
    2019) uses it to carry motion from frame to frame. The state starts at
    zero; the loop over frames is unrolled, which suits the short clips
    (8 to 32 frames) of this package.

    Args:
        filters: int. Channels of the state and of the output.
        kernel_size: int. Size of the square convolution kernels.
        **kwargs: passed to `keras.layers.Layer`.

    Example:

    ```python
    import numpy as np
    from keras_vidgan.layers import ConvGRU

    outputs = ConvGRU(8)(np.zeros((2, 4, 16, 16, 3), "float32"))
    print(outputs.shape)  # (2, 4, 16, 16, 8)
    ```
    """

    def __init__(self, filters, kernel_size=3, **kwargs):
        super().__init__(**kwargs)
        self.filters = filters
        self.kernel_size = kernel_size
        # Update and reset gates from [input, state]; candidate from [input, reset * state].
        self.gates = layers.Conv2D(2 * filters, kernel_size, padding="same", name="gates")
        self.candidate = layers.Conv2D(filters, kernel_size, padding="same", name="candidate")

    def build(self, input_shape):
        frame_shape = tuple(input_shape[2:4]) + (input_shape[-1] + self.filters,)
        self.gates.build((None,) + frame_shape)
        self.candidate.build((None,) + frame_shape)
        self.built = True

    def call(self, inputs):
        frames = ops.unstack(inputs, axis=1)
        state = ops.zeros(ops.shape(frames[0])[:-1] + (self.filters,), dtype=inputs.dtype)
        outputs = []
        for frame in frames:
            update, reset = ops.split(
                ops.sigmoid(self.gates(ops.concatenate([frame, state], axis=-1))), 2, axis=-1
            )
            candidate = ops.tanh(self.candidate(ops.concatenate([frame, reset * state], axis=-1)))
            state = (1.0 - update) * state + update * candidate
            outputs.append(state)
        return ops.stack(outputs, axis=1)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.filters,)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size}
