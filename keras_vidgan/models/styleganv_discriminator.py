import keras
import numpy as np
from keras import layers, ops

from keras_vidgan.layers.minibatch_standard_deviation import MinibatchStandardDeviation
from keras_vidgan.models.config_checks import check_frame_subset
from keras_vidgan.models.model_blocks import dense, frame_features, projection_logits
from keras_vidgan.models.video_model import VideoModel

# Sine/cosine pairs that describe each time gap.
GAP_FREQUENCIES = 8


@keras.saving.register_keras_serializable(package="keras_vidgan")
class StyleGANVDiscriminator(VideoModel):
    """StyleGAN-V's discriminator (Skorokhodov et al., 2022): a few frames and their time gaps.

    It scores `sampled_frames` frames of a clip, taken at sorted times:
    shared 2D convolutions encode each frame, the frames' features are
    concatenated in time order and mapped to one hidden vector `h`, and the
    logit is a linear function of `h` plus the projection (Miyato & Koyama,
    2018) of `h` on an embedding of the gaps between the frames' times
    (sines and cosines of each gap at periods from 2 frames to twice the
    clip, and the gap over the clip length, through a two-layer network).
    With `num_classes`, a class projection is added the same way. The paper
    conditions on the gaps in the same way; its frame encoder is StyleGAN2's
    residual network, here the package's plain strided convolutions.

    With `auxiliary_classifier`, it also predicts the class of the frames
    from `h` alone, as AC-GAN's discriminator does (Odena et al., 2017), and
    returns `[logits, class_logits]`; `GAN` then adds the auxiliary
    classifier's losses (`keras_vidgan.losses.auxiliary_classifier_*`).

    With `minibatch_std_group`, the concatenated frame features get one more
    entry before `h`: their standard deviation over groups of that many
    clips (`keras_vidgan.layers.MinibatchStandardDeviation`, as StyleGAN's
    discriminator has before its last layers), so a generator that draws
    alike clips for different noise is told apart.

    The model takes `[frames, times]` (and labels last, with classes):
    frames `[B, K, H, W, C]` and float times `[B, K]` in frames. `GAN`
    recognises it by its `sample_times` method: in every training step it
    draws the times (integer frame indices) with that method from its
    `(seed, step)`, takes the real frames at those indices, and has the
    generator render its frames at the same times (with `render`).

    Cost: 7.5 MFLOP per clip for 3 frames of 32x32 at `width=16`, against
    29.4 for the `VideoDiscriminator` on the whole 16-frame clip; it grows
    with `sampled_frames`, not with the clip's length.

    Args:
        frames: int. Frames of a training clip, one of 8, 16, 32.
        size: int. Height and width, one of 32, 64, 128.
        channels: int. 1 or 3.
        width: int. Channels of the first convolution; each stage doubles
            it, up to 8x.
        sampled_frames: int. Frames scored per clip (`K`; 3 in the paper,
            which finds 2 to 3 enough); at most `frames`.
        max_span: int or None. Most frames between the first and the last
            sampled frame (the paper: 32 frames of longer videos); None for
            `frames - 1`, the whole clip.
        num_classes: int or None. With classes, a projection discriminator
            that takes `[frames, times, labels]`.
        text_encoder: dict of `keras_vidgan.layers.TextEncoder` arguments,
            or None. The model then takes `[frames, times, texts]` (strings
            `[B]`) and projects a linear map of its own text code on `h`,
            where the class embedding goes with classes.
        spectral_norm: bool. Spectral normalization of every layer.
        auxiliary_classifier: bool. Also output class logits
            `[B, num_classes]` read from the frames alone (needs
            `num_classes`).
        minibatch_std_group: int or None. Clips per group of the minibatch
            standard deviation feature (StyleGAN: 4); None for none.
        labels_per_clip: int. With classes, labels per clip: 1 (labels
            `[B]`), or several (`[B, labels_per_clip]`, the classes of a
            clip's digits): the class projection is then the sum of their
            embeddings, and the auxiliary classifier's target is the mix of
            the clip's classes (`keras_vidgan.losses.auxiliary_classifier_*`).
        **kwargs: passed to `keras.Model`.

    Example:

    ```python
    import numpy as np
    import tensorflow as tf
    import keras_vidgan

    discriminator = keras_vidgan.models.StyleGANVDiscriminator(
        frames=8, size=32, channels=1, width=4, sampled_frames=3
    )
    times = discriminator.sample_times(tf.constant([1, 2], tf.int64), count=2)
    print(times.shape)  # (2, 3)
    frames = np.zeros((2, 3, 32, 32, 1), "float32")
    print(discriminator([frames, times.numpy().astype("float32")]).shape)  # (2, 1)
    ```
    """

    def __init__(
        self,
        frames=16,
        size=64,
        channels=1,
        width=32,
        sampled_frames=3,
        max_span=None,
        num_classes=None,
        spectral_norm=False,
        text_encoder=None,
        auxiliary_classifier=False,
        minibatch_std_group=None,
        labels_per_clip=1,
        **kwargs,
    ):
        check_frame_subset("sampled_frames", sampled_frames, frames)
        if auxiliary_classifier and num_classes is None:
            raise ValueError(
                "`auxiliary_classifier` predicts classes: pass `num_classes` too."
            )
        span = frames - 1 if max_span is None else max_span
        if (
            isinstance(span, bool)
            or not isinstance(span, int)
            or not sampled_frames - 1 <= span <= frames - 1
        ):
            raise ValueError(
                f"`max_span` must be an integer from `sampled_frames - 1` ({sampled_frames - 1}) "
                f"to `frames - 1` ({frames - 1}), or None; got {max_span!r}."
            )
        clips = keras.Input((sampled_frames, size, size, channels), name="frames")
        times = keras.Input((sampled_frames,), name="times")
        labels = self.condition_input(num_classes, text_encoder, labels_per_clip)
        hidden_dim = 8 * width
        features = layers.Flatten()(frame_features(clips, width, size, "frame", spectral_norm))
        if minibatch_std_group is not None:
            features = MinibatchStandardDeviation(minibatch_std_group, name="minibatch_std")(
                features
            )
        hidden = dense(hidden_dim, "clip_hidden", spectral_norm)(features)
        hidden = layers.LeakyReLU(0.2)(hidden)
        logits = projection_logits(
            hidden, labels, num_classes, "clip", spectral_norm,
            text_code=self.text_code(labels, text_encoder),
        )
        if sampled_frames > 1:
            gaps = times[:, 1:] - times[:, :-1]
            code = _gap_features(gaps, frames)
            code = layers.LeakyReLU(0.2)(dense(hidden_dim, "time_code0", spectral_norm)(code))
            code = dense(hidden_dim, "time_code1", spectral_norm)(code)
            logits = logits + ops.sum(hidden * code, axis=-1, keepdims=True)
        logits = layers.Activation("linear", dtype="float32", name="logits")(logits)
        outputs = logits
        if auxiliary_classifier:
            outputs = [logits, dense(num_classes, "class_logits", spectral_norm)(hidden)]
        super().__init__([clips, times, labels], outputs, **kwargs)
        # The argument as given (None: the whole clip), so the config round-trips.
        self.max_span = max_span
        self._span = span

    def sample_times(self, seed, count):
        """`count` rows of `sampled_frames` sorted, distinct frame indices, int32 `[count, K]`.

        The span from the first to the last index is uniform in
        `[K - 1, max_span]`, the first index uniform among those that fit
        the clip, and the indices in between uniform distinct frames inside
        the span. Stateless: the same `seed` gives the same times.

        Args:
            seed: int tensor `[2]`, a stateless random seed.
            count: int or int tensor, the rows to draw.
        """
        import tensorflow as tf

        k, frames, max_span = self.sampled_frames, self.frames, self._span
        fold_in = tf.random.experimental.stateless_fold_in
        if k == 1:
            return tf.random.stateless_uniform(
                [count, 1], seed, minval=0, maxval=frames, dtype=tf.int32
            )
        span = tf.random.stateless_uniform(
            [count], fold_in(seed, 0), minval=k - 1, maxval=max_span + 1, dtype=tf.int32
        )
        start = tf.random.stateless_uniform([count], fold_in(seed, 1))
        start = tf.cast(tf.floor(start * tf.cast(frames - span, tf.float32)), tf.int32)
        offsets = [tf.zeros([count, 1], tf.int32)]
        if k > 2:
            # The k - 2 highest of i.i.d. scores over the offsets 1 .. span - 1.
            inside = tf.range(1, max_span, dtype=tf.int32)[None]
            scores = tf.random.stateless_uniform([count, max_span - 1], fold_in(seed, 2))
            scores = tf.where(inside < span[:, None], scores, -1.0)
            offsets.append(tf.sort(tf.math.top_k(scores, k - 2).indices + 1, axis=1))
        offsets.append(span[:, None])
        return start[:, None] + tf.concat(offsets, axis=1)


def _gap_features(gaps, frames):
    """`[B, G]` gaps in frames -> sines, cosines and the gap over the clip length, flattened."""
    periods = np.geomspace(2.0, 2.0 * frames, GAP_FREQUENCIES).astype("float32")
    angles = ops.expand_dims(gaps, -1) * (2 * np.pi / periods).astype("float32")
    features = layers.Concatenate()(
        [ops.sin(angles), ops.cos(angles), ops.expand_dims(gaps / frames, -1)]
    )
    return layers.Flatten()(features)
