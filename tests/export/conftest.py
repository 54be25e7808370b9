"""Tiny models, a run directory and one shared export for the export and sampling tests.

Everything here is session-scoped: TensorFlow tracing dominates the cost, so the
read-only artefacts are built once. Tests that change an export build their own.
"""

import json
import os

import keras
import numpy as np
import pytest

import keras_vidgan
from keras_vidgan.training.run_directory import checkpoint_path

LATENT_DIM = 8
CLIP_SHAPE = (8, 32, 32, 1)
RUN_FPS = 12


def tiny_generator(seed, name="generator"):
    keras.utils.set_random_seed(seed)
    return keras_vidgan.models.VGANGenerator(
        latent_dim=LATENT_DIM, frames=8, size=32, channels=1, width=4, name=name
    )


def tiny_gan(seed=1):
    generator = tiny_generator(seed)
    discriminator = keras_vidgan.models.VideoDiscriminator(
        frames=8, size=32, channels=1, width=4, name="discriminator"
    )
    return keras_vidgan.GAN(generator, discriminator, seed=seed)


@keras.saving.register_keras_serializable(package="keras_vidgan_tests")
class TinyConditionalGenerator(keras.Model):
    """A class-conditional generator `[noise, labels] -> clips`, standing in for a future one."""

    def __init__(self, latent_dim=LATENT_DIM, num_classes=3, **kwargs):
        noise = keras.Input((latent_dim,), name="noise")
        labels = keras.Input((), dtype="int32", name="labels")
        embedded = keras.layers.Embedding(num_classes, latent_dim)(labels)
        x = keras.layers.Concatenate()([noise, embedded])
        x = keras.layers.Dense(8 * 8 * 8, activation="tanh")(x)
        video = keras.layers.Reshape((8, 8, 8, 1))(x)
        super().__init__(inputs=[noise, labels], outputs=video, **kwargs)
        self.latent_dim = latent_dim
        self.num_classes = num_classes


@pytest.fixture(scope="session")
def gan():
    return tiny_gan()


@pytest.fixture(scope="session")
def gan_file(gan, tmp_path_factory):
    path = str(tmp_path_factory.mktemp("model") / "gan.keras")
    gan.save(path)
    return path


@pytest.fixture(scope="session")
def run_dir(gan, tmp_path_factory):
    """A run directory as `keras-vidgan train` leaves it (config.json and a checkpoint)."""
    path = str(tmp_path_factory.mktemp("run"))
    os.makedirs(os.path.join(path, "checkpoints"))
    gan.save(checkpoint_path(path, 1))
    config = {"fps": RUN_FPS, "frames": 8, "size": 32, "out": "/home/someone/private-runs/x",
              "data": "/home/someone/videos"}
    with open(os.path.join(path, "config.json"), "w") as handle:
        json.dump(config, handle)
    return path


@pytest.fixture(scope="session")
def reference_generator(run_dir):
    """The generator as loaded in this process: what every export must reproduce."""
    from keras_vidgan.training.run_directory import load_gan

    return load_gan(run_dir, compile=False).generator


@pytest.fixture(scope="session")
def export_base(run_dir, tmp_path_factory):
    from keras_vidgan.training import export_run

    base = str(tmp_path_factory.mktemp("exports") / "vgan")
    export_run(run_dir, base, version=1)
    return base


@pytest.fixture(scope="session")
def export_dir(export_base):
    return os.path.join(export_base, "1")


@pytest.fixture(scope="session")
def loaded_export(export_dir):
    import tensorflow as tf

    return tf.saved_model.load(export_dir)


@pytest.fixture(scope="session")
def test_noise():
    return np.random.default_rng(0).standard_normal((3, LATENT_DIM)).astype("float32")


def reference_video(generator, noise):
    """uint8 clips from the in-process generator (eager call), by the export's pixel mapping."""
    from keras_vidgan.utils.pixels import video_to_uint8_numpy

    return video_to_uint8_numpy(np.asarray(generator(noise, training=False)))


@pytest.fixture(scope="session")
def make_gan():
    """`make_gan(seed)`: a fresh tiny GAN whose weights depend on `seed`."""
    return tiny_gan


@pytest.fixture(scope="session")
def reference(reference_generator):
    """`reference(noise)`: the in-process generator's uint8 clips for that noise."""
    return lambda noise: reference_video(reference_generator, noise)


@pytest.fixture(scope="session")
def conditional_generator():
    keras.utils.set_random_seed(3)
    return TinyConditionalGenerator(num_classes=3, name="conditional_generator")


@pytest.fixture(scope="session")
def pair_generator():
    """A generator with a class per digit: `[noise, labels [B, 2]] -> clips [B, 8, 32, 32, 1]`."""
    keras.utils.set_random_seed(4)
    return keras_vidgan.models.StyleGANVGenerator(
        frames=8, size=32, width=2, content_dim=4, motion_dim=2, num_classes=3,
        synthesis="sprites", sprites=2, labels_per_clip=2, name="pair_generator",
    )


@pytest.fixture(scope="session")
def pair_export(pair_generator, tmp_path_factory):
    from keras_vidgan.export import export_saved_model

    return export_saved_model(pair_generator, str(tmp_path_factory.mktemp("pairs")))
