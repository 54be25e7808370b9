"""Generators, discriminators and the `GAN` that trains them."""

from keras_vidgan.models.dual_discriminator import DualDiscriminator
from keras_vidgan.models.dvdgan_generator import DVDGANGenerator
from keras_vidgan.models.gan import GAN
from keras_vidgan.models.image_discriminator import ImageDiscriminator
from keras_vidgan.models.mocogan_generator import MoCoGANGenerator
from keras_vidgan.models.styleganv_discriminator import StyleGANVDiscriminator
from keras_vidgan.models.styleganv_generator import StyleGANVGenerator
from keras_vidgan.models.tgan_generator import TGANGenerator
from keras_vidgan.models.vgan_generator import VGANGenerator
from keras_vidgan.models.video_discriminator import VideoDiscriminator
from keras_vidgan.models.video_model import VideoModel

__all__ = [
    "GAN",
    "DVDGANGenerator",
    "DualDiscriminator",
    "ImageDiscriminator",
    "MoCoGANGenerator",
    "StyleGANVDiscriminator",
    "StyleGANVGenerator",
    "TGANGenerator",
    "VGANGenerator",
    "VideoDiscriminator",
    "VideoModel",
]
