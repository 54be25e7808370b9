"""Layers used by the video models: a convolutional GRU and a spectral-normalization wrapper."""

from keras_vidgan.layers.conv_gru import ConvGRU
from keras_vidgan.layers.spectral_normalization import SpectralNormalization

__all__ = ["ConvGRU", "SpectralNormalization"]
