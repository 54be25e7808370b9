"""Moving MNIST, generated offline the way its authors generate it."""

import functools

import numpy as np
import tensorflow as tf

from keras_vidgan.datasets.mnist_digits import mnist_digits
from keras_vidgan.datasets.motion_captions import caption, caption_rng, motion_class
from keras_vidgan.datasets.video_dataset import clips_dataset

DIGIT_SIZE = 28
REFERENCE_SIZE = 64
STEP_LENGTH = 0.1


def moving_mnist_clip(index, frames=16, size=64, digits=2, split="train", seed=0):
    """One Moving MNIST clip as float32 `[frames, size, size, 1]` in [0, 1], and its labels.

    Follows Srivastava et al. (2015), `data_handler.py` of their release: each
    digit starts at a uniform position in the unit square with a uniform
    direction and speed 0.1; each frame moves it, then per axis clamps to
    [0, 1] and reverses that velocity component on contact; it is drawn at
    `int((size - digit_size) * position)`; digits combine by pixel-wise max.
    At `size=64` digits are the 28x28 originals; other sizes scale digit and
    canvas together so that clips look alike at every resolution.

    The clip depends only on `(seed, split, index)`.
    """
    clip, labels, _ = _render_clip(index, frames, size, digits, split, seed)
    return clip, labels


def moving_mnist_caption(index, frames=16, size=64, digits=2, split="train", seed=0):
    """The caption of clip `index`: its digits and the axis each travels along.

    For example "the digit 7 moves up and down" or "4 and 9 are moving
    diagonally"; see `keras_vidgan.datasets.motion_captions`. The phrasing is
    drawn from its own stream of `(seed, split, index)`, so captioned and
    uncaptioned datasets hold the same clips.
    """
    _, labels, motions = _render_clip(index, frames, size, digits, split, seed)
    return caption(labels.tolist(), motions, caption_rng(seed, SPLIT_CODES[split], index))


SPLIT_CODES = {"train": 0, "test": 1, "all": 2}


def _render_clip(index, frames, size, digits, split, seed):
    """The clip in [0, 1], its digits' classes and each digit's motion class."""
    images, labels = _scaled_digits(split, digit_size_for(size))
    rng = np.random.default_rng([seed, SPLIT_CODES[split], int(index)])
    chosen = rng.integers(0, len(images), size=digits)
    clip, motions = _move_digits(images[chosen], frames, size, rng)
    return clip, labels[chosen].astype(np.int32), motions


def digit_size_for(size):
    """The side of a digit on a canvas of `size`: 28 at 64, scaled with the canvas."""
    return max(4, round(DIGIT_SIZE * size / REFERENCE_SIZE))


def render_moving_digits(digits, frames, size, rng):
    """Moves the given digit images over a canvas as `moving_mnist_clip` does.

    Args:
        digits: float32 `[D, d, d]` in [0, 1], already at `digit_size_for(size)`.
        frames: int. Frames to render.
        size: int. Height and width of the canvas.
        rng: a `numpy.random.Generator`; each digit draws its start and direction.

    Returns:
        float32 `[frames, size, size, 1]` in [0, 1].
    """
    return _move_digits(digits, frames, size, rng)[0]


def _move_digits(digits, frames, size, rng):
    """`render_moving_digits`, and the motion class of each digit (see `motion_captions`)."""
    digit_size = digits.shape[-1]
    travel = size - digit_size
    canvas = np.zeros((frames, size, size), np.float32)
    motions = []
    for digit in digits:
        position = rng.uniform(size=2)
        theta = rng.uniform() * 2 * np.pi
        velocity = np.array([np.sin(theta), np.cos(theta)]) * STEP_LENGTH
        motions.append(motion_class(velocity))
        for frame in range(frames):
            position = position + velocity
            for axis in range(2):
                if position[axis] <= 0:
                    position[axis] = 0.0
                    velocity[axis] = -velocity[axis]
                if position[axis] >= 1:
                    position[axis] = 1.0
                    velocity[axis] = -velocity[axis]
            top, left = int(travel * position[0]), int(travel * position[1])
            window = canvas[frame, top : top + digit_size, left : left + digit_size]
            np.maximum(window, digit, out=window)
    return canvas[..., None], motions


