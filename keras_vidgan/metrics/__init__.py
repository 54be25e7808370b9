"""Evaluation of video generators: FVD and KVD with a Keras port of the Kinetics-400 I3D.

For Moving MNIST, `DigitLegibility` also reports how many generated frames a
digit classifier reads with confidence and how many clips keep their digits,
and `CaptionAgreement` how often text-conditioned clips show the digit and
direction of their captions.

FVD is the Fréchet Video Distance of Unterthiner et al. (2018), the video
counterpart of FID (Heusel et al., 2017); KVD is the kernel distance of
Binkowski et al. (2018) on the same features. See `docs/evaluation.md` for
the pinned protocol.
"""

from keras_vidgan.metrics.caption_agreement import CaptionAgreement, CaptionAgreementResult
from keras_vidgan.metrics.checkpoint_unpickler import (
    CheckpointUnpickler,
    find_i3d_weights,
    read_i3d_checkpoint,
)
from keras_vidgan.metrics.digit_classifier import DigitClassifier, load_digit_classifier
from keras_vidgan.metrics.digit_legibility import DigitLegibility, digit_legibility
from keras_vidgan.metrics.evaluation_protocol import EvaluationProtocol
from keras_vidgan.metrics.evaluation_result import EvaluationResult
from keras_vidgan.metrics.feature_extractor import FeatureExtractor
from keras_vidgan.metrics.feature_statistics import FeatureStatistics
from keras_vidgan.metrics.frechet_distance import frechet_distance, frechet_distance_from_moments
from keras_vidgan.metrics.fvd import FVD
from keras_vidgan.metrics.fvd_callback import FVDCallback
from keras_vidgan.metrics.i3d import I3D, load_i3d
from keras_vidgan.metrics.kernel_distance import kernel_distance
from keras_vidgan.metrics.legibility_result import LegibilityResult
from keras_vidgan.metrics.statistics_cache import StatisticsCache

__all__ = [
    "CaptionAgreement",
    "CaptionAgreementResult",
    "CheckpointUnpickler",
    "DigitClassifier",
    "DigitLegibility",
    "EvaluationProtocol",
    "EvaluationResult",
    "FVD",
    "FVDCallback",
    "FeatureExtractor",
    "FeatureStatistics",
    "I3D",
    "LegibilityResult",
    "StatisticsCache",
    "digit_legibility",
    "find_i3d_weights",
    "frechet_distance",
    "frechet_distance_from_moments",
    "kernel_distance",
    "load_digit_classifier",
    "load_i3d",
    "read_i3d_checkpoint",
]
