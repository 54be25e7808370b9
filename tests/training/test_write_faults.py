"""Failed writes during training and damaged files in a run directory, faults injected.

A full disk ends `train()` with one line naming the newest intact checkpoint;
a damaged `logs/training.csv` is moved aside; a damaged `config.json` is one
line for every command that reads it.
"""

import errno
import json
import os
import shutil

import pytest
from helpers.tiny_runs import TINY_RUN

from keras_vidgan.models.gan import GAN
from keras_vidgan.training import ConfigError, TrainConfig, TrainingFailed, load_gan, train
from keras_vidgan.training.training_log import read_training_csv

# What is checked is the run, not its graph: tf.functions run eagerly (tests/conftest.py).
pytestmark = pytest.mark.eager_functions

TINY = TINY_RUN
TINY_FLAGS = ["--model", "vgan", "--r1", "0", "--frames", "8", "--width", "4", "--latent-dim", "8",
              "--batch-size", "2",
              "--steps-per-epoch", "2", "--num-samples", "2", "--progress", "off"]
NO_SPACE = os.strerror(errno.ENOSPC)


def _quiet(line):
    pass


def _fill_the_disk_at_save(monkeypatch, number):
    """`GAN.save` writes half of its `number`-th file (counted from 1), then the disk is full."""
    real_save = GAN.save
    calls = []

    def save(model, path, *args, **kwargs):
        calls.append(path)
        real_save(model, path, *args, **kwargs)
        if len(calls) == number:
            with open(path, "r+b") as handle:
                handle.truncate(os.path.getsize(path) // 2)
            raise OSError(errno.ENOSPC, NO_SPACE, path)

    monkeypatch.setattr(GAN, "save", save)
    return calls


def test_a_full_disk_at_the_second_checkpoint_is_one_line_and_the_run_resumes(tmp_path,
                                                                              monkeypatch):
    out = tmp_path / "run"
    _fill_the_disk_at_save(monkeypatch, number=2)
    with pytest.raises(TrainingFailed) as failed:
        train(TrainConfig(out=str(out), epochs=3, **TINY), log=_quiet)
    first = out / "checkpoints" / "epoch_0001.keras"
    assert str(failed.value) == (
        f"could not write checkpoints/epoch_0002.keras in {out} ({NO_SPACE}); the newest intact "
        f"checkpoint is {first}; free space and run the same command again to resume from it."
    )
    assert os.listdir(out / "checkpoints") == ["epoch_0001.keras"]  # no .incomplete.keras
    monkeypatch.undo()
    assert load_gan(str(first)).optimizer.iterations.numpy() == 2

    lines = []
    assert train(TrainConfig(out=str(out), epochs=2, **TINY), log=lines.append) is not None
    assert lines[0] == f"Run directory: {out} (resuming after epoch 1 from {first})"
    assert sorted(os.listdir(out / "checkpoints")) == ["epoch_0001.keras", "epoch_0002.keras"]


def test_a_full_disk_at_the_first_checkpoint_says_none_was_written(tmp_path, monkeypatch):
    out = tmp_path / "run"
    _fill_the_disk_at_save(monkeypatch, number=1)
    with pytest.raises(TrainingFailed, match=r"\(No space left on device\); no checkpoint was "
                                             r"written yet; free space and run the same command "
                                             r"again to start the run\.$"):
        train(TrainConfig(out=str(out), epochs=1, **TINY), log=_quiet)
    assert os.listdir(out / "checkpoints") == []


def test_a_full_disk_while_writing_samples_is_one_line_too(tmp_path, monkeypatch):
    import keras_vidgan.training.sample_writer as sample_writer

    real_write = sample_writer._write_bytes

    def write_bytes(path, content):
        if "epoch_0002" in path:
            raise OSError(errno.ENOSPC, NO_SPACE, path)
        real_write(path, content)

    monkeypatch.setattr(sample_writer, "_write_bytes", write_bytes)
    out = tmp_path / "run"
    with pytest.raises(TrainingFailed) as failed:
        train(TrainConfig(out=str(out), epochs=2, **TINY), log=_quiet)
    assert str(failed.value) == (
        f"could not write samples/epoch_0002.gif in {out} ({NO_SPACE}); the newest intact "
        f"checkpoint is {out / 'checkpoints' / 'epoch_0002.keras'}; free space and run the same "
        "command again to resume from it."
    )


def test_the_command_exits_1_with_one_line_on_a_full_disk(tmp_path, monkeypatch, capsys):
    from keras_vidgan_cli.main import main

    out = tmp_path / "run"
    real_save = GAN.save

    def save(model, path, *args, **kwargs):
        if path.endswith("epoch_0002.incomplete.keras"):
            raise OSError(errno.ENOSPC, NO_SPACE, path)
        real_save(model, path, *args, **kwargs)

    monkeypatch.setattr(GAN, "save", save)
    assert main(["train", "--out", str(out), "--epochs", "3", *TINY_FLAGS]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert captured.err.strip().splitlines()[-1] == (
        f"keras-vidgan train: error: could not write checkpoints/epoch_0002.keras in {out} "
        f"({NO_SPACE}); the newest intact checkpoint is {out}/checkpoints/epoch_0001.keras; free "
        "space and run the same command again to resume from it."
    )
    assert "Done" not in captured.out
    assert os.listdir(out / "checkpoints") == ["epoch_0001.keras"]


@pytest.mark.parametrize("make_out, reason", [
    (lambda tmp: tmp / "locked", "locked is not writable"),
    (lambda tmp: tmp / "file" / "run", "file is a file, so no folder can be created inside it"),
])
def test_an_unwritable_out_is_refused_before_training(tmp_path, monkeypatch, make_out, reason):
    locked = tmp_path / "locked"
    locked.mkdir()
    (tmp_path / "file").write_text("")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: (
        False if os.path.abspath(path) == str(locked) else real_access(path, mode, **kw)))
    out = make_out(tmp_path)
    with pytest.raises(ConfigError) as refused:
        train(TrainConfig(out=str(out), epochs=1, **TINY), log=_quiet)
    message = str(refused.value)
    assert message.startswith(f"Cannot write the run into {out}: ") and reason in message
    assert message.endswith("; pass another --out.")
    assert os.listdir(locked) == []


# A damaged training log: the run resumes, the file is moved aside and kept.


@pytest.fixture(scope="module")
def two_epoch_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("finished") / "run"
    train(TrainConfig(out=str(out), epochs=2, **TINY), log=_quiet)
    return out


def _cut_in_the_last_row(content):
    return content[: content.rindex(b",") - 2]


@pytest.mark.parametrize("damage, problem, kept_epochs", [
    (_cut_in_the_last_row, "line 3 is cut short", [1]),
    (lambda content: bytes(range(256)) * 4, "it is not text", []),
    (lambda content: b"name,score\nalice,3\n", "its first line is not a header starting with epoch",
     []),
])
def test_a_damaged_training_csv_is_moved_aside_and_the_run_resumes(two_epoch_run, tmp_path,
                                                                   damage, problem, kept_epochs):
    out = tmp_path / "run"
    shutil.copytree(two_epoch_run, out)
    history = out / "logs" / "training.csv"
    damaged = damage(history.read_bytes())
    history.write_bytes(damaged)
    lines = []
    assert train(TrainConfig(out=str(out), epochs=3, **TINY), log=lines.append) is not None
    assert lines[0].startswith(f"warning: {history} is damaged ({problem}); moved it to "
                               f"{history}.damaged, and ")
    assert (out / "logs" / "training.csv.damaged").read_bytes() == damaged
    header, rows, trouble = read_training_csv(str(history))
    assert trouble is None and header[0] == "epoch"
    assert [int(row["epoch"]) for row in rows] == kept_epochs + [3]
    assert "epoch_0003.keras" in os.listdir(out / "checkpoints")


def test_a_finished_run_with_a_damaged_csv_still_draws_its_curves(two_epoch_run, tmp_path):
    out = tmp_path / "run"
    shutil.copytree(two_epoch_run, out)
    (out / "logs" / "training.csv").write_bytes(b"\x00\xff" * 100)
    os.remove(out / "loss.png")
    assert train(TrainConfig(out=str(out), epochs=2, **TINY), log=_quiet) is None
    assert not (out / "loss.png").exists()  # nothing to draw from, and no traceback


# A damaged config.json: one line from every command that reads it.


@pytest.fixture(scope="module")
def damaged_config_run(tmp_path_factory):
    """A run directory of 16-frame clips (evaluate needs 16) whose config.json is cut short."""
    from keras_vidgan.models import VGANGenerator, VideoDiscriminator
    from keras_vidgan.training.run_directory import checkpoint_path

    out = tmp_path_factory.mktemp("damaged") / "run"
    generator = VGANGenerator(latent_dim=4, frames=16, size=32, channels=1, width=4)
    discriminator = VideoDiscriminator(frames=16, size=32, channels=1, width=4)
    os.makedirs(out / "checkpoints")
    GAN(generator, discriminator, seed=0).save(checkpoint_path(str(out), 1))
    text = json.dumps(TrainConfig(out=str(out), frames=16, latent_dim=4, width=4).to_dict())
    (out / "config.json").write_text(text[: len(text) // 2])
    return out




@pytest.mark.parametrize("command, extra", [
    ("sample", ["--num", "1", "--quiet"]),
    ("export", []),
    ("evaluate", ["--data", "moving_mnist", "--num", "4", "--quiet"]),
])
def test_a_damaged_config_json_is_one_line(damaged_config_run, tmp_path, capsys, command, extra):
    from keras_vidgan_cli.main import main

    out = damaged_config_run
    arguments = [command, str(out), *extra]
    if command == "sample":
        arguments += ["--out", str(tmp_path / "videos")]
    elif command == "export":
        arguments.append(str(tmp_path / "served"))
    assert main(arguments) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"keras-vidgan {command}: error: {out / 'config.json'} is damaged (")
    assert line.endswith("restore it from a copy, or delete it to use the run's checkpoints "
                         "without its settings (a resumed `keras-vidgan train` writes it again).")
    assert not (tmp_path / "served").exists() and not (tmp_path / "videos").exists()
