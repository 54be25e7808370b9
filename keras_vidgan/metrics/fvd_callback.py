"""Measures FVD on a small sample every few epochs while a GAN trains."""

import csv
import os
import time

import keras
import numpy as np
import tensorflow as tf

from keras_vidgan.metrics.evaluation_protocol import EvaluationProtocol
from keras_vidgan.metrics.fvd import FVD


class FVDCallback(keras.callbacks.Callback):
    """Computes FVD and KVD of the generator every `every` epochs during `fit()`.

    At the end of the first epoch and of every `every`-th epoch, clips from
    `model.sampling_generator` (fixed noise from the protocol's seed, so the curve
    follows the model, not the noise) are compared with `real` clips. Real
    statistics are computed once per run (and cached on disk when `cache` and
    `real_identity` are given).

    The values go to three places:
    - `logs["fvd"]` and `logs["kvd"]` (`fvd_proxy`/`kvd_proxy` for the proxy
      features), so Keras' `CSVLogger` and `TensorBoard` callbacks listed
      *after* this one record them; epochs without a measurement have no
      entry (`CSVLogger` writes "NA");
    - TensorBoard scalars `fvd` and `kvd` under `log_dir/evaluation`;
    - one row per measurement in `csv_path` (epoch, values, N, seconds).

    A small N (the default is 64) makes each measurement affordable, but the
    Fréchet distance is biased upwards at small N: compare values only with
    values at the same N, never with a published FVD at N=2048.

    Args:
        real: real clips, in any form `FeatureExtractor.extract` accepts
            (for example a built-in dataset with at least N clips).
        every: int. Measure every this many epochs (and after the first).
        protocol: an `EvaluationProtocol`; `EvaluationProtocol(num_clips=64)`
            when omitted.
        real_identity: str. Identifies `real` for the disk cache.
        cache: as for `FVD`.
        log_dir: directory for TensorBoard scalars, or None.
        csv_path: CSV file to append measurements to, or None.
        batch_size: int. Clips per I3D call.
        verbose: 0 or 1. Print each measurement.
        fvd: an `FVD` to use instead of building one (shares its I3D).

    Example:

    ```python
    import keras_vidgan
    from keras_vidgan.metrics import EvaluationProtocol, FVDCallback

    real = keras_vidgan.datasets.moving_mnist(num_clips=64, frames=16, size=64, split="test")
    callback = FVDCallback(
        real,
        every=5,
        protocol=EvaluationProtocol(num_clips=64, reference="moving_mnist(split='test')"),
        log_dir="run/logs",
        csv_path="run/logs/fvd.csv",
    )
    # gan.fit(train_clips, epochs=50, callbacks=[callback, keras.callbacks.CSVLogger(...)])
    ```
    """

    def __init__(
        self,
        real,
        every=5,
        protocol=None,
        real_identity=None,
        cache=None,
        log_dir=None,
        csv_path=None,
        batch_size=16,
        verbose=1,
        fvd=None,
    ):
        super().__init__()
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"`every` must be a positive integer, got {every!r}.")
        self.real = real
        self.every = every
        self.protocol = protocol or EvaluationProtocol(num_clips=64)
        self.real_identity = real_identity
        self.cache = cache
        self.log_dir = log_dir
        self.csv_path = csv_path
        self.batch_size = batch_size
        self.verbose = verbose
        self._fvd = fvd
        self._real_stats = None
        self._writer = None
        self.history = []

    def should_measure(self, epoch):
        """Whether the end of 0-based `epoch` gets a measurement."""
        return epoch == 0 or (epoch + 1) % self.every == 0

    def on_epoch_end(self, epoch, logs=None):
        if not self.should_measure(epoch):
            return
        generator = getattr(self.model, "sampling_generator", None) or getattr(
            self.model, "generator", self.model
        )
        fvd = self._evaluator()
        started = time.perf_counter()
        if self._real_stats is None:
            self._real_stats, _ = fvd.real_statistics(self.real, self.real_identity)
        generated = fvd.generated_statistics(generator)
        metrics = fvd.distances(self._real_stats, generated)
        seconds = time.perf_counter() - started
        if logs is not None:
            logs.update(metrics)
        self.history.append({"epoch": epoch, **metrics, "seconds": seconds})
        self._write_tensorboard(epoch, metrics)
        self._write_csv(epoch, metrics, seconds)
        if self.verbose:
            values = ", ".join(f"{name} {value:.3f}" for name, value in metrics.items())
            print(f"\nEpoch {epoch + 1}: {values} (N={self.protocol.num_clips}, {seconds:.0f} s)")

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def _evaluator(self):
        if self._fvd is None:
            self._fvd = FVD(self.protocol, cache=self.cache, batch_size=self.batch_size, verbose=0)
        return self._fvd

    def _write_tensorboard(self, epoch, metrics):
        if self.log_dir is None:
            return
        if self._writer is None:
            self._writer = tf.summary.create_file_writer(os.path.join(self.log_dir, "evaluation"))
        with self._writer.as_default():
            for name, value in metrics.items():
                tf.summary.scalar(name, value, step=epoch)
        self._writer.flush()

    def _write_csv(self, epoch, metrics, seconds):
        if self.csv_path is None:
            return
        folder = os.path.dirname(os.path.abspath(self.csv_path))
        os.makedirs(folder, exist_ok=True)
        fields = ["epoch", *metrics, "num_clips", "seconds"]
        is_new = not os.path.exists(self.csv_path) or os.path.getsize(self.csv_path) == 0
        with open(self.csv_path, "a", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=fields)
            if is_new:
                writer.writeheader()
            writer.writerow(
                {
                    "epoch": epoch + 1,
                    **{name: f"{float(np.float64(value)):.6f}" for name, value in metrics.items()},
                    "num_clips": self.protocol.num_clips,
                    "seconds": f"{seconds:.1f}",
                }
            )
