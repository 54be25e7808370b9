import csv
import io
import os
import warnings

import keras
import numpy as np

from keras_vidgan.utils.atomic_write import write_text_atomically

# What a CSV log may hold in place of a number: CSVLogger's "NA", or nothing.
MISSING_VALUES = ("", "NA")


class TrainingLog(keras.callbacks.Callback):
    """Appends each epoch's logged values to a CSV file, epochs counted from 1.

    Unlike `keras.callbacks.CSVLogger`, it writes only what was logged (no
    `val_*` columns that a GAN never fills) and numbers epochs as the
    checkpoints do (`epoch_0001.keras` is the row with `epoch` 1). An
    existing file is continued, so a resumed run keeps one history; its
    header is kept, and values it has no column for are left out. A damaged
    file (cut short by a full disk, garbage, another program's CSV) is
    repaired first, see `recover_training_csv`.

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

    def on_train_begin(self, logs=None):
        message = recover_training_csv(self.path)
        if message:
            warnings.warn(message, stacklevel=2)

    def on_epoch_end(self, epoch, logs=None):
        row = {"epoch": epoch + 1}
        for key, value in sorted((logs or {}).items()):
            row[key] = int(value) if isinstance(value, (int, np.integer)) else float(value)
        header, _, _ = read_training_csv(self.path)
        fieldnames = header or list(row)
        new_file = not os.path.exists(self.path) or os.path.getsize(self.path) == 0
        directory = os.path.dirname(self.path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        with open(self.path, "a", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fieldnames, extrasaction="ignore")
            if new_file:
                writer.writeheader()
            writer.writerow(row)


def read_training_csv(path):
    """The usable part of a training CSV: `(header, rows, problem)`.

    Reads what `TrainingLog` or `keras.callbacks.CSVLogger` wrote and stops
    at the first thing that is not theirs: the rows before it are returned,
    and `problem` says what it was (None for a sound file). A file whose
    last line has no line end was cut short; that line is a problem too,
    since its last value may be cut.

    Args:
        path: the CSV file; a missing or empty one is sound and holds nothing.

    Returns:
        `header`: the column names (None when there is no usable header),
        `rows`: a list of dicts, column name to text, `problem`: a string or None.

    Example:

    ```python
    from keras_vidgan.training.training_log import read_training_csv

    header, rows, problem = read_training_csv("runs/moving_mnist_vgan/logs/training.csv")
    print(header[0], len(rows), problem)  # epoch 1 None
    ```
    """
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return None, [], None
    with open(path, "rb") as handle:
        content = handle.read()
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None, [], "it is not text"
    lines = text.splitlines(keepends=True)
    if "\0" in text:
        return None, [], "it holds NUL bytes"
    header = next(csv.reader(io.StringIO(lines[0])), [])
    if not lines[0].endswith("\n") or not header or header[0] != "epoch" or not all(header):
        return None, [], "its first line is not a header starting with epoch"
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        values = next(csv.reader(io.StringIO(line)), [])
        problem = None
        if not line.endswith("\n"):
            problem = f"line {number} is cut short"
        elif len(values) != len(header):
            problem = f"line {number} has {len(values)} values for {len(header)} columns"
        elif not (_is_integer(values[0]) and all(_is_number(value) for value in values[1:])):
            problem = f"line {number} is not an epoch's numbers"
        if problem:
            return header, rows, problem
        rows.append(dict(zip(header, values)))
    return header, rows, None


def recover_training_csv(path):
    """Moves a damaged training CSV aside and keeps its sound rows; returns a warning or None.

    The damaged file goes to `path + ".damaged"` (or `.damaged.2`, ... when
    that exists), never deleted. The rows before the damage stay in `path`;
    when not even the header is usable, `path` is gone and the next epoch
    starts a new file, so the curves and a time budget then cover only the
    epochs trained from now on.

    Args:
        path: the CSV file.

    Returns:
        One line saying what was damaged and what was done, or None when the
        file was sound (or absent) and left as it was.

    Example:

    ```python
    from keras_vidgan.training.training_log import recover_training_csv

    print(recover_training_csv("runs/moving_mnist_vgan/logs/training.csv"))  # None
    ```
    """
    header, rows, problem = read_training_csv(path)
    if problem is None:
        return None
    aside = f"{path}.damaged"
    number = 1
    while os.path.exists(aside):
        number += 1
        aside = f"{path}.damaged.{number}"
    os.replace(path, aside)
    if header is None:
        kept = ("a new one starts with the next epoch, so the curves and the time budget cover "
                "only the epochs trained from now on")
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
        write_text_atomically(path, buffer.getvalue())
        kept = f"the {len(rows)} epochs before the damage are kept in {path}"
    return f"warning: {path} is damaged ({problem}); moved it to {aside}, and {kept}."


def _is_integer(text):
    try:
        int(text)
    except ValueError:
        return False
    return True


def _is_number(text):
    if text in MISSING_VALUES:
        return True
    try:
        float(text)
    except ValueError:
        return False
    return True
