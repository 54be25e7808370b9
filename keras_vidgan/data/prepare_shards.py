"""Converting videos or frame folders once into TFRecord shards with a manifest.

Each shard is written under a temporary name and renamed when complete,
together with a small JSON sidecar that lists what it holds and what was
skipped. A rerun with the same options keeps the finished shards and writes
only the missing ones, so an interrupted `prepare` resumes.
"""

import contextlib
import hashlib
import json
import math
import os

import numpy as np
import tensorflow as tf

from keras_vidgan.data.bad_file_report import (
    TOO_SHORT,
    TRUNCATED,
    BadFile,
    BadFileReport,
    logger,
)
from keras_vidgan.data.class_mapping import save_class_mapping
from keras_vidgan.data.clip_geometry import resize_short_side
from keras_vidgan.data.clip_sampler import TOLERANCE_US, ClipSampler
from keras_vidgan.data.data_error import DataError
from keras_vidgan.data.frame_folders import check_frame_folder, frame_timestamps, read_frame_images
from keras_vidgan.data.source_listing import list_frame_folders, list_videos, listing_root
from keras_vidgan.data.video_captions import (
    CAPTIONS_FILE,
    has_captions,
    read_captions,
    relative_name,
)
from keras_vidgan.data.video_reader import iter_video_frames, probe_video
from keras_vidgan.data.video_record import IMAGE_FORMATS, video_record_bytes
from keras_vidgan.utils.atomic_write import write_json_atomically
from keras_vidgan.utils.output_folder import unwritable_reason
from keras_vidgan.utils.write_failed import WriteFailed, write_error_reason

MANIFEST_FILE = "manifest.json"
FORMAT_VERSION = 1
VIDEOS_PER_SHARD = 64
CHUNK = 32  # frames resized and encoded together


def shard_name(index, count):
    return f"shard-{index:05d}-of-{count:05d}.tfrecord"


