"""Every design and objective trains and saves; class-conditional runs and `sample --label`.

The runs go through `keras_vidgan.training.train`, the recipe behind `keras-vidgan train`
(flags reach the config: tests/cli/test_train_flags.py), and `sample` through the command's
`main`, in this process.
"""

import os

import numpy as np
import pytest
from helpers.tiny_runs import TINY_RUN

from keras_vidgan.training import TrainConfig, train
from keras_vidgan.training.run_directory import load_gan
from keras_vidgan_cli.main import main

# What is checked is the run, not its graph: tf.functions run eagerly (tests/conftest.py).
pytestmark = pytest.mark.eager_functions

TINY = {**TINY_RUN, "epochs": 1}


def _train(out, **settings):
    return train(TrainConfig(out=str(out), **{**TINY, **settings}), log=lambda line: None)


@pytest.mark.parametrize(
    "settings",
    [
        {"model": "tgan", "loss": "hinge", "ema": 0.9, "g_lr": 1e-4, "d_lr": 4e-4},
        {"model": "mocogan", "loss": "lsgan", "r1": 1.0},
        {"model": "dvdgan", "loss": "wgan-gp", "d_steps": 2},
    ],
)
def test_each_design_and_objective_trains_and_saves(tmp_path, settings):
    out = tmp_path / "run"
    _train(out, **settings)
    stored = TrainConfig.from_json_file(out / "config.json")
    assert (stored.model, stored.loss) == (settings["model"], settings["loss"])
    assert os.listdir(out / "checkpoints") == ["epoch_0001.keras"]

    gan = load_gan(str(out))
    assert type(gan.generator).__name__.lower().startswith(settings["model"])
    if "ema" in settings:
        assert gan.ema_decay == 0.9 and gan.sampling_generator is gan.ema_generator
    if "g_lr" in settings:  # two time-scale rates reach the two optimizers of the checkpoint
        assert np.isclose(float(gan.g_optimizer.learning_rate.numpy()), 1e-4)
        assert np.isclose(float(gan.d_optimizer.learning_rate.numpy()), 4e-4)
    if settings["loss"] == "wgan-gp":
        assert gan.gan_loss.name == "wasserstein" and gan.gradient_penalty_weight == 10.0
        assert gan.d_steps == 2


def test_conditional_run_samples_the_requested_label(tmp_path):
    out = tmp_path / "run"
    _train(out, conditional=True)
    videos = {}
    for label in (3, 4):
        samples = tmp_path / f"label_{label}"
        status = main(["sample", str(out), "--num", "2", "--label", str(label), "--format",
                       "npy", "--out", str(samples), "--quiet"])
        assert status == 0
        assert sorted(os.listdir(samples)) == ["seed_0.npy", "seed_1.npy"]
        videos[label] = np.load(samples / "seed_0.npy")
    # Same seed, other class: the label reaches the generator.
    assert not np.array_equal(videos[3], videos[4])


def test_conditional_needs_labelled_data(tmp_path, capsys):
    status = main(["train", "--out", str(tmp_path / "run"), "--conditional", "--dataset",
                   "bouncing_balls"])
    assert status == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert error == ["keras-vidgan train: error: conditional training needs labelled clips; it "
                     "supports the moving_mnist dataset (10 digit classes) for now. Drop "
                     "--conditional, or train on Moving MNIST."]
    assert not (tmp_path / "run").exists()
