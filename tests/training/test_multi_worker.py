"""Two worker processes on localhost under MultiWorkerMirroredStrategy.

Each test starts real worker processes with their own `TF_CONFIG` (free
localhost ports), as on two machines, and kills every process it started in
a `finally`. The single-process reference runs in the test process with
`fit()`: the workers must reach the same weights.
"""

import json
import os
import signal
import sys
import textwrap
import time

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers.gan_fixtures import moving_square_clips, tiny_gan
from helpers.worker_processes import kill_all, start_workers, wait_all

pytestmark = pytest.mark.slow  # a minute or more: started first (tests/conftest.py)

WORKER_SCRIPT = textwrap.dedent(
    """
    import json, os, sys, time
    options = json.loads(sys.argv[1])

    import keras
    import numpy as np
    import tensorflow as tf

    from keras_vidgan.training.cluster_config import multi_worker_strategy

    # First, before any other TensorFlow operation: collectives are set up here.
    strategy, cluster = multi_worker_strategy()

    from helpers.gan_fixtures import moving_square_clips, tiny_gan
    from keras_vidgan.training import SafeCheckpoint, load_gan
    from keras_vidgan.training.multi_worker_trainer import MultiWorkerTrainer, distribute_dataset
    from keras_vidgan.training.run_directory import latest_checkpoint

    class PauseAfterEpoch(keras.callbacks.Callback):
        # Holds this worker after an epoch so the test can kill it there.
        run_on_every_worker = True

        def __init__(self, epoch, marker):
            super().__init__()
            self.epoch, self.marker = epoch, marker

        def on_epoch_end(self, epoch, logs=None):
            if epoch + 1 == self.epoch:
                open(self.marker, "w").close()
                time.sleep(600)

    batch, steps = options["batch"], options["steps"]
    clips = moving_square_clips(steps * batch, seed=4)
    # One epoch's batches, repeated: a resumed run sees what an uninterrupted one sees.
    dataset = tf.data.Dataset.from_tensor_slices(clips).batch(batch, drop_remainder=True).repeat()

    initial_epoch, checkpoint = latest_checkpoint(options["out"])
    with strategy.scope():
        if checkpoint:
            gan = load_gan(checkpoint)
        else:
            lr = options["learning_rate"]
            gan = tiny_gan(seed=21, d_optimizer=keras.optimizers.SGD(lr),
                           g_optimizer=keras.optimizers.SGD(lr))
            initial = np.load(options["initial_weights"])
            gan.set_weights([initial[f"w{i}"] for i in range(len(initial.files))])

    # Which clips this worker's replica receives in the first step.
    first = next(iter(distribute_dataset(dataset, strategy)))
    local = np.concatenate([np.asarray(t) for t in strategy.experimental_local_results(first)])
    share = batch // cluster.num_workers
    index = cluster.task_index
    expected = clips[index * share:(index + 1) * share]

    # Files are split by file: each worker reads only its own shards (AutoShardPolicy.FILE).
    seen_files = []
    if options.get("shards"):
        def parse(record):
            feature = {"file": tf.io.FixedLenFeature([], tf.int64)}
            return tf.io.parse_single_example(record, feature)["file"]
        files = tf.data.Dataset.from_tensor_slices(options["shards"])
        records = files.interleave(tf.data.TFRecordDataset, cycle_length=1).map(parse)
        file_options = tf.data.Options()
        file_options.experimental_distribute.auto_shard_policy = (
            tf.data.experimental.AutoShardPolicy.FILE)
        records = records.with_options(file_options).batch(batch, drop_remainder=True)
        for element in distribute_dataset(records, strategy):
            for part in strategy.experimental_local_results(element):
                seen_files.extend(int(v) for v in np.asarray(part))

    callbacks = [SafeCheckpoint(options["out"], keep_last=None)]
    if options.get("pause_after_epoch") and index == options.get("pause_worker"):
        callbacks.append(PauseAfterEpoch(options["pause_after_epoch"], options["marker"]))
    trainer = MultiWorkerTrainer(gan)
    history = trainer.fit(dataset, epochs=options["epochs"], steps_per_epoch=steps,
                          initial_epoch=initial_epoch, callbacks=callbacks, verbose=0)
    np.savez(options["result"] + ".npz", *gan.get_weights())
    with open(options["result"] + ".json", "w") as handle:
        json.dump({
            "initial_epoch": initial_epoch,
            "is_chief": trainer.is_chief,
            "first_batch_is_my_slice": bool(np.array_equal(local, expected)),
            "seen_files": seen_files,
            "history": history.history,
            "iterations": int(gan.optimizer.iterations.numpy()),
        }, handle)
    """
)
BATCH = 4
STEPS = 2
# Plain SGD (Adam's first steps amplify float noise in near-zero gradients to the
# full learning rate), small enough that an adversarial game started from the
# same point stays close for a few steps whatever order the sums run in.
LR = 0.02


def worker_command(options):
    def command(index):
        return [
            sys.executable, "-c", WORKER_SCRIPT,
            json.dumps({**options, "result": options["result"] + str(index)}),
        ]
    return command


def load_result(prefix):
    with open(prefix + ".json") as handle:
        result = json.load(handle)
    weights = np.load(prefix + ".npz")
    result["weights"] = [weights[f"arr_{i}"] for i in range(len(weights.files))]
    return result


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """Initial weights on disk and `fit()` in one process on the same global batches."""
    folder = tmp_path_factory.mktemp("reference")
    gan = tiny_gan(seed=21, d_optimizer=keras.optimizers.SGD(LR),
                   g_optimizer=keras.optimizers.SGD(LR))
    initial = gan.get_weights()
    path = folder / "initial.npz"
    np.savez(path, **{f"w{i}": w for i, w in enumerate(initial)})
    clips = moving_square_clips(STEPS * BATCH, seed=4)
    dataset = tf.data.Dataset.from_tensor_slices(clips).batch(BATCH, drop_remainder=True).repeat()
    history = gan.fit(dataset, epochs=3, steps_per_epoch=STEPS, verbose=0, shuffle=False)
    return {"initial_weights": str(path), "initial": initial, "weights": gan.get_weights(),
            "history": history.history}


