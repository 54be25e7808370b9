"""`keras-vidgan train` end to end, in subprocesses as a user runs it."""

import csv
import json
import os
import signal
import subprocess
import sys
import time

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
    "--progress",
    "epoch",
]


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


def test_killed_run_resumes_from_the_last_finished_epoch(tmp_path):
    out = tmp_path / "run"
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    # Enough steps per epoch that the kill lands inside the second epoch.
    process = subprocess.Popen(
        _command(out, "--epochs", "3", "--steps-per-epoch", "40"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment,
    )
    first = out / "checkpoints" / "epoch_0001.keras"
    try:
        deadline = time.time() + 300
        while not first.exists() and process.poll() is None and time.time() < deadline:
            time.sleep(0.2)
        assert first.exists(), "the first epoch never finished"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    finished = sorted(os.listdir(out / "checkpoints"))
    assert "epoch_0003.keras" not in finished

    completed = _run(out, "--epochs", "3", "--steps-per-epoch", "40")
    assert completed.returncode == 0, completed.stderr[-3000:]
    last_done = len([n for n in finished if n.endswith(".keras") and "partial" not in n])
    assert f"resuming after epoch {last_done} from" in completed.stdout
    assert f"Epoch {last_done + 1}/3" in completed.stdout
    assert "Epoch 1/3" not in completed.stdout
    assert "epoch_0003.keras" in os.listdir(out / "checkpoints")


def test_rerunning_a_finished_run_trains_nothing(tmp_path):
    out = tmp_path / "run"
    assert _run(out, "--epochs", "1").returncode == 0
    completed = _run(out, "--epochs", "1")
    assert completed.returncode == 0
    assert "already holds 1 trained epochs" in completed.stdout


def test_a_run_directory_with_other_settings_is_refused(tmp_path):
    out = tmp_path / "run"
    assert _run(out, "--epochs", "1").returncode == 0
    completed = _run(out, "--epochs", "1", "--width", "8")
    assert completed.returncode == 2
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and "width is 4 there, 8 here" in lines[0] and "--out" in lines[0]
    # The objective too: the checkpoint would otherwise silently keep training with BCE.
    config_before = (out / "config.json").read_text()
    objective = _run(out, "--epochs", "2", "--loss", "hinge")
    assert objective.returncode == 2
    assert "loss is 'bce' there, 'hinge' here" in objective.stderr
    assert "Continue it with its settings (--loss bce)" in objective.stderr
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
    completed = _run(out, "--epochs", "50", "--time-budget", "0.0001")
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "Stopped after" in completed.stdout and "time budget 0.0001" in completed.stdout
    # The budget ran out in the first step; that partial epoch is checkpointed.
    assert os.listdir(out / "checkpoints") == ["epoch_0001.keras"]
    with open(out / "logs" / "training.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["train_steps"] for row in rows] == ["1"]

    again = _run(out, "--epochs", "50", "--time-budget", "0.0001")
    assert again.returncode == 0
    assert "has already trained for" in again.stdout and "raise --time-budget" in again.stdout
    assert os.listdir(out / "checkpoints") == ["epoch_0001.keras"]


def test_a_run_written_before_the_learning_rate_flags_still_resumes(tmp_path):
    out = tmp_path / "run"
    assert _run(out, "--epochs", "1").returncode == 0
    config_path = out / "config.json"
    config = json.loads(config_path.read_text())
    for key in ("g_lr", "d_lr"):
        del config[key]
    config_path.write_text(json.dumps(config))
    completed = _run(out, "--epochs", "2")
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "epoch_0002.keras" in os.listdir(out / "checkpoints")
    changed = _run(out, "--epochs", "3", "--d-lr", "4e-4")
    assert changed.returncode == 2 and "d_lr is 0.0002 there, 0.0004 here" in changed.stderr


def test_a_failed_start_writes_nothing_and_the_corrected_command_runs(tmp_path):
    out = tmp_path / "run"
    failed = _run(out, "--epochs", "1", "--data", str(tmp_path / "no_such_folder"), "--verbose")
    assert failed.returncode == 2
    assert failed.stderr.strip().splitlines()[-1].startswith("keras-vidgan train: error: ")
    assert "does not exist" in failed.stderr
    # --verbose shows what TensorFlow prints while it loads.
    assert "absl::InitializeLog" in failed.stderr
    assert not out.exists()
    corrected = _run(out, "--epochs", "1")
    assert corrected.returncode == 0, corrected.stderr[-3000:]
