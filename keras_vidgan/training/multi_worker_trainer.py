"""A `fit()`-like loop for strategies under which Keras' own `fit()` fails.

Keras 3.15.1's `fit()` stops before the first step under
`tf.distribute.MultiWorkerMirroredStrategy` ("Attempt to convert a value
(PerReplica...)", keras-team/keras#20585). `MultiWorkerTrainer` runs the
GAN's own `train_step` (the same code `fit()` runs, not a copy) through
`strategy.run` inside a `tf.function`, and drives Keras callbacks so that
checkpoints, samples, logs and the progress bar work as with `fit()`.

When Keras fixes `fit()` under MultiWorkerMirroredStrategy, the training
recipe can go back to `gan.fit`: the one line that picks this trainer is
marked in `keras_vidgan/training/train_lib.py` (`train`).
"""

import keras
import tensorflow as tf

from keras_vidgan.training.cluster_config import is_chief

# Callbacks that only read the logs and steer training, never write files. They
# run on every worker: a learning-rate change made on one worker only would give
# the workers different optimizers. Every other callback runs on the chief only.
EVERY_WORKER_CALLBACKS = (
    keras.callbacks.TerminateOnNaN,
    keras.callbacks.EarlyStopping,
    keras.callbacks.LearningRateScheduler,
    keras.callbacks.ReduceLROnPlateau,
)


def runs_on_every_worker(callback):
    """Whether `callback` runs on every worker (True) or on the chief only (False).

    The one place of the chief-only rule: callbacks that write files
    (checkpoints, samples, CSV, TensorBoard, plots) must run on one worker
    only, or several processes would write the same files. Callbacks that
    steer training must run everywhere. Mark your own steering callback with
    `callback.run_on_every_worker = True`.

    Args:
        callback: a `keras.callbacks.Callback`.
    """
    flag = getattr(callback, "run_on_every_worker", None)
    if flag is not None:
        return bool(flag)
    return isinstance(callback, EVERY_WORKER_CALLBACKS)


def auto_shard_policy(dataset):
    """The input sharding for `dataset` across workers: FILE where it says so, else DATA.

    Readers of files in this package (`keras_vidgan.data.tfrecord_shards`)
    set `AutoShardPolicy.FILE`, so each worker reads its own shards. Anything
    else, such as the generated built-in datasets that read no files, is
    split by element (DATA): every worker computes the whole stream and keeps
    its part. An explicit DATA or OFF is kept.

    Args:
        dataset: a `tf.data.Dataset`.
    """
    policy = dataset.options().experimental_distribute.auto_shard_policy
    if policy == tf.data.experimental.AutoShardPolicy.AUTO:
        return tf.data.experimental.AutoShardPolicy.DATA
    return policy


def distribute_dataset(dataset, strategy):
    """`strategy.experimental_distribute_dataset` with the sharding `auto_shard_policy` picks.

    Args:
        dataset: batched by the global batch size, as for `fit()`.
        strategy: a `tf.distribute.Strategy`.

    Returns:
        A distributed dataset; each step's global batch is split over every
        replica of every worker in replica order, so worker `i` trains on the
        same clips a single process would give replica `i`.
    """
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = auto_shard_policy(dataset)
    return strategy.experimental_distribute_dataset(dataset.with_options(options))


