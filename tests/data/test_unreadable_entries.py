"""Entries that cannot be read at all (broken links, link loops, named pipes, missing permissions)
are skipped and reported like any bad file, by every reader and by `prepare`."""

import json
import logging
import os
import subprocess
import sys

import numpy as np
import pytest

import keras_vidgan.data as data
from keras_vidgan.data.source_listing import list_videos
from keras_vidgan_cli.main import main

needs_non_root = pytest.mark.skipif(
    os.geteuid() == 0, reason="root reads files whatever their permissions"
)


def skip_warnings(caplog):
    return [r.getMessage() for r in caplog.records
            if r.name == "keras_vidgan.data" and r.getMessage().startswith("Skipping")]


def make_folder(root, video_writer):
    """Two good videos in two class folders, and one of each entry that cannot be read, with
    what its warning must say."""
    (root / "Archery").mkdir(parents=True)
    (root / "Biking").mkdir()
    video_writer(root / "Archery" / "good.mp4", num_frames=12)
    video_writer(root / "Biking" / "good2.avi", num_frames=12)
    os.symlink(root / "deleted.mp4", root / "Archery" / "dangling.mp4")
    os.symlink(root / "deleted_class", root / "Cycling")  # a class folder that went missing
    os.symlink("loop.mp4", root / "Biking" / "loop.mp4")
    os.mkfifo(root / "Biking" / "pipe.avi")
    # A link back to the root: followed blindly, it lists every video again at each level.
    os.symlink(root, root / "Biking" / "everything")
    return {
        "Archery/dangling.mp4": "a broken link: its target",
        "Biking/loop.mp4": "a link that leads back to itself",
        "Biking/pipe.avi": "a named pipe (FIFO), not a regular file",
        "Cycling": "a broken link: its target",
    }


def test_readers_skip_and_report_entries_that_cannot_be_read(tmp_path, video_writer, caplog):
    root = tmp_path / "videos"
    expected = make_folder(root, video_writer)
    caplog.set_level(logging.WARNING, logger="keras_vidgan.data")
    # from_path is what `train --data` calls.
    clips = data.from_path(root, frames=4, size=32, channels=1, training=False, with_labels=True)
    warnings = skip_warnings(caplog)
    assert len(warnings) == len(expected), warnings
    for name, detail in expected.items():
        [line] = [w for w in warnings if w.startswith(f"Skipping {root / name}: ")]
        assert f"unreadable: {detail}" in line, line
    assert clips.bad_files.counts() == {"unreadable": 4}
    assert any("skipped 4 of 6 videos" in r.getMessage() for r in caplog.records)
    # The good videos are read once each, with the labels of their class folders.
    assert clips.class_names == ["Archery", "Biking"]
    assert sorted(int(label) for _, label in clips) == [0, 1]
    items = list_videos(root).items
    assert len(items) == len(set(items)) == 5
    # A glob matches broken links too; they are reported, not dropped in silence.
    clips = data.video_files(str(root / "*" / "*.mp4"), frames=4, size=32, channels=1)
    assert [path for path, _, _ in clips.bad_files.skipped] == [
        str(root / "Archery" / "dangling.mp4"), str(root / "Biking" / "loop.mp4")]


def test_strict_mode_stops_at_the_first_unreadable_entry(tmp_path, video_writer):
    root = tmp_path / "videos"
    make_folder(root, video_writer)
    with pytest.raises(data.DataError) as error:
        data.from_path(root, frames=4, size=32, channels=1, strict=True)
    message = str(error.value)
    assert "\n" not in message
    assert f"{root / 'Cycling'}: unreadable: a broken link" in message and "--strict" in message


def test_prepare_lists_unreadable_entries_in_its_manifest(tmp_path, video_writer, capsys):
    root = tmp_path / "videos"
    expected = make_folder(root, video_writer)
    out = tmp_path / "shards"
    status = main(["prepare", str(root), str(out), "--frames", "4", "--size", "32", "--quiet"])
    assert status == 0
    printed = capsys.readouterr().out
    assert "Wrote 2 of 6 videos" in printed and "skipped 4 (4 unreadable)" in printed
    manifest = json.loads((out / "manifest.json").read_text())
    skipped = {e["source"]: (e["reason"], e["detail"]) for e in manifest["skipped"]}
    assert sorted(skipped) == sorted(expected)
    for name, detail in expected.items():
        assert skipped[name][0] == "unreadable" and skipped[name][1].startswith(detail)
    assert sorted(v["source"] for v in manifest["videos"]) == ["Archery/good.mp4",
                                                               "Biking/good2.avi"]
    assert manifest["classes"] == ["Archery", "Biking"]

    status = main(["prepare", str(root), str(tmp_path / "strict"), "--frames", "4", "--size",
                   "32", "--strict", "--quiet"])
    assert status == 2
    [line] = capsys.readouterr().err.splitlines()
    assert "Cycling: unreadable: a broken link" in line and "--strict" in line


