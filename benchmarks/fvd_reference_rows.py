"""Reference rows for the quality table: FVD, KVD and legibility of real clips and broken ones.

A generated clip's FVD means little without the scale beside it. With the
quality table's protocol (Moving MNIST test split, two digits, 16 frames of
64x64, seed 0 as the reference, N clips a side), this scores three kinds of
clips that a reader can picture:

- **real**: another real sample of the test split (seed 1): the floor that
  the Fréchet distance's bias leaves at this N;
- **frames shuffled**: the same real clips with their frames in a random
  order per clip: every frame is a perfect digit, the motion is gone;
- **first frame frozen**: every frame replaced by the clip's first one:
  perfect digits that do not move.

Each row gets FVD, KVD and the digit legibility of `keras-vidgan evaluate
--legibility` (legible frames, clips keeping their digits). A generator that
scores above the broken rows draws worse video than real digits that do not
move.

Run:

    python benchmarks/fvd_reference_rows.py              # N = 256, the table's N
    python benchmarks/fvd_reference_rows.py --num 64     # quicker, a coarser scale
"""

import argparse
import time

import numpy as np

import keras_vidgan
from keras_vidgan.metrics import FVD, DigitLegibility, EvaluationProtocol

FRAMES, SIZE, DIGITS = 16, 64, 2


def test_clips(num_clips, seed):
    """`[N, 16, 64, 64, 1]` two-digit Moving MNIST test clips in [-1, 1]."""
    dataset = keras_vidgan.datasets.moving_mnist(
        num_clips=num_clips, frames=FRAMES, size=SIZE, digits=DIGITS, split="test", seed=seed
    )
    return np.stack([clip for clip in dataset.take(num_clips).as_numpy_iterator()])


def shuffled_in_time(clips, seed):
    rng = np.random.default_rng(seed)
    return np.stack([clip[rng.permutation(len(clip))] for clip in clips])


def first_frame_frozen(clips):
    return np.repeat(clips[:, :1], clips.shape[1], axis=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num", type=int, default=256, help="clips a side (default: 256)")
    parser.add_argument("--batch-size", type=int, default=16, help="clips per I3D call")
    args = parser.parse_args()

    reference = test_clips(args.num, seed=0)
    identity = (
        f"moving_mnist(frames={FRAMES}, size={SIZE}, split='test', digits={DIGITS}, seed=0)"
    )
    other = test_clips(args.num, seed=1)
    rows = [
        ("real (test split, seed 1)", other),
        ("real, frames shuffled in time", shuffled_in_time(other, seed=1)),
        ("real, first frame frozen", first_frame_frozen(other)),
    ]
    protocol = EvaluationProtocol(num_clips=args.num, reference=identity)
    fvd = FVD(protocol, batch_size=args.batch_size, verbose=0)
    legibility = DigitLegibility(digits=DIGITS, batch_size=args.batch_size)
    print(f"Protocol: {protocol.describe()}", flush=True)
    print("| clips | FVD | KVD | legible frames | clips keeping their digits |")
    print("|---|---|---|---|---|")
    for name, clips in rows:
        start = time.perf_counter()
        scores = fvd.evaluate(reference, clips, real_identity=identity).metrics
        readable = legibility.evaluate(clips)
        print(
            f"| {name} | {scores['fvd']:.1f} | {scores['kvd']:.2f} | "
            f"{readable.legible_frames:.1%} | {readable.identity_clips:.1%} |"
            f"  <!-- {time.perf_counter() - start:.0f} s -->",
            flush=True,
        )


if __name__ == "__main__":
    main()
