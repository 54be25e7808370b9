import itertools

import keras
import numpy as np
import pytest

from keras_vidgan.models import VideoDiscriminator


@pytest.mark.parametrize(
    "frames,size,channels", list(itertools.product((8, 16, 32), (32, 64, 128), (1, 3)))
)
def test_one_float32_logit_per_clip(frames, size, channels):
    discriminator = VideoDiscriminator(frames=frames, size=size, channels=channels, width=2)
    clips = np.random.default_rng(0).uniform(-1, 1, size=(2, frames, size, size, channels))
    logits = keras.ops.convert_to_numpy(discriminator(clips.astype("float32")))
    assert logits.shape == (2, 1)
    assert logits.dtype == np.float32
    assert np.all(np.isfinite(logits))


def test_config_round_trip_gives_identical_outputs():
    discriminator = VideoDiscriminator(frames=16, size=32, channels=3, width=4)
    clone = VideoDiscriminator.from_config(discriminator.get_config())
    clone.set_weights(discriminator.get_weights())
    assert clone.get_config() == discriminator.get_config()
    clips = np.random.default_rng(1).uniform(-1, 1, size=(2, 16, 32, 32, 3)).astype("float32")
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(discriminator(clips)),
        keras.ops.convert_to_numpy(clone(clips)),
    )


def test_rejects_wrong_clip_shape():
    discriminator = VideoDiscriminator(frames=8, size=32, channels=1, width=2)
    with pytest.raises(ValueError):
        discriminator(np.zeros((1, 8, 64, 64, 1), "float32"))


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="`size` must be one of"):
        VideoDiscriminator(frames=8, size=100, channels=1)