def assert_same_weights(actual, expected, tolerance=1e-5):
    differences = [float(np.max(np.abs(a - b))) for a, b in zip(actual, expected)]
    assert len(actual) == len(expected)
    assert max(differences) < tolerance, max(differences)


def test_two_workers_train_like_one_process(reference, tmp_path):
    shards = []
    for file_index in range(4):
        shards.append(str(tmp_path / f"shard{file_index}.tfrecord"))
        with tf.io.TFRecordWriter(shards[-1]) as writer:
            for _ in range(BATCH):
                feature = tf.train.Feature(int64_list=tf.train.Int64List(value=[file_index]))
                example = tf.train.Example(features=tf.train.Features(feature={"file": feature}))
                writer.write(example.SerializeToString())
    options = {"out": str(tmp_path / "run"), "result": str(tmp_path / "result"),
               "initial_weights": reference["initial_weights"], "batch": BATCH,
               "steps": STEPS, "epochs": 3, "learning_rate": LR, "shards": shards}
    processes, logs = start_workers(worker_command(options), tmp_path, "train")
    try:
        wait_all(processes, logs, timeout=240)
    finally:
        kill_all(processes)
    results = [load_result(str(tmp_path / f"result{i}")) for i in range(2)]
    assert [r["is_chief"] for r in results] == [True, False]
    # Each worker's replica got its own half of the global batch (DATA sharding).
    assert all(r["first_batch_is_my_slice"] for r in results)
    # Worker i read shards i and i + 2, all of their records, and no other shard.
    for index, worker in enumerate(results):
        assert sorted(worker["seen_files"]) == sorted([index] * BATCH + [index + 2] * BATCH)
    # Training moved the weights, identically on both workers...
    changes = [np.max(np.abs(a - b)) for a, b in zip(results[0]["weights"], reference["initial"])]
    assert max(changes) > 1e-3
    assert_same_weights(results[1]["weights"], results[0]["weights"], tolerance=1e-7)
    # ...and as one process with fit() on the same global batches. Sums over two
    # workers round differently from sums over one batch, and six adversarial
    # steps amplify that a little; a wrong split of data or noise would differ by
    # about the whole change.
    assert_same_weights(results[0]["weights"], reference["weights"], 0.01 * max(changes))
    assert results[0]["iterations"] == 3 * STEPS
    for key, values in reference["history"].items():
        for worker in results:
            np.testing.assert_allclose(worker["history"][key], values, rtol=1e-3, atol=1e-6)
    # Only the chief wrote checkpoints, one per epoch.
    names = sorted(os.listdir(tmp_path / "run" / "checkpoints"))
    assert names == ["epoch_0001.keras", "epoch_0002.keras", "epoch_0003.keras"]


def test_killed_worker_and_restart_resume_from_the_last_checkpoint(reference, tmp_path):
    marker = tmp_path / "worker1_paused"
    options = {"out": str(tmp_path / "run"), "result": str(tmp_path / "first"),
               "initial_weights": reference["initial_weights"], "batch": BATCH,
               "steps": STEPS, "epochs": 3, "learning_rate": LR,
               "pause_after_epoch": 1, "pause_worker": 1, "marker": str(marker)}
    first_checkpoint = tmp_path / "run" / "checkpoints" / "epoch_0001.keras"
    processes, logs = start_workers(worker_command(options), tmp_path, "first")
    try:
        deadline = time.monotonic() + 240
        while not (marker.exists() and first_checkpoint.exists()):
            assert all(p.poll() is None for p in processes), [log.read_text()[-2000:]
                                                              for log in logs]
            assert time.monotonic() < deadline, "the workers never finished epoch 1"
            time.sleep(0.5)
        # Worker 1 dies mid-run; the chief is left waiting for it in a collective.
        processes[1].send_signal(signal.SIGKILL)
        processes[1].wait(timeout=30)
    finally:
        kill_all(processes)
    assert not (tmp_path / "first0.json").exists()
    names = sorted(os.listdir(tmp_path / "run" / "checkpoints"))
    assert names == ["epoch_0001.keras"]

    # Both restarted with the same command: each loads epoch 1 and trains on.
    options.update(result=str(tmp_path / "second"), pause_after_epoch=None)
    processes, logs = start_workers(worker_command(options), tmp_path, "second")
    try:
        wait_all(processes, logs, timeout=240)
    finally:
        kill_all(processes)
    results = [load_result(str(tmp_path / f"second{i}")) for i in range(2)]
    assert [r["initial_epoch"] for r in results] == [1, 1]
    assert [r["iterations"] for r in results] == [3 * STEPS] * 2
    assert all(len(r["history"]["d_loss"]) == 2 for r in results)
    assert_same_weights(results[1]["weights"], results[0]["weights"], tolerance=1e-7)
    # The interrupted run ends where an uninterrupted one ends: the checkpoint held
    # both networks, both optimizers and the step counter the noise is drawn from.
    changes = [np.max(np.abs(a - b)) for a, b in zip(results[0]["weights"], reference["initial"])]
    assert_same_weights(results[0]["weights"], reference["weights"], 0.01 * max(changes))
    assert sorted(os.listdir(tmp_path / "run" / "checkpoints")) == [
        "epoch_0001.keras", "epoch_0002.keras", "epoch_0003.keras"]
