"""Clips from uint8 arrays already in memory (or memory-mapped)."""

import numpy as np

from keras_vidgan.data._clip_pipeline import python_clip_dataset
from keras_vidgan.data.bad_file_report import BadFileReport
from keras_vidgan.data.class_mapping import describe_dataset
from keras_vidgan.data.clip_sampler import ClipSampler
from keras_vidgan.data.data_error import DataError
from keras_vidgan.data.frame_folders import frame_timestamps
from keras_vidgan.data.video_files import check_length


def from_arrays(
    videos,
    frames=None,
    size=None,
    channels=None,
    *,
    labels=None,
    training=True,
    with_labels=False,
    seed=0,
    short_policy="skip",
    stride=1,
    fps=None,
    frame_rate=None,
    clips_per_video=1,
    flip=False,
    cache=False,
):
    """Clips from uint8 videos `[N, T, H, W, C]` through the same sampling and geometry.

    The array is indexed lazily, one clip at a time, so a `np.load(...,
    mmap_mode="r")` array streams from disk instead of filling memory.

    Args:
        videos: uint8 array `[N, T, H, W, C]` with C 1 or 3, or a sequence of
            `[T_i, H, W, C]` arrays of different lengths.
        frames: frames per clip; default T.
        size: output height and width; default the shorter of H and W.
        channels: 1 or 3; default C.
        labels: int labels, one per video (needed for `with_labels`).
        frame_rate: frames per second of the arrays; needed only with `fps`.
        (other arguments as in `video_files`)

    Returns:
        An unbatched `tf.data.Dataset` of float32 clips in [-1, 1] (with
        int32 labels when `with_labels`).

    Raises:
        DataError: not uint8 `[N, T, H, W, C]`, labels of the wrong length, or
            every video too short.

    Example:

    ```python
    import numpy as np
    import keras_vidgan

    videos = np.zeros((10, 20, 48, 64, 3), np.uint8)
    clips = keras_vidgan.data.from_arrays(videos, frames=16, size=32, channels=1)
    print(clips.element_spec.shape)  # (16, 32, 32, 1)
    ```
    """
    if isinstance(videos, (list, tuple)):
        items = list(videos)
    else:
        if getattr(videos, "ndim", None) != 5:
            raise DataError(f"Arrays must be uint8 [N, T, H, W, C]; got shape "
                            f"{getattr(videos, 'shape', None)}.")
        items = videos
    if len(items) == 0:
        raise DataError("The array holds no videos.")
    first = items[0]
    shape_ok = getattr(first, "ndim", None) == 4 and first.shape[-1] in (1, 3)
    if getattr(first, "dtype", None) != np.uint8 or not shape_ok:
        raise DataError("Arrays must be uint8 [N, T, H, W, C] with C 1 or 3; convert float clips "
                        "with keras_vidgan.utils.video_files.to_uint8.")
    if fps is not None and frame_rate is None:
        raise DataError("Arrays carry no timestamps: pass frame_rate to sample at a target fps.")
    frames = int(frames or first.shape[0])
    size = int(size or min(first.shape[1:3]))
    channels = int(channels or first.shape[-1])
    if labels is not None:
        labels = [int(label) for label in np.asarray(labels).reshape(-1)]
        if len(labels) != len(items):
            raise DataError(f"{len(labels)} labels for {len(items)} videos.")
    if with_labels and labels is None:
        raise DataError("with_labels=True needs `labels`, one per video.")
    sampler = ClipSampler(frames, stride=stride, fps=fps, short_policy=short_policy)
    report = BadFileReport("array videos", source="arrays")
    usable = [
        i
        for i in range(len(items))
        if check_length(
            sampler, report, f"video {i}", frame_timestamps(len(items[i]), frame_rate or 25)
        )
    ]
    report.log_summary(total=len(items))
    if not usable:
        raise DataError(f"No usable videos in the arrays: {report.summary(len(items))}.")

    def read_clip(item, clip_index, clips, random_value):
        video = items[usable[item]]
        timestamps = frame_timestamps(len(video), frame_rate or 25)
        indices = sampler.clip_indices(timestamps, clip_index, clips, random_value)
        return np.asarray(video[indices])

    dataset = python_clip_dataset(
        read_clip,
        len(usable),
        item_path=lambda item: f"video {usable[item]}",
        report=report,
        frames=frames,
        size=size,
        channels=channels,
        source_channels=first.shape[-1],
        training=training,
        seed=seed,
        flip=flip,
        clips_per_video=clips_per_video,
        labels=[labels[i] for i in usable] if labels is not None else None,
        with_labels=with_labels,
        cache=cache,
    )
    return describe_dataset(dataset, [], report, len(usable))
