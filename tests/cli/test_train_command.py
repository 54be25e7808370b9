"""`keras-vidgan train` end to end, in subprocesses as a user runs it.

What only a real process shows stays here (output, exit codes, TensorFlow's start-up lines);
the rules of the recipe are tested in process in tests/training/test_train_lib.py.
"""

import csv
import json
import os
import subprocess
import sys

import pytest
from helpers.tiny_runs import TINY_RUN

from keras_vidgan.training import ConfigError, TrainConfig, train

# What is checked is the run, not its graph: tf.functions run eagerly (tests/conftest.py).
pytestmark = pytest.mark.eager_functions

TINY = [
    "--model",
    "vgan",
    "--r1",
    "0",
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
    "--progress",
    "epoch",
]


# The same run as TINY's flags, for the recipe in process.
TINY_CONFIG = {**TINY_RUN, "epochs": 1, "verbose": 2}


def _command(out_dir, *extra):
    return [
        sys.executable,
        "-m",
        "keras_vidgan_cli.main",
        "train",
        "--out",
        str(out_dir),
        *TINY,
        *extra,
    ]


def _run(out_dir, *extra, timeout=300):
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run(
        _command(out_dir, *extra), capture_output=True, text=True, timeout=timeout, env=environment
    )


def test_tiny_run_writes_every_output(tmp_path):
    out = tmp_path / "run"
    completed = _run(out, "--epochs", "2")
    assert completed.returncode == 0, completed.stderr[-3000:]
    config = json.loads((out / "config.json").read_text())
    assert config["frames"] == 8 and config["dataset"] == "moving_mnist" and config["fps"] == 8
    assert sorted(os.listdir(out / "checkpoints")) == ["epoch_0001.keras", "epoch_0002.keras"]
    samples = set(os.listdir(out / "samples"))
    for stem in ("epoch_0001", "epoch_0002"):
        assert {stem + ".gif", stem + ".mp4", stem + ".png"} <= samples
    with open(out / "logs" / "training.csv", newline="") as handle:
        reader = csv.DictReader(handle)
        # Counted like the checkpoints, and no validation columns a GAN never fills.
        assert [row["epoch"] for row in reader] == ["1", "2"]
        assert not [name for name in reader.fieldnames if name.startswith("val_")]
    assert any("tfevents" in name for _, _, files in os.walk(out / "logs") for name in files)
    assert (out / "loss.png").stat().st_size > 1000
    # Keras' per-epoch progress line is shown, after a block that says what the run is.
    assert "Epoch 2/2" in completed.stdout and "d_loss" in completed.stdout
    lines = completed.stdout.splitlines()
    assert lines[0] == f"Run directory: {out} (new run)"
    assert any(line.startswith("  design  vgan: VGANGenerator") for line in lines)
    assert any(line.startswith("  steps   2 epochs of 2 steps") for line in lines)
    # What each epoch wrote is reported on a line of its own.
    written = "checkpoints/epoch_0001.keras, samples/epoch_0001.gif/.mp4/.png"
    assert f"  epoch 1 wrote {written} in {out}" in lines
    # TensorFlow's start-up lines are not shown, although they are written before
    # TF_CPP_MIN_LOG_LEVEL is read.
    assert "absl::InitializeLog" not in completed.stderr and "oneDNN" not in completed.stderr


def test_a_run_directory_with_other_settings_is_refused_in_one_line(tmp_path):
    out = tmp_path / "run"
    train(TrainConfig(out=str(out), **TINY_CONFIG), log=lambda line: None)
    config_before = (out / "config.json").read_text()
    # The objective too: the checkpoint would otherwise silently keep training with BCE.
    completed = _run(out, "--epochs", "2", "--width", "8", "--loss", "hinge")
    assert completed.returncode == 2
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "width is 4 there, 8 here; loss is 'bce' there, 'hinge' here" in lines[0]
    assert "Continue it with its settings (--width 4, --loss bce)" in lines[0]
    assert "--out" in lines[0]
    assert (out / "config.json").read_text() == config_before
    assert os.listdir(out / "checkpoints") == ["epoch_0001.keras"]


@pytest.mark.parametrize(
    "flags,message",
    [
        (["--size", "-4"], "argument --size: invalid choice"),
        (["--frames", "12"], "argument --frames: invalid choice"),
        (["--batch-size", "0"], "expected a positive integer, got 0"),
        (["--epochs", "many"], "expected a positive integer, got 'many'"),
    ],
)
def test_bad_flags_get_one_line_errors(tmp_path, flags, message):
    completed = _run(tmp_path / "run", *flags, timeout=60)
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert message in completed.stderr.strip().splitlines()[-1]


def test_a_time_budget_ends_the_run_and_counts_over_resumes(tmp_path):
    out = tmp_path / "run"
    lines = []
    settings = {**TINY_CONFIG, "epochs": 50, "time_budget": 0.0001}
    train(TrainConfig(out=str(out), **settings), log=lines.append)
    assert lines[-1].startswith("Stopped after") and "time budget 0.0001" in lines[-1]
    # The budget ran out in the first step; that partial epoch is checkpointed.
    assert os.listdir(out / "checkpoints") == ["epoch_0001.keras"]
    with open(out / "logs" / "training.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["train_steps"] for row in rows] == ["1"]

    lines = []
    assert train(TrainConfig(out=str(out), **settings), log=lines.append) is None
    assert "has already trained for" in lines[-1] and "raise --time-budget" in lines[-1]
    assert os.listdir(out / "checkpoints") == ["epoch_0001.keras"]


def test_a_run_written_before_the_learning_rate_flags_still_resumes(tmp_path):
    out = tmp_path / "run"
    # Those runs trained at the learning rates of that release, 2e-4.
    old_rates = {**TINY_CONFIG, "g_lr": 2e-4, "d_lr": 2e-4}
    train(TrainConfig(out=str(out), **old_rates), log=lambda line: None)
    config_path = out / "config.json"
    config = json.loads(config_path.read_text())
    for key in ("g_lr", "d_lr"):
        del config[key]
    config_path.write_text(json.dumps(config))
    train(TrainConfig(out=str(out), **{**old_rates, "epochs": 2}), log=lambda line: None)
    assert "epoch_0002.keras" in os.listdir(out / "checkpoints")
    with pytest.raises(ConfigError, match="d_lr is 0.0002 there, 0.0004 here"):
        train(TrainConfig(out=str(out), **{**old_rates, "epochs": 3, "d_lr": 4e-4}))


def test_a_failed_start_writes_nothing_and_the_corrected_command_runs(tmp_path):
    out = tmp_path / "run"
    failed = _run(out, "--epochs", "1", "--data", str(tmp_path / "no_such_folder"), "--verbose")
    assert failed.returncode == 2
    assert failed.stderr.strip().splitlines()[-1].startswith("keras-vidgan train: error: ")
    assert "does not exist" in failed.stderr
    # --verbose shows what TensorFlow prints while it loads.
    assert "absl::InitializeLog" in failed.stderr
    assert not out.exists()
    # The corrected command (its recipe, in this process) then starts the run.
    train(TrainConfig(out=str(out), **TINY_CONFIG), log=lambda line: None)
    assert os.listdir(out / "checkpoints") == ["epoch_0001.keras"]
