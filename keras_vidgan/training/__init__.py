"""Training: the `train(config)` recipe, its callbacks, run directories, the multi-worker loop."""

from keras_vidgan.training.config_error import ConfigError
from keras_vidgan.training.divergence_guard import DivergenceGuard, TrainingDiverged
from keras_vidgan.training.loss_plot import LossPlot
from keras_vidgan.training.run_directory import load_gan
from keras_vidgan.training.run_loading import (
    export_preset,
    export_run,
    load_generator,
    load_preset_generator,
    open_preset_source,
    open_video_source,
)
from keras_vidgan.training.safe_checkpoint import SafeCheckpoint
from keras_vidgan.training.sample_writer import SampleWriter
from keras_vidgan.training.time_budget import TimeBudget
from keras_vidgan.training.train_config import TrainConfig
from keras_vidgan.training.train_lib import train
from keras_vidgan.training.training_failed import TrainingFailed
from keras_vidgan.training.training_log import TrainingLog

__all__ = [
    "ConfigError",
    "DivergenceGuard",
    "LossPlot",
    "SafeCheckpoint",
    "SampleWriter",
    "TimeBudget",
    "TrainConfig",
    "TrainingDiverged",
    "TrainingFailed",
    "TrainingLog",
    "export_preset",
    "export_run",
    "load_gan",
    "load_generator",
    "load_preset_generator",
    "open_preset_source",
    "open_video_source",
    "train",
]
