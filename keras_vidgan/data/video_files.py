"""Clips from a folder of video files (mp4, avi, webm, mov, gif, ...), decoded with PyAV."""

import concurrent.futures
import os

from keras_vidgan.data._clip_pipeline import python_clip_dataset
from keras_vidgan.data.bad_file_report import TOO_SHORT, BadFile, BadFileReport
from keras_vidgan.data.class_mapping import describe_dataset
from keras_vidgan.data.clip_sampler import ClipSampler
from keras_vidgan.data.data_error import DataError
from keras_vidgan.data.source_listing import list_videos, listing_root
from keras_vidgan.data.video_captions import read_captions, relative_name
from keras_vidgan.data.video_reader import VIDEO_EXTENSIONS, probe_video, read_video_frames


def check_length(sampler, report, path, timestamps):
    """Reports a too-short item; returns whether it stays in the dataset."""
    if sampler.is_long_enough(timestamps):
        return True
    if sampler.short_policy == "skip":
        span = int(timestamps[-1] - timestamps[0]) if len(timestamps) else 0
        report.skip(path, BadFile(TOO_SHORT, sampler.too_short(len(timestamps), span)))
        return False
    report.note_adjusted(path, "looped" if sampler.short_policy == "loop" else "padded")
    return True


def probe_videos(paths, report):
    """`probe_video` for each path (a few at a time); bad files go to `report`, as None."""
    workers = min(4, (os.cpu_count() or 1) + 1)
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(probe_video, path) for path in paths]
        infos = []
        try:
            for path, future in zip(paths, futures):
                try:
                    infos.append(future.result())
                except BadFile as bad:
                    report.skip(path, bad)  # raises DataError in strict mode
                    infos.append(None)
        finally:
            for future in futures:
                future.cancel()
    return infos


def video_files(
    path,
    frames=16,
    size=64,
    channels=3,
    *,
    training=True,
    with_labels=False,
    with_captions=False,
    seed=0,
    strict=False,
    short_policy="skip",
    stride=1,
    fps=None,
    clips_per_video=1,
    flip=False,
    class_mapping_path=None,
    cache=False,
):
    """Clips from video files, streamed: each clip is decoded when it is needed.

    Every file is probed first (demuxed without decoding, cheap): empty,
    truncated, unreadable and too-short files, and files whose codec has no
    decoder, are skipped with one warning each and summarised; decoding
    errors met later are reported the same way and never stop an epoch.

    Args:
        path: a folder (searched recursively; one sub-folder per class gives
            labels), a glob pattern such as "clips/*/*.mp4", or one file.
        frames: frames per clip (T).
        size: height and width of the clips: the short side is resized to
            `size` keeping the aspect ratio, then a square is cropped.
        channels: 1 (luma) or 3 (RGB).
        training: random clip offsets (new every epoch), random crops and a
            shuffled order; else the centre crop and fixed offsets, in order.
        with_labels: yield `(clip, label)`, label an int32 class index.
        with_captions: yield `(clip, caption)`, caption a tf.string scalar
            read from a `<video stem>.txt` beside each video or from one
            `captions.csv` at the folder's root (see
            `keras_vidgan.data.video_captions`); checked for every video
            before anything is decoded.
        seed: seed of the order, offsets, crops and flips.
        strict: raise `DataError` on the first bad file instead of skipping.
        short_policy: for videos shorter than one clip: "skip", "loop" or "pad".
        stride: take every `stride`-th frame.
        fps: instead of a stride, sample at this frame rate by timestamps.
        clips_per_video: clips per video per epoch (evaluation: evenly spaced).
        flip: mirror training clips horizontally at random.
        class_mapping_path: write the class mapping (`classes.json`) here.
        cache: keep finished clips after the first pass (True: memory; a
            string: files with that prefix); training then repeats the first
            pass' offsets and crops.

    Returns:
        An unbatched `tf.data.Dataset` of float32 clips `[frames, size, size,
        channels]` in [-1, 1]. Its attributes `class_names`, `bad_files` (a
        `BadFileReport`) and `num_videos` describe what was found; with
        captions, `captions` maps each usable video (its path relative to
        the folder) to its caption, in the folder's order.

    Raises:
        DataError: the path is missing, holds no videos, or none is usable;
            in strict mode, the first bad file; with captions, any problem
            of the caption files.

    Example:

    ```python
    import keras_vidgan

    clips = keras_vidgan.data.video_files(
        "UCF-101", frames=16, size=64, channels=3, with_labels=True, fps=8
    )
    print(clips.class_names[:2], clips.element_spec)
    ```
    """
    sampler = ClipSampler(frames, stride=stride, fps=fps, short_policy=short_policy)
    listing = list_videos(path)
    report = BadFileReport("videos", strict=strict, source=path)
    listing.report_unreadable(report)
    if not listing.items:
        raise DataError(
            f"No video files in {path} (looked for {', '.join(VIDEO_EXTENSIONS)}); "
            "point --data at a folder of videos, a frame-folder root or TFRecord shards."
        )
    if with_labels and not listing.classes:
        raise DataError(
            f"Labels need one sub-folder per class under {path}; some videos are not in one."
        )
    if with_labels and with_captions:
        raise DataError("Pass with_labels=True or with_captions=True, not both.")
    # Before any video is opened: a caption problem is the user's to fix, not a bad file.
    captions = read_captions(path, listing.items) if with_captions else None
    infos = probe_videos(listing.items, report)
    usable = [
        i for i, info in enumerate(infos)
        if info is not None and check_length(sampler, report, info.path, info.timestamps)
    ]
    report.log_summary(total=listing.total)
    if not usable:
        raise DataError(
            f"No usable videos in {path}: {report.summary(listing.total)}. "
            "See the warnings above."
        )
    infos = [infos[i] for i in usable]
    labels = [listing.labels[i] for i in usable] if listing.labels is not None else None
    if captions is not None:
        # A skipped video takes its caption with it.
        captions = [captions[i] for i in usable]

    def read_clip(item, clip_index, clips, random_value):
        info = infos[item]
        indices = sampler.clip_indices(info.timestamps, clip_index, clips, random_value)
        return read_video_frames(info, indices, size=size)

    dataset = python_clip_dataset(
        read_clip,
        len(infos),
        item_path=lambda item: infos[item].path,
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
        captions=captions,
        cache=cache,
    )
    if captions is not None:
        root = listing_root(path)
        dataset.captions = {relative_name(root, info.path): caption
                            for info, caption in zip(infos, captions)}
    return describe_dataset(dataset, listing.classes, report, len(infos), class_mapping_path)
