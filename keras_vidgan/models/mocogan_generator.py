import math

import keras
from keras import layers

from keras_vidgan.models.model_blocks import frame_image_decoder
from keras_vidgan.models.video_model import VideoModel


@keras.saving.register_keras_serializable(package="keras_vidgan")
class MoCoGANGenerator(VideoModel):
    """The generator of MoCoGAN (Tulyakov et al., 2018, "MoCoGAN: Decomposing Motion and Content").

    A clip is a content code `z_C`, fixed for the whole clip, and a motion
    trajectory: per-frame innovations `e_t` run through a GRU whose outputs
    are the motion codes `z_M^t`. Every frame is drawn by the same 2D image
    generator from `[z_C, z_M^t]`.

    Cost: at MoCoGAN's configuration (16 frames of 64x64x3, `width=64`) a
    forward pass costs 3.34 GFLOP per clip, the paper's image generator
    counted from its layers (4x4 up-convolutions of stride 2,
    512-256-128-64-3 channels, per frame; the GRU is a rounding error). Its
    discriminators are cheaper than the paper's: `ImageDiscriminator` on one
    frame 0.21 GFLOP (paper 0.14), `VideoDiscriminator` 2.08 GFLOP per clip
    against 4.89 for the paper's video discriminator, whose 4x4x4
    convolutions keep time at stride 1 (13, 10, 7 and 4 frames) where ours
    halve it.

    The noise input holds everything random about a clip, so that one vector
    per clip is enough to sample (and to export): its first `content_dim`
    entries are `z_C`, the remaining `frames * motion_dim` are the
    innovations, frame by frame. `latent_dim` is therefore
    `content_dim + frames * motion_dim`.

    Args:
        frames: int. Frames per clip, one of 8, 16, 32.
        size: int. Height and width, one of 32, 64, 128.
        channels: int. 1 or 3.
        width: int. Channels of the finest image feature map.
        content_dim: int. Size of the content code (50 in the paper).
        motion_dim: int. Size of each motion code (10 in the paper).
        num_classes: int or None. With classes, the generator takes labels
            (int `[B]`) after the noise and a learned label embedding joins
            the content code, as MoCoGAN's one-hot action code does.
        text_encoder: dict of `keras_vidgan.layers.TextEncoder` arguments
            (its `vocabulary` at least), or None. Text-to-video: the generator
            takes raw strings `[B]` after the noise, and the projected text
            code joins the content code, like the label embedding.
        condition_on_first_frame: bool. Image-to-video: the generator also
            takes a frame `[B, H, W, C]` (its last input); a 2D encoder of
            that frame joins the content code and the returned clip starts
            with exactly that frame.
        **kwargs: passed to `keras.Model`.

    Example:

    ```python
    import numpy as np
    import keras_vidgan

    generator = keras_vidgan.models.MoCoGANGenerator(
        frames=8, size=32, channels=1, width=4, content_dim=16, motion_dim=4
    )
    print(generator.latent_dim)  # 48
    print(generator(np.zeros((2, 48), "float32")).shape)  # (2, 8, 32, 32, 1)
    ```
    """

    def __init__(
        self,
        frames=16,
        size=64,
        channels=1,
        width=32,
        content_dim=50,
        motion_dim=10,
        num_classes=None,
        condition_on_first_frame=False,
        text_encoder=None,
        **kwargs,
    ):
        latent_dim = content_dim + frames * motion_dim
        noise = keras.Input((latent_dim,), name="noise")
        labels = self.condition_input(num_classes, text_encoder)
        innovations = layers.Reshape((frames, motion_dim))(noise[:, content_dim:])
        content_parts = [
            noise[:, :content_dim],
            self.condition_embedding(labels, num_classes, text_encoder, content_dim),
        ]
        first_frame = None
        if condition_on_first_frame:
            first_frame = keras.Input((size, size, channels), name="first_frame")
            content_parts.append(_encode_frame(first_frame, width, size, content_dim))
        content = self.join_codes(content_parts)

        motion = layers.GRU(motion_dim, return_sequences=True, name="motion_gru")(innovations)
        codes = layers.Concatenate()([layers.RepeatVector(frames)(content), motion])
        video = frame_image_decoder(codes, frames, size, channels, width, "image")
        if condition_on_first_frame:
            given = layers.Reshape((1, size, size, channels))(first_frame)
            video = layers.Concatenate(axis=1, name="starts_with_first_frame", dtype="float32")(
                [given, video[:, 1:]]
            )
        super().__init__([noise, labels, first_frame], video, **kwargs)
        # Not an argument: the size of the noise that holds content and motion.
        self.latent_dim = latent_dim


def _encode_frame(frame, width, size, dim):
    """A small 2D encoder of the conditioning frame: strided convolutions to a `dim` code."""
    x = frame
    for index in range(int(math.log2(size // 4))):
        x = layers.Conv2D(
            width * min(8, 2**index), 4, strides=2, padding="same", name=f"frame_encoder{index}"
        )(x)
        x = layers.LeakyReLU(0.2)(x)
    return layers.Dense(dim, name="frame_code")(layers.Flatten()(x))
