"""Callbacks and helpers for training: samples, plots, safe checkpoints, run directories."""

from keras_vidgan.training.loss_plot import LossPlot
from keras_vidgan.training.run_directory import load_gan
from keras_vidgan.training.safe_checkpoint import SafeCheckpoint
from keras_vidgan.training.sample_writer import SampleWriter
from keras_vidgan.training.time_budget import TimeBudget

__all__ = ["LossPlot", "SafeCheckpoint", "SampleWriter", "TimeBudget", "load_gan"]
