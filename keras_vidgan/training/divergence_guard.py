import math

import keras

from keras_vidgan.training.training_failed import TrainingFailed


class TrainingDiverged(TrainingFailed):
    """Training stopped because a loss became NaN or infinite.

    Its message is one line: the step, the loss, the last good checkpoint
    and what to try. A `TrainingFailed`, as is a failed write.
    """


class DivergenceGuard(keras.callbacks.Callback):
    """Stops training at the first step whose logged losses are not finite.

    Like `keras.callbacks.TerminateOnNaN`, but it watches every logged value
    (`d_loss`, `g_loss`, ...), not only `loss`, and remembers where and
    what diverged, so that the caller can fail loudly instead of reporting a
    finished run: `message(last_checkpoint)` says so in one line. It runs on
    every worker of a multi-worker run, so that all of them stop together.

    Example:

    ```python
    import keras_vidgan

    guard = keras_vidgan.training.DivergenceGuard()
    # gan.fit(dataset, epochs=3, callbacks=[guard])
    # if guard.diverged: raise keras_vidgan.training.TrainingDiverged(guard.message(None))
    ```
    """

    run_on_every_worker = True

    def __init__(self):
        super().__init__()
        self.diverged = None  # (step, epoch, name, value) of the first non-finite value
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.diverged is not None:
            return
        for name, value in sorted((logs or {}).items()):
            value = float(value)
            if not math.isfinite(value):
                step = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))
                self.diverged = (step, self._epoch + 1, name, value)
                self.model.stop_training = True
                return

    def message(self, last_checkpoint):
        """One line: where training diverged, the last good checkpoint, and what to try."""
        step, epoch, name, value = self.diverged
        kept = (f"the last good checkpoint is {last_checkpoint}" if last_checkpoint
                else "no checkpoint was written")
        return (
            f"training diverged at step {step} (epoch {epoch}): {name} is {value}; {kept}, and "
            "nothing was saved from the diverged weights. Try lower learning rates (--g-lr, "
            "--d-lr), another --loss, or an R1 penalty (--r1 1) in a new --out."
        )