@functools.lru_cache(maxsize=8)
def _scaled_digits(split, digit_size):
    """Digits as float32 in [0, 1], resized (with antialiasing) to `digit_size`."""
    images, labels = mnist_digits(split)
    return scale_digits(images, digit_size), labels


def scale_digits(images, digit_size):
    """uint8 `[N, 28, 28]` digits as float32 in [0, 1], resized with antialiasing."""
    images = images.astype(np.float32) / 255.0
    if digit_size != DIGIT_SIZE:
        resized = tf.image.resize(images[..., None], (digit_size, digit_size), antialias=True)
        images = np.clip(resized.numpy()[..., 0], 0.0, 1.0)
    return images


def moving_mnist(
    num_clips=10000,
    frames=16,
    size=64,
    digits=2,
    split="train",
    seed=0,
    with_labels=False,
    captions=False,
    first_clip=0,
):
    """Moving MNIST clips of real MNIST digits as a `tf.data.Dataset`.

    Clips are generated on the fly (in parallel, in a fixed order), so the
    dataset costs no memory and no download, and is identical for a seed.

    Args:
        num_clips: int. Clips in one pass over the dataset.
        frames: int. Frames per clip (the original release has 20).
        size: int. Height and width (the original is 64).
        digits: int. Digits per clip (the original has 2).
        split: `"train"` draws from 4,000 digits, `"test"` from 1,000 others.
        seed: int. Different seeds give different clips.
        with_labels: bool. Also yield the classes of the digits, int32
            `[digits]`.
        captions: bool. Also yield a caption, a tf.string scalar naming
            the digits and the axis each travels along ("the digit 7 moves
            up and down"), in several phrasings; see `moving_mnist_caption`.
            The clips are those of the uncaptioned dataset.
        first_clip: int. Start the pass at this clip (a resumed run starts
            where it stopped); the dataset then holds `num_clips - first_clip`
            clips, each the same as in a pass from 0.

    Returns:
        A dataset of float32 clips `[frames, size, size, 1]` in [-1, 1], or
        of `(clip, labels)` or `(clip, caption)` pairs.

    Example:

    ```python
    import keras_vidgan

    clips = keras_vidgan.datasets.moving_mnist(num_clips=4, frames=8, size=32)
    print(next(iter(clips)).shape)  # (8, 32, 32, 1)

    captioned = keras_vidgan.datasets.moving_mnist(num_clips=4, digits=1, captions=True)
    clip, caption = next(iter(captioned))
    print(caption.numpy().decode())  # 8 is moving left and right
    ```
    """
    _check_common(num_clips, frames, size)
    if not isinstance(digits, int) or digits < 1:
        raise ValueError(f"`digits` must be a positive integer, got {digits!r}.")
    if with_labels and captions:
        raise ValueError(
            "Pass `with_labels=True` or `captions=True`, not both: a caption names the digits."
        )
    # Fail now, not inside tf.data, on a bad split or a missing package; warm the cache.
    _scaled_digits(split, digit_size_for(size))

    def make(index):
        clip, labels, motions = _render_clip(index, frames, size, digits, split, seed)
        if captions:
            rng = caption_rng(seed, SPLIT_CODES[split], index)
            return clip, caption(labels.tolist(), motions, rng)
        return clip, labels

    return clips_dataset(
        make,
        num_clips,
        clip_shape=(frames, size, size, 1),
        label_shape=() if captions else (digits,),
        with_labels=with_labels or captions,
        first_clip=_check_first_clip(first_clip, num_clips),
        label_dtype=tf.string if captions else tf.int32,
    )


def _check_first_clip(first_clip, num_clips):
    if isinstance(first_clip, bool) or not isinstance(first_clip, int) or not (
        0 <= first_clip < num_clips
    ):
        raise ValueError(
            f"`first_clip` must be an integer in [0, {num_clips}), got {first_clip!r}."
        )
    return first_clip


def _check_common(num_clips, frames, size):
    for name, value in (("num_clips", num_clips), ("frames", frames), ("size", size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"`{name}` must be a positive integer, got {value!r}.")