class MultiWorkerTrainer:
    """Trains a `keras_vidgan.GAN` under any tf.distribute strategy, like `fit()`.

    Each step is `strategy.run(gan.train_step, ...)`: the GAN's own step, so
    noise, losses and updates are exactly those of `fit()`. `fit` offers what
    `fit()` users rely on: a progress bar, callbacks (`on_train_begin`,
    `on_epoch_end`, ...), `initial_epoch` for resuming, `steps_per_execution`
    and a returned `History`.

    Under `MultiWorkerMirroredStrategy` every worker runs the same loop;
    callbacks that write (see `runs_on_every_worker`) and the progress bar run
    on the chief only, so checkpoints, samples and logs are written once. The
    logs every callback sees are the global means, identical on every worker.
    If any worker's callbacks stop training, every worker stops after the
    same epoch.

    Args:
        gan: a compiled `keras_vidgan.GAN`, created inside `strategy.scope()`.
        strategy: the strategy the GAN was created under (default: the GAN's).
        steps_per_execution: GAN steps per call into the compiled loop; fewer
            calls cost less Python and synchronisation, at the price of
            callbacks and progress seeing the steps in groups.

    Example:

    ```python
    import tensorflow as tf
    import keras_vidgan
    from keras_vidgan.training.multi_worker_trainer import MultiWorkerTrainer

    strategy = tf.distribute.MultiWorkerMirroredStrategy()  # reads TF_CONFIG
    with strategy.scope():
        gan = keras_vidgan.GAN(generator, discriminator, seed=0)
        gan.compile()
    trainer = MultiWorkerTrainer(gan)
    history = trainer.fit(clips.batch(16, drop_remainder=True).repeat(), epochs=3,
                          steps_per_epoch=100,
                          callbacks=[keras_vidgan.training.SafeCheckpoint("runs/demo")])
    ```
    """

    def __init__(self, gan, strategy=None, steps_per_execution=1):
        if gan.d_optimizer is None:
            raise ValueError("Compile the GAN before training it.")
        self.gan = gan
        self.strategy = strategy or gan.distribute_strategy
        self.steps_per_execution = int(steps_per_execution)
        if self.steps_per_execution < 1:
            raise ValueError(f"`steps_per_execution` must be at least 1, got {steps_per_execution}")
        self.is_chief = is_chief(self.strategy)
        self._train_function = None
        self._reduce_function = None

    def _make_train_function(self):
        strategy, gan = self.strategy, self.gan

        @tf.function
        def train_steps(iterator, steps):
            # A graph loop, not an unrolled one: one trace serves any number of steps.
            for _ in tf.range(steps):
                strategy.run(gan.train_step, args=(next(iterator),))
            # Read in cross-replica context: the trackers' totals and counts are
            # summed over all replicas of all workers, so every worker gets the
            # same global means.
            return {metric.name: metric.result() for metric in gan.metrics}

        return train_steps

    def _make_reduce_function(self):
        strategy = self.strategy

        @tf.function
        def gather(value):
            # ReduceOp has only SUM and MEAN: gather every replica's value instead.
            per_replica = strategy.run(lambda: tf.reshape(value, [1]))
            everything = strategy.gather(per_replica, axis=0)
            return tf.reduce_min(everything), tf.reduce_max(everything)

        return gather

    def agree(self, value):
        """`(min, max)` of an integer over every worker; a collective every worker must call.

        Args:
            value: this worker's int.
        """
        if self._reduce_function is None:
            self._reduce_function = self._make_reduce_function()
        low, high = self._reduce_function(tf.constant(int(value), tf.int64))
        return int(low), int(high)

    def fit(
        self,
        dataset,
        epochs=1,
        steps_per_epoch=None,
        initial_epoch=0,
        callbacks=None,
        verbose=1,
        shuffle=False,
    ):
        """Trains from `initial_epoch` to `epochs`, calling the callbacks like `fit()`.

        Args:
            dataset: a `tf.data.Dataset` batched by the global batch size
                (distributed with `distribute_dataset`), or a dataset already
                distributed by the caller (for example through the tf.data
                service). It must yield at least `epochs * steps_per_epoch`
                batches; `.repeat()` it.
            epochs: the epoch to train up to, counted from 0 as in `fit()`.
            steps_per_epoch: GAN steps per epoch (required: a distributed
                stream has no length every worker agrees on).
            initial_epoch: the epoch to start from when resuming; every
                worker must pass the same (checked).
            callbacks: `keras.callbacks.Callback`s; see `runs_on_every_worker`.
            verbose: 0 silent, 1 a progress bar, 2 a line per epoch (chief only).
            shuffle: accepted for `fit()` compatibility; must be False (the
                order is the dataset's).

        Returns:
            A `keras.callbacks.History` (on the chief it holds every epoch's
            logs; on other workers too, since the logs are global).

        Raises:
            ValueError: no `steps_per_epoch`, or workers disagree on
                `initial_epoch` (they do not see the same checkpoints).
        """
        if not steps_per_epoch:
            raise ValueError("Pass `steps_per_epoch`: every worker must run the same steps.")
        if shuffle:
            raise ValueError("`shuffle=True` is not supported: shuffle the dataset itself.")
        low, high = self.agree(initial_epoch)
        if low != high:
            raise ValueError(
                f"The workers resume from different epochs ({low} to {high}): they do not "
                "see the same checkpoints. Put the run directory on storage every worker "
                "reads (a shared file system or a bucket)."
            )
        gan = self.gan
        callbacks = list(callbacks or [])
        if not self.is_chief:
            callbacks = [callback for callback in callbacks if runs_on_every_worker(callback)]
        callback_list = keras.callbacks.CallbackList(
            callbacks,
            add_history=True,
            add_progbar=verbose != 0 and self.is_chief,
            model=gan,
            verbose=verbose if self.is_chief else 0,
            epochs=epochs,
            steps=steps_per_epoch,
        )
        if isinstance(dataset, tf.data.Dataset):
            dataset = distribute_dataset(dataset, self.strategy)
        if self._train_function is None:
            self._train_function = self._make_train_function()
        iterator = iter(dataset)
        gan.stop_training = False
        callback_list.on_train_begin()
        logs = {}
        for epoch in range(initial_epoch, epochs):
            for metric in gan.metrics:
                metric.reset_state()
            callback_list.on_epoch_begin(epoch)
            step = 0
            while step < steps_per_epoch:
                steps = min(self.steps_per_execution, steps_per_epoch - step)
                callback_list.on_train_batch_begin(step)
                logs = self._train_function(iterator, tf.constant(steps, tf.int64))
                logs = {name: float(value) for name, value in logs.items()}
                step += steps
                callback_list.on_train_batch_end(step - 1, logs)
            callback_list.on_epoch_end(epoch, dict(logs))
            # A chief-only callback (or a user's) may stop training; every worker
            # must then stop after this epoch, or the others would wait forever in
            # the next step's collectives.
            _, stop = self.agree(bool(gan.stop_training))
            if stop:
                gan.stop_training = True
                break
        callback_list.on_train_end(logs)
        return callback_list._history
