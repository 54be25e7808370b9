"""An interrupted run, resumed, ends with the same weights as one never interrupted.

Each step's noise comes from `(seed, step)`, the initial weights from the seed,
and the data from the clip after `steps * batch_size` of a fixed stream; with
`checkpoint_every` a run stopped inside an epoch resumes from the step it
saved last. Checked for the built-in dataset, a video folder and TFRecord
shards, in process, and with SIGKILL at a random step through the command line.
"""

import json
import os
import random
import signal
import subprocess
import sys
import time

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers.tiny_runs import TINY_RUN

from keras_vidgan.training import TrainConfig, train
from keras_vidgan.training.run_directory import list_resume_points, load_gan

pytestmark = pytest.mark.slow  # a minute or more: started first (tests/conftest.py)

TINY = {**TINY_RUN, "steps_per_epoch": 5, "num_samples": 1, "epochs": 2, "checkpoint_every": 2}


class StopAtStep(keras.callbacks.Callback):
    """Interrupts training like Ctrl-C once the GAN has taken `step` steps."""

    def __init__(self, step):
        super().__init__()
        self.step = step

    def on_train_batch_end(self, batch, logs=None):
        if int(keras.ops.convert_to_numpy(self.model.optimizer.iterations)) == self.step:
            raise KeyboardInterrupt


def _write_video(path, shade):
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=8)
        stream.width, stream.height, stream.pix_fmt = 48, 48, "yuv420p"
        for index in range(14):
            frame = np.full((48, 48, 3), (shade + 9 * index) % 256, np.uint8)
            frame[index * 2 : index * 2 + 8, 10:18] = 255
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    """`{name: TrainConfig fields}` of each kind of data."""
    root = tmp_path_factory.mktemp("sources")
    (root / "videos").mkdir()
    for index in range(4):
        _write_video(root / "videos" / f"clip_{index}.mp4", 40 * index)
    from keras_vidgan.data import prepare_shards

    prepare_shards(str(root / "videos"), str(root / "shards"), shards=2, size=32, frames=8)
    return {
        "moving_mnist": {},
        "video_folder": {"data": str(root / "videos")},
        "tfrecord_shards": {"data": str(root / "shards")},
    }


def _weights_equal(first, second):
    return all(np.array_equal(a, b) for a, b in zip(first.get_weights(), second.get_weights()))


@pytest.mark.parametrize(
    "source,stop_at,resumes_from",
    [
        ("moving_mnist", 7, "epoch_0002_step_000001.keras"),  # one step into epoch 2
        ("video_folder", 9, "epoch_0002_step_000003.keras"),
        ("tfrecord_shards", 3, "epoch_0001_step_000002.keras"),
    ],
)
def test_an_interrupted_run_resumes_exactly(sources, tmp_path, source, stop_at, resumes_from):
    settings = {**TINY, **sources[source]}
    uninterrupted = train(TrainConfig(out=str(tmp_path / "whole"), **settings),
                          log=lambda line: None)
    out = tmp_path / "interrupted"
    with pytest.raises(KeyboardInterrupt):
        train(TrainConfig(out=str(out), **settings), callbacks=[StopAtStep(stop_at)],
              log=lambda line: None)
    newest = list_resume_points(str(out))[-1][2]
    assert os.path.basename(newest) == resumes_from
    lines = []
    # What the process did before (here: another global seed) must not change the run.
    tf.random.set_seed(settings.get("seed", 0) + 1)
    resumed = train(TrainConfig(out=str(out), **settings), log=lines.append)
    assert f"from {newest})" in lines[0]
    assert int(resumed.optimizer.iterations.numpy()) == 10
    assert _weights_equal(resumed, uninterrupted)
    # The epoch's own checkpoint replaced the one taken inside it.
    assert sorted(os.listdir(out / "checkpoints")) == ["epoch_0001.keras", "epoch_0002.keras"]


def _command(out, *extra):
    return [sys.executable, "-m", "keras_vidgan_cli.main", "train", "--out", str(out),
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
