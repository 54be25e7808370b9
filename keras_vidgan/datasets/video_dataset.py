"""Turns a per-index clip function into a parallel, ordered `tf.data.Dataset`."""

import numpy as np
import tensorflow as tf


def clips_dataset(
    make_clip,
    num_clips,
    clip_shape,
    label_shape,
    with_labels,
    first_clip=0,
    label_dtype=tf.int32,
):
    """Builds a dataset of `make_clip(i)` for `i` in `[first_clip, num_clips)`, scaled to [-1, 1].

    `make_clip(i)` returns a float32 clip in [0, 1] and its labels: int32
    classes, or a caption string with `label_dtype=tf.string`. The map
    runs in parallel but keeps the order, so the dataset is deterministic.
    Starting at `first_clip` costs nothing: a resumed run starts where it
    stopped without generating the clips it already saw.
    """

    def generate(index):
        clip, labels = make_clip(int(index))
        if label_dtype == tf.string:
            labels = np.asarray(labels.encode("utf-8"), dtype=object)
        else:
            labels = np.asarray(labels, label_dtype.as_numpy_dtype)
        return (clip * 2.0 - 1.0).astype(np.float32), labels

    def to_tensors(index):
        clip, labels = tf.numpy_function(generate, [index], (tf.float32, label_dtype))
        clip.set_shape(clip_shape)
        labels.set_shape(label_shape)
        return (clip, labels) if with_labels else clip

    dataset = tf.data.Dataset.range(first_clip, num_clips)
    return dataset.map(to_tensors, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
