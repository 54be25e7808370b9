"""What is particular to VideoDiscriminator; the checks of every model are in test_model_zoo.py."""

import keras
import numpy as np
import pytest

from keras_vidgan.models import VideoDiscriminator


# The corners of the supported shapes, not all 18 combinations: time halves at
# every stage down to one frame (8x32, 32x128), stops halving at one frame
# before space does (8x128), or keeps several frames (32x32).
@pytest.mark.parametrize(
    "frames,size,channels", [(8, 32, 1), (32, 128, 3), (8, 128, 1), (32, 32, 3)]
)
def test_one_float32_logit_per_clip(frames, size, channels):
    discriminator = VideoDiscriminator(frames=frames, size=size, channels=channels, width=2)
    clips = np.random.default_rng(0).uniform(-1, 1, size=(2, frames, size, size, channels))
    logits = keras.ops.convert_to_numpy(discriminator(clips.astype("float32")))
    assert logits.shape == (2, 1)
    assert logits.dtype == np.float32
    assert np.all(np.isfinite(logits))


def test_rejects_wrong_clip_shape():
    discriminator = VideoDiscriminator(frames=8, size=32, channels=1, width=2)
    with pytest.raises(ValueError):
        discriminator(np.zeros((1, 8, 64, 64, 1), "float32"))


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="`size` must be one of"):
        VideoDiscriminator(frames=8, size=100, channels=1)
