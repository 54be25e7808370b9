"""Runs stopped from outside resume exactly: SIGKILL at a random step, and two mirrored replicas.

The in-process checks, for every kind of data, are in `test_exact_resume.py`.
"""

import json
import os
import random
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from helpers.tiny_runs import TINY_RUN

from keras_vidgan.training import TrainConfig, train
from keras_vidgan.training.run_directory import list_resume_points, load_gan

pytestmark = pytest.mark.slow  # a minute or more: started first (tests/conftest.py)

TINY = {**TINY_RUN, "steps_per_epoch": 5, "num_samples": 1, "epochs": 2, "checkpoint_every": 2}


def _weights_equal(first, second):
    return all(np.array_equal(a, b) for a, b in zip(first.get_weights(), second.get_weights()))


def _command(out, *extra):
    # TINY_RUN as flags: the run in this process must be the same run.
    return [sys.executable, "-m", "keras_vidgan_cli.main", "train", "--out", str(out),
            "--model", "vgan", "--r1", "0",
            "--frames", "8", "--width", "4", "--latent-dim", "8", "--batch-size", "2",
            "--steps-per-epoch", "40", "--epochs", "2", "--num-samples", "1", "--progress", "off",
            *extra]


def test_a_run_killed_at_a_random_step_resumes_exactly_and_loses_at_most_checkpoint_every(
    tmp_path,
):
    every = 3
    # The uninterrupted run: the command's recipe, in this process.
    whole = train(TrainConfig(out=str(tmp_path / "whole"), **{
        **TINY_RUN, "steps_per_epoch": 40, "epochs": 2, "num_samples": 1,
        "checkpoint_every": every}), log=lambda line: None)

    out = tmp_path / "killed"
    process = subprocess.Popen(_command(out, "--checkpoint-every", str(every)),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Killed at a random moment after its first checkpoint inside an epoch.
    delay = random.Random().uniform(0.0, 3.0)
    deadline = time.time() + 300
    while not list_resume_points(str(out)) and process.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    points = list_resume_points(str(out))
    assert points, "no checkpoint was written before the kill"
    finished_epochs, steps_done, newest = points[-1]
    saved_step = int(load_gan(newest).optimizer.iterations.numpy())
    assert saved_step == finished_epochs * 40 + steps_done
    assert saved_step % every == 0 or steps_done == 0

    resumed = subprocess.run(_command(out, "--checkpoint-every", str(every)),
                             capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert _weights_equal(load_gan(str(out)), whole), (
        f"killed {delay:.2f} s after the first checkpoint, resumed from {newest}"
    )


MIRRORED_SCRIPT = """
import json, sys
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import keras
import numpy as np

from keras_vidgan.training import TrainConfig, train

settings = json.loads(sys.argv[1])


class StopAtStep(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        if int(self.model.optimizer.iterations.numpy()) == 7:
            raise KeyboardInterrupt


lines = []
whole = train(TrainConfig(out=sys.argv[2] + "/whole", **settings), log=lines.append)
try:
    train(TrainConfig(out=sys.argv[2] + "/interrupted", **settings), callbacks=[StopAtStep()],
          log=lines.append)
except KeyboardInterrupt:
    pass
resumed = train(TrainConfig(out=sys.argv[2] + "/interrupted", **settings), log=lines.append)
print(json.dumps({
    "lines": lines,
    "equal": all(np.array_equal(a, b) for a, b in zip(whole.get_weights(),
                                                       resumed.get_weights())),
    "steps": int(resumed.optimizer.iterations.numpy()),
}))
"""


def test_a_mirrored_run_on_two_replicas_resumes_exactly(tmp_path):
    settings = {**TINY, "strategy": "mirrored", "model": "mocogan"}
    environment = {**os.environ,
                   "PYTHONPATH": os.pathsep.join([os.path.dirname(__file__) + "/../..",
                                                  os.environ.get("PYTHONPATH", "")])}
    completed = subprocess.run(
        [sys.executable, "-c", MIRRORED_SCRIPT, json.dumps(settings), str(tmp_path)],
        capture_output=True, text=True, timeout=600, env=environment,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert any(line.endswith("mirrored strategy on 2 replicas") for line in result["lines"])
    assert any("resuming after step 1 of epoch 2" in line for line in result["lines"])
    assert result["steps"] == 10 and result["equal"]
