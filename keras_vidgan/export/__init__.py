"""Export for TF Serving, and reading exports back.

Everything here takes models in memory; `keras_vidgan.training` loads run
directories and `.keras` files (`load_generator`, `export_run`,
`open_video_source`). `noise_from_seeds` and `slerp` are defined in
`keras_vidgan.models.seeds` and re-exported here, where they were first
published.
"""

from keras_vidgan.export.saved_model_export import (
    describe_generator,
    export_saved_model,
    generator_of,
    read_export_metadata,
    resolve_export_dir,
)
from keras_vidgan.export.video_source import (
    KerasVideoSource,
    SavedModelVideoSource,
    VideoSource,
    open_export,
)
from keras_vidgan.models.seeds import noise_from_seeds, slerp

__all__ = [
    "KerasVideoSource",
    "SavedModelVideoSource",
    "VideoSource",
    "describe_generator",
    "export_saved_model",
    "generator_of",
    "noise_from_seeds",
    "open_export",
    "read_export_metadata",
    "resolve_export_dir",
    "slerp",
]
