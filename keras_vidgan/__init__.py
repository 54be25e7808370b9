"""keras_vidgan: video GANs for Keras 3 and TensorFlow."""

from keras_vidgan import datasets, models
from keras_vidgan.models.gan import GAN
from keras_vidgan.version import __version__

__all__ = ["GAN", "datasets", "models", "__version__"]
