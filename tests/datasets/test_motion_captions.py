"""Captioned Moving MNIST: captions name the true digits and the axis a viewer sees them travel."""

import re

import numpy as np
import pytest

from keras_vidgan.datasets import moving_mnist
from keras_vidgan.datasets.motion_captions import MOTIONS, caption, motion_class
from keras_vidgan.datasets.moving_mnist import moving_mnist_caption, moving_mnist_clip


def _travel(clip):
    """Summed absolute vertical and horizontal steps of the ink's bounding box."""
    boxes = []
    for frame in clip[..., 0]:
        rows = np.nonzero(frame.max(axis=1) > 0)[0]
        columns = np.nonzero(frame.max(axis=0) > 0)[0]
        boxes.append((rows[0], columns[0]))
    steps = np.abs(np.diff(np.array(boxes, float), axis=0))
    return steps[:, 0].sum(), steps[:, 1].sum()


def test_captions_name_the_digit_and_the_axis_it_travels_along():
    seen = set()
    for index in range(60):
        clip, labels = moving_mnist_clip(index, frames=16, size=64, digits=1, seed=3)
        text = moving_mnist_caption(index, frames=16, size=64, digits=1, seed=3)
        digits = re.findall(r"\b\d\b", text)
        assert digits == [str(labels[0])], text
        motion = next(word for word in MOTIONS if word in text)
        seen.add(motion)
        vertical, horizontal = _travel(clip)
        # Measured from the pixels, independently of the velocity that drew them.
        if motion == "up and down":
            assert horizontal < 0.6 * vertical, (text, vertical, horizontal)
        elif motion == "left and right":
            assert vertical < 0.6 * horizontal, (text, vertical, horizontal)
        else:
            assert min(vertical, horizontal) > 0.3 * max(vertical, horizontal), (text,)
    assert seen == set(MOTIONS)


def test_two_digit_captions_name_both_digits():
    for index in range(20):
        _, labels = moving_mnist_clip(index, frames=8, size=32, digits=2, seed=1)
        text = moving_mnist_caption(index, frames=8, size=32, digits=2, seed=1)
        assert sorted(re.findall(r"\b\d\b", text)) == sorted(str(label) for label in labels)
        assert any(word in text for word in MOTIONS)


def test_captioned_dataset_holds_the_uncaptioned_clips_and_varies_phrasing():
    captioned = list(
        moving_mnist(num_clips=12, frames=8, size=32, digits=1, captions=True).as_numpy_iterator()
    )
    plain = list(moving_mnist(num_clips=12, frames=8, size=32, digits=1).as_numpy_iterator())
    for (clip, text), expected in zip(captioned, plain):
        np.testing.assert_array_equal(clip, expected)
        assert isinstance(text, bytes) and text.decode("utf-8")
    # Phrasings differ beyond the digit and motion words.
    templates = {re.sub(r"\d|" + "|".join(MOTIONS), "", text.decode()) for _, text in captioned}
    assert len(templates) >= 3
    # Deterministic and resumable like the clips.
    resumed = list(
        moving_mnist(
            num_clips=12, frames=8, size=32, digits=1, captions=True, first_clip=5
        ).as_numpy_iterator()
    )
    assert [text for _, text in resumed] == [text for _, text in captioned[5:]]


def test_motion_classes_split_the_circle_at_the_tolerance():
    assert motion_class((1.0, 0.0)) == 0 and motion_class((-1.0, 0.4)) == 0
    assert motion_class((0.0, -1.0)) == 1 and motion_class((0.4, 1.0)) == 1
    assert motion_class((0.7, 0.7)) == 2 and motion_class((-0.6, 0.8)) == 2


def test_caption_of_more_digits_lists_each():
    text = caption([1, 2, 3], [0, 1, 2], np.random.default_rng(0))
    assert text == "1 moves up and down and 2 moves left and right and 3 moves diagonally"


def test_labels_and_captions_together_are_refused():
    with pytest.raises(ValueError, match="not both"):
        moving_mnist(num_clips=2, with_labels=True, captions=True)
