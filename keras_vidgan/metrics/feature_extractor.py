"""Streams clips through the reference preprocessing and I3D, one batch at a time."""

import hashlib

import keras
import numpy as np
import tensorflow as tf

from keras_vidgan.metrics.clip_batches import clip_batches
from keras_vidgan.metrics.evaluation_protocol import EvaluationProtocol
from keras_vidgan.metrics.feature_statistics import FeatureStatistics


class FeatureExtractor:
    """Turns clips into I3D features under an `EvaluationProtocol`.

    Preprocessing is that of the reference FVD code (Unterthiner et al.,
    2018): the protocol's window of frames is taken from each clip, one
    channel is repeated to three, and every frame is resized bilinearly
    straight to `size x size` (224 for FVD; no crop, so the aspect ratio is not
    kept) on the sampling grid of TF1's `resize_bilinear`, which the reference
    used (`half_pixel_centers=False`). Values stay in [-1, 1].

    Clips are read from a `tf.data` pipeline in batches of `batch_size`, so
    memory holds one batch of resized clips whatever the number of clips.

    Args:
        protocol: an `EvaluationProtocol`; the default one when omitted.
        model: a Keras model mapping `[B, frames, size, size, 3]` to
            `[B, D]`; `load_i3d(size=protocol.size)` when omitted.
        batch_size: int. Clips per I3D call.

    Example:

    ```python
    import keras_vidgan
    from keras_vidgan.metrics import EvaluationProtocol, FeatureExtractor

    extractor = FeatureExtractor(EvaluationProtocol(num_clips=8), batch_size=4)
    clips = keras_vidgan.datasets.moving_mnist(num_clips=8, frames=16, size=64, split="test")
    stats = extractor.extract(clips)
    print(stats.features.shape)  # (8, 400)
    ```
    """

    def __init__(self, protocol=None, model=None, batch_size=16):
        self.protocol = protocol or EvaluationProtocol()
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"`batch_size` must be a positive integer, got {batch_size!r}.")
        self.batch_size = batch_size
        if model is None:
            from keras_vidgan.metrics.i3d import load_i3d

            model = load_i3d(size=self.protocol.size)
        self.model = model
        self.dim = int(model.output_shape[-1])
        self._identity = None
        self._embed = tf.function(self._embed_batch, reduce_retracing=True)

    @property
    def identity(self):
        """The feature name and a digest of the model's weights, for cache keys."""
        if self._identity is None:
            digest = hashlib.sha256()
            for weight in self.model.weights:
                digest.update(np.ascontiguousarray(keras.ops.convert_to_numpy(weight)).tobytes())
            self._identity = f"{self.protocol.features}:{digest.hexdigest()[:32]}"
        return self._identity

    def preprocess(self, clips, indices=None):
        """Applies the protocol's frame choice, channel repeat and resize to a batch.

        Args:
            clips: float `[B, T, H, W, C]` in [-1, 1], C in {1, 3}.
            indices: int `[B]`, each clip's index in its set (only used for
                random clip starts); `0..B-1` when omitted.

        Returns:
            float32 tensor `[B, frames, size, size, 3]`.
        """
        clips = tf.convert_to_tensor(clips, tf.float32)
        self._check_shape(clips.shape)
        if indices is None:
            indices = tf.range(tf.shape(clips)[0], dtype=tf.int64)
        return self._preprocess(clips, tf.cast(indices, tf.int64))

    def features(self, clips, indices=None):
        """Features `[B, D]` (numpy) of one batch of clips; see `preprocess`."""
        clips = tf.convert_to_tensor(clips, tf.float32)
        self._check_shape(clips.shape)
        if indices is None:
            indices = tf.range(tf.shape(clips)[0], dtype=tf.int64)
        features, low, high = self._embed(clips, tf.cast(indices, tf.int64))
        _check_range(float(low), float(high))
        return features.numpy()

    def extract(self, source, num_clips=None, verbose=1, description="clips"):
        """Features of `num_clips` clips from `source`, streamed in batches.

        Args:
            source: one of
                - a `tf.data.Dataset` of clips `[T, H, W, C]` or of batches
                  `[B, T, H, W, C]` (elements may be tuples; the first item is
                  the clip), for example `keras_vidgan.datasets.moving_mnist(...)`;
                - a numpy array `[N, T, H, W, C]`;
                - a generator `keras.Model` mapping noise `[B, latent_dim]` to
                  clips, or a `keras_vidgan.GAN`: clip `i` is generated from
                  standard normal noise seeded by `(protocol.seed, i)`.
            num_clips: int. Clips to use; `protocol.num_clips` when omitted.
                The source must have at least that many.
            verbose: 0 (silent) or 1 (a progress bar).
            description: str. Names the clips in the progress bar and errors.

        Returns:
            A `FeatureStatistics` with `num_clips` rows.
        """
        num_clips = self.protocol.num_clips if num_clips is None else num_clips
        batches = self._batches(source, num_clips)
        stats = FeatureStatistics(self.dim)
        progress = keras.utils.Progbar(num_clips, unit_name="clip") if verbose else None
        if progress is not None:
            print(f"I3D features of {num_clips} {description}")
        start = 0
        for clips in batches:
            clips = tf.convert_to_tensor(clips, tf.float32)
            count = min(int(clips.shape[0]), num_clips - start)
            if count <= 0:
                break
            clips = clips[:count]
            self._check_shape(clips.shape, description)
            indices = tf.range(start, start + count, dtype=tf.int64)
            features, low, high = self._embed(clips, indices)
            _check_range(float(low), float(high), description)
            stats.update(features.numpy())
            start += count
            if progress is not None:
                progress.update(start)
        if start < num_clips:
            raise ValueError(
                f"The {description} have only {start} clips; the protocol asks for {num_clips}."
            )
        return stats

    def _batches(self, source, num_clips):
        return clip_batches(source, num_clips, self.batch_size, self.protocol.seed)

    def _check_shape(self, shape, description="clips"):
        if shape.rank != 5:
            raise ValueError(f"The {description} must be [B, T, H, W, C], got shape {shape}.")
        frames, channels = shape[1], shape[-1]
        if channels not in (1, 3):
            raise ValueError(f"The {description} must have 1 or 3 channels, got {channels}.")
        if frames is not None and frames < self.protocol.span:
            raise ValueError(
                f"The {description} have {frames} frames; the protocol takes "
                f"{self.protocol.frames} frames with stride {self.protocol.stride}, "
                f"which needs {self.protocol.span}."
            )

    def _preprocess(self, clips, indices):
        protocol = self.protocol
        frames_available = tf.shape(clips, out_type=tf.int64)[1]
        if protocol.clip_start == "random":
            last_start = frames_available - protocol.span
            seed = tf.constant(protocol.seed, tf.int64)
            starts = tf.map_fn(
                lambda index: tf.random.stateless_uniform(
                    [], seed=tf.stack([seed, index]), maxval=last_start + 1, dtype=tf.int64
                ),
                indices,
            )
        else:
            starts = tf.zeros_like(indices)
        positions = (
            starts[:, None] + tf.range(protocol.frames, dtype=tf.int64)[None] * protocol.stride
        )
        clips = tf.gather(clips, positions, axis=1, batch_dims=1)
        # One channel becomes three; three stay. Static channel counts may be relaxed
        # away when the function is retraced, so this must not depend on them.
        shape = tf.concat([tf.shape(clips)[:-1], [3]], axis=0)
        clips = tf.broadcast_to(clips, shape)
        frames = tf.reshape(clips, tf.concat([[-1], shape[2:]], axis=0))
        # The reference resizes with TF1's resize_bilinear: corner-aligned sampling grid
        # without half-pixel centres. TF2's tf.image.resize would shift every sample.
        frames = tf.raw_ops.ResizeBilinear(
            images=frames,
            size=[protocol.size, protocol.size],
            align_corners=False,
            half_pixel_centers=False,
        )
        return tf.reshape(frames, [shape[0], protocol.frames, protocol.size, protocol.size, 3])

    def _embed_batch(self, clips, indices):
        videos = self._preprocess(clips, indices)
        return self.model(videos, training=False), tf.reduce_min(clips), tf.reduce_max(clips)


def _check_range(low, high, description="clips"):
    # The reference asserts the same tolerance: values outside [-1, 1] mean another scaling.
    if low < -1.001 or high > 1.001:
        raise ValueError(
            f"The {description} range over [{low:.3f}, {high:.3f}]; FVD expects values in "
            "[-1, 1]. Scale uint8 frames with x / 127.5 - 1."
        )
