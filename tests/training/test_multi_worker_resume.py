"""`train --strategy multiworker` killed mid-epoch resumes from its last step checkpoint.

Its own file (apart from `test_multi_worker_cli.py`), so that pytest-xdist runs
this two-minute test beside the others.
"""

import os
import sys

import pytest
from helpers.worker_processes import kill_all, start_workers, wait_all

pytestmark = pytest.mark.slow  # a minute or more: started first (tests/conftest.py)

TINY = ["--frames", "8", "--size", "32", "--width", "4", "--latent-dim", "8",
        "--batch-size", "4", "--num-samples", "1"]


def test_killed_workers_resume_inside_the_epoch_from_the_last_step_checkpoint(tmp_path):
    """Both workers share one --out; killed mid-epoch, restarted, they go on from the step saved."""
    import time

    from keras_vidgan.training.run_directory import list_partial_checkpoints, load_gan

    out = tmp_path / "run"

    def command(index):
        return [sys.executable, "-m", "keras_vidgan_cli.main", "train", "--strategy",
                "multiworker", "--epochs", "2", "--progress", "epoch", "--out", str(out),
                "--checkpoint-every", "3", *TINY, "--steps-per-epoch", "12"]

    processes, logs = start_workers(command, tmp_path, "first")
    try:
        deadline = time.monotonic() + 240
        while not list_partial_checkpoints(str(out)):
            assert all(p.poll() is None for p in processes), [log.read_text()[-2000:]
                                                              for log in logs]
            assert time.monotonic() < deadline, "no checkpoint inside the first epoch"
            time.sleep(0.1)
    finally:
        kill_all(processes)
    epoch, steps_done, _ = list_partial_checkpoints(str(out))[-1]

    processes, logs = start_workers(command, tmp_path, "second")
    try:
        wait_all(processes, logs, timeout=240)
    finally:
        kill_all(processes)
    for log in logs:
        assert f"(resuming after step {steps_done} of epoch {epoch} from " in log.read_text()
    assert sorted(os.listdir(out / "checkpoints")) == ["epoch_0001.keras", "epoch_0002.keras"]
    assert int(load_gan(str(out)).optimizer.iterations.numpy()) == 24
