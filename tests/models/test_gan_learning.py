"""Training must learn, not just run: generated clips move toward the real ones."""

import keras
import numpy as np
import pytest
from helpers.gan_fixtures import batches, moving_square_clips, tiny_gan

pytestmark = pytest.mark.slow  # half a minute: started first (tests/conftest.py)


def _mean_intensity(clips):
    return float(np.mean(clips))


def _horizontal_motion(clips):
    """Mean shift of the brightness-weighted column from one frame to the next, in pixels."""
    weights = np.clip(clips[..., 0] + 1.0, 0, None).sum(axis=2)  # [N, T, W]
    columns = np.arange(weights.shape[-1])
    centre = (weights * columns).sum(-1) / np.maximum(weights.sum(-1), 1e-6)
    return float(np.mean(np.diff(centre, axis=1)))


def test_short_training_moves_statistics_toward_the_data():
    # Half a minute on two cores: 350 steps of a tiny GAN on one square moving
    # right by 2 pixels a frame. Untrained, clips are mid-grey and still. After 350
    # steps the gaps were 2% (intensity) and 37% (motion) of the untrained ones.
    real = moving_square_clips(512, seed=0, speed=2)
    # Width 16: the coarse stages width 8 had before VGAN dropped its extra
    # full-resolution stage (its cost now is the paper's).
    # Initial weights seeded too: from an unlucky draw 350 steps closed too little of the motion
    # gap (CI failed once with 1.81 of 2.00 left, threshold 1.50).
    keras.utils.set_random_seed(3)
    gan = tiny_gan(seed=3, width=16)
    before = gan.generate(64, seed=9)
    gan.fit(batches(real, 16).repeat(), steps_per_epoch=350, epochs=1, verbose=0, shuffle=False)
    after = gan.generate(64, seed=9)

    real_intensity = _mean_intensity(real)
    gap_before = abs(_mean_intensity(before) - real_intensity)
    gap_after = abs(_mean_intensity(after) - real_intensity)
    assert gap_after < 0.5 * gap_before, (gap_before, gap_after)

    real_motion = _horizontal_motion(real)
    motion_gap_before = abs(_horizontal_motion(before) - real_motion)
    motion_gap_after = abs(_horizontal_motion(after) - real_motion)
    assert motion_gap_after < 0.75 * motion_gap_before, (
        real_motion,
        _horizontal_motion(before),
        _horizontal_motion(after),
    )
