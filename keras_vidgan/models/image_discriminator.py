import keras

from keras_vidgan.models.config_checks import check_frame_subset
from keras_vidgan.models.model_blocks import (
    FrameSampler,
    frame_features,
    projection_logits,
)
from keras_vidgan.models.video_model import VideoModel


@keras.saving.register_keras_serializable(package="keras_vidgan")
class ImageDiscriminator(VideoModel):
    """Judges the frames of a clip one by one, as MoCoGAN's image discriminator.

    A 2D convolutional network (strided 4x4 convolutions with LeakyReLU, no
    batch normalization) scores `frames_per_clip` frames of each clip and
    returns one logit per frame, `[B, K]`; `GAN` averages a clip's loss over
    them. With `frames_per_clip=None` every frame is scored; otherwise `K`
    distinct frames are picked at random while training (MoCoGAN samples
    single frames, DVD-GAN's spatial discriminator 8) and evenly spaced
    frames otherwise.

    Args:
        frames: int. Frames per clip, one of 8, 16, 32.
        size: int. Height and width, one of 32, 64, 128.
        channels: int. 1 or 3.
        width: int. Channels of the first convolution; each stage doubles
            it, up to 8x.
        frames_per_clip: int or None. Frames scored per clip.
        num_classes: int or None. With classes the model takes
            `[clips, labels]` and is a projection discriminator (Miyato &
            Koyama, 2018).
        text_encoder: dict of `keras_vidgan.layers.TextEncoder` arguments,
            or None. The model then takes `[clips, texts]` (strings `[B]`) and
            projects its own text code onto the features instead of a class
            embedding.
        spectral_norm: bool. Wrap every convolution and the output layer in
            `keras_vidgan.layers.SpectralNormalization` (Miyato et al., 2018).
        **kwargs: passed to `keras.Model`.

    Example:

    ```python
    import numpy as np
    import keras_vidgan

    discriminator = keras_vidgan.models.ImageDiscriminator(
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
        frames_per_clip=None,
        num_classes=None,
        spectral_norm=False,
        text_encoder=None,
        **kwargs,
    ):
        if frames_per_clip is not None:
            check_frame_subset("frames_per_clip", frames_per_clip, frames)

        clips = keras.Input((frames, size, size, channels), name="video")
        labels = self.condition_input(num_classes, text_encoder)
        chosen = clips
        if frames_per_clip is not None and frames_per_clip < frames:
            chosen = FrameSampler(frames_per_clip, name="frame_sampler")(clips)
        features = frame_features(chosen, width, size, "frame", spectral_norm)
        logits = projection_logits(
            features, labels, num_classes, "frame", spectral_norm,
            text_code=self.text_code(labels, text_encoder),
        )
        super().__init__([clips, labels], logits, **kwargs)
