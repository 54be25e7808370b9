"""Building blocks shared by the generators and discriminators of the model zoo.

Per-frame 2D networks are written as 3D layers whose kernels span one frame
(`(1, k, k)`): a clip `[B, T, H, W, C]` then goes through the same 2D network
frame by frame, with no reshaping of the batch, and batch normalization
pools its statistics over all frames of the batch.
"""

import contextlib
import math
import threading

import keras
from keras import layers, ops

from keras_vidgan.layers import SpectralNormalization
from keras_vidgan.models.nearest_upsampling_kernel import NearestUpsamplingKernel


def stage_widths(width, stages):
    """Channels per upsampling stage: coarse stages are wider, up to 8x `width`."""
    return [width * min(8, 2 ** (stages - index)) for index in range(stages)]


def frame_image_decoder(codes, frames, size, channels, width, name):
    """A DCGAN image generator applied to each frame's code: `[B, T, D]` -> clips in [-1, 1].

    The structure of the image generators of TGAN and MoCoGAN: from a 4x4 map,
    up-convolutions of kernel 4 and stride 2 halve the channels at each stage
    (8x `width` at most) and the last one draws the frame. They act on each
    frame alone (kernel 1 along time) and start as nearest-neighbour
    upsampling followed by a 3x3 convolution (`NearestUpsamplingKernel`), so
    they cost what the papers' transposed convolutions cost without their
    early checkerboard artefacts (Odena et al., 2016).
    """
    stages = int(math.log2(size // 4))
    widths = stage_widths(width, stages - 1) + [width]
    x = layers.Dense(4 * 4 * widths[0], use_bias=False, name=f"{name}_project")(codes)
    x = layers.Reshape((frames, 4, 4, widths[0]))(x)
    x = layers.BatchNormalization(synchronized=True, name=f"{name}_project_norm")(x)
    x = layers.ReLU()(x)
    per_frame = dict(strides=(1, 2, 2), upsampling="icnr", undoubled_kernel=1)
    for index in range(stages - 1):
        x = up_convolution(x, widths[index + 1], name=f"{name}_up{index}", **per_frame)
        x = layers.BatchNormalization(synchronized=True, name=f"{name}_up{index}_norm")(x)
        x = layers.ReLU()(x)
    x = up_convolution(x, channels, name=f"{name}_rgb", use_bias=True, **per_frame)
    return layers.Activation("tanh", dtype="float32", name=f"{name}_tanh")(x)


def up_convolution(
    x, filters, strides, upsampling, name, activation=None, use_bias=None, undoubled_kernel=3
):
    """Doubles the axes of `x` whose stride is 2 and maps it to `filters` channels.

    `"transpose"` and `"icnr"` are one transposed convolution with a kernel of
    4 along doubled axes and `undoubled_kernel` (3, or 1 for an axis not
    convolved along) along the others; `"icnr"` initialises the
    kernel so that the layer starts as nearest-neighbour upsampling followed
    by a convolution of size 3 (`NearestUpsamplingKernel`). `"resize"` is that
    upsampling and convolution, computed as such. Layers followed by batch
    normalization have no bias (by default, layers with an activation have one).
    """
    rank = len(strides)
    has_bias = activation is not None if use_bias is None else use_bias
    if upsampling == "resize":
        resize = layers.UpSampling3D(strides) if rank == 3 else layers.UpSampling2D(strides)
        conv = layers.Conv3D if rank == 3 else layers.Conv2D
        kernel = tuple(3 if stride == 2 else undoubled_kernel for stride in strides)
        return conv(
            filters, kernel, padding="same", activation=activation, use_bias=has_bias, name=name
        )(resize(x))
    transpose = layers.Conv3DTranspose if rank == 3 else layers.Conv2DTranspose
    initializer = NearestUpsamplingKernel(strides) if upsampling == "icnr" else "glorot_uniform"
    return transpose(
        filters,
        tuple(4 if stride == 2 else undoubled_kernel for stride in strides),
        strides=strides,
        padding="same",
        activation=activation,
        use_bias=has_bias,
        kernel_initializer=initializer,
        name=name,
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


def projection_logits(features, labels, num_classes, name, spectral_norm=False, text_code=None):
    """Logits of a (projection) discriminator from features `[B, F]` or `[B, K, F]`.

    Unconditional: a linear map to one logit per feature vector. With labels,
    the projection discriminator of Miyato & Koyama (2018, "cGANs with
    Projection Discriminator"): the inner product of a learned class
    embedding with the features is added to that logit; with several labels
    per clip (`[B, L]`, the digits of a clip) the sum of their embeddings,
    which does not depend on their order. With a `text_code` `[B, D]`
    instead, a learned linear map of the code takes the class embedding's
    place, so the logit also says whether clip and text match.
    """
    logits = dense(1, f"{name}_logits", spectral_norm)(features)
    logits = ops.squeeze(logits, axis=-1) if len(features.shape) == 3 else logits
    if text_code is not None:
        embedded = layers.Dense(features.shape[-1], name=f"{name}_text_projection")(text_code)
    elif num_classes is None:
        return logits
    else:
        embedded = layers.Embedding(
            num_classes, features.shape[-1], name=f"{name}_embedding"
        )(labels)
        if len(labels.shape) == 2:
            embedded = ops.sum(embedded, axis=1)
    if len(features.shape) == 3:
        projection = ops.sum(features * ops.expand_dims(embedded, 1), axis=-1)
    else:
        projection = ops.sum(features * embedded, axis=-1, keepdims=True)
    return layers.Activation("linear", dtype="float32")(logits + projection)


class FrameSampler(layers.Layer):
    """Picks `k` distinct frames of every clip: at random while training, evenly spaced otherwise.

    Random picks keep the frames in temporal order. Where they come from:

    - inside `stateless_frame_picks(seed, replica_slice)`, which `GAN` opens
      around every discriminator call of its training step, from stateless
      random numbers of that `seed`, drawn for the global batch and sliced
      for this replica like `GAN`'s noise. Training then picks the same
      frames on one device and on N replicas, and after resuming from a
      checkpoint.
    - otherwise (a discriminator called directly with `training=True`), from
      a `keras.random.SeedGenerator(seed)`: the n-th such call of a sampler
      built with a given `seed` picks the same frames every time the program
      runs. Samplers sharing a `seed` share that sequence.

    Args:
        k: int. Frames picked per clip.
        seed: int, default 0. Seed of the picks made outside a `GAN` step.
        **kwargs: passed to `keras.layers.Layer`.

    Example:

    ```python
    import numpy as np
    from keras_vidgan.models.model_blocks import FrameSampler

    clips = np.arange(8, dtype="float32").reshape(1, 8, 1, 1, 1)
    sampler = FrameSampler(4, seed=3)
    print(sampler(clips).numpy().ravel())  # [1. 3. 5. 7.]
    print(sampler(clips, training=True).shape)  # (1, 4, 1, 1, 1)
    ```
    """

    def __init__(self, k, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.k = k
        self.seed = seed
        # An explicit integer: a default seed would consume Python's random state
        # and shift the initial weights of every layer built after this one.
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, clips, training=False):
        import tensorflow as tf

        frames = clips.shape[1]
        if not training:
            step = frames / self.k
            indices = [int(step * index + step / 2) for index in range(self.k)]
            return tf.gather(clips, indices, axis=1)
        batch_size = tf.shape(clips)[0]
        picks = getattr(_frame_picks, "current", None)
        if picks is None:
            scores = keras.random.uniform([batch_size, frames], seed=self.seed_generator)
        else:
            seed = picks.next_seed()
            scores = picks.replica_slice(
                lambda n: tf.random.stateless_uniform([n, frames], seed=seed), batch_size
            )
        # The k highest of i.i.d. scores: k distinct frames, uniformly chosen.
        indices = tf.sort(tf.math.top_k(scores, self.k).indices, axis=1)
        return tf.gather(clips, indices, batch_dims=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.k) + tuple(input_shape[2:])

    def get_config(self):
        return {**super().get_config(), "k": self.k, "seed": self.seed}


# MirroredStrategy traces each replica's step in its own Python thread, so each
# replica's discriminator calls must see only the picks their own thread opened.
_frame_picks = threading.local()


class _StatelessPicks:
    def __init__(self, seed, replica_slice):
        self.seed = seed
        self.replica_slice = replica_slice
        self.calls = 0

    def next_seed(self):
        """The seed of the next sampler call: several samplers in one model pick apart."""
        import tensorflow as tf

        seed = tf.random.experimental.stateless_fold_in(self.seed, self.calls)
        self.calls += 1
        return seed


@contextlib.contextmanager
def stateless_frame_picks(seed, replica_slice):
    """Makes every `FrameSampler` trained in this thread pick frames statelessly from `seed`.

    The n-th sampler call inside the block draws with
    `stateless_fold_in(seed, n)`, for the global batch: `replica_slice(draw,
    batch_size)` must return this replica's rows of `draw(global_batch_size)`
    (`GAN._replica_slice`).

    Args:
        seed: int tensor `[2]`, a stateless random seed.
        replica_slice: callable `(draw, batch_size) -> rows`.
    """
    previous = getattr(_frame_picks, "current", None)
    _frame_picks.current = _StatelessPicks(seed, replica_slice)
    try:
        yield
    finally:
        _frame_picks.current = previous

