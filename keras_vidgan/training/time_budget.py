import time

import keras

from keras_vidgan.training.training_log import MISSING_VALUES, read_training_csv


class TimeBudget(keras.callbacks.Callback):
    """Stops training once a wall-clock budget is spent, and logs the time and steps.

    Comparing designs "for the same CPU budget" needs a budget in minutes, not
    in steps: one design's step can cost three times another's. This callback
    checks the clock after every batch and sets `model.stop_training`; Keras
    then ends the epoch early and still calls `on_epoch_end`, so checkpoints
    and samples of the partial epoch are written as usual.

    Every epoch's logs get `train_minutes` (training time of the whole run)
    and `train_steps` (GAN steps so far). A resumed run passes the minutes its
    earlier sessions spent, e.g. with `spent_minutes_from_csv`, so that the
    budget covers the run, not each session.

    Args:
        minutes: the budget in minutes, or `None` to only log the time.
        spent_minutes: training minutes already spent by this run.

    Example:

    ```python
    import keras_vidgan

    budget = keras_vidgan.training.TimeBudget(minutes=30)
    # gan.fit(dataset, epochs=1000, steps_per_epoch=100, callbacks=[budget])
    ```
    """

    def __init__(self, minutes=None, spent_minutes=0.0):
        super().__init__()
        if minutes is not None and not minutes > 0:
            raise ValueError(f"TimeBudget needs a positive number of minutes, got {minutes!r}.")
        if not spent_minutes >= 0:
            raise ValueError(f"spent_minutes must be >= 0, got {spent_minutes!r}.")
        self.minutes = minutes
        self.spent_minutes = float(spent_minutes)
        self.exhausted = False
        self._start = None

    def elapsed_minutes(self):
        """Training minutes of the run so far, earlier sessions included."""
        if self._start is None:
            return self.spent_minutes
        return self.spent_minutes + (time.monotonic() - self._start) / 60.0

    def on_train_begin(self, logs=None):
        # A later fit() of the same run (a resumed epoch's rest, then the next epochs)
        # continues the count.
        self.spent_minutes = self.elapsed_minutes()
        self._start = time.monotonic()
        if self.minutes is not None and self.spent_minutes >= self.minutes:
            self.exhausted = True
            self.model.stop_training = True

    def on_train_batch_end(self, batch, logs=None):
        if self.minutes is not None and self.elapsed_minutes() >= self.minutes:
            self.exhausted = True
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["train_minutes"] = round(self.elapsed_minutes(), 3)
            logs["train_steps"] = int(self.model.optimizer.iterations.numpy())


def spent_minutes_from_csv(path):
    """The `train_minutes` of the last sound row of a CSVLogger file (0.0 if there is none)."""
    _, rows, _ = read_training_csv(path)
    for row in reversed(rows):
        value = row.get("train_minutes")
        if value not in MISSING_VALUES + (None,):
            return float(value)
    return 0.0
