"""Trains the `DigitClassifier` that the legibility metric ships with, and checks it.

The classifier learns from frames drawn the way Moving MNIST draws them, from
the **training** split of the digits only (the test split stays unseen, so
real test clips give an honest ceiling). The last 40 training digits of each
class are held out of training to calibrate and check the thresholds.

Regenerate the shipped weights (a few minutes on a CPU) with

    python -m keras_vidgan.metrics.digit_classifier_training

which trains, writes `keras_vidgan/metrics/weights/digit_classifier_v1.npz`
and prints the figures on the held-out training digits.
"""

import argparse
import concurrent.futures
import functools
import time

import keras
import numpy as np

from keras_vidgan.datasets.mnist_digits import mnist_digits
from keras_vidgan.datasets.moving_mnist import digit_size_for, render_moving_digits, scale_digits
from keras_vidgan.metrics.digit_classifier import (
    FRAME_SIZE,
    NUM_CLASSES,
    WEIGHTS_FILE,
    DigitClassifier,
    save_digit_classifier,
)

CALIBRATION_PER_CLASS = 40
# The canvases training frames are drawn on before they are read at FRAME_SIZE: the
# default run's 32 and the standard 64 (whose frames are averaged down 2x2).
_RENDER_SIZES = (32, 64)
_NEGATIVE_SHARE = 0.3


@functools.lru_cache(maxsize=2)
def _split_digits(part):
    if part not in ("fit", "calibration"):
        raise ValueError(f"`part` must be 'fit' or 'calibration', got {part!r}.")
    images, labels = mnist_digits("train")
    rank = np.zeros(len(labels), np.int64)
    for digit in range(NUM_CLASSES):
        members = np.flatnonzero(labels == digit)
        rank[members] = np.arange(len(members))
    class_sizes = np.bincount(labels, minlength=NUM_CLASSES)[labels]
    held_out = rank >= class_sizes - CALIBRATION_PER_CLASS
    keep = held_out if part == "calibration" else ~held_out
    return images[keep], labels[keep].astype(np.int32)


@functools.lru_cache(maxsize=8)
def classifier_digits(part="fit", size=32):
    """The training-split digits for one use, scaled as Moving MNIST scales them for `size`.

    Args:
        part: `"fit"` (3,600 digits the classifier learns from) or
            `"calibration"` (400 held out to check it, 40 per class).
        size: int. The canvas size the digits are drawn on.

    Returns:
        `(digits, labels)`: float32 `[N, d, d]` in [0, 1] and int32 `[N]`.
    """
    images, labels = _split_digits(part)
    return scale_digits(images, digit_size_for(size)), labels


def training_frames(num_frames, rng, part="fit"):
    """Labelled frames to train (or check) the classifier on.

    70% show one or two digits at random places, drawn as Moving MNIST draws
    them on a 32 or 64 canvas (the latter averaged down to 32), some dimmed,
    slightly blurred or noisy. 30% show no digit: blank or grey frames,
    noise (plain and smoothed), random pen scribbles (often blurred), stripes
    and checkerboards, digits blurred into blobs, and digits with most of
    their height cut away.

    Args:
        num_frames: int.
        rng: a `numpy.random.Generator`.
        part: which digits to draw, `"fit"` or `"calibration"`.

    Returns:
        `(frames, presence, count)`: float32 `[N, 32, 32, 1]` in [0, 1],
        float32 multi-hot `[N, 10]` and int32 `[N]` (0, 1 or 2 digits).
    """
    digits = {size: classifier_digits(part, size)[0] for size in _RENDER_SIZES}
    labels = classifier_digits(part)[1]
    frames = np.zeros((num_frames, FRAME_SIZE, FRAME_SIZE), np.float32)
    presence = np.zeros((num_frames, NUM_CLASSES), np.float32)
    count = np.zeros(num_frames, np.int32)
    negative = rng.uniform(size=num_frames) < _NEGATIVE_SHARE
    for index in range(num_frames):
        if negative[index]:
            frames[index] = _negative_frame(rng, digits, labels)
            continue
        count[index] = rng.integers(1, 3)
        frame, classes = _digit_frame(rng, digits, labels, count[index])
        presence[index, classes] = 1.0
        frames[index] = _roughen(rng, frame)
    return frames[..., None], presence, count


def _digit_frame(rng, digits, labels, how_many):
    """Digits at random places on a canvas as Moving MNIST draws them, read at 32x32."""
    size = _RENDER_SIZES[rng.integers(len(_RENDER_SIZES))]
    chosen = rng.integers(0, len(labels), size=how_many)
    images = digits[size][chosen]
    travel = size - images.shape[-1]
    canvas = np.zeros((size, size), np.float32)
    for image in images:
        # Clips dwell at the walls (they bounce there), so positions clamp at both ends.
        top, left = (travel * np.clip(rng.uniform(-0.1, 1.1, size=2), 0, 1)).astype(int)
        window = canvas[top : top + image.shape[0], left : left + image.shape[1]]
        np.maximum(window, image, out=window)
    return _to_frame_size(canvas), labels[chosen]


