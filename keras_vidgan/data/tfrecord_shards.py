"""Clips from TFRecord shards written by `keras-vidgan prepare`, decoded inside the graph.

Nothing in this pipeline runs Python per element: records are read by
interleaving shards, parsed, sampled with `ClipSampler`'s graph methods,
decoded with `tf.io.decode_jpeg`/`decode_png` and finished with
`finish_clip`, all in parallel with AUTOTUNE. With several workers under
`tf.distribute`, shards are split by file (`AutoShardPolicy.FILE`).
"""

import glob
import logging
import os

import tensorflow as tf

from keras_vidgan.data._clip_pipeline import with_epoch_random
from keras_vidgan.data.bad_file_report import TOO_SHORT, BadFile, BadFileReport
from keras_vidgan.data.class_mapping import describe_dataset
from keras_vidgan.data.clip_geometry import finish_clip
from keras_vidgan.data.clip_sampler import ClipSampler
from keras_vidgan.data.data_error import DataError
from keras_vidgan.data.prepare_shards import MANIFEST_FILE, read_manifest
from keras_vidgan.data.source_listing import is_glob, natural_sort_key
from keras_vidgan.data.video_record import parse_video_record

logger = logging.getLogger("keras_vidgan.data")

TFRECORD_SUFFIXES = (".tfrecord", ".tfrecords", ".tfr")


def find_shards(path):
    """`(shard files, manifest or None)` for a prepared folder, a shard file or a glob.

    Raises:
        DataError: nothing matches, or the manifest lists a missing shard.
    """
    path = str(path)
    if os.path.isdir(path):
        manifest = read_manifest(path)
        if manifest is not None:
            files = [os.path.join(path, shard["file"]) for shard in manifest["shards"]]
            missing = [f for f in files if not os.path.exists(f)]
            if missing:
                raise DataError(f"{missing[0]} is listed in {os.path.join(path, MANIFEST_FILE)} "
                                "but missing; run prepare again to finish it.")
            return files, manifest
        files = sorted(
            os.path.join(path, name)
            for name in os.listdir(path)
            if name.endswith(TFRECORD_SUFFIXES)
        )
    elif is_glob(path):
        files = sorted(f for f in glob.glob(path) if os.path.isfile(f))
    elif os.path.isfile(path):
        files = [path]
    else:
        raise DataError(f"{path} does not exist: give TFRecord shards, a glob of them, or the "
                        "folder `keras-vidgan prepare` wrote.")
    if not files:
        raise DataError(f"No TFRecord shards match {path}.")
    manifest = read_manifest(os.path.dirname(files[0]))
    return files, manifest


