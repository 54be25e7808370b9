import math
import os
import warnings

import keras
import numpy as np

from keras_vidgan.training.run_directory import (
    checkpoint_path,
    list_checkpoints,
    list_partial_checkpoints,
    partial_checkpoint_path,
)
from keras_vidgan.training.training_failed import TrainingFailed


class SafeCheckpoint(keras.callbacks.Callback):
    """Saves the whole model after each epoch, never a broken one, never half a file.

    Unlike `keras.callbacks.ModelCheckpoint`, an epoch whose logged losses or
    whose weights are not finite is not saved (a warning names the epoch and
    the last good checkpoint, which stays as it was), and each file is
    written under a temporary name and renamed when complete, so a run killed
    while saving leaves no truncated checkpoint. A failed write (a full disk)
    raises `TrainingFailed` naming the newest intact checkpoint. Files are
    `checkpoints/epoch_NNNN.keras` in `run_dir`, holding both networks and
    both optimizers' state, so training can resume from any of them.

    Args:
        run_dir: the run directory.
        keep_last: how many checkpoints to keep (older ones are deleted);
            `None` keeps all.
        every_steps: also save every `every_steps` GAN steps inside an
            epoch, as `epoch_NNNN_step_SSSSSS.keras` (epoch in progress, steps
            of it done); only the newest of those is kept, and the epoch's
            own checkpoint replaces it. A run stopped mid-epoch then loses at
            most that many steps.

    Example:

    ```python
    import keras_vidgan

    checkpoints = keras_vidgan.training.SafeCheckpoint("runs/demo", keep_last=2)
    # gan.fit(dataset, epochs=3, callbacks=[checkpoints])
    ```
    """

    def __init__(self, run_dir, keep_last=3, every_steps=None):
        super().__init__()
        if every_steps is not None and (isinstance(every_steps, bool) or every_steps < 1):
            raise ValueError(f"`every_steps` must be a positive integer, got {every_steps!r}.")
        self.run_dir = run_dir
        self.keep_last = keep_last
        self.every_steps = every_steps
        self.skipped_epochs = []
        # Steps of the first epoch trained before this fit() (a run resumed mid-epoch).
        self.steps_done_before = 0
        self._epoch = 0
        self._epoch_offset = 0

    def _problem(self, logs):
        for key, value in (logs or {}).items():
            if isinstance(value, (int, float, np.floating)) and not math.isfinite(float(value)):
                return f"{key} is {value}"
        for variable in self.model.weights:
            if not np.all(np.isfinite(keras.ops.convert_to_numpy(variable))):
                return f"weight {variable.path} is not finite"
        return None

    def on_train_begin(self, logs=None):
        # A process killed while saving leaves its temporary file; it never became a checkpoint.
        folder = os.path.join(self.run_dir, "checkpoints")
        if os.path.isdir(folder):
            for name in os.listdir(folder):
                if name.endswith(".incomplete.keras"):
                    os.remove(os.path.join(folder, name))

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._epoch_offset, self.steps_done_before = self.steps_done_before, 0

    def on_train_batch_end(self, batch, logs=None):
        if not self.every_steps:
            return
        step = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))
        steps_done = self._epoch_offset + batch + 1
        epoch_steps = self._epoch_offset + (self.params.get("steps") or 0)
        # The end of the epoch gets its own checkpoint from on_epoch_end.
        if step % self.every_steps or steps_done >= epoch_steps or self._problem(logs):
            return
        older = list_partial_checkpoints(self.run_dir)
        self._save(partial_checkpoint_path(self.run_dir, self._epoch + 1, steps_done))
        for _, _, old_path in older:
            os.remove(old_path)

    def on_epoch_end(self, epoch, logs=None):
        problem = self._problem(logs)
        if problem:
            _, last_good = (list_checkpoints(self.run_dir) or [(0, None)])[-1]
            self.skipped_epochs.append(epoch + 1)
            warnings.warn(
                f"Not saving epoch {epoch + 1}: {problem}. The last good checkpoint "
                f"({last_good or 'none yet'}) is left as it was.",
                stacklevel=2,
            )
            return
        self._save(checkpoint_path(self.run_dir, epoch + 1))
        for _, _, old_path in list_partial_checkpoints(self.run_dir):
            os.remove(old_path)
        if self.keep_last:
            for _, old_path in list_checkpoints(self.run_dir)[: -self.keep_last]:
                os.remove(old_path)

    def _save(self, final_path):
        # Written under another name and renamed once complete: a checkpoint that is
        # there is whole, and a failed write leaves the earlier ones as they were.
        incomplete_path = final_path[: -len(".keras")] + ".incomplete.keras"
        try:
            os.makedirs(os.path.dirname(final_path), exist_ok=True)
            self.model.save(incomplete_path)
            os.replace(incomplete_path, final_path)
        except BaseException as error:
            if os.path.exists(incomplete_path):
                os.remove(incomplete_path)
            if isinstance(error, OSError):
                raise TrainingFailed.from_write_error(final_path, error, self.run_dir) from error
            raise
