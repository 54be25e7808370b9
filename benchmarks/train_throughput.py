"""Training-step throughput of the GAN, as clips/s and as a fraction of the matmul rate.

Prints, from one process (so that the ratios are measured under the same
conditions):

- the float32 matmul rate of this machine (2048x2048, best of several runs);
- for the default `keras-vidgan train` configuration and for 16x64x64x1 clips
  at batch 16: seconds per GAN step, clips/s, the step's counted FLOPs per
  second and that rate as a fraction of the matmul rate;
- the process's peak resident memory.

FLOPs are counted from the layer shapes (convolutions and dense layers; the
normalisation and activation layers are a rounding error). One GAN step
costs about `4 * F_G + 8 * F_D` per clip, where F_G and F_D are the forward
FLOPs of generator and discriminator: the discriminator update runs the
generator forward, the discriminator forward on real and generated clips and
backward through both (about twice a forward pass each); the generator
update runs both networks forward and back, without the discriminator's
weight gradients.

Run: python benchmarks/train_throughput.py [--steps N]
"""

import argparse
import math
import resource
import time

import keras
import numpy as np
import tensorflow as tf

from keras_vidgan.models import GAN, VGANGenerator, VideoDiscriminator
from keras_vidgan.training import TrainConfig


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


def forward_flops(model):
    """Multiply-adds x 2 of the convolution and dense layers, per example."""
    total = 0
    for layer in model.layers:
        if isinstance(layer, (keras.layers.Conv3DTranspose, keras.layers.Conv2DTranspose)):
            spatial = layer.input.shape[1:-1]
            total += (
                2
                * math.prod(layer.kernel_size)
                * layer.input.shape[-1]
                * layer.filters
                * (math.prod(spatial))
            )
        elif isinstance(layer, (keras.layers.Conv3D, keras.layers.Conv2D)):
            spatial = layer.output.shape[1:-1]
            total += (
                2
                * math.prod(layer.kernel_size)
                * layer.input.shape[-1]
                * layer.filters
                * (math.prod(spatial))
            )
        elif isinstance(layer, keras.layers.Dense):
            total += 2 * layer.input.shape[-1] * layer.units
    return total


def measure(frames, size, width, batch_size, steps, upsampling="resize"):
    generator = VGANGenerator(
        latent_dim=100, frames=frames, size=size, channels=1, width=width, upsampling=upsampling
    )
    discriminator = VideoDiscriminator(frames=frames, size=size, channels=1, width=width)
    gan = GAN(generator, discriminator, seed=0)
    gan.compile()
    real = tf.constant(
        np.random.default_rng(0).uniform(-1, 1, (batch_size, frames, size, size, 1)), tf.float32
    )
    step = tf.function(gan.train_step)
    step(real)
    step(real)
    start = time.perf_counter()
    for _ in range(steps):
        logs = step(real)
    float(logs["d_loss"])
    seconds = (time.perf_counter() - start) / steps
    step_flops = batch_size * (4 * forward_flops(generator) + 8 * forward_flops(discriminator))
    return seconds, step_flops


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10, help="timed steps per configuration")
    args = parser.parse_args()

    matmul_rate = matmul_flops_per_second()
    print(f"float32 matmul 2048x2048: {matmul_rate / 1e9:.1f} GFLOP/s")
    default = TrainConfig()
    configurations = [
        (
            f"default ({default.frames}x{default.size}x{default.size}x1, "
            f"width {default.width}, batch {default.batch_size})",
            default.frames,
            default.size,
            default.width,
            default.batch_size,
        ),
        ("16x64x64x1, width 32, batch 16", 16, 64, 32, 16),
    ]
    for name, frames, size, width, batch_size in configurations:
        seconds, step_flops = measure(frames, size, width, batch_size, args.steps)
        rate = step_flops / seconds
        print(
            f"{name}: {seconds:.3f} s/step, {batch_size / seconds:.1f} clips/s, "
            f"{step_flops / 1e9:.1f} GFLOP/step, {rate / 1e9:.1f} GFLOP/s = "
            f"{rate / matmul_rate:.2f} of the matmul rate"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
