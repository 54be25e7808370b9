"""
Title: A video GAN on Moving MNIST with `fit()`
Description: Train a two-stream VGAN generator against a 3D-convolutional
discriminator on Moving MNIST, with sample videos and curves after every epoch.

Moving MNIST is generated offline from real MNIST digits, so this example
needs no download. On two CPU cores the default settings below take a few
minutes; `--epochs 30` trains as long as `keras-vidgan train`'s default run,
whose samples after 30 epochs hold moving digit-sized strokes, a few of them
readable as digits (see the README).
"""

"""
## Setup
"""

import argparse

# keras_vidgan before Keras: its import turns on TensorFlow's oneDNN CPU kernels, which
# TensorFlow reads only when it loads (README, "The same run from Python").
import keras_vidgan

# isort: split
import keras

parser = argparse.ArgumentParser(description="Train a video GAN on Moving MNIST.")
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--steps-per-epoch", type=int, default=100)
parser.add_argument("--out", default="moving_mnist_example")
arguments = parser.parse_args()

frames, size, batch_size, latent_dim = 16, 32, 16, 100

"""
## The data

Each clip is 16 frames of one digit bouncing inside a 32x32 box, following
the protocol of Srivastava et al. (2015). The dataset yields float32 clips in
[-1, 1] with shape `[frames, height, width, channels]`.
"""

clip_count = arguments.epochs * arguments.steps_per_epoch * batch_size
clips = keras_vidgan.datasets.moving_mnist(
    num_clips=clip_count, frames=frames, size=size, digits=1, seed=0
)
clips = clips.batch(batch_size, drop_remainder=True).prefetch(2)

"""
## The networks

The generator follows VGAN (Vondrick et al., 2016): a moving foreground and a
mask grown with 3D convolutions, and a still background grown with 2D
convolutions, blended as `mask * foreground + (1 - mask) * background`.
The discriminator scores a whole clip with 3D convolutions.
"""

generator = keras_vidgan.models.VGANGenerator(
    latent_dim=latent_dim, frames=frames, size=size, channels=1, width=16
)
discriminator = keras_vidgan.models.VideoDiscriminator(
    frames=frames, size=size, channels=1, width=16
)
generator.summary()

"""
## Training

`GAN.compile()` with no arguments uses binary cross-entropy on logits and
`Adam(2e-4, beta_1=0.5)` for each network. The callbacks write a grid of
videos from fixed noise (GIF, MP4 and a PNG of frames) and the loss curves
after every epoch, and keep the newest checkpoints.
"""

gan = keras_vidgan.GAN(generator, discriminator, seed=0)
gan.compile()
gan.fit(
    clips,
    epochs=arguments.epochs,
    callbacks=[
        keras.callbacks.TerminateOnNaN(),
        keras_vidgan.training.SafeCheckpoint(arguments.out, keep_last=2),
        keras_vidgan.training.SampleWriter(f"{arguments.out}/samples", num_videos=16),
        keras_vidgan.training.LossPlot(f"{arguments.out}/loss.png"),
    ],
)

"""
## Sampling

`generate` returns float clips in [-1, 1]; the same seed gives the same
videos.
"""

videos = gan.generate(4, seed=7)
keras_vidgan.utils.video_files.write_gif(
    f"{arguments.out}/four_videos.gif", keras_vidgan.utils.video_files.video_grid(videos)
)
print(f"Wrote samples, curves and checkpoints to {arguments.out}/")
