"""Batches of clips from any source evaluation accepts: datasets, arrays, generators, GANs."""

import keras
import numpy as np
import tensorflow as tf


def clip_batches(source, num_clips, batch_size, seed=0):
    """Yields batches `[B, T, H, W, C]` of the first `num_clips` clips of `source`.

    Args:
        source: one of
            - a `tf.data.Dataset` of clips `[T, H, W, C]` or of batches
              `[B, T, H, W, C]` (elements may be tuples; the first item is the
              clip);
            - a numpy array `[N, T, H, W, C]`;
            - a generator `keras.Model` mapping noise `[B, latent_dim]` to
              clips, or a `keras_vidgan.GAN` (its sampling generator): clip
              `i` is generated from standard normal noise seeded by
              `(seed, i)`, whatever the batch size, so every metric that reads
              a generator with the same seed sees the same clips.
        num_clips: int. Clips wanted; a source may yield fewer (the caller
            checks).
        batch_size: int. Clips per batch (the last may have fewer).
        seed: int. Seed of generated clips' noise.

    Returns:
        An iterator of numpy arrays or tensors.

    Example:

    ```python
    import numpy as np
    from keras_vidgan.metrics.clip_batches import clip_batches

    clips = np.zeros((5, 8, 32, 32, 1), "float32")
    print([len(batch) for batch in clip_batches(clips, 5, batch_size=2)])  # [2, 2, 1]
    ```
    """
    # A GAN is judged by what it samples with: its weight average when it keeps one.
    generator = getattr(source, "sampling_generator", None) or getattr(
        source, "generator", source
    )
    if isinstance(generator, keras.Model) and not isinstance(source, tf.data.Dataset):
        return _generated_batches(
            generator, num_clips, batch_size, seed, getattr(source, "latent_dim", None)
        )
    if isinstance(source, tf.data.Dataset):
        dataset = source
        if isinstance(dataset.element_spec, (tuple, list)):
            dataset = dataset.map(lambda *items: items[0])
        elif isinstance(dataset.element_spec, dict):
            raise ValueError("Dataset elements must be clips or (clip, ...) tuples, not dicts.")
        rank = dataset.element_spec.shape.rank
        if rank == 5:
            dataset = dataset.unbatch()
        elif rank != 4:
            raise ValueError(
                f"Dataset elements must be clips [T, H, W, C] or batches [B, T, H, W, C], "
                f"got shape {dataset.element_spec.shape}."
            )
        dataset = dataset.take(num_clips).batch(batch_size)
        return dataset.prefetch(tf.data.AUTOTUNE).as_numpy_iterator()
    array = np.asarray(source)
    if array.ndim != 5:
        raise ValueError(f"Expected clips [N, T, H, W, C], got an array of shape {array.shape}.")
    return (array[i : i + batch_size] for i in range(0, min(len(array), num_clips), batch_size))


def _generated_batches(generator, num_clips, batch_size, seed, latent_dim=None):
    if latent_dim is None:
        try:
            latent_dim = generator.inputs[0].shape[-1]
        except (AttributeError, IndexError, TypeError, ValueError):
            latent_dim = getattr(generator, "latent_dim", None)
    if latent_dim is None:
        raise ValueError("Cannot read the generator's noise size from its input.")
    latent_dim = int(latent_dim)

    def noise(index):
        # Per-clip seeds: clip i is the same whatever the batch size.
        return tf.random.stateless_normal(
            [latent_dim], seed=tf.stack([tf.constant(seed, tf.int64), index])
        )

    noises = tf.data.Dataset.range(num_clips).map(noise).batch(batch_size)
    for batch in noises:
        yield generator(batch, training=False)
