"""Export for TF Serving, and the seed-to-noise mapping that exports and sampling share."""

from keras_vidgan.export.saved_model_export import (
    describe_generator,
    export_saved_model,
    read_export_metadata,
    resolve_export_dir,
)
from keras_vidgan.export.seeds import noise_from_seeds, slerp

__all__ = [
    "describe_generator",
    "export_saved_model",
    "noise_from_seeds",
    "read_export_metadata",
    "resolve_export_dir",
    "slerp",
]
