"""Bad files are skipped with one warning each, counted and summarised; strict mode raises."""

import json
import logging
import os

import numpy as np
import pytest

import keras_vidgan.data as data
from keras_vidgan_cli.main import main


def truncate(path, fraction=0.5):
    content = open(path, "rb").read()
    with open(path, "wb") as handle:
        handle.write(content[: int(len(content) * fraction)])


def make_bad_folder(root, video_writer):
    """Two good videos and one of each kind of bad file, with the reason each must get."""
    root.mkdir(exist_ok=True)
    video_writer(root / "good.mp4", num_frames=12)
    video_writer(root / "good2.avi", num_frames=12)
    (root / "empty.mp4").write_bytes(b"")
    for name in ("half.mp4", "half.avi", "half.webm"):
        truncate(video_writer(root / name, num_frames=30))
    (root / "notes.mp4").write_text("these are meeting notes, not a video\n" * 20)
    # A valid AVI whose codec tag names a codec no decoder knows.
    video_writer(root / "alien.avi", num_frames=12)
    content = (root / "alien.avi").read_bytes().replace(b"MJPG", b"ZQX9")
    (root / "alien.avi").write_bytes(content)
    video_writer(root / "short.mp4", num_frames=3)
    return {
        "empty.mp4": "empty file",
        "half.mp4": "truncated or corrupt",
        "half.avi": "truncated or corrupt",
        "half.webm": "truncated or corrupt",
        "notes.mp4": "not a video",
        "alien.avi": "unsupported codec",
        "short.mp4": "too short",
    }


def skip_warnings(caplog):
    return [r.getMessage() for r in caplog.records
            if r.name == "keras_vidgan.data" and r.getMessage().startswith("Skipping")]


def test_each_kind_of_bad_file_is_skipped_once_and_summarised(tmp_path, video_writer, caplog):
    expected = make_bad_folder(tmp_path / "videos", video_writer)
    caplog.set_level(logging.WARNING, logger="keras_vidgan.data")
    clips = data.video_files(tmp_path / "videos", frames=4, size=32, channels=1, training=True)
    warnings = skip_warnings(caplog)
    assert len(warnings) == len(expected)
    for name, reason in expected.items():
        [line] = [w for w in warnings if os.path.basename(w.split(": ")[0].split()[-1]) == name]
        assert reason in line, line
    assert clips.bad_files.counts() == {
        "empty file": 1, "truncated or corrupt": 3, "not a video": 1,
        "unsupported codec": 1, "too short": 1,
    }
    summary = [r.getMessage() for r in caplog.records if "skipped 7 of 9 videos" in r.getMessage()]
    assert len(summary) == 1 and "3 truncated or corrupt" in summary[0]
    # The epoch runs through, with the two good videos, twice.
    for _ in range(2):
        assert len(list(clips)) == 2
    assert len(skip_warnings(caplog)) == len(expected)  # no repeats in later epochs


def test_strict_mode_raises_on_the_first_bad_file(tmp_path, video_writer):
    make_bad_folder(tmp_path / "videos", video_writer)
    with pytest.raises(data.DataError, match=r"alien\.avi: unsupported codec.*--strict"):
        data.from_path(tmp_path / "videos", frames=4, size=32, channels=1, strict=True)


def test_nothing_usable_is_a_clear_error(tmp_path, video_writer):
    (tmp_path / "empty.mp4").write_bytes(b"")
    video_writer(tmp_path / "short.avi", num_frames=2)
    with pytest.raises(data.DataError, match=r"No usable videos.*1 empty file, 1 too short"):
        data.from_path(tmp_path, frames=4, size=32, channels=1)


@pytest.mark.parametrize(
    "policy, fps, expected",
    [("loop", None, [0, 1, 2, 0, 1]), ("pad", None, [0, 1, 2, 2, 2]),
     # 3 frames at 10 fps, sampled at 5 fps: times 0, .2, .4, .6, .8 s.
     ("loop", 5, [0, 2, 1, 0, 2]), ("pad", 5, [0, 2, 2, 2, 2])],
)
def test_short_policies_loop_or_pad(tmp_path, video_writer, content_tools, caplog, policy, fps,
                                    expected):
    video_writer(tmp_path / "short.avi", num_frames=3, fps=10)
    caplog.set_level(logging.INFO, logger="keras_vidgan.data")
    clips = data.video_files(tmp_path, frames=5, size=32, channels=1, training=True,
                             short_policy=policy, fps=fps)
    clip = next(iter(clips)).numpy()
    assert np.allclose([content_tools["index_of"](f) for f in clip], expected, atol=0.4)
    assert skip_warnings(caplog) == []
    assert clips.bad_files.adjusted == {"looped" if policy == "loop" else "padded": 1}
    assert any("too short but kept" in r.getMessage() for r in caplog.records)


def test_a_file_that_breaks_during_training_is_skipped_and_reported(tmp_path, video_writer,
                                                                   caplog):
    video_writer(tmp_path / "good.avi", num_frames=12)
    victim = video_writer(tmp_path / "victim.mp4", num_frames=12)
    caplog.set_level(logging.WARNING, logger="keras_vidgan.data")
    clips = data.video_files(tmp_path, frames=4, size=32, channels=1, training=False)
    truncate(victim)  # overwritten after the scan
    assert len(list(clips)) == 1
    [warning] = skip_warnings(caplog)
    assert "victim.mp4" in warning and "truncated or corrupt" in warning
    assert any("1 more videos failed while reading this pass" in r.getMessage()
               for r in caplog.records)