def _remove_if_present(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def _read_json(path):
    with open(path) as handle:
        return json.load(handle)


class _Source:
    """The candidate items of SRC: video files, else frame folders."""

    def __init__(self, src, frame_rate):
        listing = list_videos(src)
        self.kind = "videos"
        if not listing.items and os.path.isdir(src):
            listing = list_frame_folders(src)
            self.kind = "frame folders"
        if not listing.items:
            unreadable = "".join(
                f" ({len(listing.unreadable)} unreadable, such as {path}: {bad.detail})"
                for path, bad in listing.unreadable[:1]
            )
            raise DataError(f"No videos or frame folders in {src}{unreadable}: nothing to "
                            "prepare.")
        self.listing = listing
        self.root = listing_root(src)
        # Read and checked here, before prepare writes anything.
        self.captions = None
        if self.kind == "videos" and has_captions(src, listing.items):
            self.captions = read_captions(src, listing.items)
        elif self.kind == "frame folders" and os.path.lexists(
                os.path.join(self.root, CAPTIONS_FILE)):
            raise DataError(f"{os.path.join(self.root, CAPTIONS_FILE)} captions frame folders; "
                            "captions are read for video files only: prepare the videos "
                            "themselves, or remove the file.")
        self.frame_rate = float(frame_rate)

    def relative(self, item):
        return os.path.relpath(self.listing.items[item], self.root)

    def caption(self, item):
        """The caption of `item`, or None when the source has no captions."""
        return None if self.captions is None else self.captions[item]

    def captions_digest(self):
        """A short hash of every (video, caption) pair: shards of other captions do not mix."""
        pairs = [[relative_name(self.root, item), caption]
                 for item, caption in zip(self.listing.items, self.captions)]
        return "sha256:" + hashlib.sha256(json.dumps(pairs).encode("utf-8")).hexdigest()[:16]

    def frames(self, item, size):
        """`(fps, timestamps, iterator of (timestamp, uint8 RGB frame))`, frames scaled to
        short side `size` exactly as the direct readers scale them; raises `BadFile`."""
        path = self.listing.items[item]
        if self.kind == "videos":
            info = probe_video(path)
            return info.fps, info.timestamps, iter_video_frames(info, size=size)
        frame_paths = self.listing.frames[item]
        check_frame_folder(frame_paths)
        timestamps = frame_timestamps(len(frame_paths), self.frame_rate)

        def stream():
            for start in range(0, len(frame_paths), CHUNK):
                images = read_frame_images(frame_paths[start : start + CHUNK], size=size)
                yield from zip(timestamps[start : start + CHUNK], images)

        return self.frame_rate, timestamps, stream()


def _resampled(timestamps, fps):
    """For a target fps: which source frame is on screen at each tick, and the tick times."""
    ticks = np.round(np.arange(0, timestamps[-1] + TOLERANCE_US, 1e6 / fps)).astype(np.int64)
    chosen = np.searchsorted(timestamps, ticks + TOLERANCE_US, side="right") - 1
    return chosen, ticks


def _encode(frames, size, image_format, quality):
    resized = resize_short_side(np.stack(frames), size)
    if image_format == "jpeg":
        return [tf.io.encode_jpeg(f, quality=quality).numpy() for f in resized], resized.shape
    return [tf.io.encode_png(f).numpy() for f in resized], resized.shape


def _video_record(source, item, options, label, class_name):
    """One item as record bytes and its manifest entry; raises `BadFile`."""
    fps, timestamps, frames = source.frames(item, options["size"])
    keep = np.arange(len(timestamps))
    stored_times = timestamps
    if options["fps"]:
        keep, stored_times = _resampled(timestamps, options["fps"])
        fps = options["fps"]
    if len(keep) < options["frames"] and options["short_policy"] == "skip":
        detail = ClipSampler(options["frames"]).too_short(len(keep), int(stored_times[-1]))
        raise BadFile(TOO_SHORT, detail)
    # Which stored frames each source frame becomes (with a target fps, a frame may
    # be stored several times or not at all).
    uses = {}
    for position, index in enumerate(keep):
        uses.setdefault(int(index), []).append(position)
    encoded = [None] * len(keep)
    pending, pending_positions = [], []
    shape = None
    for index, (_, frame) in enumerate(frames):
        if index in uses:
            pending.append(frame)
            pending_positions.append(uses[index])
        if len(pending) == CHUNK:
            shape = _flush(pending, pending_positions, encoded, options)
            pending, pending_positions = [], []
        if index >= keep[-1]:
            break
    if pending:
        shape = _flush(pending, pending_positions, encoded, options)
    if shape is None or any(e is None for e in encoded):
        raise BadFile(TRUNCATED, "fewer frames decoded than the file lists")
    record = video_record_bytes(
        encoded, stored_times, label=label, class_name=class_name, source=source.relative(item),
        fps=fps, height=shape[1], width=shape[2], image_format=options["format"],
        caption=source.caption(item),
    )
    entry = {
        "source": source.relative(item),
        **({} if source.captions is None else {"caption": source.caption(item)}),
        "label": label,
        "frames": len(encoded),
        "last_timestamp_us": int(stored_times[-1]),
        "fps": round(float(fps), 4),
        "height": int(shape[1]),
        "width": int(shape[2]),
    }
    return record, entry


def _flush(pending, pending_positions, encoded, options):
    images, shape = _encode(pending, options["size"], options["format"], options["quality"])
    for image, positions in zip(images, pending_positions):
        for position in positions:
            encoded[position] = image
    return shape


def prepare_shards(
    src,
    out,
    shards=None,
    frames=16,
    size=128,
    image_format="jpeg",
    *,
    fps=None,
    frame_rate=25.0,
    quality=95,
    short_policy="skip",
    strict=False,
    seed=0,
    progress=True,
):
    """Writes the videos (or frame folders) of `src` as TFRecord shards in `out`.

    Frames are resized so that their short side is `size` (keeping the
    aspect ratio, so readers can still crop at random) and stored as JPEG or
    PNG with their timestamps. Videos are spread over the shards in a
    seeded random order, so every shard mixes all classes. `out` receives
    the shards, `manifest.json` (options, classes, every video with its
    shard and frame count, every skipped file with its reason) and
    `classes.json`.

    Videos with captions (a `<video stem>.txt` beside each, or one
    `captions.csv` at the root of `src`; see
    `keras_vidgan.data.video_captions`) keep them: each record holds its
    video's caption, the manifest says `"captioned": true` and lists each
    video's caption. The caption files are checked before anything is
    written.

    Args:
        src: a folder of videos (one sub-folder per class for labels), a glob
            pattern, or a root of frame folders.
        out: the output folder (created).
        shards: number of shards; default one per 64 videos. Use at least as
            many shards as training workers.
        frames: clip length the data is meant for: shorter videos are
            skipped (or kept when `short_policy` is "loop" or "pad").
        size: short side of the stored frames.
        image_format: "jpeg" (small) or "png" (lossless).
        fps: store frames resampled to this rate (by timestamps); default all
            frames.
        frame_rate: frames per second of frame folders (they have no
            timestamps).
        quality: JPEG quality.
        short_policy: "skip", "loop" or "pad".
        strict: raise `DataError` on the first bad file.
        seed: seed of the assignment of videos to shards.
        progress: show a progress bar.

    Returns:
        The manifest, as a dict.

    Raises:
        DataError: nothing to prepare, a caption file is wrong, `out`
            cannot be written or holds shards made with other options (or
            captions), no usable video, or (strict) a bad file. Raised
            before anything is written, except the last two.
        keras_vidgan.utils.WriteFailed: a write failed part-way (a full
            disk): the shards finished before it are kept, no partial file
            is left, and a rerun with the same options resumes.

    Example:

    ```python
    from keras_vidgan.data.prepare_shards import prepare_shards

    manifest = prepare_shards("UCF-101", "ucf_shards", shards=32, size=80)
    print(manifest["counts"])
    ```
    """
    import keras

    if image_format not in IMAGE_FORMATS:
        raise DataError(f"--format must be one of {IMAGE_FORMATS}, got {image_format!r}.")
    if int(size) < 1 or int(frames) < 1:
        raise DataError("--size and --frames must be positive integers.")
    src, out = str(src), str(out)
    problem = unwritable_reason(out)
    if problem:
        raise DataError(f"Cannot write the shards into {out}: {problem}; pass another OUT "
                        "folder.")
    source = _Source(src, frame_rate)
    count = len(source.listing.items)
    shards = int(shards or max(1, math.ceil(count / VIDEOS_PER_SHARD)))
    if shards < 1:
        raise DataError("--shards must be a positive integer.")
    shards = min(shards, count)
    options = {
        "source_kind": source.kind,
        "candidates": count,
        "shards": shards,
        "frames": int(frames),
        "size": int(size),
        "format": image_format,
        "quality": int(quality),
        "fps": None if fps is None else float(fps),
        "frame_rate": float(frame_rate),
        "short_policy": short_policy,
        "seed": int(seed),
    }
    if source.captions is not None:
        options["captions"] = source.captions_digest()
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as error:
        raise DataError(f"Cannot create {out} ({write_error_reason(error)}); pass another OUT "
                        "folder.") from None
    _check_previous(out, options)
    order = np.random.default_rng(int(seed)).permutation(count)
    classes = source.listing.classes
    report = BadFileReport(source.kind, strict=strict, source=src)
    source.listing.report_unreadable(report)
    # Entries the listing could not read belong to no shard; the manifest lists them directly.
    unreadable = [{"source": os.path.relpath(path, source.root), "reason": bad.reason,
                   "detail": bad.detail} for path, bad in source.listing.unreadable]
    bar = keras.utils.Progbar(count, unit_name="video") if progress else None
    for shard in range(shards):
        items = sorted(int(i) for i in order[shard::shards])
        name = shard_name(shard, shards)
        if not _shard_finished(out, name):
            try:
                _write_shard(source, items, options, report, os.path.join(out, name),
                             advance=bar.add if bar else None)
            except _WriteFailure as failure:
                error = failure.__cause__
                finished = sum(_shard_finished(out, shard_name(i, shards)) for i in range(shards))
                raise WriteFailed(
                    f"Writing {os.path.join(out, name)} failed ({write_error_reason(error)}); "
                    f"the {finished} finished shards in {out} are kept. Free space (or fix {out}) "
                    "and run prepare again with the same options to resume."
                ) from error
        elif bar:
            bar.add(len(items))  # finished by an earlier run
    manifest = _manifest(out, options, classes, shards, unreadable)
    try:
        write_json_atomically(os.path.join(out, MANIFEST_FILE), manifest, indent=1)
        if classes:
            save_class_mapping(out, classes)
    except OSError as error:
        raise WriteFailed(
            f"Writing {os.path.join(out, MANIFEST_FILE)} failed ({write_error_reason(error)}); "
            f"all {shards} shards in {out} are complete. Free space and run prepare again with "
            "the same options to finish."
        ) from error
    report_skips = manifest["counts"]["skipped"]
    if report.skipped or report_skips:
        # Shards finished by an earlier run contribute their skips through the manifest.
        by_reason = ", ".join(
            f"{n} {r}" for r, n in sorted(manifest["counts"]["skipped_by_reason"].items())
        )
        logger.warning("Input data: skipped %d of %d %s in %s: %s; listed in %s", report_skips,
                       manifest["counts"]["candidates"], source.kind, src, by_reason,
                       os.path.join(out, MANIFEST_FILE))
    if manifest["counts"]["written"] == 0:
        raise DataError(f"No usable {source.kind} in {src}: all {report_skips} were skipped; "
                        f"see {os.path.join(out, MANIFEST_FILE)}.")
    return manifest


def _shard_name_parts(path):
    return path + ".tmp", path[: -len(".tfrecord")] + ".json"


def _shard_finished(out, name):
    _, sidecar = _shard_name_parts(os.path.join(out, name))
    return os.path.exists(os.path.join(out, name)) and os.path.exists(sidecar)


def _write_shard(source, items, options, report, final, advance=None):
    """Writes one shard and its sidecar, and leaves no partial file behind, whatever fails.

    Raises `_WriteFailure` when a write fails; errors of reading a source are raised as they are.
    """
    temporary, sidecar = _shard_name_parts(final)
    name = os.path.basename(final)
    labels, classes = source.listing.labels, source.listing.classes
    entries, skipped = [], []
    writer = None
    try:
        with _writing():
            writer = tf.io.TFRecordWriter(temporary)
        for item in items:
            label = labels[item] if labels is not None else -1
            class_name = classes[label] if labels is not None else ""
            try:
                record, entry = _video_record(source, item, options, label, class_name)
            except BadFile as bad:
                report.skip(source.listing.items[item], bad)
                skipped.append({"source": source.relative(item), "reason": bad.reason,
                                "detail": bad.detail})
            else:
                with _writing():
                    writer.write(record)
                entries.append({**entry, "shard": name})
            if advance:
                advance(1)
        with _writing():
            # Buffered records reach the disk here, so a full disk may only show now.
            writer.close()
            # The sidecar first, the shard last: a shard under its final name is complete.
            write_json_atomically(
                sidecar, {"options": options, "videos": entries, "skipped": skipped}, indent=1
            )
            os.replace(temporary, final)
    finally:
        if writer is not None:
            writer.close()
        _remove_if_present(temporary)


class _WriteFailure(Exception):
    """A write of `_write_shard` failed; the error is its `__cause__`."""


@contextlib.contextmanager
def _writing():
    # Tells a failed write (a full disk) apart from a failed read of a source video.
    try:
        yield
    except (OSError, tf.errors.OpError) as error:
        raise _WriteFailure() from error


def _check_previous(out, options):
    """Refuses to mix shards of different options; removes partial files of a killed run."""
    for name in sorted(os.listdir(out)):
        path = os.path.join(out, name)
        if name.endswith((".tmp", ".partial")):
            os.remove(path)
        elif name.startswith("shard-") and name.endswith(".json"):
            previous = _read_json(path).get("options")
            if previous != options:
                previous = previous or {}
                changed = sorted(k for k in {*options, *previous}
                                 if previous.get(k) != options.get(k))
                raise DataError(
                    f"{out} already holds shards prepared with other options "
                    f"({', '.join(changed) or 'unknown'} differ); use a new output folder "
                    "or delete that one."
                )
        elif name.startswith("shard-") and name.endswith(".tfrecord"):
            continue


def _manifest(out, options, classes, shards, unreadable):
    videos, skipped, shard_list = [], list(unreadable), []
    for shard in range(shards):
        name = shard_name(shard, shards)
        sidecar = _read_json(os.path.join(out, name[: -len(".tfrecord")] + ".json"))
        videos += sidecar["videos"]
        skipped += sidecar["skipped"]
        shard_list.append({"file": name, "videos": len(sidecar["videos"])})
    by_reason = {}
    for entry in skipped:
        by_reason[entry["reason"]] = by_reason.get(entry["reason"], 0) + 1
    manifest = {
        "format_version": FORMAT_VERSION,
        "options": options,
        "image_format": options["format"],
        "frames": options["frames"],
        "size": options["size"],
        "classes": list(classes),
        "captioned": "captions" in options,
        "shards": shard_list,
        "counts": {
            "candidates": options["candidates"] + len(unreadable),
            "written": len(videos),
            "skipped": len(skipped),
            "skipped_by_reason": by_reason,
        },
        "videos": sorted(videos, key=lambda v: v["source"]),
        "skipped": sorted(skipped, key=lambda v: v["source"]),
    }
    return manifest


def read_manifest(folder):
    """The manifest of a prepared folder, or None when it has none."""
    path = os.path.join(str(folder), MANIFEST_FILE)
    if not os.path.exists(path):
        return None
    try:
        return _read_json(path)
    except (OSError, ValueError) as error:
        raise DataError(f"Cannot read {path} ({error}); run prepare again.") from None
