import keras
from keras import layers

from keras_vidgan.models.model_blocks import (
    FrameSampler,
    frame_features,
    projection_logits,
    video_features,
)
from keras_vidgan.models.video_model import VideoModel


@keras.saving.register_keras_serializable(package="keras_vidgan")
class DualDiscriminator(VideoModel):
    """DVD-GAN's pair of discriminators (Clark et al., 2019), as one model with two logits.

    The spatial discriminator judges `frames_per_clip` frames at full
    resolution with 2D convolutions (their scores averaged); the temporal
    discriminator judges the whole clip, average-pooled 2x in space, with 3D
    convolutions. The output is `[B, 2]`: `[spatial, temporal]`. `GAN` takes
    the mean of the two per-clip losses, which is DVD-GAN's sum halved.

    Cost: 2.16 GFLOP per clip for 16 frames of 64x64x3 at `width=64` (8
    frames through the spatial branch, the clip at 32x32 through the temporal
    one). DVD-GAN's discriminators are BigGAN residual networks (two 3x3
    convolutions and a shortcut per block) several times wider; the plain
    strided 4x4 convolutions here are their CPU-budget version and cost far
    less than the generator they judge (`DVDGANGenerator`).

    Args:
        frames: int. Frames per clip, one of 8, 16, 32.
        size: int. Height and width, one of 32, 64, 128.
        channels: int. 1 or 3.
        width: int. Channels of the first convolution of each branch.
        frames_per_clip: int or None. Frames the spatial branch sees (8 in
            DVD-GAN), random while training, evenly spaced otherwise; at most
            `frames`, and every frame with None.
        num_classes: int or None. Projection discriminators (Miyato & Koyama,
            2018) in both branches; the model then takes `[clips, labels]`.
        spectral_norm: bool. Spectral normalization of every layer, as in
            DVD-GAN.
        **kwargs: passed to `keras.Model`.

    Example:

    ```python
    import numpy as np
    import keras_vidgan

    discriminator = keras_vidgan.models.DualDiscriminator(
        frames=8, size=32, channels=1, width=4, frames_per_clip=2
    )
    print(discriminator(np.zeros((3, 8, 32, 32, 1), "float32")).shape)  # (3, 2)
    ```
    """

    def __init__(
        self,
        frames=16,
        size=64,
        channels=1,
        width=32,
        frames_per_clip=8,
        num_classes=None,
        spectral_norm=True,
        **kwargs,
    ):
        clips = keras.Input((frames, size, size, channels), name="video")
        labels = self.labels_input(num_classes)
        frames_per_clip = frames if frames_per_clip is None else min(frames_per_clip, frames)
        chosen = clips
        if frames_per_clip < frames:
            chosen = FrameSampler(frames_per_clip, name="frame_sampler")(clips)
        spatial = frame_features(chosen, width, size, "spatial", spectral_norm)
        spatial = projection_logits(spatial, labels, num_classes, "spatial", spectral_norm)
        spatial = layers.Reshape((1,))(keras.ops.mean(spatial, axis=1, keepdims=True))

        # In float32 under any policy: TensorFlow has no float16 AvgPool3D kernel for CPUs.
        small = layers.AveragePooling3D((1, 2, 2), name="downsample", dtype="float32")(clips)
        temporal = video_features(small, width, size // 2, "temporal", spectral_norm)
        temporal = projection_logits(temporal, labels, num_classes, "temporal", spectral_norm)
        logits = layers.Concatenate(dtype="float32", name="logits")([spatial, temporal])
        super().__init__([clips, labels], logits, **kwargs)
        # The frames the spatial branch actually sees, which a config then repeats.
        self.frames_per_clip = frames_per_clip
