import math

import keras
from keras import layers

from keras_vidgan.layers import ConvGRU
from keras_vidgan.models.model_blocks import stage_widths
from keras_vidgan.models.video_model import VideoModel


@keras.saving.register_keras_serializable(package="keras_vidgan")
class DVDGANGenerator(VideoModel):
    """The generator of DVD-GAN (Clark et al., 2019, "Adversarial Video Generation on
    Complex Datasets").

    The latent vector (with the class embedding, when conditional) is
    projected to a 4x4 feature map and repeated for every frame. At each
    resolution a convolutional GRU runs over the frames, carrying motion in
    its state, and a residual upsampling block (BigGAN style: BN, ReLU,
    upsample, 3x3 convolution, twice, with an upsampled 1x1 shortcut) doubles
    the frame size, frame by frame. The last block feeds BN, ReLU and a 3x3
    convolution to the output channels with tanh.

    DVD-GAN places a ConvGRU before every residual block; on CPU budgets the
    fine resolutions dominate the cost, so `recurrent_stages` limits the
    ConvGRUs to the coarsest stages (all stages with `recurrent_stages=None`).

    Cost: with every stage recurrent, as in the paper, the blocks are the
    paper's (a 3x3 ConvGRU, then two 3x3 convolutions and a 1x1 shortcut per
    block), so at equal widths the count is the paper's: 151 GFLOP per clip
    for 16 frames of 64x64x3 at `width=64`; the default `recurrent_stages=2`
    costs 93. DVD-GAN itself trains far wider networks (a channel multiplier
    of 8 times its base width at 4x4) on TPUs; the widths here are chosen for
    CPU budgets. Per clip this is the most expensive generator of the zoo:
    5.8 GFLOP at the quality table's configuration (16x64x64x1, `width=16`)
    against 0.16 for `VGANGenerator`.

    Args:
        latent_dim: int. Size of the latent vector (120 in DVD-GAN).
        frames: int. Frames per clip, one of 8, 16, 32.
        size: int. Height and width, one of 32, 64, 128.
        channels: int. 1 or 3.
        width: int. Channels of the finest stage; coarser stages are wider.
        recurrent_stages: int or None. How many of the coarsest stages get a
            ConvGRU.
        num_classes: int or None. With classes, the generator takes
            `[noise, labels]` and a label embedding is concatenated to the
            latent vector.
        **kwargs: passed to `keras.Model`.

    Example:

    ```python
    import numpy as np
    import keras_vidgan

    generator = keras_vidgan.models.DVDGANGenerator(
        latent_dim=16, frames=8, size=32, channels=1, width=4
    )
    print(generator(np.zeros((2, 16), "float32")).shape)  # (2, 8, 32, 32, 1)
    ```
    """

    def __init__(
        self,
        latent_dim=120,
        frames=16,
        size=64,
        channels=1,
        width=32,
        recurrent_stages=2,
        num_classes=None,
        **kwargs,
    ):
        stages = int(math.log2(size // 4))
        widths = stage_widths(width, stages) + [width]
        noise = keras.Input((latent_dim,), name="noise")
        labels = self.labels_input(num_classes)
        code = self.join_codes([noise, self.label_embedding(labels, num_classes, latent_dim)])
        x = layers.Dense(4 * 4 * widths[0], name="project")(code)
        x = layers.RepeatVector(frames)(x)
        x = layers.Reshape((frames, 4, 4, widths[0]))(x)
        recurrent = stages if recurrent_stages is None else min(stages, recurrent_stages)
        for index in range(stages):
            if index < recurrent:
                x = ConvGRU(widths[index], name=f"conv_gru{index}")(x)
            x = _residual_up(x, widths[index + 1], f"block{index}")
        x = layers.BatchNormalization(synchronized=True, name="output_norm")(x)
        x = layers.ReLU()(x)
        video = layers.Conv3D(
            channels, (1, 3, 3), padding="same", activation="tanh", dtype="float32", name="rgb"
        )(x)
        super().__init__([noise, labels], video, **kwargs)


def _residual_up(x, filters, name):
    """BigGAN's up block, per frame: two BN-ReLU-conv steps plus an upsampled 1x1 shortcut."""
    shortcut = layers.UpSampling3D((1, 2, 2))(x)
    shortcut = layers.Conv3D(filters, 1, name=f"{name}_shortcut")(shortcut)
    y = layers.BatchNormalization(synchronized=True, name=f"{name}_norm0")(x)
    y = layers.ReLU()(y)
    y = layers.UpSampling3D((1, 2, 2))(y)
    y = layers.Conv3D(filters, (1, 3, 3), padding="same", name=f"{name}_conv0")(y)
    y = layers.BatchNormalization(synchronized=True, name=f"{name}_norm1")(y)
    y = layers.ReLU()(y)
    y = layers.Conv3D(filters, (1, 3, 3), padding="same", name=f"{name}_conv1")(y)
    return layers.Add()([shortcut, y])
