"""Conditioning conditions: labels and first frames steer what a trained GAN generates."""

import keras
import numpy as np
import tensorflow as tf
from helpers.gan_fixtures import moving_square_clips

from keras_vidgan.models import GAN, MoCoGANGenerator, TGANGenerator, VideoDiscriminator

CLIP = dict(frames=8, size=32, channels=1)


def _two_classes(count, seed=0):
    """Class 0: a bright square on black. Class 1: the negative, a dark square on white."""
    squares = moving_square_clips(count, seed=seed)
    labels = np.arange(count, dtype=np.int32) % 2
    clips = np.where(labels[:, None, None, None, None] == 1, -squares, squares)
    return clips.astype(np.float32), labels


def test_class_conditional_gan_generates_the_requested_class():
    clips, labels = _two_classes(256)
    # Initial weights fixed, so the test does not depend on what ran before it in the
    # process; 300 steps learn the classes from each of ten initial draws tried (150
    # steps missed one of six).
    keras.utils.set_random_seed(3)
    generator = TGANGenerator(latent_dim=8, width=8, frame_latent_dim=8, num_classes=2, **CLIP)
    discriminator = VideoDiscriminator(width=4, num_classes=2, **CLIP)
    gan = GAN(generator, discriminator, seed=1)
    gan.compile(loss="hinge")
    data = tf.data.Dataset.from_tensor_slices((clips, labels)).batch(16, drop_remainder=True)
    gan.fit(data.repeat(), steps_per_epoch=300, epochs=1, verbose=0)

    class_means = [clips[labels == k].mean() for k in (0, 1)]
    for requested in (0, 1):
        generated = gan.generate(32, seed=5, labels=requested).mean(axis=(1, 2, 3, 4))
        own = np.abs(generated - class_means[requested])
        other = np.abs(generated - class_means[1 - requested])
        assert np.mean(own < other) > 0.9, (requested, generated[:8], class_means)


def test_first_frame_conditioned_gan_trains_and_keeps_the_frame():
    clips, labels = _two_classes(32)
    generator = MoCoGANGenerator(
        width=4, content_dim=6, motion_dim=2, num_classes=2, condition_on_first_frame=True, **CLIP
    )
    gan = GAN(generator, VideoDiscriminator(width=4, num_classes=2, **CLIP), seed=2)
    gan.compile()
    data = tf.data.Dataset.from_tensor_slices((clips, labels)).batch(8, drop_remainder=True)
    history = gan.fit(data, epochs=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][0])
    generated = gan.generate(4, seed=1, labels=labels[:4], first_frames=clips[:4, 0])
    np.testing.assert_array_equal(generated[:, 0], clips[:4, 0])


def test_conditional_gan_needs_labels():
    generator = TGANGenerator(latent_dim=8, width=4, frame_latent_dim=4, num_classes=2, **CLIP)
    gan = GAN(generator, VideoDiscriminator(width=4, **CLIP), seed=1)
    gan.compile()
    clips = tf.data.Dataset.from_tensor_slices(np.zeros((4, 8, 32, 32, 1), np.float32)).batch(2)
    try:
        gan.fit(clips, epochs=1, verbose=0)
    except ValueError as error:
        assert "(clip, label) pairs" in str(error)
    else:
        raise AssertionError("fit without labels should fail")
