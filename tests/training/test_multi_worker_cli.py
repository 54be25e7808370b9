"""`keras-vidgan train --strategy multiworker`: TF_CONFIG errors and chief-only writing.

Killed workers resuming mid-epoch: `test_multi_worker_resume.py`.
"""

import csv
import json
import os
import sys

import pytest
from helpers.worker_processes import kill_all, start_workers, wait_all

from keras_vidgan.training.cluster_config import ClusterConfigError, read_tf_config
from keras_vidgan_cli.main import main

pytestmark = pytest.mark.slow  # a minute or more: started first (tests/conftest.py)

TINY = ["--frames", "8", "--size", "32", "--width", "4", "--latent-dim", "8",
        "--batch-size", "4", "--steps-per-epoch", "2", "--num-samples", "2"]


def cluster(workers=2, task_type="worker", index=0, **extra):
    config = {"cluster": {"worker": [f"localhost:{20000 + i}" for i in range(workers)]},
              "task": {"type": task_type, "index": index}}
    config.update(extra)
    return json.dumps(config)


@pytest.mark.parametrize(
    "value, message",
    [
        (None, "TF_CONFIG is not set"),
        ("", "TF_CONFIG is not set"),
        ("{'cluster': 1}", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"task": {"type": "worker", "index": 0}}', 'no "cluster"'),
        ('{"cluster": {"worker": "localhost:1"}, "task": {"type": "worker", "index": 0}}',
         "non-empty list"),
        ('{"cluster": {"worker": ["localhost"]}, "task": {"type": "worker", "index": 0}}',
         '"host:port"'),
        ('{"cluster": {"ps": ["a:1"], "worker": ["b:2"]}, "task": {"type": "worker"}}',
         "parameter servers"),
        ('{"cluster": {"worker": ["a:1", "a:1"]}, "task": {"type": "worker", "index": 0}}',
         "twice"),
        ('{"cluster": {"worker": ["a:1", "b:2"]}}', 'no "task"'),
        (cluster(index=2), "index 2 is out of range"),
        (cluster(index="0"), "must be an integer"),
        (cluster(task_type="chief"), 'task type "chief" is not in the cluster'),
        (cluster(task_type="evaluator"), "a training process"),
    ],
)
def test_bad_tf_config_is_named(value, message):
    environ = {} if value is None else {"TF_CONFIG": value}
    with pytest.raises(ClusterConfigError, match=message.replace("(", r"\(")):
        read_tf_config(environ)


def test_chief_is_the_chief_task_or_worker_zero():
    assert read_tf_config({"TF_CONFIG": cluster(index=0)}).is_chief
    assert not read_tf_config({"TF_CONFIG": cluster(index=1)}).is_chief
    with_chief = {"cluster": {"chief": ["a:1"], "worker": ["b:2"]},
                  "task": {"type": "worker", "index": 0}}
    config = read_tf_config({"TF_CONFIG": json.dumps(with_chief)})
    assert not config.is_chief and config.num_workers == 2


@pytest.mark.parametrize("value", [None, "not json", cluster(index=5)])
def test_command_reports_tf_config_in_one_line(value, monkeypatch, tmp_path, capsys):
    if value is None:
        monkeypatch.delenv("TF_CONFIG", raising=False)
    else:
        monkeypatch.setenv("TF_CONFIG", value)
    status = main(["train", "--strategy", "multiworker", "--out", str(tmp_path / "run"), *TINY])
    error = capsys.readouterr().err.strip()
    assert status == 2
    assert error.startswith("keras-vidgan train: error: --strategy multiworker: TF_CONFIG")
    assert "\n" not in error
    # Nothing was written before the error.
    assert not (tmp_path / "run").exists()


def test_only_the_chief_writes(tmp_path):
    """Each worker gets its own --out: the chief's fills up, the other's never appears."""
    for index in range(2):
        (tmp_path / f"cwd{index}").mkdir()

    def command(index):
        return [sys.executable, "-m", "keras_vidgan_cli.main", "train", "--strategy",
                "multiworker", "--epochs", "2", "--progress", "epoch",
                "--out", str(tmp_path / f"run{index}"), *TINY]

    processes, logs = start_workers(command, tmp_path, "cli")
    try:
        wait_all(processes, logs, timeout=240)
    finally:
        kill_all(processes)
    chief = tmp_path / "run0"
    assert sorted(os.listdir(chief / "checkpoints")) == ["epoch_0001.keras", "epoch_0002.keras"]
    assert (chief / "config.json").exists() and (chief / "loss.png").exists()
    assert (chief / "samples" / "epoch_0002.gif").exists()
    with open(chief / "logs" / "training.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["epoch"] for row in rows] == ["1", "2"]
    assert os.listdir(chief / "logs" / "train")  # TensorBoard events
    assert not (tmp_path / "run1").exists()
    assert os.listdir(tmp_path / "cwd1") == []
    # The progress lines come from the chief only.
    assert "d_loss" in logs[0].read_text() and "d_loss" not in logs[1].read_text()
