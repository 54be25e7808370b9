"""The training recipe: `TrainConfig` and `train(config)`, in process."""

import csv
import dataclasses
import json
import os
import shutil

import pytest
import tensorflow as tf
from helpers.tiny_runs import DEFAULT_DESIGN, TINY_RUN

from keras_vidgan.data import DataError
from keras_vidgan.training import ConfigError, TrainConfig, train
from keras_vidgan.training.train_lib import check_resumable, precision_warning

# What is checked is the run, not its graph: tf.functions run eagerly (tests/conftest.py).
pytestmark = pytest.mark.eager_functions

# The recipe's own tests run its default design.
TINY = {**TINY_RUN, **DEFAULT_DESIGN, "epochs": 1}


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    """A one-epoch run and the lines it reported."""
    out = tmp_path_factory.mktemp("recipe") / "run"
    lines = []
    gan = train(TrainConfig(out=str(out), **TINY), log=lines.append)
    assert gan is not None
    return out, lines


def _copy(run, tmp_path):
    copy = tmp_path / "run"
    shutil.copytree(run, copy)
    return copy


def _snapshot(out):
    paths = [os.path.join(folder, name) for folder, _, files in os.walk(out) for name in files]
    return {path: os.path.getmtime(path) for path in paths}


def test_a_run_starts_with_what_it_is_and_reports_each_epoch(finished_run):
    out, lines = finished_run
    assert lines[0] == f"Run directory: {out} (new run)"
    assert lines[1].startswith(
        "  design  styleganv (sprites, whole pixels, class-conditional, auxiliary classifier): "
        "StyleGANVGenerator against StyleGANVDiscriminator; "
        "loss bce, Adam 0.001 (generator) / 0.001 (discriminator), beta_2 0.999"
    )
    assert lines[2] == (
        "  data    Moving MNIST, 1 digit per clip; clips of 8 frames of 32x32x1, batch 2"
    )
    assert lines[3].startswith("  steps   1 epochs of 2 steps (2 GAN steps)")
    assert lines[4] == "  compute float32"
    assert lines[-1] == (
        f"  epoch 1 wrote checkpoints/epoch_0001.keras, samples/epoch_0001.gif/.mp4/.png in {out}"
    )


def test_tensorboard_gets_the_sample_grid(finished_run):
    out, _ = finished_run
    assert [name for name in os.listdir(out / "logs" / "samples") if "tfevents" in name]


def test_config_json_is_the_config(finished_run):
    out, _ = finished_run
    stored = TrainConfig.from_json_file(out / "config.json")
    assert stored == TrainConfig(out=str(out), **TINY)


@pytest.mark.parametrize(
    "change",
    [
        {"loss": "hinge"},
        {"ema": 0.9},
        {"r1": 1.0},
        {"r1_interval": 4},
        {"d_steps": 2},
        {"seed": 1},
        {"g_lr": 1e-4},
        {"width": 8},
        {"model": "tgan"},
        {"batch_size": 4},
        {"digits": 2},
        {"precision": "mixed_float16"},
        {"sprite_placement": "bilinear"},
        {"auxiliary_classifier": False},
        {"minibatch_std": 4},
        {"adam_beta2": 0.99},
        {"lr_decay_steps": 8},
    ],
)
def test_resuming_with_settings_that_change_what_is_learnt_is_refused(finished_run, change):
    out, _ = finished_run
    before = _snapshot(out)
    config_before = (out / "config.json").read_text()
    with pytest.raises(ConfigError) as refusal:
        train(TrainConfig(out=str(out), **{**TINY, "epochs": 2, **change}))
    message = str(refusal.value)
    [(key, value)] = change.items()
    old = TINY.get(key, getattr(TrainConfig(), key))
    assert "\n" not in message
    assert f"{key} is {old!r} there, {value!r} here" in message
    assert "--out" in message and f"--{key.replace('_', '-')}" in message
    # Nothing was trained or rewritten: config.json still names the settings in use.
    assert (out / "config.json").read_text() == config_before
    assert _snapshot(out) == before


def test_the_checkpoint_is_checked_when_config_json_disagrees_with_it(finished_run, tmp_path):
    out = _copy(finished_run[0], tmp_path)
    stored = json.loads((out / "config.json").read_text())
    (out / "config.json").write_text(json.dumps({**stored, "loss": "hinge", "ema": 0.9}))
    with pytest.raises(ConfigError) as refusal:
        train(TrainConfig(out=str(out), **{**TINY, "epochs": 2, "loss": "hinge", "ema": 0.9}))
    message = str(refusal.value)
    assert "loss is 'bce' there, 'hinge' here" in message
    assert "ema is 0.9999 there, 0.9 here" in message
    assert "checkpoint epoch_0001.keras" in message
    assert "epoch_0002.keras" not in os.listdir(out / "checkpoints")


