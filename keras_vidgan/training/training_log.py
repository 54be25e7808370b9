import csv
import os

import keras
import numpy as np


class TrainingLog(keras.callbacks.Callback):
    """Appends each epoch's logged values to a CSV file, epochs counted from 1.

    Unlike `keras.callbacks.CSVLogger`, it writes only what was logged (no
    `val_*` columns that a GAN never fills) and numbers epochs as the
    checkpoints do (`epoch_0001.keras` is the row with `epoch` 1). An
    existing file is continued, so a resumed run keeps one history; its
    header is kept, and values it has no column for are left out.

    Args:
        path: the CSV file.

    Example:

    ```python
    import keras_vidgan

    history = keras_vidgan.training.TrainingLog("training.csv")
    # gan.fit(dataset, epochs=3, callbacks=[history])
    ```
    """

    def __init__(self, path):
        super().__init__()
        self.path = path

    def on_epoch_end(self, epoch, logs=None):
        row = {"epoch": epoch + 1}
        for key, value in sorted((logs or {}).items()):
            row[key] = int(value) if isinstance(value, (int, np.integer)) else float(value)
        fieldnames = self._existing_header() or list(row)
        new_file = not os.path.exists(self.path) or os.path.getsize(self.path) == 0
        directory = os.path.dirname(self.path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        with open(self.path, "a", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fieldnames, extrasaction="ignore")
            if new_file:
                writer.writeheader()
            writer.writerow(row)

    def _existing_header(self):
        if not os.path.exists(self.path):
            return None
        with open(self.path, newline="") as handle:
            return next(csv.reader(handle), None)
