"""What the StyleGAN-V design costs, next to VGAN, at the `keras-vidgan train` defaults.

Prints, per clip, the forward FLOPs of

- the StyleGAN-V generator rendering every frame (sampling, export) and only
  the `K` sampled frames (training), and of its discriminator on `K` frames;
- the VGAN generator and its 3D discriminator, for scale;

and the seconds per GAN step of both designs at the default batch, measured
in this process one after the other (on a shared machine, read the ratio).

FLOPs are TensorFlow's own count of the traced forward graph (the profiler's
`float_ops`: every multiply and add of convolutions, matrix products,
normalisations and activations), for a batch of one clip.

Run: python benchmarks/styleganv_cost.py [--steps N] [--sampled-frames K]
"""

import argparse
import time

import numpy as np
import tensorflow as tf

from keras_vidgan.models import GAN
from keras_vidgan.models.model_zoo import build_design
from keras_vidgan.training import TrainConfig


def graph_flops(function, *specs):
    """Float operations of one call of `function` on inputs of `specs`, counted by TF."""
    concrete = tf.function(function).get_concrete_function(*specs)
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    profile = tf.compat.v1.profiler.profile(concrete.graph, options=options)
    return profile.total_float_ops


def step_seconds(design, config, sampled_frames, steps):
    generator, discriminator = build_design(
        design,
        frames=config.frames,
        size=config.size,
        channels=config.channels,
        width=config.width,
        latent_dim=config.latent_dim,
        sampled_frames=sampled_frames,
    )
    gan = GAN(generator, discriminator, seed=0)
    gan.compile()
    clips = np.random.default_rng(0).uniform(
        -1, 1, (config.batch_size, *config.clip_shape)
    ).astype("float32")
    data = tf.data.Dataset.from_tensors(clips).repeat()
    gan.fit(data, steps_per_epoch=2, epochs=1, verbose=0)  # trace
    start = time.perf_counter()
    gan.fit(data, steps_per_epoch=steps, epochs=1, verbose=0)
    return (time.perf_counter() - start) / steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10, help="timed steps per design")
    parser.add_argument("--sampled-frames", type=int, default=3, help="K")
    args = parser.parse_args()
    config = TrainConfig()
    k = args.sampled_frames
    frames, size, _, channels = config.clip_shape
    shape = dict(frames=frames, size=size, channels=channels, width=config.width)
    print(f"clips {frames}x{size}x{size}x{channels}, width {config.width}, "
          f"latent {config.latent_dim}, K = {k}, batch {config.batch_size}")

    generator, discriminator = build_design(
        "styleganv", latent_dim=config.latent_dim, sampled_frames=k, **shape
    )
    noise = tf.TensorSpec([1, generator.latent_dim], tf.float32)
    every = graph_flops(lambda z: generator(z), noise)
    sampled = graph_flops(
        lambda z, t: generator.render(z, t), noise, tf.TensorSpec([1, k], tf.float32)
    )
    judged = graph_flops(
        lambda x, t: discriminator([x, t]),
        tf.TensorSpec([1, k, size, size, channels], tf.float32),
        tf.TensorSpec([1, k], tf.float32),
    )
    vgan_generator, vgan_discriminator = build_design("vgan", latent_dim=config.latent_dim, **shape)
    vgan_rendered = graph_flops(
        lambda z: vgan_generator(z), tf.TensorSpec([1, config.latent_dim], tf.float32)
    )
    vgan_judged = graph_flops(
        lambda x: vgan_discriminator(x), tf.TensorSpec([1, *config.clip_shape], tf.float32)
    )
    print(f"styleganv generator, all {frames} frames: {every / 1e6:.1f} MFLOP per clip "
          f"({every / frames / 1e6:.2f} per frame)")
    print(f"styleganv generator, {k} sampled frames: {sampled / 1e6:.1f} MFLOP per clip")
    print(f"styleganv discriminator, {k} frames: {judged / 1e6:.1f} MFLOP per clip")
    print(f"vgan generator: {vgan_rendered / 1e6:.1f} MFLOP per clip")
    print(f"vgan discriminator: {vgan_judged / 1e6:.1f} MFLOP per clip")

    styleganv = step_seconds("styleganv", config, k, args.steps)
    vgan = step_seconds("vgan", config, k, args.steps)
    print(f"GAN step, batch {config.batch_size}: styleganv {styleganv:.3f} s, vgan {vgan:.3f} s "
          f"(styleganv / vgan = {styleganv / vgan:.2f})")


if __name__ == "__main__":
    main()