def test_the_checkpoint_records_its_learning_rate_schedule(finished_run, tmp_path):
    out = _copy(finished_run[0], tmp_path)
    stored = json.loads((out / "config.json").read_text())
    decay = {"lr_decay_start": 1, "lr_decay_steps": 8}
    (out / "config.json").write_text(json.dumps({**stored, **decay}))
    with pytest.raises(ConfigError) as refusal:
        train(TrainConfig(out=str(out), **{**TINY, "epochs": 2, **decay}))
    assert "lr_decay_start is 0 there, 1 here" in str(refusal.value)
    assert "lr_decay_steps is 0 there, 8 here" in str(refusal.value)
    assert "checkpoint epoch_0001.keras" in str(refusal.value)


def test_the_checkpoint_records_its_precision(finished_run, tmp_path):
    out = _copy(finished_run[0], tmp_path)
    stored = json.loads((out / "config.json").read_text())
    (out / "config.json").write_text(json.dumps({**stored, "precision": "mixed_bfloat16"}))
    with pytest.raises(ConfigError) as refusal:
        train(TrainConfig(out=str(out), **{**TINY, "epochs": 2, "precision": "mixed_bfloat16"}))
    assert "precision is 'float32' there, 'mixed_bfloat16' here" in str(refusal.value)
    assert "checkpoint epoch_0001.keras" in str(refusal.value)


def test_the_checkpoint_records_its_auxiliary_classifier(finished_run, tmp_path):
    out = _copy(finished_run[0], tmp_path)
    stored = json.loads((out / "config.json").read_text())
    assert stored["auxiliary_classifier"] is True
    (out / "config.json").write_text(json.dumps({**stored, "auxiliary_classifier": False}))
    with pytest.raises(ConfigError) as refusal:
        train(TrainConfig(out=str(out), **{**TINY, "epochs": 2, "auxiliary_classifier": False}))
    assert "auxiliary_classifier is True there, False here" in str(refusal.value)


def test_the_checkpoint_records_where_its_sprites_are_placed(finished_run, tmp_path):
    out = _copy(finished_run[0], tmp_path)
    stored = json.loads((out / "config.json").read_text())
    assert (stored["synthesis"], stored["sprite_placement"]) == ("sprites", "whole_pixels")
    (out / "config.json").write_text(json.dumps({**stored, "sprite_placement": "bilinear"}))
    with pytest.raises(ConfigError) as refusal:
        train(TrainConfig(out=str(out), **{**TINY, "epochs": 2, "sprite_placement": "bilinear"}))
    assert "sprite_placement is 'whole_pixels' there, 'bilinear' here" in str(refusal.value)
    # A run directory of an earlier release, without the fields, placed its sprites
    # bilinearly and had no auxiliary classifier.
    del stored["sprite_placement"], stored["auxiliary_classifier"]
    older = TrainConfig.from_dict(stored)
    assert (older.sprite_placement, older.auxiliary_classifier) == ("bilinear", False)


