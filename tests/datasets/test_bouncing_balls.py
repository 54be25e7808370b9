import numpy as np
from scipy import ndimage

from keras_vidgan.datasets import bouncing_balls
from keras_vidgan.datasets.bouncing_balls import BOX_SIZE, RADIUS, bouncing_balls_clip


def test_clips_shape_range_and_determinism():
    first = list(bouncing_balls(num_clips=2, frames=6, size=30, seed=3).as_numpy_iterator())
    assert first[0].shape == (6, 30, 30, 1) and first[0].dtype == np.float32
    assert first[0].min() >= -1.0 and first[0].max() <= 1.0
    again = list(bouncing_balls(num_clips=2, frames=6, size=30, seed=3).as_numpy_iterator())
    np.testing.assert_array_equal(first[0], again[0])
    assert not np.array_equal(first[0], first[1])


def test_three_separate_balls_that_move():
    clip, _ = bouncing_balls_clip(0, frames=30, size=60, balls=3, seed=0)
    _, count = ndimage.label(clip[0, ..., 0] > 0.5)
    assert count == 3
    # Total speed 0.5 box units per half-step pair spread over balls: something moves every frame.
    differences = np.abs(np.diff(clip[..., 0], axis=0)).sum(axis=(1, 2))
    assert np.all(differences > 0)


def test_ball_profile_matches_the_protocol():
    clip, _ = bouncing_balls_clip(4, frames=1, size=100, balls=1, seed=0)
    frame = clip[0, ..., 0]
    centre = np.unravel_index(np.argmax(frame), frame.shape)
    assert frame[centre] > 0.99
    # exp(-(d^2/r^2)^4) is 1/e at d = r: 1.2 box units = 12 pixels here.
    pixels_per_unit = 100 / BOX_SIZE
    row = frame[centre[0]]
    radius_pixel = centre[1] + int(round(RADIUS * pixels_per_unit))
    if radius_pixel < 100:
        assert abs(row[radius_pixel] - np.exp(-1)) < 0.15
