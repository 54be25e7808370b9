"""Training-step throughput of every design: GFLOP per step, clips/s, fraction of the matmul rate.

Prints, from one process (so that the ratios are measured under the same
conditions):

- the float32 matmul rate of this machine (2048x2048, best of several runs),
  before and after the measurements (a drift between the two means the
  machine was busy);
- one row per configuration: the forward GFLOP per clip of the generator and
  of the discriminator(s), the GFLOP of one whole GAN training step, seconds
  per step, clips per second, and the counted FLOPs per second as a fraction
  of the matmul rate;
- the process's peak resident memory.

Configurations:

- `quality`: every design (`--model`) at the quality table's configuration
  (README "Which design works best": Moving MNIST 16x64x64x1, batch 16,
  width 16, `--ema 0.999`, no R1, each design with its paper's loss);
- `paper`: VGAN at the paper's configuration (Vondrick et al., 2016: 32 frames
  of 64x64x3, batch 8, width 64, i.e. 512 channels at the coarsest stage; no R1);
- `default`: the default `keras-vidgan train` run (`TrainConfig()`).

FLOPs are counted by `keras_vidgan.utils.flops` from the traced training
step: every convolution and matrix product that runs, forward and backward
(two FLOPs per multiply-add, padding included). Each step is the recipe's
own (`keras_vidgan.training.train_lib.build_gan`), on an in-memory batch, so
the input pipeline is not measured.

Run:

    python benchmarks/train_throughput.py                      # everything
    python benchmarks/train_throughput.py --only paper --steps 3
    python benchmarks/train_throughput.py --only quality --designs vgan mocogan
"""

import argparse
import dataclasses
import math
import resource
import time

import numpy as np
import tensorflow as tf
from model_zoo_quality import DESIGN_LOSSES  # the loss each design has in the quality table

from keras_vidgan.models.model_zoo import DESIGNS
from keras_vidgan.training import TrainConfig
from keras_vidgan.training.train_lib import build_gan
from keras_vidgan.utils.flops import forward_flops, function_flops


def matmul_flops_per_second(size=2048, repeats=10):
    a = tf.random.normal([size, size])
    b = tf.random.normal([size, size])
    product = tf.function(lambda: tf.reduce_sum(tf.matmul(a, b)))
    product()
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        product().numpy()
        best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best


def configurations(only, designs, upsampling):
    # The quality table's recipe (benchmarks/model_zoo_quality.py TABLE_RECIPE): no R1,
    # StyleGAN-V drawing every frame.
    quality = dict(
        size=64, frames=16, digits=2, width=16, ema=0.999, batch_size=16,
        g_lr=2e-4, d_lr=2e-4, r1=0.0, synthesis="frames",
    )  # fmt: skip
    rows = []
    if "quality" in only:
        for design in designs:
            loss = DESIGN_LOSSES.get(design, "bce")
            config = TrainConfig(model=design, loss=loss, upsampling=upsampling, **quality)
            rows.append((f"quality {design}", config))
    if "paper" in only:
        config = TrainConfig(
            model="vgan", frames=32, size=64, channels=3, width=64, batch_size=8,
            upsampling=upsampling, r1=0.0,
        )  # fmt: skip
        rows.append(("paper vgan 32x64x64x3 b8 w64", config))
    if "default" in only:
        config = dataclasses.replace(TrainConfig(), upsampling=upsampling)
        rows.append(("default train", config))
    return rows


def measure(config, steps):
    gan = build_gan(config)
    shape = (config.batch_size, config.frames, config.size, config.size, config.channels)
    real = tf.constant(np.random.default_rng(0).uniform(-1, 1, shape), tf.float32)
    step_flops = function_flops(gan.train_step, real)
    discriminators = gan.discriminators.values()
    flops = {
        "generator": forward_flops(gan.generator) / 1e9,
        "discriminator": sum(forward_flops(d, training=True) for d in discriminators) / 1e9,
        "step": step_flops / 1e9,
    }
    step = tf.function(gan.train_step)
    for _ in range(2):
        float(step(real)["d_loss"])
    start = time.perf_counter()
    for _ in range(steps):
        logs = step(real)
    float(logs["d_loss"])
    return (time.perf_counter() - start) / steps, flops


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5, help="timed steps per configuration")
    parser.add_argument(
        "--only", nargs="+", default=["quality", "paper", "default"],
        choices=["quality", "paper", "default"],
    )  # fmt: skip
    parser.add_argument("--designs", nargs="+", default=list(DESIGNS), choices=DESIGNS)
    parser.add_argument("--upsampling", default=TrainConfig().upsampling, help="VGAN's upsampling")
    args = parser.parse_args()

    matmul_rate = matmul_flops_per_second()
    print(f"float32 matmul 2048x2048: {matmul_rate / 1e9:.1f} GFLOP/s; VGAN upsampling "
          f"{args.upsampling}; {args.steps} timed steps each", flush=True)  # fmt: skip
    header = (
        f"{'configuration':<30}{'G GF/clip':>10}{'D GF/clip':>10}{'GF/step':>9}"
        f"{'s/step':>8}{'clips/s':>9}{'x matmul':>9}"
    )
    print(header, flush=True)
    for name, config in configurations(args.only, args.designs, args.upsampling):
        seconds, flops = measure(config, args.steps)
        fraction = flops["step"] * 1e9 / seconds / matmul_rate
        print(
            f"{name:<30}{flops['generator']:>10.2f}{flops['discriminator']:>10.2f}"
            f"{flops['step']:>9.1f}{seconds:>8.3f}{config.batch_size / seconds:>9.2f}"
            f"{fraction:>9.2f}",
            flush=True,
        )
    after = matmul_flops_per_second()
    print(f"float32 matmul afterwards: {after / 1e9:.1f} GFLOP/s")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