def _to_frame_size(canvas):
    factor = canvas.shape[0] // FRAME_SIZE
    if factor == 1:
        return canvas
    return canvas.reshape(FRAME_SIZE, factor, FRAME_SIZE, factor).mean(axis=(1, 3))


def _roughen(rng, frame):
    """What a fair generator's digits may look like: dimmer, softer, a little noise."""
    if rng.uniform() < 0.3:
        frame = frame * rng.uniform(0.6, 1.0)
    if rng.uniform() < 0.3:
        frame = _blur(frame, rng.uniform(0.3, 0.8))
    if rng.uniform() < 0.2:
        frame = frame + rng.uniform(0.0, 0.08)
    if rng.uniform() < 0.3:
        frame = frame + rng.normal(0.0, rng.uniform(0.01, 0.06), frame.shape)
    return np.clip(frame, 0.0, 1.0)


def _negative_frame(rng, digits, labels):
    kind = rng.integers(8)
    shape = (FRAME_SIZE, FRAME_SIZE)
    if kind == 0:  # blank or flat grey
        frame = np.full(shape, 0.0 if rng.uniform() < 0.5 else rng.uniform(0.0, 0.4))
    elif kind == 1:  # pixel noise
        if rng.uniform() < 0.5:
            frame = rng.normal(rng.uniform(0.0, 0.5), rng.uniform(0.05, 0.5), shape)
        else:
            frame = rng.uniform(0.0, rng.uniform(0.2, 1.0), shape)
    elif kind == 2:  # smooth noise: blobs of every size
        frame = _blur(rng.normal(size=shape), rng.uniform(1.0, 3.0))
        frame = (frame - frame.min()) / max(frame.max() - frame.min(), 1e-6)
        if rng.uniform() < 0.5:
            frame = (frame > rng.uniform(0.5, 0.8)).astype(np.float32)
    elif kind in (3, 4):  # pen scribbles, often blurred
        frame = _scribble(rng)
        if rng.uniform() < 0.7:
            frame = _blur(frame, rng.uniform(0.5, 2.0))
            frame = frame / max(frame.max(), 1e-6) * rng.uniform(0.5, 1.0)
    elif kind == 5:  # digits blurred past reading
        frame, _ = _digit_frame(rng, digits, labels, rng.integers(1, 3))
        frame = _blur(frame, rng.uniform(2.2, 4.0))
        frame = frame / max(frame.max(), 1e-6) * rng.uniform(0.5, 1.0)
    elif kind == 6:  # stripes and checkerboards, the texture of a failing generator
        rows, columns = np.mgrid[0:FRAME_SIZE, 0:FRAME_SIZE].astype(np.float32)
        if rng.uniform() < 0.5:
            period = rng.integers(2, 5)
            frame = ((rows // (period / 2) + columns // (period / 2)) % 2).astype(np.float32)
        else:
            frequency = rng.uniform(0.1, 0.5, size=2)
            frame = 0.5 + 0.5 * np.sin(
                2 * np.pi * (frequency[0] * rows + frequency[1] * columns) + rng.uniform(0, 6.3)
            )
        if rng.uniform() < 0.5:  # texture inside a digit-sized patch
            mask = np.zeros(shape, np.float32)
            top, left = rng.integers(0, FRAME_SIZE - 14, size=2)
            mask[top : top + 14, left : left + 14] = 1.0
            frame = frame * _blur(mask, 1.5)
        frame = frame * rng.uniform(0.4, 1.0)
    else:  # a digit with most of its height cut away
        size = _RENDER_SIZES[0]
        image = digits[size][rng.integers(len(labels))].copy()
        keep = rng.integers(3, 7)
        if rng.uniform() < 0.5:
            image[keep:] = 0.0
        else:
            image[: image.shape[0] - keep] = 0.0
        frame = np.zeros(shape, np.float32)
        top, left = rng.integers(0, size - image.shape[0] + 1, size=2)
        frame[top : top + image.shape[0], left : left + image.shape[1]] = image
    return np.clip(frame, 0.0, 1.0)


def _scribble(rng):
    """Two to five random pen strokes (quadratic curves) in a digit-sized box."""
    rows, columns = np.mgrid[0:FRAME_SIZE, 0:FRAME_SIZE].astype(np.float32)
    corner = rng.uniform(0, FRAME_SIZE - 14, size=2)
    width = rng.uniform(0.6, 1.2)
    frame = np.zeros((FRAME_SIZE, FRAME_SIZE), np.float32)
    for _ in range(rng.integers(2, 6)):
        start, middle, end = corner + rng.uniform(0, 14, size=(3, 2))
        t = np.linspace(0, 1, 24)[:, None]
        points = (1 - t) ** 2 * start + 2 * (1 - t) * t * middle + t**2 * end
        squared = (rows[None] - points[:, 0, None, None]) ** 2 + (
            columns[None] - points[:, 1, None, None]
        ) ** 2
        frame = np.maximum(frame, np.exp(-squared / (2 * width**2)).max(axis=0))
    return frame


@functools.lru_cache(maxsize=64)
def _blur_matrix(sigma):
    positions = np.arange(FRAME_SIZE, dtype=np.float32)
    weights = np.exp(-((positions[:, None] - positions[None]) ** 2) / (2 * sigma**2))
    return (weights / weights.sum(axis=1, keepdims=True)).astype(np.float32)


def _blur(frame, sigma):
    """Gaussian blur of a `[32, 32]` frame (weights renormalised at the borders)."""
    matrix = _blur_matrix(round(float(sigma), 2))
    return matrix @ frame @ matrix.T


def train_digit_classifier(
    steps=8000, batch_size=128, width=16, seed=0, frames_per_round=32768, verbose=1
):
    """Trains a `DigitClassifier` on freshly drawn `training_frames` from the fit digits.

    Each round draws `frames_per_round` new frames and trains one pass over
    them, until `steps` batches are done; Adam's learning rate decays from
    1e-3 to 0 along a cosine.

    Args:
        steps: int. Batches in all.
        batch_size: int.
        width: int. The classifier's width.
        seed: int. Frames and initial weights depend only on it.
        frames_per_round: int. Frames drawn at a time.
        verbose: 0 or 1 (a line per round).

    Returns:
        The trained `DigitClassifier`.

    Example:

    ```python
    from keras_vidgan.metrics.digit_classifier_training import train_digit_classifier

    classifier = train_digit_classifier(steps=2, batch_size=8, width=4, verbose=0)
    print(classifier.width)  # 4
    ```
    """
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng([seed, 1])
    classifier = DigitClassifier(width=width)
    schedule = keras.optimizers.schedules.CosineDecay(1e-3, decay_steps=steps)
    classifier.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss={
            "digits": keras.losses.BinaryCrossentropy(from_logits=True),
            "count": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        },
        # Binary cross-entropy is averaged over the ten classes; weighting it by ten sums it,
        # so that reading the digits pulls on the shared layers as hard as counting them.
        loss_weights={"digits": float(NUM_CLASSES), "count": 1.0},
    )
    per_round = max(1, frames_per_round // batch_size)
    rounds = [min(per_round, steps - start) for start in range(0, steps, per_round)]
    # The next round's frames are drawn while the classifier trains on this one's.
    drawer = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    upcoming = drawer.submit(training_frames, rounds[0] * batch_size, rng)
    done = 0
    started = time.perf_counter()
    for index, round_steps in enumerate(rounds):
        frames, presence, count = upcoming.result()
        if index + 1 < len(rounds):
            upcoming = drawer.submit(training_frames, rounds[index + 1] * batch_size, rng)
        history = classifier.fit(
            frames,
            {"digits": presence, "count": count},
            batch_size=batch_size,
            epochs=1,
            shuffle=False,
            verbose=0,
        )
        done += round_steps
        if verbose:
            print(
                f"step {done}/{steps}: loss {history.history['loss'][-1]:.4f} "
                f"({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
    drawer.shutdown()
    return classifier


def calibration_clips(num_clips, frames=16, size=32, digits=1, seed=0):
    """Moving MNIST clips of the held-out training digits, with their labels.

    They move exactly as `moving_mnist` clips do, but draw from the 400
    calibration digits that training never sees (and never from the test
    split, whose clips give the ceiling).

    Returns:
        `(clips, labels)`: float32 `[N, frames, size, size, 1]` in [-1, 1],
        int32 `[N, digits]`.
    """
    images, labels = classifier_digits("calibration", size)
    clips = np.zeros((num_clips, frames, size, size, 1), np.float32)
    chosen_labels = np.zeros((num_clips, digits), np.int32)
    for index in range(num_clips):
        rng = np.random.default_rng([seed, 3, index])
        chosen = rng.integers(0, len(labels), size=digits)
        clips[index] = render_moving_digits(images[chosen], frames, size, rng)
        chosen_labels[index] = labels[chosen]
    return clips * 2.0 - 1.0, chosen_labels


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=8000)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--width", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=WEIGHTS_FILE)
    args = parser.parse_args(argv)
    classifier = train_digit_classifier(
        steps=args.steps, batch_size=args.batch_size, width=args.width, seed=args.seed
    )
    save_digit_classifier(classifier, args.out)
    print(f"Wrote {args.out}.")
    from keras_vidgan.metrics.digit_classifier import load_digit_classifier
    from keras_vidgan.metrics.digit_legibility import DigitLegibility

    stored = load_digit_classifier(args.out)
    for digits, size in ((1, 32), (1, 64), (2, 32), (2, 64)):
        clips, labels = calibration_clips(512, 16, size, digits)
        legibility = DigitLegibility(digits=digits, classifier=stored)
        result = legibility.evaluate(clips, verbose=0)
        accuracy = legibility.reading_accuracy(clips, labels)
        print(
            f"held-out training digits, {digits} digit(s), 16x{size}x{size}: legible frames "
            f"{result.legible_frames:.2%}, identity kept {result.identity_clips:.2%}, "
            f"legible frames read right {accuracy:.2%}"
        )


if __name__ == "__main__":
    main()
