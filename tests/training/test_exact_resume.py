"""An interrupted run, resumed, ends with the same weights as one never interrupted.

Each step's noise comes from `(seed, step)`, the initial weights from the seed,
and the data from the clip after `steps * batch_size` of a fixed stream; with
`checkpoint_every` a run stopped inside an epoch resumes from the step it
saved last. Checked here for the built-in dataset, a video folder and TFRecord
shards, in process; with SIGKILL at a random step through the command line and
on two mirrored replicas in `test_exact_resume_processes.py` (its own file, so
that pytest-xdist runs both side by side).
"""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers.tiny_runs import TINY_RUN

from keras_vidgan.training import TrainConfig, train
from keras_vidgan.training.run_directory import list_resume_points

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


# Learning rates that fall from step 3 to step 8: the resumed run must pick up the schedule
# at its step, not start it again.
LR_DECAY = {"lr_decay_start": 3, "lr_decay_steps": 5}


@pytest.mark.parametrize(
    "source,recipe,stop_at,resumes_from",
    [
        ("moving_mnist", {}, 7, "epoch_0002_step_000001.keras"),  # one step into epoch 2
        ("video_folder", {}, 9, "epoch_0002_step_000003.keras"),
        ("tfrecord_shards", {}, 3, "epoch_0001_step_000002.keras"),
        ("moving_mnist", LR_DECAY, 5, "epoch_0001_step_000004.keras"),
    ],
)
def test_an_interrupted_run_resumes_exactly(
    sources, tmp_path, source, recipe, stop_at, resumes_from
):
    settings = {**TINY, **sources[source], **recipe}
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
