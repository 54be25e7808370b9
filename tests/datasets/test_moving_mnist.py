import numpy as np
import pytest

from keras_vidgan.datasets import mnist_digits, moving_mnist
from keras_vidgan.datasets.moving_mnist import moving_mnist_clip


def test_real_digits_split_by_class():
    train_images, train_labels = mnist_digits("train")
    test_images, test_labels = mnist_digits("test")
    assert train_images.shape == (4000, 28, 28) and test_images.shape == (1000, 28, 28)
    assert train_images.dtype == np.uint8
    assert np.bincount(train_labels).tolist() == [400] * 10
    assert np.bincount(test_labels).tolist() == [100] * 10
    # Real handwriting: ink covers a fraction of the square, and the splits share no digit.
    assert 0.1 < (train_images > 128).mean() < 0.3
    train_keys = {image.tobytes() for image in train_images}
    assert not any(image.tobytes() in train_keys for image in test_images)


def test_clips_shape_range_labels_and_determinism():
    dataset = moving_mnist(num_clips=3, frames=10, size=64, digits=2, seed=5, with_labels=True)
    elements = list(dataset.as_numpy_iterator())
    assert len(elements) == 3
    clip, labels = elements[0]
    assert clip.shape == (10, 64, 64, 1) and clip.dtype == np.float32
    assert clip.min() == -1.0 and clip.max() <= 1.0 and clip.max() > 0.9
    assert labels.shape == (2,) and labels.dtype == np.int32 and labels.max() < 10
    again = list(
        moving_mnist(num_clips=3, frames=10, size=64, digits=2, seed=5).as_numpy_iterator()
    )
    np.testing.assert_array_equal(again[0], clip)
    other = next(
        moving_mnist(num_clips=1, frames=10, size=64, digits=2, seed=6).as_numpy_iterator()
    )
    assert not np.array_equal(other, clip)


def test_digit_moves_with_the_authors_speed_and_bounces():
    """One digit at 64x64 travels 0.1 of a 36-pixel range (3.6 px) per frame."""
    reversals = 0
    for index in range(5):
        clip, _ = moving_mnist_clip(index, frames=20, size=64, digits=1, seed=0)
        frames = clip[..., 0]
        # The digit's bounding box moves with its drawing position int(36 * p).
        positions = []
        for frame in frames:
            rows, columns = np.nonzero(frame.max(axis=1) > 0), np.nonzero(frame.max(axis=0) > 0)
            positions.append((rows[0][0], columns[0][0]))
        steps = np.abs(np.diff(np.array(positions, float), axis=0))
        speed = np.sqrt((steps**2).sum(axis=1))
        # Away from walls a step is 3.6 px (truncation makes each axis move 0..4 px).
        assert 2.0 < np.median(speed) < 5.0
        signs = np.sign(np.diff(np.array(positions, float), axis=0))
        reversals += int(np.sum(signs[1:] * signs[:-1] < 0))
    # 20 frames at 3.6 px cross the 36-pixel range twice: walls reverse the motion.
    assert reversals >= 3


def test_digits_combine_by_maximum_and_scale_with_size():
    clip, _ = moving_mnist_clip(0, frames=4, size=32, digits=3, seed=1)
    assert clip.shape == (4, 32, 32, 1)
    assert clip.max() <= 1.0 and clip.min() >= 0.0


@pytest.mark.parametrize("kwargs", [{"frames": 0}, {"size": -1}, {"digits": 0}, {"split": "dev"}])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        moving_mnist(num_clips=2, **kwargs)
