"""Callbacks and helpers for training: samples, plots, safe checkpoints, run directories."""

from keras_vidgan.training.loss_plot import LossPlot
from keras_vidgan.training.run_directory import load_gan
from keras_vidgan.training.safe_checkpoint import SafeCheckpoint
from keras_vidgan.training.sample_writer import SampleWriter

__all__ = ["LossPlot", "SafeCheckpoint", "SampleWriter", "load_gan"]
