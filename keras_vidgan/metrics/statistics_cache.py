"""On-disk cache of real-data feature statistics, keyed by protocol and dataset identity."""

import hashlib
import os
import tempfile

from keras_vidgan.metrics.feature_statistics import FeatureStatistics

CACHE_ENVIRONMENT_VARIABLE = "KERAS_VIDGAN_CACHE"


def default_cache_directory():
    """`$KERAS_VIDGAN_CACHE/fvd_statistics`, else `~/.cache/keras_vidgan/fvd_statistics`."""
    root = os.environ.get(CACHE_ENVIRONMENT_VARIABLE) or os.path.join(
        os.path.expanduser("~"), ".cache", "keras_vidgan"
    )
    return os.path.join(root, "fvd_statistics")


class StatisticsCache:
    """Real-data statistics stored on disk, so many checkpoints share one computation.

    Each entry is an `.npz` file named by `protocol.cache_key(identity,
    extractor_identity)`, a digest of every protocol field, the dataset's
    identity and the weights' identity. The entry also stores those three in
    full and `get` compares them, so a changed protocol, other data or other
    weights always miss, even in the (astronomically unlikely) event of a
    digest collision. Entries are written to a temporary file and renamed, so
    an interrupted run never leaves a half-written entry behind.

    Args:
        directory: where entries live; `default_cache_directory()` when omitted.

    Example:

    ```python
    import numpy as np
    from keras_vidgan.metrics import EvaluationProtocol, FeatureStatistics, StatisticsCache

    cache = StatisticsCache("fvd_cache")
    protocol = EvaluationProtocol(num_clips=3)
    stats = FeatureStatistics(dim=3)
    stats.update(np.eye(3))
    cache.put(protocol, "my-data-v1", stats)
    print(cache.get(protocol, "my-data-v1").count)  # 3
    print(cache.get(protocol.replace(frames=32), "my-data-v1"))  # None
    ```
    """

    def __init__(self, directory=None):
        self.directory = (
            os.fspath(directory) if directory is not None else default_cache_directory()
        )

    def path(self, protocol, identity, extractor_identity=""):
        """The file an entry for these arguments lives in."""
        key = protocol.cache_key(identity, extractor_identity)
        return os.path.join(self.directory, f"{key}.npz")

    def get(self, protocol, identity, extractor_identity=""):
        """The cached `FeatureStatistics`, or None when there is no matching entry."""
        path = self.path(protocol, identity, extractor_identity)
        if not os.path.isfile(path):
            return None
        try:
            stats, metadata = FeatureStatistics.load(path)
        except (OSError, ValueError, KeyError):
            return None  # unreadable entry: recompute and overwrite it
        expected = _metadata(protocol, identity, extractor_identity)
        if metadata != expected or stats.count != protocol.num_clips:
            return None
        return stats

    def put(self, protocol, identity, stats, extractor_identity=""):
        """Stores `stats` for these arguments; returns the entry's path."""
        os.makedirs(self.directory, exist_ok=True)
        path = self.path(protocol, identity, extractor_identity)
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        os.close(handle)
        try:
            stats.save(temporary, metadata=_metadata(protocol, identity, extractor_identity))
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)
        return path


def _metadata(protocol, identity, extractor_identity):
    return {"protocol": protocol.to_dict(), "data": identity, "extractor": extractor_identity}


def path_identity(path):
    """Identifies data on disk by the names, sizes and modification times of its files.

    A digest of the absolute path and, for every file under it (or of the file
    itself), its relative name, size in bytes and modification time; changing,
    adding or removing a file gives another identity. Contents are not read,
    so this is quick on large datasets.

    Args:
        path: a file or a directory.

    Returns:
        str, `"files:<absolute path>:<digest>"`.

    Example:

    ```python
    from keras_vidgan.metrics.statistics_cache import path_identity

    print(path_identity("my_videos").startswith("files:"))  # True
    ```
    """
    root = os.path.abspath(os.fspath(path))
    digest = hashlib.sha256()
    if os.path.isfile(root):
        entries = [(os.path.basename(root), os.stat(root))]
    else:
        entries = []
        for folder, folders, files in os.walk(root):
            folders.sort()
            for name in sorted(files):
                full = os.path.join(folder, name)
                entries.append((os.path.relpath(full, root), os.stat(full)))
    for name, info in entries:
        digest.update(f"{name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return f"files:{root}:{digest.hexdigest()[:32]}"
