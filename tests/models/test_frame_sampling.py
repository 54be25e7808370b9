"""Random frame picks: from the GAN's `(seed, step)` in training, from the sampler's seed otherwise.

MoCoGAN's image discriminator and DVD-GAN's spatial discriminator score a few
frames of each clip. The MirroredStrategy side (the same picks on one device
and on two replicas) is in `test_gan_mirrored_frame_picks.py`.
"""

import keras
import numpy as np
import pytest
from helpers.gan_fixtures import batches, moving_square_clips

from keras_vidgan.models import GAN, DualDiscriminator
from keras_vidgan.models.model_blocks import FrameSampler
from keras_vidgan.models.model_zoo import build_design

# Slow: started first. Eager: what is checked is the run, not its graph (tests/conftest.py).
pytestmark = [pytest.mark.slow, pytest.mark.eager_functions]


def _frame_numbers(count=64, frames=8):
    """Clips whose every pixel holds its frame number, so picked frames can be read back."""
    numbers = np.arange(frames, dtype="float32")[None, :, None, None, None]
    return np.broadcast_to(numbers, (count, frames, 2, 2, 1))


def _picked(sampler, clips):
    return keras.ops.convert_to_numpy(sampler(clips, training=True))[:, :, 0, 0, 0]


def test_sampler_outside_a_gan_step_follows_its_seed():
    clips = _frame_numbers()
    first, second = FrameSampler(3, seed=5), FrameSampler(3, seed=5)
    calls = [_picked(first, clips), _picked(first, clips)]
    np.testing.assert_array_equal(calls[0], _picked(second, clips))
    np.testing.assert_array_equal(calls[1], _picked(second, clips))
    # Each call draws anew, and every row holds distinct frames in temporal order.
    assert not np.array_equal(calls[0], calls[1])
    assert all(len(set(row)) == 3 and list(row) == sorted(row) for row in calls[0])
    assert not np.array_equal(calls[0], _picked(FrameSampler(3, seed=6), clips))
    restored = FrameSampler.from_config(first.get_config())
    assert (restored.k, restored.seed) == (3, 5)


def test_each_discriminator_call_of_a_step_has_its_own_stream():
    generator, discriminator = build_design("mocogan", frames=8, size=32, width=2)
    gan = GAN(generator, discriminator, seed=9)
    gan.compile(d_steps=2)
    sampler = FrameSampler(3)
    clips = _frame_numbers()
    streams = {}
    for offset in range(gan.d_steps + 1):
        for index in range(2):
            for kind in ("real", "generated", "interpolated", "real_r1"):
                with gan.frame_picks(offset, index, kind):
                    picks = _picked(sampler, clips)
                    # A second sampler in the same call picks apart from the first.
                    assert not np.array_equal(picks, _picked(sampler, clips))
                with gan.frame_picks(offset, index, kind):
                    np.testing.assert_array_equal(picks, _picked(sampler, clips))
                streams[offset, index, kind] = picks.tobytes()
    assert len(set(streams.values())) == len(streams) == 3 * 2 * 4
    with pytest.raises(ValueError, match="`clips` must be one of"):
        gan.frame_picks(0, 0, "fake")
    # The next step picks other frames.
    gan.optimizer.iterations.assign_add(1)
    with gan.frame_picks(0, 0, "real"):
        assert _picked(sampler, clips).tobytes() != streams[0, 0, "real"]


@pytest.mark.parametrize("design", ["mocogan", "dvdgan"])
def test_training_and_resuming_pick_the_same_frames(tmp_path, design):
    def build():
        generator, discriminator = build_design(design, frames=8, size=32, width=2, latent_dim=8)
        if design == "dvdgan":
            # The design's spatial branch sees 8 frames, all of an 8-frame clip: 4 of
            # them keep its picks random at half the cost of 16-frame clips.
            discriminator = DualDiscriminator(frames=8, size=32, width=2, frames_per_clip=4)
        gan = GAN(generator, discriminator, seed=31)
        gan.compile()
        return gan

    clips = moving_square_clips(8, seed=2)
    first_batch, second_batch = batches(clips[:4], 4), batches(clips[4:], 4)
    uninterrupted, again = build(), build()
    again.set_weights(uninterrupted.get_weights())
    path = str(tmp_path / "gan.keras")
    for step, data in enumerate((first_batch, second_batch)):
        uninterrupted.fit(data, epochs=1, verbose=0, shuffle=False)
        again.fit(data, epochs=1, verbose=0, shuffle=False)
        if step == 0:
            uninterrupted.save(path)
    resumed = keras.saving.load_model(path)
    resumed.fit(second_batch, epochs=1, verbose=0, shuffle=False)
    assert int(resumed.optimizer.iterations) == 2
    # Other frames would move the discriminators' weights by about a whole step.
    for run in (again, resumed):
        for expected, actual in zip(uninterrupted.get_weights(), run.get_weights()):
            np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-6)
