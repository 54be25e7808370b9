"""`prepare` with an unusable OUT and with a disk that fills up part-way, faults injected."""

import errno
import importlib
import os
import subprocess
import sys

import pytest
import tensorflow as tf

import keras_vidgan.data as data
from keras_vidgan.utils import WriteFailed
from keras_vidgan_cli.main import main

SHARDS = [f"shard-{i:05d}-of-00003" for i in range(3)]
OPTIONS = dict(shards=3, frames=4, size=32, progress=False)


@pytest.fixture(scope="module")
def videos(tmp_path_factory, video_writer):
    """Six short videos: two per shard."""
    root = tmp_path_factory.mktemp("videos")
    for k in range(6):
        video_writer(root / f"v{k}.mp4", num_frames=6)
    return root


def _error_line(capsys):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err  # one line, no traceback
    return err[0]


class _FullDisk:
    """Stands in for `tf.io.TFRecordWriter`; the disk is full after `room` records.

    `failure` is how the disk reports it: "write" raises the `OSError` a
    Python writer gets, "close" the `ResourceExhaustedError` TensorFlow's
    writer raises when its buffer reaches the full disk.
    """

    real_writer = tf.io.TFRecordWriter

    def __init__(self, room, failure):
        self.room, self.failure = room, failure

    def __call__(self, path):
        return _FullDiskWriter(self, self.real_writer(path), path)


class _FullDiskWriter:
    def __init__(self, disk, writer, path):
        self.disk, self.writer, self.path, self.full = disk, writer, path, False

    def write(self, record):
        if self.disk.room == 0:
            self.full = True
            if self.disk.failure == "write":
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), self.path)
        else:
            self.disk.room -= 1
            self.writer.write(record)

    def close(self):
        self.writer.close()
        if self.full and self.disk.failure == "close":
            self.full = False
            raise tf.errors.ResourceExhaustedError(None, None,
                                                   f"{self.path}; No space left on device")


@pytest.mark.parametrize("failure", ["write", "close"])
def test_a_full_disk_keeps_the_finished_shards_and_a_rerun_resumes(videos, tmp_path, monkeypatch,
                                                                   failure):
    out = tmp_path / "shards"
    monkeypatch.setattr(tf.io, "TFRecordWriter", _FullDisk(room=3, failure=failure))
    with pytest.raises(WriteFailed) as failed:
        data.prepare_shards(videos, out, **OPTIONS)
    message = str(failed.value)
    assert "\n" not in message
    assert message.startswith(f"Writing {out / SHARDS[1]}.tfrecord failed (No space left on "
                              "device); the 1 finished shards in ")
    assert message.endswith("run prepare again with the same options to resume.")
    # The finished shard and its sidecar, nothing of the failed one, nothing that looks complete.
    assert sorted(os.listdir(out)) == [f"{SHARDS[0]}.json", f"{SHARDS[0]}.tfrecord"]
    kept = os.stat(out / f"{SHARDS[0]}.tfrecord").st_mtime_ns
    assert len(list(data.from_path(str(out / "*.tfrecord"), frames=4, size=32, channels=1))) == 2

    monkeypatch.undo()
    manifest = data.prepare_shards(videos, out, **OPTIONS)
    assert manifest["counts"]["written"] == 6
    assert os.stat(out / f"{SHARDS[0]}.tfrecord").st_mtime_ns == kept
    assert len(list(data.from_path(out, frames=4, size=32, channels=1))) == 6


