"""The NumPy and graph versions of `ClipSampler` choose the same frames."""

import numpy as np
import pytest
import tensorflow as tf

from keras_vidgan.data import ClipSampler


def timestamps_of(count, rng, variable):
    if variable:
        return np.concatenate([[0], np.cumsum(rng.integers(5_000, 90_000, count - 1))])
    return np.round(np.arange(count) * 1e6 / 30).astype(np.int64)


@pytest.mark.parametrize("policy", ["skip", "loop", "pad"])
@pytest.mark.parametrize("fps", [None, 7.0, 24.0])
def test_graph_and_numpy_agree(policy, fps):
    rng = np.random.default_rng(0)
    sampler = ClipSampler(frames=6, stride=2, fps=fps, short_policy=policy)
    for trial in range(30):
        times = timestamps_of(int(rng.integers(1, 40)), rng, variable=trial % 2 == 1)
        long_enough = sampler.is_long_enough(times)
        assert bool(sampler.tf_is_long_enough(tf.constant(times))) == long_enough
        if policy == "skip" and not long_enough:
            continue
        for clips, clip_index, random_value in [(1, 0, None), (3, 2, None), (1, 0, -123456789)]:
            expected = sampler.clip_indices(times, clip_index, clips, random_value)
            got = sampler.tf_clip_indices(tf.constant(times), clip_index, clips,
                                          None if random_value is None else tf.constant(
                                              random_value, tf.int64))
            np.testing.assert_array_equal(got.numpy(), expected)
            assert expected.min() >= 0 and expected.max() < len(times)


def test_evenly_spaced_evaluation_starts():
    sampler = ClipSampler(frames=4, stride=1)
    times = np.arange(20) * 40_000
    assert [sampler.start(times, k, 3) for k in range(3)] == [0, 8, 16]
    assert sampler.start(times, 0, 1) == 0
    assert sampler.describe() == "4 frames"
    assert ClipSampler(4, fps=8).describe() == "4 frames at 8 fps (0.38 s)"


def test_invalid_arguments():
    with pytest.raises(ValueError, match="short_policy"):
        ClipSampler(4, short_policy="wrap")
    with pytest.raises(ValueError, match="fps"):
        ClipSampler(4, fps=0)


def test_too_short_says_what_one_clip_needs_and_what_to_change():
    assert ClipSampler(frames=16).too_short(1, 0) == (
        "1 frame (0.00 s); one clip needs 16 frames: lower --frames, or loop or pad short "
        "videos (--short-policy)"
    )
    assert ClipSampler(frames=8, stride=3).too_short(12, 1_100_000).startswith(
        "12 frames (1.10 s); one clip needs 8 frames at stride 3 (22 source frames): lower "
        "--frames or the stride, or"
    )
    assert ClipSampler(frames=8, fps=4).too_short(30, 1_000_000).startswith(
        "30 frames (1.00 s); one clip needs 8 frames at 4 fps (1.75 s): lower --frames or raise "
        "--fps, or"
    )
