import math
import os
import warnings

import keras
import numpy as np

from keras_vidgan.training.run_directory import checkpoint_path, list_checkpoints


class SafeCheckpoint(keras.callbacks.Callback):
    """Saves the whole model after each epoch, never a broken one, never half a file.

    Unlike `keras.callbacks.ModelCheckpoint`, an epoch whose logged losses or
    whose weights are not finite is not saved (a warning names the epoch and
    the last good checkpoint, which stays as it was), and each file is
    written under a temporary name and renamed when complete, so a run killed
    while saving leaves no truncated checkpoint. Files are
    `checkpoints/epoch_NNNN.keras` in `run_dir`, holding both networks and
    both optimizers' state, so training can resume from any of them.

    Args:
        run_dir: the run directory.
        keep_last: how many checkpoints to keep (older ones are deleted);
            `None` keeps all.

    Example:

    ```python
    import keras_vidgan

    checkpoints = keras_vidgan.training.SafeCheckpoint("runs/demo", keep_last=2)
    # gan.fit(dataset, epochs=3, callbacks=[checkpoints])
    ```
    """

    def __init__(self, run_dir, keep_last=3):
        super().__init__()
        self.run_dir = run_dir
        self.keep_last = keep_last
        self.skipped_epochs = []

    def _problem(self, logs):
        for key, value in (logs or {}).items():
            if isinstance(value, (int, float, np.floating)) and not math.isfinite(float(value)):
                return f"{key} is {value}"
        for variable in self.model.weights:
            if not np.all(np.isfinite(keras.ops.convert_to_numpy(variable))):
                return f"weight {variable.path} is not finite"
        return None

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
        final_path = checkpoint_path(self.run_dir, epoch + 1)
        os.makedirs(os.path.dirname(final_path), exist_ok=True)
        partial_path = final_path[: -len(".keras")] + ".partial.keras"
        self.model.save(partial_path)
        os.replace(partial_path, final_path)
        if self.keep_last:
            for _, old_path in list_checkpoints(self.run_dir)[: -self.keep_last]:
                os.remove(old_path)
