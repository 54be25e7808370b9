"""examples/train_on_video_folder.py runs end to end: videos, bad files, shards, fit, samples."""

import json
import os
import subprocess
import sys

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "examples",
                       "train_on_video_folder.py")


def test_example_trains_on_a_folder_of_videos(tmp_path):
    environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run(
        [sys.executable, os.path.abspath(EXAMPLE), "--out", "demo", "--steps", "2",
         "--epochs", "1"],
        cwd=tmp_path, capture_output=True, text=True, env=environment, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    output = result.stdout + result.stderr
    assert "Skipping" in output and "empty.mp4: empty file" in output
    assert "readme.mp4: not a video" in output
    assert "usable videos: 12" in output
    demo = tmp_path / "demo"
    assert json.loads((demo / "classes.json").read_text())["classes"] == ["down", "right"]
    manifest = json.loads((demo / "shards" / "manifest.json").read_text())
    assert manifest["counts"]["written"] == 12 and manifest["counts"]["skipped"] == 2
    assert (demo / "samples.gif").stat().st_size > 0