def test_xla_is_a_session_setting_and_runs_before_it_trained_in_float32(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    older_release = TrainConfig(out=str(out), **TINY).to_dict()
    del older_release["precision"], older_release["jit_compile"]
    (out / "config.json").write_text(json.dumps(older_release))
    check_resumable(str(out), TrainConfig(out=str(out), **TINY, jit_compile=True))
    with pytest.raises(ConfigError, match="precision is 'float32' there, 'mixed_bfloat16' here"):
        check_resumable(str(out), TrainConfig(out=str(out), **TINY, precision="mixed_bfloat16"))


def test_bfloat16_on_a_cpu_warns_of_its_wrong_gradients(monkeypatch):
    monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS", raising=False)
    assert precision_warning("float32") is None
    if tf.config.list_logical_devices("GPU"):
        pytest.skip("the warning is for CPUs")
    warning = precision_warning("mixed_bfloat16")
    assert warning.startswith("warning: mixed_bfloat16 on a CPU") and "\n" not in warning
    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", "0")
    assert precision_warning("mixed_bfloat16") is None


def test_session_settings_may_change_and_are_recorded(finished_run, tmp_path):
    out = _copy(finished_run[0], tmp_path)
    lines = []
    train(TrainConfig(out=str(out), **{**TINY, "epochs": 2, "keep_checkpoints": 1}),
          log=lines.append)
    assert lines[0] == f"Run directory: {out} (resuming after epoch 1 from " \
        f"{out / 'checkpoints' / 'epoch_0001.keras'})"
    assert os.listdir(out / "checkpoints") == ["epoch_0002.keras"]
    stored = TrainConfig.from_json_file(out / "config.json")
    assert stored.epochs == 2 and stored.keep_checkpoints == 1
    with open(out / "logs" / "training.csv", newline="") as handle:
        reader = csv.DictReader(handle)
        assert [row["epoch"] for row in reader] == ["1", "2"]
        assert not [name for name in reader.fieldnames if name.startswith("val_")]


def test_a_finished_run_trains_nothing(finished_run):
    out, _ = finished_run
    lines = []
    assert train(TrainConfig(out=str(out), **TINY), log=lines.append) is None
    assert lines == [f"{out} already holds 1 trained epochs (epochs 1); raise --epochs to "
                     "train further."]


def test_nothing_is_written_before_the_inputs_are_checked(tmp_path, monkeypatch):
    out = tmp_path / "run"
    with pytest.raises(DataError):
        train(TrainConfig(out=str(out), data=str(tmp_path / "missing"), **TINY))
    monkeypatch.setenv("TF_CONFIG", "{not json")
    with pytest.raises(ConfigError, match="TF_CONFIG"):
        train(TrainConfig(out=str(out), strategy="multiworker", **TINY))
    with pytest.raises(ConfigError, match="conditional"):
        train(TrainConfig(out=str(out), conditional=True, dataset="bouncing_balls", **TINY))
    assert not out.exists()


def test_the_default_run_directory_names_the_data_and_the_design():
    assert TrainConfig().run_dir == os.path.join("runs", "moving_mnist_styleganv")
    assert TrainConfig(dataset="bouncing_balls", model="mocogan").run_dir == os.path.join(
        "runs", "bouncing_balls_mocogan"
    )
    assert TrainConfig(data="clips/videos/", model="dvdgan").run_dir == os.path.join(
        "runs", "videos_dvdgan"
    )
    assert TrainConfig(out="elsewhere").run_dir == "elsewhere"


@pytest.mark.parametrize(
    "change,message",
    [
        ({"model": "vgann"},
         "model must be one of vgan, tgan, mocogan, dvdgan, styleganv; got 'vgann'."),
        ({"frames": 12}, "frames must be one of 8, 16, 32; got 12."),
        ({"epochs": 0}, "epochs must be a positive integer, got 0."),
        ({"ema": 1.5}, "ema must be a decay in (0, 1)"),
        ({"g_lr": -1.0}, "g_lr must be a positive number, got -1.0."),
        ({"seed": 1.5}, "seed must be an integer, got 1.5."),
        ({"precision": "float16"},
         "precision must be one of float32, mixed_bfloat16, mixed_float16; got 'float16'."),
        ({"jit_compile": True, "strategy": "mirrored"},
         "jit_compile works with the default strategy only, not 'mirrored'"),
    ],
)
def test_invalid_settings_are_named(change, message):
    with pytest.raises(ConfigError) as error:
        dataclasses.replace(TrainConfig(), **change).validate()
    assert str(error.value).startswith(message)


def test_a_file_as_run_directory_is_refused(tmp_path):
    path = tmp_path / "a_file"
    path.write_text("")
    with pytest.raises(ConfigError, match="is a file"):
        TrainConfig(out=str(path)).validate()


def test_an_unreadable_config_json_is_named(tmp_path):
    (tmp_path / "config.json").write_text("{truncated")
    with pytest.raises(ConfigError, match="Cannot read .*config.json"):
        train(TrainConfig(out=str(tmp_path), **TINY))


def test_a_run_labelled_per_digit_records_it_and_refuses_to_resume_without_it(tmp_path):
    out = tmp_path / "pairs"
    settings = {**TINY, "digits": 2, "label_every_digit": True}
    lines = []
    gan = train(TrainConfig(out=str(out), **settings), log=lines.append)
    assert "every digit's class" in lines[1]
    assert gan.labels_per_clip == 2 and gan.generator.labels_per_clip == 2
    assert (out / "samples" / "epoch_0001.gif").exists()
    stored = json.loads((out / "config.json").read_text())
    assert stored["label_every_digit"] is True
    one_label = {**settings, "epochs": 2, "label_every_digit": False}
    with pytest.raises(ConfigError, match="label_every_digit is True there, False here"):
        train(TrainConfig(out=str(out), **one_label))
    # With config.json edited, the checkpoint still says what the networks take.
    (out / "config.json").write_text(json.dumps({**stored, "label_every_digit": False}))
    with pytest.raises(ConfigError) as refusal:
        train(TrainConfig(out=str(out), **one_label))
    assert "label_every_digit is True there, False here" in str(refusal.value)
    assert "checkpoint epoch_0001.keras" in str(refusal.value)
    # Run directories of earlier releases took the first digit's label.
    del stored["label_every_digit"]
    assert TrainConfig.from_dict(stored).label_every_digit is False
