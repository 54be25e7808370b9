import math

import keras
from keras import layers

from keras_vidgan.models.video_model import VideoModel


@keras.saving.register_keras_serializable(package="keras_vidgan")
class VideoDiscriminator(VideoModel):
    """A 3D-convolutional discriminator that scores whole clips.

    Strided 3D convolutions with LeakyReLU halve space (and time, while more
    than one frame is left) until a 4x4 grid remains; a dense layer turns the
    result into one logit per clip. It has no batch normalization: real and
    generated clips are scored in separate calls, and batch statistics would
    let the network tell them apart by the batch instead of by the clip, and
    would differ between one device and several replicas.

    Cost: this is the mirror of VGAN's generator (Vondrick et al., 2016):
    4x4x4 convolutions of stride 2, `width` doubling to 8x, and the 2x4x4
    grid that remains mapped to one logit (a dense layer here, a 2x4x4
    convolution in the paper: the same products). At the paper's
    configuration (32 frames of 64x64x3, `width=64`) it costs 4.16 GFLOP per
    clip, exactly the paper's count; the paper's batch normalization is left
    out (above). TGAN's 3D discriminator is the same network: 2.08 GFLOP for
    16 frames.

    Args:
        frames: int. Frames per clip, one of 8, 16, 32.
        size: int. Height and width, one of 32, 64, 128.
        channels: int. 1 or 3.
        width: int. Channels of the first convolution; each stage doubles it,
            up to 8x.
        num_classes: int or None. With classes the model takes
            `[clips, labels]` and is a projection discriminator (Miyato &
            Koyama, 2018, "cGANs with Projection Discriminator"): the inner
            product of a class embedding with the features is added to the
            logit.
        text_encoder: dict of `keras_vidgan.layers.TextEncoder` arguments,
            or None. The model then takes `[clips, texts]` (strings `[B]`)
            and adds the inner product of its features with a linear map of
            its own text code, a projection discriminator for text.
        **kwargs: passed to `keras.Model`.

    Example:

    ```python
    import numpy as np
    import keras_vidgan

    discriminator = keras_vidgan.models.VideoDiscriminator(
        frames=8, size=32, channels=1, width=8
    )
    logits = discriminator(np.zeros((2, 8, 32, 32, 1), "float32"))
    print(logits.shape)  # (2, 1)
    ```
    """

    def __init__(
        self, frames=16, size=64, channels=1, width=32, num_classes=None, text_encoder=None,
        **kwargs,
    ):
        stages = int(math.log2(size // 4))
        video = keras.Input(shape=(frames, size, size, channels), name="video")
        x = video
        remaining_frames = frames
        for index in range(stages):
            temporal_stride = 2 if remaining_frames > 1 else 1
            remaining_frames //= temporal_stride
            x = layers.Conv3D(
                width * min(8, 2**index),
                4,
                strides=(temporal_stride, 2, 2),
                padding="same",
                name=f"down{index}",
            )(x)
            x = layers.LeakyReLU(0.2)(x)
        x = layers.Flatten()(x)
        logits = layers.Dense(1, name="logits", dtype="float32")(x)
        labels = self.condition_input(num_classes, text_encoder)
        if labels is not None:
            embedded = self.condition_embedding(labels, num_classes, text_encoder, x.shape[-1])
            projection = keras.ops.sum(x * embedded, axis=-1, keepdims=True)
            logits = layers.Add(dtype="float32", name="projected_logits")([logits, projection])
        super().__init__([video, labels], logits, **kwargs)
