"""Clips from folders of extracted frames: one folder of JPEG/PNG images per video."""

import numpy as np

from keras_vidgan.data._clip_pipeline import python_clip_dataset
from keras_vidgan.data.bad_file_report import EMPTY, TRUNCATED, BadFile, BadFileReport
from keras_vidgan.data.class_mapping import describe_dataset
from keras_vidgan.data.clip_geometry import short_side_shape
from keras_vidgan.data.clip_sampler import ClipSampler
from keras_vidgan.data.data_error import DataError
from keras_vidgan.data.file_access import readable_size
from keras_vidgan.data.source_listing import list_frame_folders
from keras_vidgan.data.video_files import check_length


def frame_timestamps(count, frame_rate):
    """Microsecond timestamps of `count` frames shown at `frame_rate` per second."""
    return np.round(np.arange(count) * 1e6 / float(frame_rate)).astype(np.int64)


def check_frame_folder(frame_paths):
    """Cheap checks before training: every frame readable and not empty, the first an image."""
    from PIL import Image, UnidentifiedImageError

    for frame_path in frame_paths:
        try:
            size = readable_size(frame_path)
        except BadFile as bad:
            raise BadFile(bad.reason, bad.detail, path=frame_path) from None
        if size == 0:
            raise BadFile(EMPTY, "a zero-byte frame", path=frame_path)
    try:
        with Image.open(frame_paths[0]) as image:
            image.verify()
    except (OSError, UnidentifiedImageError, SyntaxError) as error:
        raise BadFile(TRUNCATED, f"unreadable frame ({error})", path=frame_paths[0]) from None


def read_frame_images(frame_paths, size=None):
    """Decodes image files into uint8 RGB `[N, H, W, 3]`; raises `BadFile` naming a bad frame.

    With `size`, frames are scaled so that their short side is `size`
    (aspect ratio kept, antialiased bilinear); JPEGs are first decoded at a
    reduced scale when that still leaves enough pixels, which is several
    times faster.
    """
    from PIL import Image, UnidentifiedImageError

    images, first_size = [], None
    for frame_path in frame_paths:
        try:
            with Image.open(frame_path) as image:
                original = image.size
                if first_size is not None and original != first_size:
                    raise BadFile(TRUNCATED, f"frame size {original} differs from {first_size}",
                                  path=frame_path)
                first_size = original
                shape = None
                if size is not None:
                    shape = short_side_shape(original[1], original[0], size)
                    image.draft("RGB", (shape[1], shape[0]))
                image = image.convert("RGB")
                if shape is not None and image.size != (shape[1], shape[0]):
                    image = image.resize((shape[1], shape[0]), Image.BILINEAR)
                images.append(np.asarray(image))
        except (OSError, UnidentifiedImageError, SyntaxError) as error:
            raise BadFile(TRUNCATED, f"unreadable frame ({error})", path=frame_path) from None
    return np.stack(images)


def frame_folders(
    path,
    frames=16,
    size=64,
    channels=3,
    *,
    training=True,
    with_labels=False,
    seed=0,
    strict=False,
    short_policy="skip",
    stride=1,
    fps=None,
    frame_rate=None,
    clips_per_video=1,
    flip=False,
    class_mapping_path=None,
    cache=False,
):
    """Clips from folders of frames (JPEG or PNG), frames taken in natural sort order.

    Layout: `ROOT/<class>/<video>/<frame>.jpg` (labels from the class
    folders) or `ROOT/<video>/<frame>.jpg`. "frame10.jpg" follows
    "frame9.jpg". Folders with a zero-byte or unreadable frame, or with too
    few frames, are skipped with a warning naming the frame and the reason.

    Args:
        path: the root folder.
        frame_rate: frames per second of the folders; needed only with `fps`.
        (other arguments as in `video_files`)

    Returns:
        An unbatched `tf.data.Dataset` of float32 clips `[frames, size, size,
        channels]` in [-1, 1] (with int32 labels when `with_labels`), with
        attributes `class_names`, `bad_files` and `num_videos`.

    Raises:
        DataError: the path is missing or holds no usable frame folder.

    Example:

    ```python
    import keras_vidgan

    clips = keras_vidgan.data.frame_folders("frames", frames=16, size=64, channels=1)
    for clip in clips.take(1):
        print(clip.shape)  # (16, 64, 64, 1)
    ```
    """
    if fps is not None and frame_rate is None:
        raise DataError(
            "Frame folders carry no timestamps: pass frame_rate (their frames per second) "
            "to sample them at a target fps, or use a stride."
        )
    sampler = ClipSampler(frames, stride=stride, fps=fps, short_policy=short_policy)
    listing = list_frame_folders(path)
    report = BadFileReport("frame folders", strict=strict, source=path)
    listing.report_unreadable(report)
    if not listing.items:
        raise DataError(f"No frame folders (folders of .jpg/.png frames) under {path}.")
    if with_labels and not listing.classes:
        raise DataError(f"Labels need one sub-folder per class under {path}, holding the frame "
                        "folders.")
    usable = []
    for i, (folder, frame_paths) in enumerate(zip(listing.items, listing.frames)):
        try:
            check_frame_folder(frame_paths)
        except BadFile as bad:
            report.skip(folder, bad)
            continue
        timestamps = frame_timestamps(len(frame_paths), frame_rate or 25)
        if check_length(sampler, report, folder, timestamps):
            usable.append(i)
    report.log_summary(total=listing.total)
    if not usable:
        raise DataError(f"No usable frame folders under {path}: "
                        f"{report.summary(listing.total)}. See the warnings above.")
    folders = [listing.items[i] for i in usable]
    frame_lists = [listing.frames[i] for i in usable]
    labels = [listing.labels[i] for i in usable] if listing.labels is not None else None

    def read_clip(item, clip_index, clips, random_value):
        frame_paths = frame_lists[item]
        timestamps = frame_timestamps(len(frame_paths), frame_rate or 25)
        indices = sampler.clip_indices(timestamps, clip_index, clips, random_value)
        unique, positions = np.unique(indices, return_inverse=True)
        return read_frame_images([frame_paths[i] for i in unique], size=size)[positions]

    dataset = python_clip_dataset(
        read_clip,
        len(folders),
        item_path=lambda item: folders[item],
        report=report,
        frames=frames,
        size=size,
        channels=channels,
        training=training,
        seed=seed,
        flip=flip,
        clips_per_video=clips_per_video,
        labels=labels,
        with_labels=with_labels,
        cache=cache,
    )
    return describe_dataset(dataset, listing.classes, report, len(folders), class_mapping_path)
