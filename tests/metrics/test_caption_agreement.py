"""Caption agreement: real clips agree with their captions, shuffled captions give chance."""

import numpy as np
import pytest

from keras_vidgan.datasets import moving_mnist
from keras_vidgan.metrics.caption_agreement import (
    CaptionAgreement,
    chance_captions,
    parse_caption,
    read_direction,
)


@pytest.fixture(scope="module")
def captioned_test_clips():
    pairs = moving_mnist(
        num_clips=96, frames=16, size=32, digits=1, split="test", seed=4, captions=True
    )
    clips, captions = zip(*pairs.as_numpy_iterator())
    return np.stack(clips), list(captions)


def test_real_clips_agree_with_their_captions_and_shuffled_ones_do_not(captioned_test_clips):
    clips, captions = captioned_test_clips
    agreement = CaptionAgreement()
    real = agreement.evaluate(clips, captions)
    assert real.digit_accuracy > 0.9 and real.direction_accuracy > 0.9, real
    chance = agreement.evaluate(clips, chance_captions(captions, seed=1))
    assert chance.digit_accuracy < 0.25 and chance.direction_accuracy < 0.55, chance
    assert real.both_accuracy <= min(real.digit_accuracy, real.direction_accuracy)


def test_direction_follows_the_pixels_not_the_caption(captioned_test_clips):
    clips, captions = captioned_test_clips
    directions = read_direction(clips)
    # Turning a clip by 90 degrees swaps up-and-down with left-and-right.
    turned = read_direction(np.rot90(clips, axes=(2, 3)))
    swapped = {0: 1, 1: 0, 2: 2, -1: -1}
    agree = np.mean([swapped[a] == b for a, b in zip(directions, turned)])
    assert agree > 0.95
    # Frames in reverse order travel the same axis.
    np.testing.assert_array_equal(read_direction(clips[:, ::-1]), directions)


def test_still_blank_and_noise_clips_have_no_direction(captioned_test_clips):
    clips, _ = captioned_test_clips
    rng = np.random.default_rng(0)
    still = np.repeat(clips[:8, :1], 16, axis=1)
    flicker = np.clip(still + rng.normal(0, 0.3, still.shape), -1, 1).astype("float32")
    noise = rng.uniform(-1, 1, (8, 16, 32, 32, 1)).astype("float32")
    blank = -np.ones((2, 16, 32, 32, 1), "float32")
    for garbage in (still, flicker, noise, blank):
        assert np.all(read_direction(garbage) == -1)


def test_noise_reads_no_digit():
    noise = np.random.default_rng(0).uniform(-1, 1, (8, 16, 32, 32, 1)).astype("float32")
    assert np.all(CaptionAgreement().read_digits(noise) == -1)


def test_captions_are_parsed_or_refused():
    assert parse_caption("the digit 7 moves up and down") == (7, 0)
    assert parse_caption(b"digit 3 bouncing diagonally") == (3, 2)
    with pytest.raises(ValueError, match="one digit and one motion"):
        parse_caption("4 and 9 are moving left and right")
    with pytest.raises(ValueError, match="one digit and one motion"):
        parse_caption("the digit 7 dances")


def test_clips_and_captions_must_pair_up(captioned_test_clips):
    clips, captions = captioned_test_clips
    with pytest.raises(ValueError, match="one caption per clip"):
        CaptionAgreement().evaluate(clips[:3], captions[:2])
