"""Tiny models and data shared by the GAN tests."""

import numpy as np
import tensorflow as tf

from keras_vidgan.models import GAN, VGANGenerator, VideoDiscriminator

LATENT = 8
FRAMES = 8
SIZE = 32


def tiny_gan(seed=0, width=4, compile=True, **compile_kwargs):
    generator = VGANGenerator(
        latent_dim=LATENT, frames=FRAMES, size=SIZE, channels=1, width=width, name="generator"
    )
    discriminator = VideoDiscriminator(
        frames=FRAMES, size=SIZE, channels=1, width=width, name="discriminator"
    )
    gan = GAN(generator, discriminator, seed=seed)
    if compile:
        gan.compile(**compile_kwargs)
    return gan


def moving_square_clips(count, seed=0, speed=2, square=6):
    """Clips of one bright square moving right by `speed` pixels a frame, in [-1, 1]."""
    rng = np.random.default_rng(seed)
    clips = np.full((count, FRAMES, SIZE, SIZE, 1), -1.0, np.float32)
    for clip in clips:
        top = rng.integers(0, SIZE - square)
        left = rng.integers(0, SIZE - square - speed * (FRAMES - 1))
        for frame in range(FRAMES):
            x = left + speed * frame
            clip[frame, top : top + square, x : x + square] = 1.0
    return clips


def batches(clips, batch_size):
    return tf.data.Dataset.from_tensor_slices(clips).batch(batch_size, drop_remainder=True)
