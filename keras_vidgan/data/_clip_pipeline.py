"""The tf.data plumbing shared by the readers that decode in Python.

Video files, frame folders and arrays decode each clip in a
`tf.numpy_function`; everything around it (shuffling, per-epoch random
numbers, dropping bad items, the common `finish_clip`, the end-of-pass
summary) lives here, in the graph.
"""

import numpy as np
import tensorflow as tf

from keras_vidgan.data.bad_file_report import BadFile
from keras_vidgan.data.clip_geometry import finish_clip


def with_epoch_random(dataset, seed):
    """Appends an int64 random number to each element, new every pass, fixed by `seed`.

    A `tf.random.Generator` advances across passes, so each epoch gets new
    clip offsets and crops while the whole sequence stays reproducible. It is
    drawn in a sequential map, so the order of draws never depends on thread
    timing.
    """
    with tf.init_scope():
        generator = tf.random.Generator.from_seed(int(seed))

    def attach(*element):
        return (*element, generator.uniform_full_int([], tf.int64))

    dataset = dataset.map(attach)
    dataset._keras_vidgan_generator = generator  # keep the state alive with the dataset
    return dataset


def end_of_pass_summary(dataset, report, element_spec):
    """Makes the report summarise new bad files whenever a pass over `dataset` ends."""

    def placeholder(spec):
        return tf.zeros(spec.shape, spec.dtype)

    filler = tf.data.Dataset.from_tensors(tf.nest.map_structure(placeholder, element_spec))
    tail = filler.filter(lambda *_: tf.numpy_function(report.end_of_pass, [], tf.bool))
    return dataset.concatenate(tail)


def python_clip_dataset(
    read_clip,
    num_items,
    *,
    item_path,
    report,
    frames,
    size,
    channels,
    source_channels=3,
    training=True,
    seed=0,
    flip=False,
    clips_per_video=1,
    labels=None,
    with_labels=False,
    captions=None,
    cache=False,
):
    """A dataset of finished clips from a Python function that decodes one clip.

    Args:
        read_clip: `read_clip(item, clip_index, clips, random_value)` returns
            uint8 frames `[frames, H, W, source_channels]` or raises
            `BadFile`; `random_value` is None for evaluation.
        num_items: how many videos.
        item_path: `item_path(item)` names an item in warnings.
        report: the `BadFileReport` skipped items go to.
        frames, size, channels: the clip shape.
        source_channels: channels of what `read_clip` returns.
        training: random offsets, crops and order; else fixed ones.
        seed: seed of everything random.
        flip: random horizontal flips in training.
        clips_per_video: clips taken from each video per pass.
        labels: each item's int label, or None.
        with_labels: yield `(clip, label)` pairs.
        captions: each item's caption (str), or None; given, the dataset
            yields `(clip, caption)` pairs, the caption a tf.string scalar.
        cache: False, True (memory) or a file prefix: keep finished clips
            after the first pass (training then repeats the first pass'
            offsets and crops).
    """
    clips = int(clips_per_video)
    if clips < 1:
        raise ValueError(f"`clips_per_video` must be at least 1, got {clips_per_video!r}.")
    if with_labels and labels is None:
        raise ValueError("Labels need one sub-folder per class.")
    if with_labels and captions is not None:
        raise ValueError("Pass labels or captions, not both.")
    total = num_items * clips
    dataset = tf.data.Dataset.range(total)
    if training:
        dataset = dataset.shuffle(max(total, 1), seed=seed, reshuffle_each_iteration=True)
        dataset = with_epoch_random(dataset, seed)
    else:
        dataset = dataset.map(lambda element: (element, tf.constant(0, tf.int64)))

    empty = np.zeros((frames, 1, 1, source_channels), np.uint8)

    def read(element, random_value):
        item, clip_index = divmod(int(element), clips)
        try:
            clip = read_clip(item, clip_index, clips, int(random_value) if training else None)
        except BadFile as bad:
            report.skip(item_path(item), bad)
            return empty, np.bool_(False)
        return np.ascontiguousarray(clip, np.uint8), np.bool_(True)

    def load(element, random_value):
        clip, ok = tf.numpy_function(read, [element, random_value], (tf.uint8, tf.bool))
        clip.set_shape([frames, None, None, source_channels])
        ok.set_shape([])
        return element, random_value, clip, ok

    dataset = dataset.map(load, num_parallel_calls=tf.data.AUTOTUNE)
    dataset = dataset.filter(lambda element, random_value, clip, ok: ok)
    # Labels and captions ride along as a table indexed by item, as strings or int32.
    if captions is not None:
        label_table = tf.constant([str(caption) for caption in captions], tf.string)
    else:
        label_table = tf.constant(labels if labels is not None else [0] * max(num_items, 1),
                                  tf.int32)

    def finish(element, random_value, clip, ok):
        seed_pair = tf.stack([random_value, element]) if training else None
        finished = finish_clip(clip, size, channels, seed=seed_pair, flip=flip)
        if with_labels or captions is not None:
            return finished, tf.gather(label_table, element // clips)
        return finished

    dataset = dataset.map(finish, num_parallel_calls=tf.data.AUTOTUNE)
    if cache:
        dataset = dataset.cache("" if cache is True else str(cache))
    dataset = end_of_pass_summary(dataset, report, dataset.element_spec)
    options = tf.data.Options()
    # Items are not files TensorFlow can split; each worker keeps its share of elements.
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return dataset.prefetch(tf.data.AUTOTUNE).with_options(options)
