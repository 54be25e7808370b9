"""Bouncing balls, generated offline with the protocol of Sutskever et al. (2008)."""

import numpy as np

from keras_vidgan.datasets.moving_mnist import _check_common, _check_first_clip
from keras_vidgan.datasets.video_dataset import clips_dataset

BOX_SIZE = 10.0
RADIUS = 1.2
TOTAL_SPEED = 0.5


def bouncing_balls_clip(index, frames=16, size=32, balls=3, seed=0):
    """One clip as float32 `[frames, size, size, 1]` in [0, 1].

    Equal-mass balls of radius 1.2 move in a box of side 10; their speeds are
    normalised so that the total speed is 0.5; starting positions do not
    overlap. Each frame is two half-steps of motion, wall bounces and elastic
    collisions. A pixel's intensity is `exp(-(d^2 / r^2)^4)` summed over balls
    and clipped to 1, where `d` is its distance to a ball's centre. The paper
    used 3 balls at 30x30 for 100 frames.
    """
    rng = np.random.default_rng([seed, 7, int(index)])
    positions = _non_overlapping_positions(rng, balls)
    velocities = rng.normal(size=(balls, 2))
    velocities *= TOTAL_SPEED / np.sqrt((velocities**2).sum())
    coordinates = (np.arange(size) + 0.5) * (BOX_SIZE / size)
    grid_y, grid_x = np.meshgrid(coordinates, coordinates, indexing="ij")
    clip = np.zeros((frames, size, size), np.float32)
    for frame in range(frames):
        for _ in range(2):
            positions, velocities = _half_step(positions, velocities)
        for y, x in positions:
            distance_squared = (grid_y - y) ** 2 + (grid_x - x) ** 2
            clip[frame] += np.exp(-((distance_squared / RADIUS**2) ** 4))
    return np.minimum(clip, 1.0)[..., None], np.zeros((0,), np.int32)


def _non_overlapping_positions(rng, balls):
    for _ in range(10000):
        positions = rng.uniform(RADIUS, BOX_SIZE - RADIUS, size=(balls, 2))
        gaps = np.linalg.norm(positions[:, None] - positions[None], axis=-1)
        if balls == 1 or gaps[np.triu_indices(balls, 1)].min() > 2 * RADIUS:
            return positions
    raise ValueError(f"Cannot place {balls} balls of radius {RADIUS} in a box of side {BOX_SIZE}.")


def _half_step(positions, velocities):
    positions = positions + 0.5 * velocities
    for axis in range(2):
        low = positions[:, axis] < RADIUS
        high = positions[:, axis] > BOX_SIZE - RADIUS
        velocities[low, axis] = np.abs(velocities[low, axis])
        velocities[high, axis] = -np.abs(velocities[high, axis])
    count = len(positions)
    for i in range(count):
        for j in range(i + 1, count):
            offset = positions[i] - positions[j]
            distance = np.linalg.norm(offset)
            if 0 < distance < 2 * RADIUS:
                normal = offset / distance
                approach = np.dot(velocities[i] - velocities[j], normal)
                if approach < 0:
                    # Equal masses: exchange the velocity components along the normal.
                    velocities[i] -= approach * normal
                    velocities[j] += approach * normal
    return positions, velocities


def bouncing_balls(num_clips=10000, frames=16, size=32, balls=3, seed=0, first_clip=0):
    """Bouncing-balls clips as a `tf.data.Dataset` of float32 `[frames, size, size, 1]` in [-1, 1].

    Deterministic for a seed; generated on the fly, in parallel.

    Example:

    ```python
    import keras_vidgan

    clips = keras_vidgan.datasets.bouncing_balls(num_clips=4, frames=8, size=32)
    print(next(iter(clips)).shape)  # (8, 32, 32, 1)
    ```
    """
    _check_common(num_clips, frames, size)
    if not isinstance(balls, int) or balls < 1:
        raise ValueError(f"`balls` must be a positive integer, got {balls!r}.")
    _non_overlapping_positions(np.random.default_rng(0), balls)

    def make(index):
        return bouncing_balls_clip(index, frames, size, balls, seed)

    return clips_dataset(
        make,
        num_clips,
        clip_shape=(frames, size, size, 1),
        label_shape=(0,),
        with_labels=False,
        first_clip=_check_first_clip(first_clip, num_clips),
    )
