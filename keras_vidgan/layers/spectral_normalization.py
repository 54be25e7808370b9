import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="keras_vidgan")
class SpectralNormalization(layers.Wrapper):
    """Divides the kernel of a `Dense` or `ConvND` layer by its largest singular value.

    Miyato et al., 2018, "Spectral Normalization for Generative Adversarial
    Networks": the kernel, reshaped to a matrix `[fan_in, filters]`, is
    divided by an estimate of its spectral norm kept up to date by one step
    of power iteration per training call. This keeps each layer (roughly)
    1-Lipschitz, the constraint that the hinge and Wasserstein objectives
    need.

    Unlike `keras.layers.SpectralNormalization`, which overwrites the wrapped
    kernel in place, the normalized kernel is computed in the forward pass,
    so gradients flow through the normalization (as in the paper) and the
    raw kernel stays what the optimizer updates. The power-iteration vector is
    a non-trainable weight aggregated from the first replica, so the wrapper
    works under `tf.distribute.MirroredStrategy` (all replicas hold the same
    weights, hence the same vector).

    Args:
        layer: a `keras.layers.Dense`, `Conv1D`, `Conv2D` or `Conv3D`.
        power_iterations: int. Power-iteration steps per training call.
        **kwargs: passed to `keras.layers.Wrapper`.

    Example:

    ```python
    import numpy as np
    import keras
    from keras_vidgan.layers import SpectralNormalization

    dense = SpectralNormalization(keras.layers.Dense(4))
    print(dense(np.ones((2, 3), "float32"), training=True).shape)  # (2, 4)
    ```
    """

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if not isinstance(layer, (layers.Dense, layers.Conv1D, layers.Conv2D, layers.Conv3D)):
            raise ValueError(
                f"SpectralNormalization wraps Dense or ConvND layers, got {type(layer).__name__}."
            )
        self.power_iterations = power_iterations

    def build(self, input_shape):
        if not self.layer.built:
            self.layer.build(input_shape)
        filters = self.layer.kernel.shape[-1]
        self.vector_u = self.add_weight(
            shape=(1, filters),
            initializer=keras.initializers.RandomNormal(stddev=1.0, seed=0),
            trainable=False,
            aggregation="only_first_replica",
            name="vector_u",
        )
        self.built = True

    def normalized_kernel(self, training=False):
        """The kernel divided by its estimated spectral norm (updating the estimate in training)."""
        kernel = self.layer.kernel
        matrix = ops.reshape(kernel, (-1, kernel.shape[-1]))
        u = ops.convert_to_tensor(self.vector_u)
        for _ in range(self.power_iterations if training else 0):
            v = _l2_normalize(ops.matmul(u, ops.transpose(matrix)))
            u = _l2_normalize(ops.matmul(v, matrix))
        # The power-iteration vectors are constants to the gradient (the paper's algorithm 1).
        u = ops.stop_gradient(u)
        v = ops.stop_gradient(_l2_normalize(ops.matmul(u, ops.transpose(matrix))))
        sigma = ops.sum(ops.matmul(v, matrix) * u)
        if training:
            self.vector_u.assign(u)
        return kernel / sigma

    def call(self, inputs, training=False):
        layer = self.layer
        kernel = self.normalized_kernel(training)
        if isinstance(layer, layers.Dense):
            outputs = ops.matmul(inputs, kernel)
        else:
            outputs = ops.conv(
                inputs,
                kernel,
                strides=layer.strides,
                padding=layer.padding,
                data_format=layer.data_format,
                dilation_rate=layer.dilation_rate,
            )
        if layer.use_bias:
            outputs = outputs + layer.bias
        if layer.activation is not None:
            outputs = layer.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        return {**super().get_config(), "power_iterations": self.power_iterations}


def _l2_normalize(x):
    return x / ops.sqrt(ops.sum(ops.square(x)) + 1e-12)
