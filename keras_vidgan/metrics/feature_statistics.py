"""Running moments (and the rows themselves) of features extracted batch by batch."""

import json

import numpy as np

from keras_vidgan.metrics.frechet_distance import frechet_distance_from_moments
from keras_vidgan.metrics.kernel_distance import kernel_distance


class FeatureStatistics:
    """Features of a set of clips, accumulated one batch at a time.

    The mean and the unbiased covariance are updated in float64 with the
    pairwise update of Chan et al. (1979), so they are exact (to rounding)
    without holding all rows. The rows are kept too, as float32, because the
    kernel distance needs them: 1.6 kB per clip for the 400 I3D logits, which
    is small beside one clip at 224x224 (9.6 MB for 16 frames); clips
    themselves are never held beyond one batch.

    Args:
        dim: int. Size of one feature vector.
        keep_features: bool. Keep the rows for `kernel_distance`.

    Example:

    ```python
    import numpy as np
    from keras_vidgan.metrics import FeatureStatistics

    rng = np.random.default_rng(0)
    rows = rng.normal(size=(100, 4))
    stats = FeatureStatistics(dim=4)
    for batch in np.split(rows, 5):
        stats.update(batch)
    print(np.allclose(stats.covariance, np.cov(rows, rowvar=False)))  # True
    ```
    """

    def __init__(self, dim, keep_features=True):
        if isinstance(dim, bool) or not isinstance(dim, int) or dim < 1:
            raise ValueError(f"`dim` must be a positive integer, got {dim!r}.")
        self.dim = dim
        self.keep_features = keep_features
        self.count = 0
        self.mean = np.zeros(dim, np.float64)
        self._scatter = np.zeros((dim, dim), np.float64)  # sum of outer products of deviations
        self._rows = []

    def update(self, features):
        """Adds a batch of feature rows `[B, dim]`."""
        batch = np.asarray(features, np.float64)
        if batch.ndim != 2 or batch.shape[1] != self.dim:
            raise ValueError(f"Expected features of shape [B, {self.dim}], got {batch.shape}.")
        if not np.all(np.isfinite(batch)):
            raise ValueError("Features contain NaN or infinite values.")
        if len(batch) == 0:
            return
        batch_count = len(batch)
        batch_mean = batch.mean(axis=0)
        centred = batch - batch_mean
        total = self.count + batch_count
        delta = batch_mean - self.mean
        self._scatter += centred.T @ centred + np.outer(delta, delta) * (
            self.count * batch_count / total
        )
        self.mean = self.mean + delta * (batch_count / total)
        self.count = total
        if self.keep_features:
            self._rows.append(batch.astype(np.float32))

    @property
    def covariance(self):
        """The unbiased covariance `[dim, dim]` (divided by `count - 1`)."""
        if self.count < 2:
            raise ValueError(f"A covariance needs at least 2 samples, got {self.count}.")
        return self._scatter / (self.count - 1)

    @property
    def features(self):
        """The rows `[count, dim]` as float32, in the order they were added."""
        if not self.keep_features:
            raise ValueError("These statistics were made with keep_features=False.")
        if not self._rows:
            return np.zeros((0, self.dim), np.float32)
        if len(self._rows) > 1:
            self._rows = [np.concatenate(self._rows)]
        return self._rows[0]

    def frechet_distance(self, other):
        """Fréchet distance to another `FeatureStatistics` (see `frechet_distance`)."""
        self._check_other(other)
        return frechet_distance_from_moments(
            self.mean, self.covariance, other.mean, other.covariance
        )

    def kernel_distance(self, other, block_size=1024):
        """Kernel distance to another `FeatureStatistics` (see `kernel_distance`)."""
        self._check_other(other)
        return kernel_distance(self.features, other.features, block_size=block_size)

    def save(self, path, metadata=None):
        """Writes the statistics (and `metadata`, a JSON-able dict) to an `.npz` file."""
        arrays = {
            "count": np.array(self.count),
            "mean": self.mean,
            "scatter": self._scatter,
            "metadata": np.array(json.dumps(metadata or {}, sort_keys=True)),
        }
        if self.keep_features:
            arrays["features"] = self.features
        with open(path, "wb") as file:
            np.savez(file, **arrays)

    @classmethod
    def load(cls, path):
        """Reads statistics written by `save`; returns `(statistics, metadata)`."""
        with np.load(path, allow_pickle=False) as data:
            mean = data["mean"]
            stats = cls(dim=int(mean.shape[0]), keep_features="features" in data.files)
            stats.count = int(data["count"])
            stats.mean = mean.astype(np.float64)
            stats._scatter = data["scatter"].astype(np.float64)
            if stats.keep_features:
                stats._rows = [data["features"].astype(np.float32)]
            metadata = json.loads(str(data["metadata"]))
        return stats, metadata

    def _check_other(self, other):
        if not isinstance(other, FeatureStatistics):
            raise TypeError(f"Expected FeatureStatistics, got {type(other).__name__}.")
        if other.dim != self.dim:
            raise ValueError(f"Feature sizes differ: {self.dim} and {other.dim}.")