def test_train_skips_a_broken_link_and_trains_on_the_rest(tmp_path, video_writer):
    root = tmp_path / "videos"
    (root / "Archery").mkdir(parents=True)
    video_writer(root / "Archery" / "a.mp4", num_frames=12)
    video_writer(root / "Archery" / "b.avi", num_frames=12)
    os.symlink(root / "deleted.mp4", root / "Archery" / "dangling.mp4")
    command = [
        sys.executable, "-m", "keras_vidgan_cli.main", "train", "--data", str(root),
        "--out", str(tmp_path / "run"), "--model", "vgan", "--r1", "0",
        "--frames", "8", "--size", "32", "--width", "4",
        "--latent-dim", "8", "--batch-size", "2", "--steps-per-epoch", "1", "--epochs", "1",
        "--num-samples", "2", "--progress", "epoch",
    ]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=300,
                               env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "dangling.mp4: unreadable: a broken link" in completed.stderr
    assert "skipped 1 of 3 videos" in completed.stderr
    assert (tmp_path / "run" / "checkpoints").is_dir()


def test_frame_folders_with_unreadable_frames_or_folders(tmp_path, caplog):
    from PIL import Image

    root = tmp_path / "frames"

    def folder(name, count=6):
        path = root / name
        path.mkdir(parents=True)
        for i in range(count):
            Image.fromarray(np.full((16, 16, 3), 10 * i, np.uint8)).save(path / f"{i}.png")
        return path

    folder("good")
    os.symlink(tmp_path / "deleted.png", folder("dangling", 3) / "3.png")
    os.mkfifo(folder("pipe", 5) / "5.png")  # opened, it would block the reader for ever
    os.symlink(tmp_path / "deleted_folder", root / "moved")
    caplog.set_level(logging.WARNING, logger="keras_vidgan.data")
    clips = data.from_path(root, frames=4, size=16, channels=1, training=False)
    assert len(list(clips)) == 1
    warnings = skip_warnings(caplog)
    assert len(warnings) == 3, warnings
    assert any(f"({root / 'dangling' / '3.png'}): unreadable: a broken link" in w
               for w in warnings)
    assert any(f"({root / 'pipe' / '5.png'}): unreadable: a named pipe" in w for w in warnings)
    assert any(f"{root / 'moved'}: unreadable: a broken link" in w for w in warnings)
    assert clips.bad_files.counts() == {"unreadable": 3}

    status = main(["prepare", str(root), str(tmp_path / "shards"), "--frames", "4", "--size",
                   "16", "--quiet"])
    assert status == 0
    manifest = json.loads((tmp_path / "shards" / "manifest.json").read_text())
    assert [v["source"] for v in manifest["videos"]] == ["good"]
    assert sorted(e["source"] for e in manifest["skipped"]) == ["dangling", "moved", "pipe"]


@needs_non_root
def test_files_and_folders_without_permission(tmp_path, video_writer, caplog):
    root = tmp_path / "videos"
    (root / "open").mkdir(parents=True)
    (root / "closed").mkdir()
    video_writer(root / "open" / "good.mp4", num_frames=12)
    video_writer(root / "open" / "private.mp4", num_frames=12)
    video_writer(root / "closed" / "hidden.mp4", num_frames=12)
    os.chmod(root / "open" / "private.mp4", 0)
    os.chmod(root / "closed", 0)
    try:
        caplog.set_level(logging.WARNING, logger="keras_vidgan.data")
        clips = data.from_path(root, frames=4, size=32, channels=1, training=False)
        assert len(list(clips)) == 1
        warnings = skip_warnings(caplog)
        assert any(f"{root / 'open' / 'private.mp4'}: unreadable: no permission to read it" in w
                   for w in warnings), warnings
        assert any(f"{root / 'closed'}: unreadable: no permission to list this folder" in w
                   for w in warnings), warnings
        assert main(["prepare", str(root), str(tmp_path / "shards"), "--frames", "4",
                     "--size", "32", "--quiet"]) == 0
        manifest = json.loads((tmp_path / "shards" / "manifest.json").read_text())
        assert sorted(e["source"] for e in manifest["skipped"]) == ["closed", "open/private.mp4"]
        with pytest.raises(data.DataError, match="Cannot read .*closed: no permission to list"):
            data.from_path(root / "closed", frames=4, size=32, channels=1)
    finally:
        os.chmod(root / "closed", 0o755)
        os.chmod(root / "open" / "private.mp4", 0o644)
