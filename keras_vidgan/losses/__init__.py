"""Adversarial losses and penalties.

Losses take discriminator logits and return one value per example
(`*_generator_loss(fake_logits)`, `*_discriminator_loss(real_logits,
fake_logits)`); `GAN` averages them over the global batch. `GANLoss` names a
pair for `GAN.compile(loss=...)`. The auxiliary classifier's losses take class
logits and labels instead; `GAN` adds them when a discriminator has a class
head (`StyleGANVDiscriminator(auxiliary_classifier=True)`).
"""

from keras_vidgan.losses.adversarial import (
    hinge_discriminator_loss,
    hinge_generator_loss,
    least_squares_discriminator_loss,
    least_squares_generator_loss,
    minimax_discriminator_loss,
    minimax_generator_loss,
    non_saturating_discriminator_loss,
    non_saturating_generator_loss,
    wasserstein_discriminator_loss,
    wasserstein_generator_loss,
)
from keras_vidgan.losses.auxiliary_classifier import (
    auxiliary_classifier_discriminator_loss,
    auxiliary_classifier_generator_loss,
)
from keras_vidgan.losses.gan_loss import GANLoss
from keras_vidgan.losses.penalties import gradient_penalty, interpolates, r1_penalty

__all__ = [
    "GANLoss",
    "auxiliary_classifier_discriminator_loss",
    "auxiliary_classifier_generator_loss",
    "gradient_penalty",
    "hinge_discriminator_loss",
    "hinge_generator_loss",
    "interpolates",
    "least_squares_discriminator_loss",
    "least_squares_generator_loss",
    "minimax_discriminator_loss",
    "minimax_generator_loss",
    "non_saturating_discriminator_loss",
    "non_saturating_generator_loss",
    "r1_penalty",
    "wasserstein_discriminator_loss",
    "wasserstein_generator_loss",
]