def test_bad_frame_folders(tmp_path, caplog):
    from PIL import Image

    def folder(name, count):
        path = tmp_path / "frames" / name
        path.mkdir(parents=True)
        for i in range(count):
            Image.fromarray(np.full((16, 16, 3), 10 * i, np.uint8)).save(path / f"{i}.png")
        return path

    folder("good", 6)
    (folder("zero", 6) / "3.png").write_bytes(b"")
    (folder("garbled", 6) / "0.png").write_bytes(b"no png here")
    folder("short", 2)
    caplog.set_level(logging.WARNING, logger="keras_vidgan.data")
    clips = data.frame_folders(tmp_path / "frames", frames=4, size=16, channels=1)
    assert len(list(clips)) == 1
    warnings = skip_warnings(caplog)
    assert len(warnings) == 3
    assert any("3.png" in w and "empty file" in w for w in warnings)
    assert any("0.png" in w and "truncated or corrupt" in w for w in warnings)
    assert any("short" in w and "too short" in w for w in warnings)
    with pytest.raises(data.DataError, match="garbled"):
        data.frame_folders(tmp_path / "frames", frames=4, size=16, channels=1, strict=True)


def test_prepare_lists_skipped_files_in_its_manifest(tmp_path, video_writer, capsys):
    expected = make_bad_folder(tmp_path / "videos", video_writer)
    out = tmp_path / "shards"
    status = main(["prepare", str(tmp_path / "videos"), str(out), "--frames", "4", "--size", "32",
                   "--shards", "2", "--quiet"])
    assert status == 0
    assert "Wrote 2 of 9 videos into 2 shards" in capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text())
    assert {e["source"]: e["reason"] for e in manifest["skipped"]} == expected
    assert manifest["counts"]["written"] == 2
    assert sorted(v["source"] for v in manifest["videos"]) == ["good.mp4", "good2.avi"]
    # The reader repeats the manifest's list, one warning per file.
    clips = data.from_path(out, frames=4, size=32, channels=1)
    assert len(clips.bad_files.skipped) == len(expected)
    assert len(list(clips)) == 2
    strict = main(["prepare", str(tmp_path / "videos"), str(tmp_path / "s2"), "--frames", "4",
                   "--size", "32", "--strict", "--quiet"])
    assert strict == 2
    assert "--strict" in capsys.readouterr().err


ONE_FRAME_FORMATS = (".mp4", ".mov", ".webm", ".avi", ".gif")


def test_a_one_frame_video_is_too_short_not_corrupt(tmp_path, video_writer, caplog):
    root = tmp_path / "videos"
    root.mkdir()
    video_writer(root / "good.mp4", num_frames=12)
    for extension in ONE_FRAME_FORMATS:
        video_writer(root / f"still{extension}", num_frames=1)
    caplog.set_level(logging.WARNING, logger="keras_vidgan.data")
    clips = data.from_path(root, frames=4, size=32, channels=1, training=False)
    assert clips.bad_files.counts() == {"too short": len(ONE_FRAME_FORMATS)}
    for extension in ONE_FRAME_FORMATS:
        [line] = [w for w in skip_warnings(caplog) if f"still{extension}:" in w]
        assert ("too short: 1 frame (0.00 s); one clip needs 4 frames: lower --frames, or loop "
                "or pad short videos (--short-policy)") in line, line
    assert len(list(clips)) == 1
    # The files are valid: a one-frame clip reads every one of them.
    assert len(list(data.from_path(root, frames=1, size=32, channels=1, training=False))) == 6


def test_prepare_reports_a_one_frame_video_as_too_short(tmp_path, video_writer, capsys):
    root = tmp_path / "videos"
    root.mkdir()
    video_writer(root / "good.mp4", num_frames=12)
    video_writer(root / "still.webm", num_frames=1)
    out = tmp_path / "shards"
    assert main(["prepare", str(root), str(out), "--frames", "4", "--size", "32", "--quiet"]) == 0
    assert "Wrote 1 of 2 videos" in capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text())
    assert [v["source"] for v in manifest["videos"]] == ["good.mp4"]
    [skipped] = manifest["skipped"]
    assert skipped["source"] == "still.webm" and skipped["reason"] == "too short"
    assert skipped["detail"].startswith("1 frame (0.00 s); one clip needs 4 frames: lower --frames")
    clips = data.from_path(out, frames=4, size=32, channels=1)
    assert clips.bad_files.skipped == [("still.webm", "too short", skipped["detail"])]
    assert len(list(clips)) == 1
    status = main(["prepare", str(root), str(tmp_path / "strict"), "--frames", "4", "--size",
                   "32", "--strict", "--quiet"])
    assert status == 2
    [line] = capsys.readouterr().err.splitlines()
    assert "still.webm: too short: 1 frame" in line and "lower --frames" in line
