"""Input pipelines from the user's own data: video files, frame folders, arrays, TFRecord shards.

`from_path` picks the reader from what a path is; every reader yields
unbatched float32 clips `[T, H, W, C]` in [-1, 1] (with int32 labels or,
for video files and their shards, string captions on request), skips bad
files with one warning each, and streams.
"""

from keras_vidgan.data.bad_file_report import BadFile, BadFileReport
from keras_vidgan.data.class_mapping import load_class_mapping, save_class_mapping
from keras_vidgan.data.clip_sampler import ClipSampler
from keras_vidgan.data.data_error import DataError
from keras_vidgan.data.frame_folders import frame_folders
from keras_vidgan.data.from_arrays import from_arrays
from keras_vidgan.data.from_path import detect_kind, from_path
from keras_vidgan.data.prepare_shards import prepare_shards
from keras_vidgan.data.tfrecord_shards import tfrecord_shards
from keras_vidgan.data.video_captions import read_captions
from keras_vidgan.data.video_files import video_files

__all__ = [
    "BadFile",
    "BadFileReport",
    "ClipSampler",
    "DataError",
    "detect_kind",
    "frame_folders",
    "from_arrays",
    "from_path",
    "load_class_mapping",
    "prepare_shards",
    "read_captions",
    "save_class_mapping",
    "tfrecord_shards",
    "video_files",
]
