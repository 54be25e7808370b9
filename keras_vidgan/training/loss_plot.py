import os

import keras

from keras_vidgan.training.training_log import read_training_csv


class LossPlot(keras.callbacks.Callback):
    """Draws the training curves to a PNG after every epoch and at the end of training.

    The left panel shows `d_loss` and `g_loss`, the right panel the
    discriminator's mean probability on real and on generated clips (0.5 for
    both means it cannot tell them apart). With `history_csv` (the file a
    `keras_vidgan.training.TrainingLog` or a `keras.callbacks.CSVLogger`
    writes) the plot covers every epoch of a run
    that was interrupted and resumed, not only those of the current `fit()`.

    Args:
        path: the PNG to write.
        history_csv: optional CSV log to read the full history from.

    Example:

    ```python
    import keras_vidgan

    plot = keras_vidgan.training.LossPlot("loss.png")
    # gan.fit(dataset, epochs=3, callbacks=[plot])
    ```
    """

    def __init__(self, path, history_csv=None):
        super().__init__()
        self.path = path
        self.history_csv = history_csv
        self.epochs = []
        self.history = {}
        self._drawn = None

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(epoch + 1)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))
        self.draw()

    def on_train_end(self, logs=None):
        if self.epochs or self.history_csv:
            self.draw()

    def _read_history(self):
        if self.history_csv:
            # The sound rows only: a damaged log must not stop training at its first plot.
            _, rows, _ = read_training_csv(self.history_csv)
            if rows:
                epochs = [int(row["epoch"]) for row in rows]
                if epochs[0] == 0:  # Keras' CSVLogger, and runs of earlier releases, count from 0
                    epochs = [epoch + 1 for epoch in epochs]
                history = {
                    key: [_to_float(row.get(key)) for row in rows]
                    for key in rows[0]
                    if key != "epoch"
                }
                return epochs, history
        return self.epochs, self.history

    def draw(self):
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        epochs, history = self._read_history()
        # The end of training usually finds the curves of the last epoch's plot: drawing
        # them again costs as much as a training step of a small model.
        if not epochs or (epochs, history) == self._drawn:
            return
        figure, (loss_axis, probability_axis) = plt.subplots(1, 2, figsize=(10, 3.6))
        for key, axis in (
            ("d_loss", loss_axis),
            ("g_loss", loss_axis),
            ("real_probability", probability_axis),
            ("fake_probability", probability_axis),
        ):
            if key in history:
                axis.plot(epochs, history[key], marker="o", markersize=3, label=key)
        loss_axis.set_title("losses")
        probability_axis.set_title("discriminator's mean probability")
        probability_axis.set_ylim(0, 1)
        for axis in (loss_axis, probability_axis):
            axis.set_xlabel("epoch")
            axis.grid(alpha=0.3)
            axis.legend()
        figure.tight_layout()
        directory = os.path.dirname(self.path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        figure.savefig(self.path, dpi=100)
        plt.close(figure)
        self._drawn = (list(epochs), {key: list(values) for key, values in history.items()})


def _to_float(text):
    """CSVLogger writes "NA" for a value an epoch did not log."""
    try:
        return float(text)
    except (TypeError, ValueError):
        return float("nan")