def test_a_failed_manifest_write_keeps_every_shard(videos, tmp_path, monkeypatch):
    from keras_vidgan.utils import atomic_write

    out = tmp_path / "shards"

    class FullDisk:
        """A file that takes half of the manifest, then reports a full disk."""

        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exception):
            self.handle.close()

        def write(self, text):
            if '"format_version"' in text:  # the manifest
                self.handle.write(text[: len(text) // 2])  # what fitted on the disk
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return self.handle.write(text)

    monkeypatch.setattr(atomic_write, "open", lambda *args: FullDisk(open(*args)), raising=False)
    with pytest.raises(WriteFailed, match=r"manifest.json failed \(No space left on device\); "
                                          r"all 3 shards in .* are complete"):
        data.prepare_shards(videos, out, **OPTIONS)
    monkeypatch.undo()
    assert sorted(os.listdir(out)) == sorted(f"{name}.{ext}" for name in SHARDS
                                             for ext in ("json", "tfrecord"))
    assert data.prepare_shards(videos, out, **OPTIONS)["counts"]["written"] == 6
    assert not [name for name in os.listdir(out) if name.endswith((".tmp", ".partial"))]


def test_the_command_fails_with_one_line_and_exit_1_on_a_full_disk(videos, tmp_path, monkeypatch,
                                                                   capsys):
    out = tmp_path / "shards"
    monkeypatch.setattr(tf.io, "TFRecordWriter", _FullDisk(room=0, failure="write"))
    assert main(["prepare", str(videos), str(out), "--shards", "3", "--frames", "4", "--size",
                 "32", "--quiet"]) == 1
    line = _error_line(capsys)
    assert line.startswith(f"keras-vidgan prepare: error: Writing {out / SHARDS[0]}.tfrecord "
                           "failed (No space left on device); the 0 finished shards")
    assert os.listdir(out) == []


def _unwritable(monkeypatch, path):
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: (
        False if os.path.abspath(p) == os.path.abspath(path) else real_access(p, mode, **kw)))


@pytest.mark.parametrize("make_out, reason", [
    (lambda tmp: tmp / "file", "is a file, not a folder"),
    (lambda tmp: tmp / "file" / "shards", "file is a file, so no folder can be created inside"),
    (lambda tmp: tmp / "locked", "locked is not writable"),
    (lambda tmp: tmp / "locked" / "shards", "locked is not writable, so "),
])
def test_an_unusable_out_is_refused_before_any_video_is_read(videos, tmp_path, monkeypatch,
                                                             make_out, reason):
    (tmp_path / "file").write_text("notes")
    (tmp_path / "locked").mkdir()
    _unwritable(monkeypatch, tmp_path / "locked")
    read = []
    prepare_module = importlib.import_module("keras_vidgan.data.prepare_shards")
    monkeypatch.setattr(prepare_module._Source, "__init__", lambda *args: read.append(args))
    out = make_out(tmp_path)
    with pytest.raises(data.DataError) as refused:
        data.prepare_shards(videos, out, **OPTIONS)
    assert str(refused.value).startswith(f"Cannot write the shards into {out}: ")
    assert reason in str(refused.value) and str(refused.value).endswith("pass another OUT folder.")
    assert not read
    assert (tmp_path / "file").read_text() == "notes"
    assert os.listdir(tmp_path / "locked") == []


def test_a_failed_mkdir_is_one_line(videos, tmp_path, monkeypatch):
    def makedirs(path, exist_ok=False):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), path)

    monkeypatch.setattr(os, "makedirs", makedirs)
    with pytest.raises(data.DataError, match=r"^Cannot create .*shards \(Read-only file system\); "
                                             r"pass another OUT folder.$"):
        data.prepare_shards(videos, tmp_path / "shards", **OPTIONS)


def test_the_command_refuses_an_out_inside_a_file(videos, tmp_path):
    (tmp_path / "file").write_text("")
    out = tmp_path / "file" / "shards"
    completed = subprocess.run(
        [sys.executable, "-m", "keras_vidgan_cli.main", "prepare", str(videos), str(out),
         "--quiet"],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},  # as a user has it
    )
    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines() == [
        f"keras-vidgan prepare: error: Cannot write the shards into {out}: {tmp_path / 'file'} is "
        "a file, so no folder can be created inside it; pass another OUT folder."
    ]
