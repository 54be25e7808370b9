"""`keras-vidgan train --model/--loss/--r1/--ema/--d-steps/--conditional`, and `sample --label`."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

TINY = [
    "--frames",
    "8",
    "--size",
    "32",
    "--width",
    "4",
    "--latent-dim",
    "8",
    "--batch-size",
    "2",
    "--steps-per-epoch",
    "2",
    "--num-samples",
    "2",
    "--epochs",
    "1",
    "--progress",
    "off",
]


def _main(*arguments):
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run(
        [sys.executable, "-m", "keras_vidgan_cli.main", *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
    )


@pytest.mark.parametrize(
    "flags",
    [
        ["--model", "tgan", "--loss", "hinge", "--ema", "0.9", "--g-lr", "1e-4", "--d-lr", "4e-4"],
        ["--model", "mocogan", "--loss", "lsgan", "--r1", "1.0"],
        ["--model", "dvdgan", "--loss", "wgan-gp", "--d-steps", "2"],
    ],
)
def test_each_design_and_objective_trains_and_saves(tmp_path, flags):
    out = tmp_path / "run"
    completed = _main("train", "--out", str(out), *TINY, *flags)
    assert completed.returncode == 0, completed.stderr[-3000:]
    config = json.loads((out / "config.json").read_text())
    assert config["model"] == flags[1] and config["loss"] == flags[3]
    assert os.listdir(out / "checkpoints") == ["epoch_0001.keras"]

    from keras_vidgan.training.run_directory import load_gan

    gan = load_gan(str(out))
    assert type(gan.generator).__name__.lower().startswith(flags[1])
    if "--ema" in flags:
        assert gan.ema_decay == 0.9 and gan.sampling_generator is gan.ema_generator
    if "--g-lr" in flags:  # two time-scale rates reach the two optimizers of the checkpoint
        assert np.isclose(float(gan.g_optimizer.learning_rate.numpy()), 1e-4)
        assert np.isclose(float(gan.d_optimizer.learning_rate.numpy()), 4e-4)
    if flags[3] == "wgan-gp":
        assert gan.gan_loss.name == "wasserstein" and gan.gradient_penalty_weight == 10.0
        assert gan.d_steps == 2


def test_conditional_run_samples_the_requested_label(tmp_path):
    out = tmp_path / "run"
    completed = _main("train", "--out", str(out), *TINY, "--conditional")
    assert completed.returncode == 0, completed.stderr[-3000:]
    samples = tmp_path / "samples"
    completed = _main(
        "sample",
        str(out),
        "--num",
        "2",
        "--label",
        "3",
        "--format",
        "npy",
        "--out",
        str(samples),
        "--quiet",
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert sorted(os.listdir(samples)) == ["seed_0.npy", "seed_1.npy"]
    missing = _main("sample", str(out), "--num", "1", "--out", str(samples), "--quiet")
    assert missing.returncode != 0 and "--label" in missing.stderr


def test_conditional_needs_labelled_data(tmp_path):
    completed = _main(
        "train",
        "--out",
        str(tmp_path / "run"),
        *TINY,
        "--conditional",
        "--dataset",
        "bouncing_balls",
    )
    assert completed.returncode != 0
    assert "--conditional needs labelled clips" in completed.stderr
