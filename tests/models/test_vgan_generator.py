"""What is particular to VGAN; the checks of every model are in test_model_zoo.py."""

import keras
import numpy as np
import pytest

from keras_vidgan.models import VGANGenerator
from keras_vidgan.models.nearest_upsampling_kernel import NearestUpsamplingKernel


# The corners of the supported shapes, not all 18 combinations: the upsampling
# plan starts from one frame that doubles with space at every stage (8x32,
# 32x128), from several frames (32x32), or from one frame that stops doubling
# before space does (8x128).
@pytest.mark.parametrize(
    "frames,size,channels", [(8, 32, 1), (32, 128, 3), (32, 32, 1), (8, 128, 3)]
)
def test_output_shape_dtype_and_range(frames, size, channels):
    generator = VGANGenerator(latent_dim=8, frames=frames, size=size, channels=channels, width=2)
    noise = np.random.default_rng(0).normal(size=(2, 8)).astype("float32")
    videos = keras.ops.convert_to_numpy(generator(noise))
    assert videos.shape == (2, frames, size, size, channels)
    assert videos.dtype == np.float32
    assert videos.min() >= -1.0 and videos.max() <= 1.0


def test_output_is_mask_blend_of_moving_foreground_and_static_background():
    generator = VGANGenerator(latent_dim=8, frames=8, size=32, channels=1, width=2)
    noise = np.random.default_rng(2).normal(size=(2, 8)).astype("float32")
    probe = keras.Model(
        generator.input,
        [generator.get_layer(name).output for name in ("foreground", "mask", "background")],
    )
    foreground, mask, background = (keras.ops.convert_to_numpy(t) for t in probe(noise))
    assert foreground.shape == (2, 8, 32, 32, 1) and mask.shape == (2, 8, 32, 32, 1)
    assert background.shape == (2, 32, 32, 1)
    assert mask.min() >= 0.0 and mask.max() <= 1.0
    expected = mask * foreground + (1 - mask) * background[:, None]
    np.testing.assert_allclose(keras.ops.convert_to_numpy(generator(noise)), expected, atol=1e-6)


def test_regularized_call_returns_the_clips_and_the_mask_penalty():
    generator = VGANGenerator(latent_dim=8, frames=8, size=32, channels=1, width=2, mask_l1=0.5)
    noise = np.random.default_rng(3).normal(size=(2, 8)).astype("float32")
    videos, penalty = generator.regularized_call(noise)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(videos), generator(noise), atol=1e-6)
    mask = keras.ops.convert_to_numpy(generator.video_and_mask(noise)[1])
    assert float(penalty) == pytest.approx(0.5 * np.abs(mask).mean(), rel=1e-5)
    silent = VGANGenerator(latent_dim=8, frames=8, size=32, channels=1, width=2, mask_l1=0.0)
    assert float(silent.regularized_call(noise)[1]) == 0.0


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"frames": 12}, "`frames` must be one of"),
        ({"size": 48}, "`size` must be one of"),
        ({"channels": 2}, "`channels` must be one of"),
        ({"latent_dim": -3}, "`latent_dim` must be a positive integer"),
        ({"width": 0}, "`width` must be a positive integer"),
        ({"upsampling": "bicubic"}, "`upsampling` must be one of"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, message):
    arguments = {"latent_dim": 8, "frames": 8, "size": 32, "channels": 1, "width": 2, **kwargs}
    with pytest.raises(ValueError, match=message):
        VGANGenerator(**arguments)


@pytest.mark.parametrize(
    "strides, kernel",
    [((2, 2, 2), (4, 4, 4)), ((1, 2, 2), (3, 4, 4)), ((1, 2, 2), (1, 4, 4)), ((2, 2), (4, 4))],
)
def test_icnr_kernel_starts_as_nearest_upsampling_then_convolution(strides, kernel):
    rank = len(strides)
    # The convolution after upsampling: size 3, or 1 along an axis not convolved.
    convolved = tuple(3 if size == 4 else size for size in kernel)
    transpose = (keras.layers.Conv3DTranspose if rank == 3 else keras.layers.Conv2DTranspose)(
        5,
        kernel,
        strides=strides,
        padding="same",
        use_bias=False,
        kernel_initializer=NearestUpsamplingKernel(strides, seed=7),
    )
    clips = np.random.default_rng(0).normal(size=(2, 3, 4, 5, 6)[-rank - 2 :]).astype("float32")
    upsampled = transpose(clips)
    # The 3x3(x3) kernel the initializer drew, as a convolution's [k..., in, out].
    drawn = keras.initializers.GlorotUniform(seed=7)(convolved + (5, 6))
    convolution = (keras.layers.Conv3D if rank == 3 else keras.layers.Conv2D)(
        5, convolved, padding="same", use_bias=False
    )
    resize = (keras.layers.UpSampling3D if rank == 3 else keras.layers.UpSampling2D)(strides)
    resized = resize(clips)
    convolution.build(resized.shape)
    convolution.kernel.assign(np.swapaxes(keras.ops.convert_to_numpy(drawn), -1, -2))
    np.testing.assert_allclose(upsampled, convolution(resized), atol=1e-5)


def test_icnr_kernel_refuses_other_kernel_sizes():
    with pytest.raises(ValueError, match="cannot start as upsampling"):
        NearestUpsamplingKernel((2, 2))((3, 3, 1, 1))
    with pytest.raises(ValueError, match="cannot start as upsampling"):
        NearestUpsamplingKernel((1, 2))((2, 4, 1, 1))
    with pytest.raises(ValueError, match="only 1s and 2s"):
        NearestUpsamplingKernel((3, 2))
