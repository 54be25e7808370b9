"""Building blocks shared by the generators and discriminators of the model zoo.

Per-frame 2D networks are written as 3D layers whose kernels span one frame
(`(1, k, k)`): a clip `[B, T, H, W, C]` then goes through the same 2D network
frame by frame, with no reshaping of the batch, and batch normalization
pools its statistics over all frames of the batch.
"""

import math

from keras import layers, ops

from keras_vidgan.layers import SpectralNormalization


def stage_widths(width, stages):
    """Channels per upsampling stage: coarse stages are wider, up to 8x `width`."""
    return [width * min(8, 2 ** (stages - index)) for index in range(stages)]


def frame_image_decoder(codes, frames, size, channels, width, name):
    """A DCGAN image generator applied to each frame's code: `[B, T, D]` -> clips in [-1, 1].

    Resize-convolutions (nearest-neighbour upsampling, then a 3x3 convolution)
    avoid the checkerboard artefacts of transposed convolutions (Odena et
    al., 2016).
    """
    stages = int(math.log2(size // 4))
    widths = stage_widths(width, stages)
    x = layers.Dense(4 * 4 * widths[0], use_bias=False, name=f"{name}_project")(codes)
    x = layers.Reshape((frames, 4, 4, widths[0]))(x)
    x = layers.BatchNormalization(synchronized=True, name=f"{name}_project_norm")(x)
    x = layers.ReLU()(x)
    for index in range(stages):
        out_width = widths[index + 1] if index + 1 < stages else width
        x = layers.UpSampling3D((1, 2, 2))(x)
        x = layers.Conv3D(
            out_width, (1, 3, 3), padding="same", use_bias=False, name=f"{name}_up{index}"
        )(x)
        x = layers.BatchNormalization(synchronized=True, name=f"{name}_up{index}_norm")(x)
        x = layers.ReLU()(x)
    return layers.Conv3D(
        channels, (1, 3, 3), padding="same", activation="tanh", dtype="float32", name=f"{name}_rgb"
    )(x)


def conv(rank, filters, kernel, strides, name, spectral_norm=False):
    """A 2D or 3D convolution, optionally spectrally normalized."""
    layer_class = {2: layers.Conv2D, 3: layers.Conv3D}[rank]
    layer = layer_class(filters, kernel, strides=strides, padding="same", name=name)
    return SpectralNormalization(layer, name=f"{name}_sn") if spectral_norm else layer


def dense(units, name, spectral_norm=False):
    layer = layers.Dense(units, name=name, dtype="float32")
    return (
        SpectralNormalization(layer, name=f"{name}_sn", dtype="float32") if spectral_norm else layer
    )


def frame_features(frames, width, size, name, spectral_norm=False):
    """Per-frame 2D convolutions: `[B, K, H, W, C]` -> per-frame features `[B, K, F]`."""
    stages = int(math.log2(size // 4))
    x = frames
    for index in range(stages):
        x = conv(
            3, width * min(8, 2**index), (1, 4, 4), (1, 2, 2), f"{name}_down{index}", spectral_norm
        )(x)
        x = layers.LeakyReLU(0.2)(x)
    count = frames.shape[1]
    return layers.Reshape((count, -1))(x)


def video_features(clips, width, size, name, spectral_norm=False):
    """3D convolutions halving space (and time while more than one frame is left): `[B, F]`."""
    stages = max(1, int(math.log2(size // 4)))
    x = clips
    remaining = clips.shape[1]
    for index in range(stages):
        temporal = 2 if remaining > 1 else 1
        remaining //= temporal
        x = conv(
            3, width * min(8, 2**index), 4, (temporal, 2, 2), f"{name}_down{index}", spectral_norm
        )(x)
        x = layers.LeakyReLU(0.2)(x)
    return layers.Flatten()(x)


def projection_logits(features, labels, num_classes, name, spectral_norm=False):
    """Logits of a (projection) discriminator from features `[B, F]` or `[B, K, F]`.

    Unconditional: a linear map to one logit per feature vector. With labels,
    the projection discriminator of Miyato & Koyama (2018, "cGANs with
    Projection Discriminator"): the inner product of a learned class
    embedding with the features is added to that logit.
    """
    logits = dense(1, f"{name}_logits", spectral_norm)(features)
    logits = ops.squeeze(logits, axis=-1) if len(features.shape) == 3 else logits
    if num_classes is None:
        return logits
    embedded = layers.Embedding(num_classes, features.shape[-1], name=f"{name}_embedding")(labels)
    if len(features.shape) == 3:
        projection = ops.sum(features * ops.expand_dims(embedded, 1), axis=-1)
    else:
        projection = ops.sum(features * embedded, axis=-1, keepdims=True)
    return layers.Activation("linear", dtype="float32")(logits + projection)


class FrameSampler(layers.Layer):
    """Picks `k` frames of every clip: at random while training, evenly spaced otherwise.

    Random picks use TensorFlow's per-op random numbers, so every replica of
    a `MirroredStrategy` draws its own frames.
    """

    def __init__(self, k, **kwargs):
        super().__init__(**kwargs)
        self.k = k

    def call(self, clips, training=False):
        import tensorflow as tf

        frames = clips.shape[1]
        if training:
            scores = tf.random.uniform([tf.shape(clips)[0], frames])
            # k distinct frames per clip, kept in temporal order.
            indices = tf.sort(tf.math.top_k(scores, self.k).indices, axis=1)
            return tf.gather(clips, indices, batch_dims=1)
        step = frames / self.k
        indices = [int(step * index + step / 2) for index in range(self.k)]
        return tf.gather(clips, indices, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.k) + tuple(input_shape[2:])

    def get_config(self):
        return {**super().get_config(), "k": self.k}
