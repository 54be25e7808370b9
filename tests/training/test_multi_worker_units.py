"""MultiWorkerTrainer in one process: like fit(), steps_per_execution, sharding and callbacks."""

import types

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers.gan_fixtures import moving_square_clips, tiny_gan

from keras_vidgan.training import SafeCheckpoint, SampleWriter
from keras_vidgan.training.cluster_config import ClusterConfig, is_chief
from keras_vidgan.training.multi_worker_trainer import (
    MultiWorkerTrainer,
    auto_shard_policy,
    runs_on_every_worker,
)

POLICY = tf.data.experimental.AutoShardPolicy


def data():
    clips = moving_square_clips(8, seed=2)
    return tf.data.Dataset.from_tensor_slices(clips).batch(4, drop_remainder=True).repeat()


def optimizers():
    return {"d_optimizer": keras.optimizers.SGD(0.02), "g_optimizer": keras.optimizers.SGD(0.02)}


def test_trainer_equals_fit_with_any_steps_per_execution():
    reference = tiny_gan(seed=5, **optimizers())
    initial = reference.get_weights()
    expected = reference.fit(data(), epochs=2, steps_per_epoch=3, verbose=0, shuffle=False)
    for steps_per_execution in (1, 2):
        gan = tiny_gan(seed=5, **optimizers())
        gan.set_weights(initial)
        history = MultiWorkerTrainer(gan, steps_per_execution=steps_per_execution).fit(
            data(), epochs=2, steps_per_epoch=3, verbose=0)
        for key, values in expected.history.items():
            np.testing.assert_allclose(history.history[key], values, rtol=1e-5, atol=1e-7)
        for a, b in zip(gan.get_weights(), reference.get_weights()):
            np.testing.assert_allclose(a, b, atol=1e-6)


def test_resuming_runs_only_the_remaining_epochs():
    gan = tiny_gan(seed=5, **optimizers())
    history = MultiWorkerTrainer(gan).fit(data(), epochs=3, steps_per_epoch=2, initial_epoch=2,
                                          verbose=0)
    assert len(history.history["d_loss"]) == 1 and int(gan.optimizer.iterations.numpy()) == 2


def test_a_stopping_callback_stops_training():
    class StopNow(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            self.model.stop_training = True

    gan = tiny_gan(seed=5, **optimizers())
    history = MultiWorkerTrainer(gan).fit(data(), epochs=5, steps_per_epoch=1,
                                          callbacks=[StopNow()], verbose=0)
    assert len(history.history["d_loss"]) == 1


def test_shard_policy_follows_the_input():
    generated = data()
    assert auto_shard_policy(generated) == POLICY.DATA
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = POLICY.FILE
    files = tf.data.Dataset.from_tensor_slices(["a.tfrecord", "b.tfrecord"]).with_options(options)
    # Options survive the transformations the train command applies after reading.
    transformed = files.shuffle(4).repeat().batch(2).prefetch(1)
    assert auto_shard_policy(transformed) == POLICY.FILE


def test_writers_run_on_the_chief_only():
    assert runs_on_every_worker(keras.callbacks.TerminateOnNaN())
    assert runs_on_every_worker(keras.callbacks.ReduceLROnPlateau())
    assert not runs_on_every_worker(SafeCheckpoint("run"))
    assert not runs_on_every_worker(SampleWriter("samples"))
    assert not runs_on_every_worker(keras.callbacks.CSVLogger("log.csv"))
    custom = keras.callbacks.Callback()
    custom.run_on_every_worker = True
    assert runs_on_every_worker(custom)


@pytest.mark.parametrize("cluster, task_type, task_id, chief", [
    ({"worker": ["a:1", "b:1"]}, "worker", 0, True),
    ({"worker": ["a:1", "b:1"]}, "worker", 1, False),
    ({"worker": ["a:1", "b:1"]}, None, None, True),  # a resolver naming no task is worker 0
    ({"chief": ["c:1"], "worker": ["a:1"]}, "chief", 0, True),
    ({"chief": ["c:1"], "worker": ["a:1"]}, "worker", 0, False),
    ({"worker": ["a:1"], "evaluator": ["e:1"]}, "evaluator", 0, False),
])
def test_chief_of_a_strategy_follows_the_cluster_config_rule(cluster, task_type, task_id, chief):
    resolver = tf.distribute.cluster_resolver.SimpleClusterResolver(
        tf.train.ClusterSpec(cluster), task_type=task_type, task_id=task_id)
    strategy = types.SimpleNamespace(cluster_resolver=resolver)
    assert is_chief(strategy) is chief
    if task_type is not None:
        assert ClusterConfig(cluster, task_type, task_id).is_chief is chief


def test_a_strategy_without_a_cluster_is_its_own_chief():
    assert is_chief(tf.distribute.get_strategy())
    assert MultiWorkerTrainer(tiny_gan(seed=5)).is_chief
