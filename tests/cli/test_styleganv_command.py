"""`keras-vidgan train --model styleganv`, then `sample --frames`, `export` and its samples.

The run goes through `keras_vidgan.training.train` (the recipe behind the
command) and the sub-commands through `main`, in this process.
"""

import os

import numpy as np
import pytest
from helpers.tiny_runs import TINY_RUN

import keras_vidgan
from keras_vidgan.training import TrainConfig, train
from keras_vidgan_cli.main import main, parse_arguments
from keras_vidgan_cli.train_command import config_values


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("styleganv") / "run"
    config = TrainConfig(
        out=str(out), **{**TINY_RUN, "epochs": 1, "model": "styleganv"}, sampled_frames=2,
        conditional=True, ema=0.9, loss="wgan-gp",
    )
    train(config, log=lambda line: None)
    return out


def _sample(model, out, *flags):
    return main(["sample", str(model), "--num", "2", "--format", "npy", "--label", "3",
                 "--out", str(out), "--quiet", *flags])


def test_flags_reach_the_config():
    args = parse_arguments(["train", "--model", "styleganv", "--sampled-frames", "2"])
    config = TrainConfig(**config_values(args))
    assert (config.model, config.sampled_frames) == ("styleganv", 2)


def test_too_many_sampled_frames_is_one_line(tmp_path, capsys):
    status = main(["train", "--model", "styleganv", "--frames", "8", "--sampled-frames", "9",
                   "--out", str(tmp_path / "run")])
    assert status == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "keras-vidgan train: error: sampled_frames (9) cannot exceed frames (8)."
    ]


def test_the_run_stores_its_design(run_dir):
    stored = TrainConfig.from_json_file(run_dir / "config.json")
    assert (stored.model, stored.sampled_frames) == ("styleganv", 2)
    gan = keras_vidgan.training.load_gan(str(run_dir))
    assert type(gan.generator).__name__ == "StyleGANVGenerator"
    assert gan.discriminator.sampled_frames == 2 and gan.sampling_generator is gan.ema_generator


def test_sample_renders_more_frames_than_trained_continuing_the_clip(run_dir, tmp_path):
    assert _sample(run_dir, tmp_path / "trained") == 0
    assert _sample(run_dir, tmp_path / "longer", "--frames", "16") == 0
    for name in ("seed_0.npy", "seed_1.npy"):
        trained = np.load(tmp_path / "trained" / name)
        longer = np.load(tmp_path / "longer" / name)
        assert trained.shape == (8, 32, 32, 1) and longer.shape == (16, 32, 32, 1)
        # A seed's longer noise extends its trained noise: the first frames are the same.
        np.testing.assert_array_equal(longer[:8], trained)


def test_export_makes_the_trained_frames_and_refuses_frames(run_dir, tmp_path, capsys):
    base = tmp_path / "export"
    assert main(["export", str(run_dir), str(base)]) == 0
    assert _sample(base, tmp_path / "from_export") == 0
    assert _sample(run_dir, tmp_path / "from_run") == 0
    for name in ("seed_0.npy", "seed_1.npy"):
        exported = np.load(tmp_path / "from_export" / name)
        # The same float32 graph, up to one grey level of rounding.
        difference = np.abs(exported.astype(int) - np.load(tmp_path / "from_run" / name))
        assert exported.shape == (8, 32, 32, 1) and difference.max() <= 1
    capsys.readouterr()
    assert _sample(base, tmp_path / "refused", "--frames", "16") == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "is an export, which makes its trained 8 frames" in error[0]
    assert not os.path.exists(tmp_path / "refused")


def test_frames_needs_a_styleganv_model(tmp_path, capsys):
    generator = keras_vidgan.models.VGANGenerator(
        latent_dim=4, frames=8, size=32, channels=1, width=2
    )
    discriminator = keras_vidgan.models.VideoDiscriminator(frames=8, size=32, channels=1, width=2)
    path = tmp_path / "vgan.keras"
    keras_vidgan.GAN(generator, discriminator, seed=0).save(path)
    status = main(["sample", str(path), "--frames", "16", "--out", str(tmp_path / "out")])
    assert status == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"keras-vidgan sample: error: {path} makes its trained 8 frames (VGANGenerator); "
        "--frames needs a styleganv model, which renders any number: drop --frames."
    ]
