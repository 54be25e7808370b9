"""`GANLoss`: a named pair of generator and discriminator losses that `GAN` can save."""

import keras

from keras_vidgan.losses import adversarial

_PAIRS = {
    "non_saturating": (
        adversarial.non_saturating_generator_loss,
        adversarial.non_saturating_discriminator_loss,
    ),
    "minimax": (adversarial.minimax_generator_loss, adversarial.minimax_discriminator_loss),
    "hinge": (adversarial.hinge_generator_loss, adversarial.hinge_discriminator_loss),
    "least_squares": (
        adversarial.least_squares_generator_loss,
        adversarial.least_squares_discriminator_loss,
    ),
    "wasserstein": (
        adversarial.wasserstein_generator_loss,
        adversarial.wasserstein_discriminator_loss,
    ),
}
# The names users type on the command line.
ALIASES = {"bce": "non_saturating", "lsgan": "least_squares", "wgan": "wasserstein"}
NAMES = tuple(_PAIRS) + tuple(ALIASES)


@keras.saving.register_keras_serializable(package="keras_vidgan")
class GANLoss:
    """The generator and discriminator losses of one GAN objective, chosen by name.

    Each side maps logits to per-example losses (see `keras_vidgan.losses`);
    `GAN` averages them over the global batch. Only the name is serialized,
    so a saved `GAN` reloads with the same objective.

    Args:
        name: one of `"non_saturating"` (alias `"bce"`), `"minimax"`,
            `"hinge"`, `"least_squares"` (alias `"lsgan"`), `"wasserstein"`
            (alias `"wgan"`; pair it with a gradient penalty).

    Example:

    ```python
    from keras_vidgan.losses import GANLoss

    loss = GANLoss("hinge")
    print(loss.discriminator_loss([0.5], [-2.0]).numpy())  # [0.5]
    print(loss.generator_loss([1.5]).numpy())  # [-1.5]
    ```
    """

    def __init__(self, name="non_saturating"):
        canonical = ALIASES.get(name, name)
        if canonical not in _PAIRS:
            raise ValueError(f"Unknown GAN loss {name!r}; expected one of {NAMES}.")
        self.name = canonical
        self._generator_loss, self._discriminator_loss = _PAIRS[canonical]

    def generator_loss(self, fake_logits):
        """Per-example generator loss `[B]` from the logits of generated clips."""
        return self._generator_loss(fake_logits)

    def discriminator_loss(self, real_logits, fake_logits):
        """Per-example discriminator loss `[B]` from the logits of real and generated clips."""
        return self._discriminator_loss(real_logits, fake_logits)

    def get_config(self):
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        return isinstance(other, GANLoss) and other.name == self.name

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return f"GANLoss({self.name!r})"
