import math

import keras
from keras import layers

from keras_vidgan.models.model_blocks import frame_image_decoder
from keras_vidgan.models.video_model import VideoModel


@keras.saving.register_keras_serializable(package="keras_vidgan")
class TGANGenerator(VideoModel):
    """The generator of TGAN (Saito et al., 2017, "Temporal Generative Adversarial Nets").

    A temporal generator of 1D up-convolutions turns one latent vector
    `z_0` into `frames` per-frame latents `z_1^t`; an image generator then
    draws frame `t` from `[z_0, z_1^t]`. Appearance shared by the clip lives
    in `z_0`, motion in the trajectory of `z_1^t`. The image generator is
    one DCGAN applied to every frame (`frame_image_decoder`).

    Cost: at TGAN's configuration (16 frames of 64x64x3, `width=64`) a
    forward pass costs 3.39 GFLOP per clip; the paper's generator, counted
    from its layers, costs 3.37 (its image generator draws each frame with
    4x4 up-convolutions of stride 2, 512-256-128-64-3 channels from 4x4 to
    64x64; the 1D temporal generator and the projections of the codes make
    the difference). Its
    discriminator, `VideoDiscriminator`, costs exactly the paper's 2.08
    GFLOP per clip at that configuration.

    Args:
        latent_dim: int. Size of `z_0`.
        frames: int. Frames per clip, one of 8, 16, 32.
        size: int. Height and width, one of 32, 64, 128.
        channels: int. 1 or 3.
        width: int. Channels of the finest image feature map.
        frame_latent_dim: int. Size of each per-frame latent `z_1^t`.
        num_classes: int or None. With classes, the generator takes
            `[noise, labels]` (int labels `[B]`) and a learned label
            embedding is concatenated to `z_0`.
        **kwargs: passed to `keras.Model`.

    Example:

    ```python
    import numpy as np
    import keras_vidgan

    generator = keras_vidgan.models.TGANGenerator(
        latent_dim=16, frames=8, size=32, channels=1, width=4
    )
    print(generator(np.zeros((2, 16), "float32")).shape)  # (2, 8, 32, 32, 1)
    ```
    """

    def __init__(
        self,
        latent_dim=100,
        frames=16,
        size=64,
        channels=1,
        width=32,
        frame_latent_dim=100,
        num_classes=None,
        **kwargs,
    ):
        noise = keras.Input((latent_dim,), name="noise")
        labels = self.labels_input(num_classes)
        code = self.join_codes([noise, self.label_embedding(labels, num_classes, latent_dim)])

        # Temporal generator: one step, then doublings until `frames` steps.
        temporal_width = 4 * width
        x = layers.Dense(temporal_width, use_bias=False, name="temporal_project")(code)
        x = layers.Reshape((1, temporal_width))(x)
        x = layers.BatchNormalization(synchronized=True, name="temporal_project_norm")(x)
        x = layers.ReLU()(x)
        for index in range(int(math.log2(frames))):
            x = layers.UpSampling1D(2)(x)
            x = layers.Conv1D(
                temporal_width, 3, padding="same", use_bias=False, name=f"temporal_up{index}"
            )(x)
            x = layers.BatchNormalization(synchronized=True, name=f"temporal_up{index}_norm")(x)
            x = layers.ReLU()(x)
        # tanh as in TGAN: frame latents live in the same box as uniform noise.
        frame_codes = layers.Conv1D(
            frame_latent_dim, 3, padding="same", activation="tanh", name="frame_latents"
        )(x)

        shared = layers.RepeatVector(frames)(code)
        codes = layers.Concatenate()([shared, frame_codes])
        video = frame_image_decoder(codes, frames, size, channels, width, "image")
        super().__init__([noise, labels], video, **kwargs)
