import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_vidgan")
class NearestUpsamplingKernel(keras.initializers.Initializer):
    """Initialises a transposed convolution as nearest-neighbour upsampling then a 3x3 convolution.

    "Sub-pixel convolution initialised to convolution NN resize" (ICNR;
    Aitken et al., 2017, "Checkerboard artifact free sub-pixel convolution").
    Nearest-neighbour upsampling by 2 followed by a `"same"` convolution with
    a size-3 kernel `w` is exactly a transposed convolution of stride 2 and
    size 4 whose kernel is `w` (flipped) convolved with the box `[1, 1]` along
    every doubled axis. This initializer draws `w` as Keras' default
    (Glorot-uniform) for that 3x3(x3) convolution and returns the size-4
    kernel, so the layer starts free of checkerboard artefacts (Odena et al.,
    2016) but costs what a transposed convolution costs: 8 multiply-adds per
    output and input channel in 3D instead of 27 for upsampling then
    convolving. Training may then move the four sub-pixel kernels apart.

    Axes with stride 1 are not upsampled; their kernel size is 3, or 1 for an
    axis the layer does not convolve along (time, in a per-frame decoder).

    Args:
        strides: tuple of 1s and 2s, one per spatial axis of the layer.
        seed: int or None. Seed of the drawn 3x3(x3) kernel.

    Example:

    ```python
    import numpy as np
    import keras
    from keras_vidgan.models.nearest_upsampling_kernel import NearestUpsamplingKernel

    up = keras.layers.Conv2DTranspose(
        1, 4, strides=2, padding="same", use_bias=False,
        kernel_initializer=NearestUpsamplingKernel((2, 2), seed=0),
    )
    image = np.arange(4, dtype="float32").reshape(1, 2, 2, 1)
    print(up(image).shape)  # (1, 4, 4, 1)
    ```
    """

    def __init__(self, strides, seed=None):
        self.strides = tuple(strides)
        self.seed = seed
        if any(stride not in (1, 2) for stride in self.strides):
            raise ValueError(f"`strides` must hold only 1s and 2s, got {self.strides}.")

    def __call__(self, shape, dtype=None):
        # Transposed convolution kernels are [k..., out, in].
        rank = len(self.strides)
        allowed = [(4,) if stride == 2 else (1, 3) for stride in self.strides]
        if len(shape) != rank + 2 or any(
            size not in sizes for size, sizes in zip(shape[:rank], allowed)
        ):
            expected = " x ".join("4" if stride == 2 else "1 or 3" for stride in self.strides)
            raise ValueError(
                f"A kernel of shape {tuple(shape)} cannot start as upsampling by "
                f"{self.strides}: expected {expected}, then (out, in)."
            )
        base = tuple(3 if stride == 2 else shape[axis] for axis, stride in enumerate(self.strides))
        kernel = keras.initializers.GlorotUniform(seed=self.seed)(base + tuple(shape[rank:]))
        for axis, stride in enumerate(self.strides):
            # A transposed convolution correlates with the kernel reversed.
            kernel = ops.flip(kernel, axis=axis)
            if stride == 2:
                before = [(0, 0)] * (rank + 2)
                after = [(0, 0)] * (rank + 2)
                before[axis] = (1, 0)
                after[axis] = (0, 1)
                kernel = ops.pad(kernel, before) + ops.pad(kernel, after)
        return ops.cast(kernel, dtype or "float32")

    def get_config(self):
        return {"strides": self.strides, "seed": self.seed}
