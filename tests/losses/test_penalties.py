"""Gradient penalty and R1 against hand computations with known input gradients."""

import numpy as np
import tensorflow as tf

from keras_vidgan import losses

SHAPE = (3, 2, 2, 2, 1)


def _quadratic_critic(clips):
    """D(x) = sum(x^2) / 2 per clip: its input gradient is x itself."""
    return 0.5 * tf.reduce_sum(tf.square(clips), axis=[1, 2, 3, 4])


def test_interpolates_mix_real_and_fake_by_epsilon():
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=SHAPE), rng.normal(size=SHAPE)
    epsilon = np.array([0.0, 0.3, 1.0])
    mixed = losses.interpolates(real, fake, epsilon).numpy()
    np.testing.assert_allclose(
        mixed,
        epsilon[:, None, None, None, None] * real + (1 - epsilon[:, None, None, None, None]) * fake,
    )


def test_gradient_penalty_is_evaluated_at_the_interpolates():
    rng = np.random.default_rng(1)
    real = rng.normal(size=SHAPE).astype(np.float32)
    fake = rng.normal(size=SHAPE).astype(np.float32)
    epsilon = np.array([0.1, 0.5, 0.9], np.float32)
    penalty = losses.gradient_penalty(_quadratic_critic, real, fake, epsilon).numpy()
    points = (
        epsilon[:, None, None, None, None] * real + (1 - epsilon[:, None, None, None, None]) * fake
    )
    norms = np.sqrt((points.astype(np.float64) ** 2).reshape(3, -1).sum(1))
    np.testing.assert_allclose(penalty, (norms - 1) ** 2, rtol=1e-5)
    # At other points the quadratic critic's gradient differs: the penalty would too.
    other = losses.gradient_penalty(_quadratic_critic, real, fake, 1 - epsilon).numpy()
    assert not np.allclose(other, penalty)


def test_r1_penalty_is_the_squared_gradient_norm_on_real_clips():
    real = np.random.default_rng(2).normal(size=SHAPE).astype(np.float32)
    penalty = losses.r1_penalty(_quadratic_critic, real).numpy()
    np.testing.assert_allclose(
        penalty, (real.astype(np.float64) ** 2).reshape(3, -1).sum(1), rtol=1e-5
    )


def test_penalties_have_gradients_with_respect_to_the_critic_weights():
    scale = tf.Variable(2.0)
    critic = lambda clips: scale * tf.reduce_sum(clips, axis=[1, 2, 3, 4])
    real = np.ones(SHAPE, np.float32)
    with tf.GradientTape(persistent=True) as tape:
        gp = tf.reduce_mean(losses.gradient_penalty(critic, real, -real, [0.2, 0.4, 0.6]))
        r1 = tf.reduce_mean(losses.r1_penalty(critic, real))
    # ||grad|| = scale * sqrt(8): d/ds (s sqrt8 - 1)^2 = 2 (s sqrt8 - 1) sqrt8; d/ds 8 s^2 = 16 s.
    root = np.sqrt(8.0)
    np.testing.assert_allclose(
        float(tape.gradient(gp, scale)), 2 * (2 * root - 1) * root, rtol=1e-5
    )
    np.testing.assert_allclose(float(tape.gradient(r1, scale)), 32.0, rtol=1e-5)
