"""What the digit-legibility metric says about real clips, garbage and (optionally) a model.

Prints, for the shipped digit classifier and its default thresholds:
1. Real Moving MNIST **test** clips (digits the classifier never saw), one and
   two digits, 16 frames at 32x32 and 64x64: the ceiling a generator can reach,
   and the share of legible frames that read the true digits.
2. Held-out **training** digits (the 400 calibration digits), the same shapes:
   the figures the thresholds were checked on.
3. Garbage that must score near 0: uniform noise, blank frames, grey frames,
   real digits blurred into blobs (sigma 3 px at 32x32), and blurry pen strokes.
4. With `--model RUN`: the figures of a trained generator (a run directory or
   a .keras file), at its own clip shape and the run's digits per clip.

    python benchmarks/legibility_figures.py --num 512
    python benchmarks/legibility_figures.py --num 256 --model runs/moving_mnist_vgan
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from keras_vidgan.datasets.moving_mnist import moving_mnist_clip  # noqa: E402
from keras_vidgan.metrics import DigitLegibility  # noqa: E402
from keras_vidgan.metrics.digit_classifier_training import (  # noqa: E402
    _blur,
    calibration_clips,
)


def test_clips(num, frames, size, digits, seed=0):
    clips, labels = zip(
        *(moving_mnist_clip(index, frames, size, digits, "test", seed) for index in range(num))
    )
    return np.stack(clips) * 2.0 - 1.0, np.stack(labels)


def garbage(kind, num, rng):
    shape = (num, 16, 32, 32)
    if kind == "uniform noise":
        frames = rng.uniform(0, 1, shape)
    elif kind == "blank":
        frames = np.zeros(shape)
    elif kind == "grey":
        frames = np.full(shape, 0.35)
    elif kind == "blurred digits":
        clips, _ = test_clips(num, 16, 32, 1)
        frames = np.stack([_blur(frame, 3.0) for frame in (clips[..., 0] + 1).reshape(-1, 32, 32)])
        frames = (frames / frames.max(axis=(1, 2), keepdims=True)).reshape(shape)
    else:  # blurry strokes: three random pen lines per frame, blurred
        rows, columns = np.mgrid[0:32, 0:32]
        frames = np.zeros(shape)
        for clip in range(num):
            for frame in range(16):
                for _ in range(3):
                    (r0, c0), (r1, c1) = rng.uniform(4, 28, size=(2, 2))
                    t = np.linspace(0, 1, 20)[:, None, None]
                    squared = (rows - (r0 + t * (r1 - r0))) ** 2 + (
                        columns - (c0 + t * (c1 - c0))
                    ) ** 2
                    line = np.exp(-squared / 2.0).max(axis=0)
                    frames[clip, frame] = np.maximum(frames[clip, frame], line)
                frames[clip, frame] = _blur(frames[clip, frame], 1.5)
        frames = frames / frames.max(axis=(2, 3), keepdims=True)
    return (frames[..., None] * 2.0 - 1.0).astype(np.float32)


def line(name, legibility, clips, labels=None):
    result = legibility.evaluate(clips)
    text = (
        f"{name:<52} legible frames {result.legible_frames:7.2%}   "
        f"identity-keeping clips {result.identity_clips:7.2%}"
    )
    if labels is not None:
        text += f"   legible frames read right {legibility.reading_accuracy(clips, labels):7.2%}"
    print(text, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num", type=int, default=512, help="clips per line (default: 512)")
    parser.add_argument("--model", default=None, help="a run directory or a .keras file")
    args = parser.parse_args()
    started = time.perf_counter()
    readers = {digits: DigitLegibility(digits=digits) for digits in (1, 2)}
    for digits in (1, 2):
        print(readers[digits].evaluate(np.zeros((1, 16, 32, 32, 1), np.float32)).describe_rules())
    for digits in (1, 2):
        for size in (32, 64):
            clips, labels = test_clips(args.num, 16, size, digits)
            line(f"real test clips, {digits} digit(s), 16x{size}x{size}", readers[digits],
                 clips, labels)
    for digits in (1, 2):
        for size in (32, 64):
            clips, labels = calibration_clips(args.num, 16, size, digits)
            line(f"held-out training digits, {digits} digit(s), 16x{size}x{size}",
                 readers[digits], clips, labels)
    rng = np.random.default_rng(0)
    for kind in ("uniform noise", "blank", "grey", "blurred digits", "blurry strokes"):
        clips = garbage(kind, min(args.num, 128), rng)
        for digits in (1, 2):
            line(f"{kind}, read as {digits}-digit clips", readers[digits], clips)
    if args.model:
        from keras_vidgan.training.run_directory import load_gan
        from keras_vidgan.training.run_loading import run_config_for

        gan = load_gan(args.model, compile=False)
        digits = run_config_for(args.model).get("digits", 1) if os.path.isdir(args.model) else 1
        legibility = DigitLegibility(digits=digits)
        result = legibility.evaluate(gan, num_clips=args.num)
        print(f"{args.model} ({digits} digit(s)):\n{result.summary()}")
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
