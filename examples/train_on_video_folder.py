"""
Title: Training a video GAN on a folder of your own videos
Author: keras_vidgan contributors
Description: From a UCF-101-style folder of mp4/avi/webm/mov/gif files to a trained GAN:
the data pipeline, bad files, labels, TFRecord shards and `fit()`.
Accelerator: None

Point it at your own folder (one sub-folder per class), or let it make a small
one with moving shapes so that it runs anywhere, offline, in a few minutes:

    python examples/train_on_video_folder.py                       # makes demo videos
    python examples/train_on_video_folder.py --data my_videos --steps 200
"""

import argparse
import logging
import os

import numpy as np

import keras_vidgan
import keras_vidgan.data
from keras_vidgan.utils.video_files import video_grid, write_gif, write_mp4

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--data", help="a folder of videos (default: make a small demo folder)")
parser.add_argument("--out", default="video_folder_demo", help="where everything is written")
parser.add_argument("--steps", type=int, default=4, help="training steps per epoch")
parser.add_argument("--epochs", type=int, default=2)
args = parser.parse_args()
os.makedirs(args.out, exist_ok=True)
# Bad files are reported through the `keras_vidgan.data` logger: show them.
logging.basicConfig(format="%(message)s", level=logging.INFO)

"""
## A folder of videos

The layout is UCF-101's: `ROOT/<class>/<video>`. Any container FFmpeg reads
works (mp4, avi, webm, mov, mkv, gif, ...); sizes and frame rates may differ
from file to file. For the demo we write two classes of 96x64 clips, squares
that move right or down, and add two files every real dataset seems to have:
an empty one and one that is not a video at all.
"""


def demo_folder(root, per_class=6, frames=24):
    rng = np.random.default_rng(0)
    for label, (dy, dx) in {"right": (0, 2), "down": (2, 0)}.items():
        os.makedirs(os.path.join(root, label), exist_ok=True)
        for v in range(per_class):
            clip = np.full((frames, 64, 96, 3), 30, np.uint8)
            y, x = rng.integers(4, 24), rng.integers(4, 40)
            for t in range(frames):
                top, left = y + dy * t, x + dx * t
                clip[t, top : top + 12, left : left + 12] = (230, 200, 60)
            write = write_gif if v % 3 == 2 else write_mp4
            write(os.path.join(root, label, f"{label}_{v}.{'gif' if v % 3 == 2 else 'mp4'}"),
                  clip, fps=12)
    open(os.path.join(root, "right", "empty.mp4"), "wb").close()
    with open(os.path.join(root, "down", "readme.mp4"), "w") as handle:
        handle.write("this file only pretends to be a video\n")
    return root


data_path = args.data or demo_folder(os.path.join(args.out, "videos"))

"""
## Reading clips straight from the files

`keras_vidgan.data.from_path` sees a folder of videos and decodes them with
PyAV, one clip at a time: memory stays flat however large the folder. Each
training epoch takes clips at new random offsets and crops; `fps=8` samples
by timestamps, so a 12 fps file and a 30 fps file play at the same speed.
The two bad files are skipped, each with one warning, and summarised.
"""

FRAMES, SIZE = 8, 32
clips = keras_vidgan.data.from_path(
    data_path,
    frames=FRAMES,
    size=SIZE,
    channels=3,
    training=True,
    with_labels=True,
    fps=8,
    class_mapping_path=args.out,  # writes classes.json next to the outputs
)
print("classes:", clips.class_names, "| usable videos:", clips.num_videos)
print("skipped:", clips.bad_files.counts())

"""
## Converting once to TFRecord shards

For large datasets, convert once; the shards decode inside the TensorFlow
graph, many times faster than decoding video, and split across workers by
file. The command line does the same: `keras-vidgan prepare SRC OUT`.
Skipped files and their reasons land in `manifest.json`.
"""

shards = os.path.join(args.out, "shards")
manifest = keras_vidgan.data.prepare_shards(
    data_path, shards, shards=2, frames=FRAMES, size=SIZE, fps=8, progress=False
)
print("prepared:", manifest["counts"])
clips = keras_vidgan.data.from_path(
    shards, frames=FRAMES, size=SIZE, channels=3, training=True, with_labels=True
)

"""
## Training

`GAN.fit()` takes batches of clips (labels are ignored by the unconditional
GAN). A short run only shows that everything connects; real footage needs
hours of training.
"""

generator = keras_vidgan.models.VGANGenerator(
    latent_dim=32, frames=FRAMES, size=SIZE, channels=3, width=8
)
discriminator = keras_vidgan.models.VideoDiscriminator(
    frames=FRAMES, size=SIZE, channels=3, width=8
)
gan = keras_vidgan.GAN(generator, discriminator, seed=0)
gan.compile()
batches = clips.shuffle(64, seed=0).repeat().batch(4, drop_remainder=True)
history = gan.fit(batches, epochs=args.epochs, steps_per_epoch=args.steps, verbose=2)

"""
## Looking at the results

A few generated clips as a GIF, next to the class mapping saved earlier.
"""

videos = gan.generate(4, seed=1)
grid = video_grid(videos)
write_gif(os.path.join(args.out, "samples.gif"), grid, fps=8)
print("wrote", os.path.join(args.out, "samples.gif"), "and",
      os.path.join(args.out, "classes.json"))
