import math

import keras
from keras import layers

from keras_vidgan.models.config_checks import check_clip_shape, check_positive_int
from keras_vidgan.models.model_blocks import embed_labels, frame_image_decoder, model_config


@keras.saving.register_keras_serializable(package="keras_vidgan")
class MoCoGANGenerator(keras.Model):
    """The generator of MoCoGAN (Tulyakov et al., 2018, "MoCoGAN: Decomposing Motion and Content").

    A clip is a content code `z_C`, fixed for the whole clip, and a motion
    trajectory: per-frame innovations `e_t` run through a GRU whose outputs
    are the motion codes `z_M^t`. Every frame is drawn by the same 2D image
    generator from `[z_C, z_M^t]`.

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
        **kwargs,
    ):
        check_positive_int("width", width)
        check_positive_int("content_dim", content_dim)
        check_positive_int("motion_dim", motion_dim)
        check_clip_shape(frames, size, channels)
        if num_classes is not None:
            check_positive_int("num_classes", num_classes)
        latent_dim = content_dim + frames * motion_dim

        noise = keras.Input((latent_dim,), name="noise")
        inputs = [noise]
        content = noise[:, :content_dim]
        innovations = layers.Reshape((frames, motion_dim))(noise[:, content_dim:])
        content_parts = [content]
        if num_classes is not None:
            labels = keras.Input((), dtype="int32", name="labels")
            inputs.append(labels)
            content_parts.append(embed_labels(labels, num_classes, content_dim, "label_embedding"))
        if condition_on_first_frame:
            first_frame = keras.Input((size, size, channels), name="first_frame")
            inputs.append(first_frame)
            content_parts.append(_encode_frame(first_frame, width, size, content_dim))
        content = (
            content_parts[0] if len(content_parts) == 1 else layers.Concatenate()(content_parts)
        )

        motion = layers.GRU(motion_dim, return_sequences=True, name="motion_gru")(innovations)
        codes = layers.Concatenate()([layers.RepeatVector(frames)(content), motion])
        video = frame_image_decoder(codes, frames, size, channels, width, "image")
        if condition_on_first_frame:
            given = layers.Reshape((1, size, size, channels))(first_frame)
            video = layers.Concatenate(axis=1, name="starts_with_first_frame", dtype="float32")(
                [given, video[:, 1:]]
            )
        super().__init__(inputs=inputs if len(inputs) > 1 else noise, outputs=video, **kwargs)

        self.latent_dim = latent_dim
        self.frames = frames
        self.size = size
        self.channels = channels
        self.width = width
        self.content_dim = content_dim
        self.motion_dim = motion_dim
        self.num_classes = num_classes
        self.condition_on_first_frame = condition_on_first_frame

    def get_config(self):
        return model_config(
            self,
            frames=self.frames,
            size=self.size,
            channels=self.channels,
            width=self.width,
            content_dim=self.content_dim,
            motion_dim=self.motion_dim,
            num_classes=self.num_classes,
            condition_on_first_frame=self.condition_on_first_frame,
        )

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _encode_frame(frame, width, size, dim):
    """A small 2D encoder of the conditioning frame: strided convolutions to a `dim` code."""
    x = frame
    for index in range(int(math.log2(size // 4))):
        x = layers.Conv2D(
            width * min(8, 2**index), 4, strides=2, padding="same", name=f"frame_encoder{index}"
        )(x)
        x = layers.LeakyReLU(0.2)(x)
    return layers.Dense(dim, name="frame_code")(layers.Flatten()(x))
