"""Generators, discriminators and the `GAN` that trains them."""

from keras_vidgan.models.gan import GAN
from keras_vidgan.models.vgan_generator import VGANGenerator
from keras_vidgan.models.video_discriminator import VideoDiscriminator

__all__ = ["GAN", "VGANGenerator", "VideoDiscriminator"]
