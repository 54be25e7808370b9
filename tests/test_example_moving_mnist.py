import os
import subprocess
import sys

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "examples", "train_moving_mnist.py")


def test_moving_mnist_example_runs_and_writes_its_outputs(tmp_path):
    out = tmp_path / "example"
    completed = subprocess.run(
        [sys.executable, EXAMPLE, "--epochs", "1", "--steps-per-epoch", "2", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert (out / "checkpoints" / "epoch_0001.keras").exists()
    assert (out / "samples" / "epoch_0001.gif").exists()
    assert (out / "loss.png").exists() and (out / "four_videos.gif").exists()
