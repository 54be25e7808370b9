"""Every loss equals a hand computation (float64 NumPy) on fixed logits."""

import numpy as np
import pytest
import tensorflow as tf

from keras_vidgan import losses

REAL = np.array([-4.0, -0.5, 0.0, 0.7, 3.0], np.float32)
FAKE = np.array([2.5, -1.2, 0.3, 0.0, -6.0], np.float32)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x.astype(np.float64)))


D_CASES = {
    "minimax": lambda r, f: -np.log(_sigmoid(r)) - np.log(1 - _sigmoid(f)),
    "non_saturating": lambda r, f: -np.log(_sigmoid(r)) - np.log(1 - _sigmoid(f)),
    "hinge": lambda r, f: np.maximum(0, 1 - r) + np.maximum(0, 1 + f),
    "least_squares": lambda r, f: 0.5 * (r - 1) ** 2 + 0.5 * f**2,
    "wasserstein": lambda r, f: f - r,
}
G_CASES = {
    "minimax": lambda f: np.log(1 - _sigmoid(f)),
    "non_saturating": lambda f: -np.log(_sigmoid(f)),
    "hinge": lambda f: -f,
    "least_squares": lambda f: 0.5 * (f - 1) ** 2,
    "wasserstein": lambda f: -f,
}


@pytest.mark.parametrize("name", sorted(D_CASES))
def test_discriminator_loss_equals_hand_computation(name):
    function = getattr(losses, f"{name}_discriminator_loss")
    actual = function(REAL, FAKE)
    assert actual.shape == (5,) and actual.dtype == tf.float32
    np.testing.assert_allclose(actual, D_CASES[name](REAL, FAKE), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(G_CASES))
def test_generator_loss_equals_hand_computation(name):
    function = getattr(losses, f"{name}_generator_loss")
    np.testing.assert_allclose(function(FAKE), G_CASES[name](FAKE), rtol=1e-5, atol=1e-6)


def test_several_logits_per_example_are_averaged_per_example():
    # Two scores per clip (e.g. a spatial and a temporal discriminator).
    real = np.stack([REAL, FAKE], axis=1)
    fake = np.stack([FAKE, REAL], axis=1)
    expected = 0.5 * (D_CASES["hinge"](REAL, FAKE) + D_CASES["hinge"](FAKE, REAL))
    np.testing.assert_allclose(losses.hinge_discriminator_loss(real, fake), expected, rtol=1e-6)
    np.testing.assert_allclose(
        losses.least_squares_generator_loss(fake),
        0.5 * (G_CASES["least_squares"](FAKE) + G_CASES["least_squares"](REAL)),
        rtol=1e-6,
    )


def test_cross_entropy_losses_stay_finite_for_huge_logits():
    huge = np.array([300.0, -300.0], np.float32)
    assert np.all(np.isfinite(losses.non_saturating_generator_loss(huge)))
    assert np.all(np.isfinite(losses.minimax_discriminator_loss(huge, -huge)))
    np.testing.assert_allclose(losses.non_saturating_generator_loss(huge), [0.0, 300.0])


def test_non_saturating_loss_equals_keras_binary_cross_entropy():
    import keras

    bce = keras.losses.BinaryCrossentropy(from_logits=True, reduction=None)
    expected = bce(np.ones((5, 1)), FAKE[:, None]) + 0.0
    np.testing.assert_allclose(losses.non_saturating_generator_loss(FAKE), expected, rtol=1e-5)


@pytest.mark.parametrize(
    "name,canonical",
    [
        ("bce", "non_saturating"),
        ("lsgan", "least_squares"),
        ("wgan", "wasserstein"),
        ("hinge", "hinge"),
        ("minimax", "minimax"),
    ],
)
def test_gan_loss_names_and_round_trip(name, canonical):
    import keras

    loss = losses.GANLoss(name)
    assert loss.name == canonical
    restored = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(loss))
    assert restored == loss
    np.testing.assert_allclose(
        restored.discriminator_loss(REAL, FAKE),
        D_CASES[canonical](REAL, FAKE),
        rtol=1e-5,
        atol=1e-6,
    )
    np.testing.assert_allclose(
        restored.generator_loss(FAKE), G_CASES[canonical](FAKE), rtol=1e-5, atol=1e-6
    )


def test_unknown_loss_name_is_rejected():
    with pytest.raises(ValueError, match="Unknown GAN loss 'wgan-gp'"):
        losses.GANLoss("wgan-gp")
