"""How an integer seed becomes a latent vector, shared by `GAN.generate`, exports and sampling.

The mapping is fixed so that a seed names one video for good: `GAN.generate`,
the exported `generate_from_seed` signature, `keras-vidgan sample --seed` and
Python code all call `noise_from_seeds`, and therefore agree bit for bit. It
lives with the models because `GAN.generate` needs it; `keras_vidgan.export`
re-exports it under its former name.

Video `i` of a request gets its own noise from its own seed only, drawn with
TensorFlow's counter-based (Philox) stateless generator:

    noise[i] = tf.random.stateless_normal([latent_dim], seed=[seeds[i], 0])

so the video for seed 7 is the same whether it is requested alone or in a
batch, first or last. (Stateless random numbers are reproducible for a given
device type and TensorFlow version; CPU and GPU kernels may differ.)
"""

import numpy as np
import tensorflow as tf

# The second word of the Philox key. Changing it changes every seeded video:
# it is part of the export format (see `FORMAT_VERSION` in
# keras_vidgan.export.saved_model_export).
SEED_STREAM = 0


def noise_from_seeds(seeds, latent_dim):
    """Latent vectors for integer seeds, one video per seed.

    Works eagerly and inside a `tf.function` (the exported signature traces it).

    Args:
        seeds: int64 tensor or array-like of shape `[B]`.
        latent_dim: int. Size of each latent vector.

    Returns:
        A float32 tensor `[B, latent_dim]`.

    Example:

    ```python
    from keras_vidgan.models.seeds import noise_from_seeds

    noise = noise_from_seeds([7, 8], latent_dim=16)
    print(noise.shape)  # (2, 16)
    # A seed gives the same vector alone or in a batch.
    assert (noise_from_seeds([8], 16).numpy() == noise[1:].numpy()).all()
    ```
    """
    seeds = tf.convert_to_tensor(seeds, dtype=tf.int64)
    latent_dim = int(latent_dim)

    def one_video(seed):
        key = tf.stack([seed, tf.constant(SEED_STREAM, tf.int64)])
        return tf.random.stateless_normal([latent_dim], seed=key, dtype=tf.float32)

    # map_fn rather than one [B, latent_dim] draw: a batch draw would make each
    # video depend on its position in the request.
    return tf.map_fn(
        one_video,
        seeds,
        fn_output_signature=tf.TensorSpec([latent_dim], tf.float32),
    )


def labels_for_seeds(seeds, num_classes, labels_per_clip=1):
    """The classes a class-conditional video of each seed asks for, when none are given.

    `GAN.generate`, the run's sample grids, `keras-vidgan sample` and
    `keras-vidgan evaluate` use it, so video `s` shows the same digits
    everywhere. Label `j` of seed `s` is `((2j + 1) * s + 7j) mod
    num_classes`: one label per clip reads `s mod num_classes`, so ten
    seeds in a row show every class once; a second label reads
    `(3s + 7) mod num_classes`, which for ten classes is never the first
    one's and also shows every class once in ten seeds.

    Args:
        seeds: int array-like `[B]`.
        num_classes: int.
        labels_per_clip: int. Labels per video.

    Returns:
        int32 array `[B]`, or `[B, labels_per_clip]` for several labels.

    Example:

    ```python
    from keras_vidgan.models.seeds import labels_for_seeds

    print(labels_for_seeds([0, 1, 12], num_classes=10))  # [0 1 2]
    print(labels_for_seeds([0, 1, 12], 10, labels_per_clip=2).tolist())  # [[0, 7], [1, 0], [2, 3]]
    ```
    """
    seeds = np.asarray(seeds, np.int64).reshape(-1)
    places = np.arange(labels_per_clip, dtype=np.int64)
    labels = ((2 * places + 1) * seeds[:, None] + 7 * places) % num_classes
    labels = labels.astype(np.int32)
    return labels[:, 0] if labels_per_clip == 1 else labels


def slerp(start, end, fractions):
    """Spherical interpolation between two latent vectors.

    Gaussian latents concentrate near a sphere of radius sqrt(latent_dim);
    a straight line between two of them passes through the low-norm interior
    the generator rarely saw in training, while the great-circle path stays at
    typical norms (White, "Sampling Generative Networks", 2016).

    Args:
        start: float array `[latent_dim]`.
        end: float array `[latent_dim]`.
        fractions: 1-D float array of positions in [0, 1].

    Returns:
        float32 array `[len(fractions), latent_dim]`; row 0 is `start` when
        `fractions[0] == 0`, the last row `end` when `fractions[-1] == 1`.

    Example:

    ```python
    import numpy as np
    from keras_vidgan.models.seeds import slerp

    path = slerp(np.array([1.0, 0.0]), np.array([0.0, 1.0]), np.linspace(0, 1, 3))
    print(path.round(3))  # [[1. 0.] [0.707 0.707] [0. 1.]]
    ```
    """
    start = np.asarray(start, np.float64)
    end = np.asarray(end, np.float64)
    fractions = np.asarray(fractions, np.float64)[:, None]
    norms = np.linalg.norm(start) * np.linalg.norm(end)
    cosine = np.clip(np.dot(start, end) / norms, -1.0, 1.0) if norms else 1.0
    angle = np.arccos(cosine)
    if angle < 1e-6 or np.pi - angle < 1e-6:
        # Parallel: the line is the arc. Opposite: every great circle joins them,
        # so no arc is the right one and sin(angle) would divide by zero.
        path = (1.0 - fractions) * start + fractions * end
    else:
        path = (
            np.sin((1.0 - fractions) * angle) * start + np.sin(fractions * angle) * end
        ) / np.sin(angle)
    return path.astype(np.float32)
