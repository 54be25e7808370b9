import math

import keras
from keras import layers, ops

from keras_vidgan.models.config_checks import check_choice
from keras_vidgan.models.model_blocks import stage_widths, up_convolution
from keras_vidgan.models.video_model import VideoModel

UPSAMPLING = ("icnr", "transpose", "resize")


def upsampling_plan(frames, size):
    """Starting grid and per-stage strides that grow a 4x4 seed to the clip size.

    Spatial size doubles at every stage; time doubles at the first stages until
    it reaches `frames`, so coarse motion is decided before fine texture.
    """
    stages = int(math.log2(size // 4))
    start_frames = max(1, frames >> stages)
    temporal_doublings = int(math.log2(frames // start_frames))
    strides = [(2 if index < temporal_doublings else 1, 2, 2) for index in range(stages)]
    return start_frames, strides


@keras.saving.register_keras_serializable(package="keras_vidgan")
class VGANGenerator(VideoModel):
    """The two-stream video generator of VGAN (Vondrick et al., 2016).

    A latent vector feeds two streams. The foreground stream grows a
    spatio-temporal volume with 3D up-convolutions; its last up-convolution
    draws the foreground video `f` in [-1, 1] and the mask `m` in [0, 1]
    (the paper's two output layers, as one layer with `channels + 1`
    outputs). The background stream grows one static
    image `b` with 2D up-convolutions, the last of which draws `b`. The clip
    is `m * f + (1 - m) * b`, so still regions can come from the background
    and the mask marks what moves. `regularized_call` also returns the L1
    penalty on the mask (`mask_l1`), which `GAN` adds to the generator loss.

    This is the paper's structure: a 4x4 seed (2 frames for 32-frame clips),
    then up-convolutions that double space (and time, until it reaches
    `frames`) at every stage, each followed by batch normalization and ReLU,
    with `width` channels at half the clip's resolution and twice as many at
    every coarser stage, up to 8x (the paper's 512-256-128-64 for
    `width=64`).

    Batch normalization is synchronized across replicas so that a step under
    `tf.distribute.MirroredStrategy` equals the same step on one device.

    Cost: at the paper's configuration (32 frames of 64x64x3, `width=64`) a
    forward pass costs 4.51 GFLOP per clip with `"icnr"` or `"transpose"`,
    exactly the paper's generator counted from its layers, and 14.97 GFLOP
    (3.3x) with `"resize"`. (Until this structure the generator added a
    full-resolution stage and 3x3x3 output convolutions: 33.9 GFLOP per clip
    with transposed convolutions.) `keras_vidgan.utils.flops.forward_flops`
    counts it for any configuration. Generators saved with that earlier
    structure do not load into this one (their weights have other shapes):
    train them anew.

    Args:
        latent_dim: int. Size of the latent vector.
        frames: int. Frames per clip, one of 8, 16, 32.
        size: int. Height and width of each frame, one of 32, 64, 128.
        channels: int. 1 (grey) or 3 (RGB).
        width: int. Channels of the finest hidden feature map, at half the
            clip's resolution (64 in the paper); coarser stages double it,
            up to 8x.
        upsampling: how every stage doubles its grid.
            `"icnr"` (default): transposed convolutions (kernel 4, stride 2)
            initialised as nearest-neighbour upsampling followed by a 3x3x3
            convolution (ICNR, Aitken et al., 2017, via
            `NearestUpsamplingKernel`): no checkerboard artefacts at the
            start, the paper's cost. `"transpose"`: the same layers with
            Keras' default initialisation, as in the paper; they print
            checkerboard artefacts early in training (Odena et al., 2016,
            "Deconvolution and Checkerboard Artifacts"). `"resize"`:
            nearest-neighbour upsampling then a 3x3x3 convolution, the same
            function as `"icnr"` at initialisation, kept so but at 3.3x the
            cost.
        mask_l1: float. Weight of the L1 penalty on the mask.
        num_classes: int or None. With classes the generator takes
            `[noise, labels]` (int labels `[B]`) and a learned label embedding
            is concatenated to the noise that feeds both streams.
        text_encoder: dict of `keras_vidgan.layers.TextEncoder` arguments
            (its `vocabulary` at least), or None. Text-to-video: the generator
            takes `[noise, texts]` (strings `[B]`) and the projected text code
            is concatenated to the noise, like the label embedding.
        **kwargs: passed to `keras.Model` (for example `name`, `dtype`).

    Example:

    ```python
    import numpy as np
    import keras_vidgan

    generator = keras_vidgan.models.VGANGenerator(
        latent_dim=64, frames=8, size=32, channels=1, width=8
    )
    videos = generator(np.random.normal(size=(2, 64)).astype("float32"))
    print(videos.shape)  # (2, 8, 32, 32, 1)
    ```
    """

    def __init__(
        self,
        latent_dim=100,
        frames=16,
        size=64,
        channels=1,
        width=32,
        upsampling="icnr",
        mask_l1=0.1,
        num_classes=None,
        text_encoder=None,
        **kwargs,
    ):
        check_choice("upsampling", upsampling, UPSAMPLING)
        start_frames, strides = upsampling_plan(frames, size)
        # Hidden stages, coarse to fine; the last up-convolution draws the outputs.
        widths = stage_widths(width, len(strides) - 1) + [width]

        noise = keras.Input(shape=(latent_dim,), name="noise")
        labels = self.condition_input(num_classes, text_encoder)
        code = self.join_codes(
            [noise, self.condition_embedding(labels, num_classes, text_encoder, latent_dim)]
        )

        # Foreground stream: 3D, grows in time and space.
        x = layers.Dense(start_frames * 4 * 4 * widths[0], name="foreground_project")(code)
        x = layers.Reshape((start_frames, 4, 4, widths[0]))(x)
        x = layers.BatchNormalization(synchronized=True, name="foreground_project_norm")(x)
        x = layers.ReLU()(x)
        for index, stride in enumerate(strides[:-1]):
            x = up_convolution(x, widths[index + 1], stride, upsampling, f"foreground_up{index}")
            x = layers.BatchNormalization(synchronized=True, name=f"foreground_up{index}_norm")(x)
            x = layers.ReLU()(x)
        # One up-convolution draws both: the paper's two layers are the two slices of
        # its kernel, and a single layer of 4 channels runs faster than one of 3 and
        # one of 1 (small channel counts use the CPU's vector units poorly).
        x = up_convolution(
            x, channels + 1, strides[-1], upsampling, "foreground_and_mask", use_bias=True
        )
        foreground = layers.Activation("tanh", name="foreground")(x[..., :channels])
        mask = layers.Activation("sigmoid", name="mask")(x[..., channels:])

        # Background stream: 2D, one still image per clip.
        y = layers.Dense(4 * 4 * widths[0], name="background_project")(code)
        y = layers.Reshape((4, 4, widths[0]))(y)
        y = layers.BatchNormalization(synchronized=True, name="background_project_norm")(y)
        y = layers.ReLU()(y)
        for index, stride in enumerate(strides[:-1]):
            y = up_convolution(
                y, widths[index + 1], stride[1:], upsampling, f"background_up{index}"
            )
            y = layers.BatchNormalization(synchronized=True, name=f"background_up{index}_norm")(y)
            y = layers.ReLU()(y)
        background = up_convolution(
            y, channels, strides[-1][1:], upsampling, "background", activation="tanh"
        )

        # float32 clips under any dtype policy, like every generator's output.
        video = layers.Lambda(_composite, name="composite", dtype="float32")(
            [foreground, mask, background]
        )
        super().__init__([noise, labels], video, **kwargs)
        # The same layers with the mask as a second output, for the penalty. It is
        # computed from this call's outputs rather than with `add_loss`, because
        # layer losses are shared between the threads of MirroredStrategy replicas.
        self.video_and_mask = keras.Model(self.input, [video, mask], name=f"{self.name}_with_mask")

    def regularized_call(self, noise, training=False):
        """Generates clips and returns `(videos, mask_l1 * mean(|mask|))`.

        `GAN` calls this, when a generator has it, to add the penalty to the
        generator loss.
        """
        videos, mask = self.video_and_mask(noise, training=training)
        penalty = self.mask_l1 * ops.mean(ops.abs(ops.cast(mask, "float32")))
        return videos, penalty


def _composite(tensors):
    foreground, mask, background = tensors
    background = ops.expand_dims(background, axis=1)
    return mask * foreground + (1.0 - mask) * background