def tfrecord_shards(
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
    shuffle_buffer=64,
    cycle_length=8,
    input_context=None,
    class_mapping_path=None,
    cache=False,
):
    """Clips from TFRecord shards of `tf.train.SequenceExample` videos, graph-native.

    Shards are read interleaved (`cycle_length` at a time), records shuffled
    in a buffer of `shuffle_buffer` videos when training, and each clip
    decodes only its own frames. The dataset carries
    `AutoShardPolicy.FILE`, so `tf.distribute` gives each worker its own
    shards: prepare at least as many shards as workers. With
    `input_context` (from `distribute_datasets_from_function`) the shards
    are split here instead.

    Too-short videos: the manifest lists each video's length, so those too
    short for the requested clips are reported up front, one warning each;
    with `short_policy="skip"` the graph drops them.

    Args:
        path: the folder `prepare` wrote (with `manifest.json`), a shard file
            or a glob of shards.
        shuffle_buffer: videos in the training shuffle buffer (memory is
            about this many records).
        cycle_length: shards read at once.
        input_context: a `tf.distribute.InputContext`, or None.
        strict: raise `DataError` when the manifest lists skipped files or
            too-short videos.
        with_captions: yield `(clip, caption)`, caption a tf.string scalar,
            from shards that `prepare` wrote from captioned videos (read
            through the folder it wrote, for its `manifest.json`).
        (other arguments as in `video_files`)

    Returns:
        An unbatched `tf.data.Dataset` of float32 clips `[frames, size, size,
        channels]` in [-1, 1] (with int32 labels when `with_labels`), with
        attributes `class_names`, `bad_files` and `num_videos` (None without
        a manifest); with captions, `captions` maps each usable video's
        source to its caption, in natural order.

    Raises:
        DataError: no shards, no usable video, labels without classes,
            captions from shards prepared without them.

    Example:

    ```python
    import keras_vidgan

    clips = keras_vidgan.data.tfrecord_shards("ucf_shards", frames=16, size=64, channels=3)
    batches = clips.batch(16, drop_remainder=True).prefetch(2)
    ```
    """
    sampler = ClipSampler(frames, stride=stride, fps=fps, short_policy=short_policy)
    clips = int(clips_per_video)
    if clips < 1:
        raise ValueError(f"`clips_per_video` must be at least 1, got {clips_per_video!r}.")
    files, manifest = find_shards(path)
    if with_captions:
        _check_captioned(path, manifest, with_labels)
    report = BadFileReport("videos", strict=strict, source=path)
    classes = list(manifest.get("classes", [])) if manifest else []
    usable = None
    if manifest is not None:
        for entry in manifest.get("skipped", []):
            report.skip(entry["source"], BadFile(entry["reason"], entry.get("detail", "")))
        videos = manifest.get("videos", [])
        kept = []
        for entry in videos:
            count = entry["frames"]
            if sampler.holds_clip(count, entry.get("last_timestamp_us", 0)):
                kept.append(entry)
            elif short_policy == "skip":
                detail = sampler.too_short(count, entry.get("last_timestamp_us", 0))
                report.skip(entry["source"], BadFile(TOO_SHORT, detail))
            else:
                kept.append(entry)
                how = "looped" if short_policy == "loop" else "padded"
                report.note_adjusted(entry["source"], how)
        usable = len(kept)
        report.log_summary(total=manifest.get("counts", {}).get("candidates", len(videos)))
        if usable == 0:
            raise DataError(f"No usable videos in {path}: {report.summary()}.")
        image_format = manifest.get("image_format")
    else:
        image_format = None
        logger.info("No %s beside %s: videos too short for a clip are dropped without a "
                    "per-file warning.", MANIFEST_FILE, path)
    if with_labels and not classes and manifest is not None:
        raise DataError(f"{path} holds no class labels: prepare it from a folder with one "
                        "sub-folder per class.")

    files_dataset = tf.data.Dataset.from_tensor_slices(files)
    if input_context is not None:
        files_dataset = files_dataset.shard(
            input_context.num_input_pipelines, input_context.input_pipeline_id
        )
    if training:
        files_dataset = files_dataset.shuffle(len(files), seed=seed, reshuffle_each_iteration=True)
        files_dataset = with_epoch_random(files_dataset, seed)
    else:
        files_dataset = files_dataset.map(lambda f: (f, tf.constant(0, tf.int64)))

    def records_of(file, file_random):
        numbered = tf.data.TFRecordDataset(file).enumerate()
        return numbered.map(lambda number, record: (record, file_random, number))

    records = files_dataset.interleave(
        records_of,
        cycle_length=max(1, min(int(cycle_length), len(files))),
        block_length=1,
        num_parallel_calls=tf.data.AUTOTUNE,
        deterministic=True,
    )
    if training:
        records = records.shuffle(int(shuffle_buffer), seed=seed, reshuffle_each_iteration=True)

    def parse(record, file_random, number):
        video = parse_video_record(record)
        # The caption rides where the label would.
        label = video["caption"] if with_captions else tf.cast(video["label"], tf.int32)
        return video["frames"], video["timestamps"], label, file_random, number

    videos = records.map(parse, num_parallel_calls=tf.data.AUTOTUNE)
    if short_policy == "skip":
        videos = videos.filter(lambda encoded, times, *rest: sampler.tf_is_long_enough(times))
    if clips > 1:
        videos = videos.flat_map(
            lambda *video: tf.data.Dataset.range(clips).map(lambda k: (*video, k))
        )
    else:
        videos = videos.map(lambda *video: (*video, tf.constant(0, tf.int64)))

    decode = _decoder(image_format)

    def make_clip(encoded, times, label, file_random, number, clip_index):
        if training:
            mixed = tf.stack([file_random, number * clips + clip_index])
            random_value = tf.random.stateless_uniform(
                [], seed=mixed, minval=None, maxval=None, dtype=tf.int64
            )
            seed_pair = tf.stack([random_value, clip_index])
        else:
            random_value, seed_pair = None, None
        indices = sampler.tf_clip_indices(times, clip_index, clips, random_value)
        images = tf.map_fn(
            decode, tf.gather(encoded, indices), fn_output_signature=tf.TensorSpec(
                [None, None, 3], tf.uint8)
        )
        clip = finish_clip(images, size, channels, seed=seed_pair, flip=flip)
        return (clip, label) if with_labels or with_captions else clip

    dataset = videos.map(make_clip, num_parallel_calls=tf.data.AUTOTUNE)
    if cache:
        dataset = dataset.cache("" if cache is True else str(cache))
    dataset = dataset.prefetch(tf.data.AUTOTUNE)
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.FILE
    dataset = dataset.with_options(options)
    dataset.shard_files = list(files)
    if with_captions:
        kept.sort(key=lambda entry: natural_sort_key(entry["source"]))
        dataset.captions = {entry["source"]: entry["caption"] for entry in kept}
    return describe_dataset(dataset, classes, report, usable, class_mapping_path)


def _check_captioned(path, manifest, with_labels):
    if with_labels:
        raise DataError("Pass with_labels=True or with_captions=True, not both.")
    if manifest is None:
        raise DataError(f"{path} has no {MANIFEST_FILE} beside its shards: read captioned "
                        "shards through the folder `keras-vidgan prepare` wrote.")
    if not manifest.get("captioned"):
        raise DataError(
            f"{path} was prepared without captions; put a <video stem>.txt beside each video "
            "(or one captions.csv in the folder) and run prepare again into a new folder."
        )


def _decoder(image_format):
    if image_format == "jpeg":
        return lambda data: tf.io.decode_jpeg(data, channels=3)
    if image_format == "png":
        return lambda data: tf.io.decode_png(data, channels=3)
    return lambda data: tf.io.decode_image(data, channels=3, expand_animations=False)


def shard_sources(files):
    """`{shard file: [source paths]}`, read eagerly (for tests and inspection)."""
    result = {}
    for file in files:
        sources = []
        for record in tf.data.TFRecordDataset(file):
            sources.append(parse_video_record(record)["source"].numpy().decode())
        result[file] = sources
    return result


__all__ = ["find_shards", "shard_sources", "tfrecord_shards"]
