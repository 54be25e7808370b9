"""Faults injected into training runs: divergence, damaged checkpoints, SIGTERM."""

import os
import re
import signal
import subprocess
import sys
import time

import pytest
from helpers.tiny_runs import TINY_RUN

from keras_vidgan.training import ConfigError, TrainConfig, TrainingDiverged, train

# Slow: started first. Eager: what is checked is the run, not its graph (tests/conftest.py).
pytestmark = [pytest.mark.slow, pytest.mark.eager_functions]

TINY = TINY_RUN
# Learning rates no network survives: a loss is infinite after the first step.
DIVERGING = dict(g_lr=1e6, d_lr=1e6, loss="lsgan")


def test_a_diverged_run_fails_and_saves_nothing_from_the_diverged_weights(tmp_path):
    out = tmp_path / "run"
    with pytest.raises(TrainingDiverged) as failure:
        train(TrainConfig(out=str(out), epochs=2, **TINY, **DIVERGING), log=lambda line: None)
    message = str(failure.value)
    assert "\n" not in message
    assert message.startswith("training diverged at step 1 (epoch 1): ")
    assert "no checkpoint was written" in message and "--g-lr" in message
    assert not (out / "checkpoints").exists() or not os.listdir(out / "checkpoints")
    # The curves are still drawn up to the divergence.
    assert (out / "loss.png").stat().st_size > 1000


def test_a_diverged_run_names_the_last_good_checkpoint(tmp_path):
    import keras
    import numpy as np

    from keras_vidgan.training.run_directory import checkpoint_path

    class PoisonSecondEpoch(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 1:
                kernel = self.model.discriminator.trainable_weights[0]
                kernel.assign(np.full(kernel.shape, np.inf, kernel.dtype))

    out = tmp_path / "run"
    with pytest.raises(TrainingDiverged) as failure:
        train(TrainConfig(out=str(out), epochs=3, **TINY), callbacks=[PoisonSecondEpoch()],
              log=lambda line: None)
    message = str(failure.value)
    assert message.startswith("training diverged at step 3 (epoch 2): ")
    assert f"the last good checkpoint is {checkpoint_path(str(out), 1)}" in message
    assert sorted(os.listdir(out / "checkpoints")) == ["epoch_0001.keras"]
    assert sorted(os.listdir(out / "samples")) == [
        "epoch_0001.gif", "epoch_0001.mp4", "epoch_0001.png", "latest.gif"]


def test_the_command_exits_non_zero_on_divergence(tmp_path):
    out = tmp_path / "run"
    completed = subprocess.run(
        [sys.executable, "-m", "keras_vidgan_cli.main", "train", "--out", str(out), "--model",
         "vgan", "--frames", "8", "--width", "4", "--latent-dim", "8", "--batch-size", "2",
         "--steps-per-epoch", "2",
         "--num-samples", "2", "--epochs", "2", "--progress", "off", "--g-lr", "1e6", "--d-lr",
         "1e6", "--loss", "lsgan"],
        capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 1
    last = completed.stderr.strip().splitlines()[-1]
    assert last.startswith("keras-vidgan train: error: training diverged at step 1")
    assert "Done" not in completed.stdout
    assert "invalid value encountered in cast" not in completed.stderr


def _truncate(path):
    with open(path, "r+b") as handle:
        handle.truncate(os.path.getsize(path) // 2)


def test_a_damaged_newest_checkpoint_is_moved_aside_and_the_previous_one_resumes(tmp_path):
    out = tmp_path / "run"
    train(TrainConfig(out=str(out), epochs=2, **TINY), log=lambda line: None)
    newest = out / "checkpoints" / "epoch_0002.keras"
    _truncate(newest)
    damaged_size = newest.stat().st_size
    lines = []
    train(TrainConfig(out=str(out), epochs=3, **TINY), log=lines.append)
    moved = out / "checkpoints" / "corrupt" / "epoch_0002.keras"
    assert lines[0].startswith("warning: Cannot load ") and str(moved) in lines[0]
    assert moved.stat().st_size == damaged_size  # kept as it was, never deleted
    assert lines[1].startswith(f"Run directory: {out} (resuming after epoch 1 from ")
    assert sorted(os.listdir(out / "checkpoints")) == [
        "corrupt", "epoch_0001.keras", "epoch_0002.keras", "epoch_0003.keras"]


def test_when_no_checkpoint_loads_one_line_says_so(tmp_path):
    out = tmp_path / "run"
    train(TrainConfig(out=str(out), epochs=1, **TINY), log=lambda line: None)
    _truncate(out / "checkpoints" / "epoch_0001.keras")
    with pytest.raises(ConfigError) as refusal:
        train(TrainConfig(out=str(out), epochs=2, **TINY), log=lambda line: None)
    message = str(refusal.value)
    assert "\n" not in message
    assert message.startswith(f"No checkpoint of {out} loads (epoch_0001.keras are damaged")
    assert os.listdir(out / "checkpoints" / "corrupt") == ["epoch_0001.keras"]


def test_sigterm_stops_like_ctrl_c_and_the_run_resumes(tmp_path):
    out = tmp_path / "run"
    command = [sys.executable, "-m", "keras_vidgan_cli.main", "train", "--out", str(out),
               "--model", "vgan", "--r1", "0", "--frames", "8", "--width", "4", "--latent-dim", "8",
               "--batch-size", "2",
               "--steps-per-epoch", "30", "--num-samples", "2", "--epochs", "3",
               "--progress", "off"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    first = out / "checkpoints" / "epoch_0001.keras"
    deadline = time.time() + 300
    while not first.exists() and process.poll() is None and time.time() < deadline:
        time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 143, stderr[-3000:]
    # After its first steps the run said how long a step and an epoch take.
    assert re.search(r"^  timing  \d+\.\d\d s per step, about \d+(\.\d)? (s|min) per epoch$",
                     stdout, re.MULTILINE), stdout
    assert stderr.strip().splitlines()[-1] == (
        "keras-vidgan train: stopped by SIGTERM; run the same command again to resume from "
        "the last checkpoint."
    )
    resumed = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "resuming after epoch" in resumed.stdout
    assert "epoch_0003.keras" in os.listdir(out / "checkpoints")


def test_an_intact_checkpoint_of_other_networks_is_refused_and_left_in_place(tmp_path):
    """A checkpoint from a version whose networks differ is not damage: nothing is moved."""
    import json
    import zipfile

    out = tmp_path / "run"
    train(TrainConfig(out=str(out), epochs=1, **TINY), log=lambda line: None)
    path = out / "checkpoints" / "epoch_0001.keras"
    # Rewrite the archive with wider networks in its config, as a version whose layers
    # differ would have written: every member intact, the weights no longer fit.
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    config["config"]["generator"]["config"]["width"] *= 2
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    rewritten = path.read_bytes()

    with pytest.raises(ConfigError) as refusal:
        train(TrainConfig(out=str(out), epochs=2, **TINY), log=lambda line: None)
    message = str(refusal.value)
    assert "\n" not in message
    assert message.startswith(f"{path} is intact but does not load into this version's networks")
    assert "another --out" in message
    assert path.read_bytes() == rewritten
    assert not (out / "checkpoints" / "corrupt").exists()
