"""Layers used by the video models: a convolutional GRU, minibatch standard deviation, a
spectral-normalization wrapper and a text encoder."""

from keras_vidgan.layers.conv_gru import ConvGRU
from keras_vidgan.layers.minibatch_standard_deviation import MinibatchStandardDeviation
from keras_vidgan.layers.spectral_normalization import SpectralNormalization
from keras_vidgan.layers.text_encoder import TextEncoder

__all__ = ["ConvGRU", "MinibatchStandardDeviation", "SpectralNormalization", "TextEncoder"]
