"""One entry point for the user's data: the reader is chosen from what the path is."""

import glob
import os

import numpy as np

from keras_vidgan.data.data_error import DataError
from keras_vidgan.data.frame_folders import frame_folders
from keras_vidgan.data.from_arrays import from_arrays
from keras_vidgan.data.prepare_shards import MANIFEST_FILE
from keras_vidgan.data.source_listing import IMAGE_EXTENSIONS, is_glob, walk_folders
from keras_vidgan.data.tfrecord_shards import TFRECORD_SUFFIXES, tfrecord_shards
from keras_vidgan.data.video_files import video_files
from keras_vidgan.data.video_reader import VIDEO_EXTENSIONS

# What `from_path` reads without captions, in words.
UNCAPTIONED_KINDS = {"frame_folders": "a root of frame folders", "array": "a .npy array"}


def detect_kind(path):
    """What `path` holds: "tfrecord", "videos", "frame_folders" or "array".

    Raises:
        DataError: the path is missing or holds none of these.

    Example:

    ```python
    from keras_vidgan.data.from_path import detect_kind

    print(detect_kind("ucf_shards"))  # tfrecord (a folder with manifest.json)
    ```
    """
    path = str(path)
    if is_glob(path):
        matches = [m for m in glob.glob(path, recursive=True) if os.path.isfile(m)]
        if not matches:
            raise DataError(f"Nothing matches {path}; check the pattern.")
        if all(m.endswith(TFRECORD_SUFFIXES) for m in matches):
            return "tfrecord"
        if any(os.path.splitext(m)[1].lower() in VIDEO_EXTENSIONS for m in matches):
            return "videos"
        raise DataError(f"{path} matches neither video files nor TFRecord shards.")
    if os.path.isfile(path):
        extension = os.path.splitext(path)[1].lower()
        if path.endswith(TFRECORD_SUFFIXES):
            return "tfrecord"
        if extension == ".npy":
            return "array"
        if extension in VIDEO_EXTENSIONS:
            return "videos"
        raise DataError(f"{path} is not a video, a TFRecord shard or a .npy array; "
                        "give a folder of videos, a frame-folder root or TFRecord shards.")
    if not os.path.isdir(path):
        raise DataError(f"{path} does not exist: give a folder of videos, a frame-folder root, "
                        "TFRecord shards or the folder `keras-vidgan prepare` wrote.")
    if os.path.exists(os.path.join(path, MANIFEST_FILE)):
        return "tfrecord"
    has_images = False
    for folder, files in walk_folders(path, unreadable=[]):  # the reader reports unreadable ones
        for name in files:
            extension = os.path.splitext(name)[1].lower()
            if extension in VIDEO_EXTENSIONS:
                return "videos"
            if name.endswith(TFRECORD_SUFFIXES) and folder == path:
                return "tfrecord"
            if extension in IMAGE_EXTENSIONS and folder != path:
                has_images = True
    if has_images:
        return "frame_folders"
    raise DataError(f"{path} holds no videos ({', '.join(VIDEO_EXTENSIONS[:6])}, ...), no "
                    "frame folders and no TFRecord shards.")


def from_path(
    path,
    frames,
    size,
    channels,
    training=True,
    with_labels=False,
    seed=0,
    strict=False,
    short_policy="skip",
    stride=1,
    fps=None,
    *,
    clips_per_video=1,
    flip=False,
    frame_rate=None,
    class_mapping_path=None,
    cache=False,
    captions=False,
):
    """Clips from whatever `path` is: video files, frame folders, TFRecord shards or a `.npy`.

    - a folder with `manifest.json`, a `.tfrecord` file or a glob of them:
      `tfrecord_shards` (graph-native);
    - a folder holding video files (recursively), a glob of videos, or one
      video: `video_files` (PyAV);
    - a folder of folders of JPEG/PNG frames: `frame_folders`;
    - a `.npy` uint8 array `[N, T, H, W, C]` (memory-mapped): `from_arrays`.

    Args:
        path: see above.
        frames: frames per clip.
        size: clip height and width (short side resized, then cropped).
        channels: 1 or 3.
        training: random offsets (new each epoch), crops and order; else
            fixed offsets and centre crops in a fixed order.
        with_labels: yield `(clip, int32 label)` with labels from the class
            sub-folders.
        seed: seed of everything random.
        strict: raise `DataError` on the first bad file.
        short_policy: videos shorter than a clip: "skip", "loop" or "pad".
        stride: frame stride.
        fps: sample at this frame rate by timestamps instead of a stride.
        clips_per_video: clips per video per epoch.
        flip: random horizontal flips in training.
        frame_rate: frames per second of frame folders and arrays (for `fps`).
        class_mapping_path: save `classes.json` here (a folder or a file).
        cache: keep finished clips after the first pass (True or a file prefix).
        captions: yield `(clip, caption)` with a tf.string caption: from a
            `<video stem>.txt` beside each video or one `captions.csv` for
            video files, from the records of shards prepared from captioned
            videos. Frame folders and arrays have no captions.

    Returns:
        An unbatched `tf.data.Dataset` of float32 clips `[frames, size, size,
        channels]` in [-1, 1], or `(clip, label)` or `(clip, caption)`
        pairs; attributes `class_names`, `bad_files`, `num_videos` and
        `source_kind`, and with captions `captions` (each usable video's
        name and caption).

    Raises:
        DataError: the path is missing, holds nothing usable, or (strict) a
            file is bad.

    Example:

    ```python
    import keras_vidgan

    clips = keras_vidgan.data.from_path("my_videos", frames=16, size=64, channels=3)
    print(clips.element_spec.shape)  # (16, 64, 64, 3)
    # gan.fit(clips.batch(16, drop_remainder=True), epochs=10)
    ```
    """
    kind = detect_kind(path)
    if captions and kind not in ("videos", "tfrecord"):
        raise DataError(
            f"{path} is {UNCAPTIONED_KINDS[kind]}, which has no captions; captions are read "
            "for video files (a <video stem>.txt beside each, or one captions.csv) and the "
            "shards `keras-vidgan prepare` makes of them."
        )
    common = dict(
        training=training,
        with_labels=with_labels,
        seed=seed,
        short_policy=short_policy,
        stride=stride,
        fps=fps,
        clips_per_video=clips_per_video,
        flip=flip,
        cache=cache,
    )
    if kind == "tfrecord":
        dataset = tfrecord_shards(path, frames, size, channels, strict=strict,
                                  class_mapping_path=class_mapping_path,
                                  with_captions=captions, **common)
    elif kind == "videos":
        dataset = video_files(path, frames, size, channels, strict=strict,
                              class_mapping_path=class_mapping_path,
                              with_captions=captions, **common)
    elif kind == "frame_folders":
        dataset = frame_folders(path, frames, size, channels, strict=strict, frame_rate=frame_rate,
                                class_mapping_path=class_mapping_path, **common)
    else:
        try:
            videos = np.load(path, mmap_mode="r")
        except (OSError, ValueError) as error:
            raise DataError(f"Cannot read the array {path} ({error}).") from None
        if with_labels:
            raise DataError(f"{path} is a bare array without labels; use from_arrays(labels=...).")
        dataset = from_arrays(videos, frames, size, channels, frame_rate=frame_rate, **common)
    dataset.source_kind = kind
    return dataset
