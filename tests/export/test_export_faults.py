"""`export` with an unusable EXPORT_BASE and with a disk that fills up part-way, faults injected."""

import errno
import json
import os

import pytest
import tensorflow as tf

from keras_vidgan.export import read_export_metadata
from keras_vidgan.training import export_run
from keras_vidgan.utils import WriteFailed
from keras_vidgan_cli.main import main

FULL_DISK = {
    "OSError": lambda path: OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path),
    # What TensorFlow's own file writers raise on a full disk.
    "ResourceExhaustedError": lambda path: tf.errors.ResourceExhaustedError(
        None, None, f"{path}/variables/variables.data-00000-of-00001; No space left on device"),
}


def _error_line(capsys):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err  # one line, no traceback
    return err[0]


@pytest.fixture
def base_with_version_1(run_dir, tmp_path):
    base = tmp_path / "served"
    export_run(run_dir, str(base), version=1, fps=5)
    return base


def _fill_the_disk_during_save(monkeypatch, error_name):
    """`tf.saved_model.save` writes its files, then the disk is full."""
    real_save = tf.saved_model.save

    def save(obj, export_dir, *args, **kwargs):
        real_save(obj, export_dir, *args, **kwargs)
        raise FULL_DISK[error_name](export_dir)

    monkeypatch.setattr(tf.saved_model, "save", save)


def _assert_version_1_intact(base):
    assert sorted(os.listdir(base)) == ["1"]  # no hidden half-built version either
    assert read_export_metadata(str(base / "1"))["fps"] == 5
    loaded = tf.saved_model.load(str(base / "1"))
    videos = loaded.signatures["generate_from_seed"](seed=tf.constant([0], tf.int64))["video"]
    assert videos.shape[0] == 1


@pytest.mark.parametrize("error_name", sorted(FULL_DISK))
def test_a_full_disk_leaves_no_new_version_and_the_old_ones_intact(run_dir, base_with_version_1,
                                                                   monkeypatch, error_name):
    base = base_with_version_1
    _fill_the_disk_during_save(monkeypatch, error_name)
    with pytest.raises(WriteFailed) as failed:
        export_run(run_dir, str(base))
    assert str(failed.value) == (
        f"Writing the export {base / '2'} failed (No space left on device); nothing was written "
        f"under {base / '2'}, and the other versions in {base} are intact. Free space (or fix "
        f"{base}) and export again."
    )
    monkeypatch.undo()
    _assert_version_1_intact(base)


def test_a_full_disk_while_overwriting_keeps_the_version_it_would_replace(
        run_dir, base_with_version_1, monkeypatch):
    base = base_with_version_1
    real_dump = json.dump

    def dump(content, handle, **kwargs):
        if "seed_to_noise" in content:  # the export's metadata file
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_dump(content, handle, **kwargs)

    monkeypatch.setattr(json, "dump", dump)
    with pytest.raises(WriteFailed, match=r"failed \(No space left on device\); .*1 is left as "
                                          "it was"):
        export_run(run_dir, str(base), version=1, overwrite=True, fps=9)
    monkeypatch.undo()
    _assert_version_1_intact(base)


def test_the_command_fails_with_one_line_and_exit_1_on_a_full_disk(run_dir, base_with_version_1,
                                                                   monkeypatch, capsys):
    base = base_with_version_1
    _fill_the_disk_during_save(monkeypatch, "ResourceExhaustedError")
    assert main(["export", run_dir, str(base)]) == 1
    assert _error_line(capsys).startswith(
        f"keras-vidgan export: error: Writing the export {base / '2'} failed (No space left on "
        "device); nothing was written")
    monkeypatch.undo()
    _assert_version_1_intact(base)


def test_a_full_disk_while_writing_onnx_is_one_line(gan_file, tmp_path, monkeypatch, capsys):
    onnx = pytest.importorskip("onnx")
    pytest.importorskip("tf2onnx")

    def save(proto, path, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)

    monkeypatch.setattr(onnx, "save", save)
    base = tmp_path / "served"
    assert main(["export", gan_file, str(base), "--onnx"]) == 1
    assert _error_line(capsys) == (
        f"keras-vidgan export: error: Writing {base / '1'}.onnx failed (No space left on device); "
        f"the SavedModel {base / '1'} is complete. Free space and export again with --version 1 "
        "--overwrite --onnx."
    )
    assert sorted(os.listdir(base)) == ["1"]  # no partial .onnx file


def test_an_unwritable_export_base_is_refused_before_the_model_is_loaded(run_dir, tmp_path,
                                                                         monkeypatch, capsys):
    import keras_vidgan.training.run_loading as run_loading

    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: (
        False if os.path.abspath(path) == str(locked) else real_access(path, mode, **kw)))
    loaded = []
    monkeypatch.setattr(run_loading, "load_generator", lambda path: loaded.append(path))
    assert main(["export", run_dir, str(locked / "vgan")]) == 2
    assert _error_line(capsys) == (
        f"keras-vidgan export: error: Cannot write the export into {locked / 'vgan'}: {locked} is "
        f"not writable, so {locked / 'vgan'} cannot be created there; pass another export base."
    )
    assert not loaded and os.listdir(locked) == []
