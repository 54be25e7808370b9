"""Kernel distance (KID, and KVD for videos): unbiased MMD^2 with a cubic polynomial kernel."""

import numpy as np


def kernel_distance(features_a, features_b, block_size=1024, return_std=False):
    """Unbiased squared maximum mean discrepancy with the kernel `(x.y / D + 1)^3`.

    The Kernel Inception Distance of Binkowski et al. (2018), "Demystifying
    MMD GANs", applied to video features it is the Kernel Video Distance
    (KVD). Unlike the Fréchet distance it has an unbiased estimator, so values
    at different sample sizes are comparable, and it is near 0 (possibly
    slightly negative) for two samples of one distribution.

    Both sets are split in order into the same number of blocks of at most
    `block_size` rows (sizes differing by at most one), the estimate is
    computed on each pair of blocks in float64, and the mean over blocks is
    returned. Memory is `O(block_size^2)` whatever the number of samples.

    Args:
        features_a: array `[N_a, D]`, `N_a >= 2`.
        features_b: array `[N_b, D]`, `N_b >= 2`.
        block_size: int. Most rows of one set in one block (1,024 as in
            TF-GAN and the KID paper).
        return_std: bool. Also return the standard deviation over blocks
            (0 with a single block).

    Returns:
        float, or `(mean, std)` when `return_std`.

    Example:

    ```python
    import numpy as np
    from keras_vidgan.metrics import kernel_distance

    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 400, 16))
    print(abs(kernel_distance(a, b)) < 0.05)  # True: one distribution
    print(kernel_distance(a, b + 1.0) > 1.0)  # True: shifted
    ```
    """
    features_a = _check(features_a, "features_a")
    features_b = _check(features_b, "features_b")
    if features_a.shape[1] != features_b.shape[1]:
        raise ValueError(f"Feature sizes differ: {features_a.shape[1]} and {features_b.shape[1]}.")
    if isinstance(block_size, bool) or not isinstance(block_size, int) or block_size < 2:
        raise ValueError(f"`block_size` must be an integer >= 2, got {block_size!r}.")
    blocks = -(-max(len(features_a), len(features_b)) // block_size)
    blocks = min(blocks, len(features_a) // 2, len(features_b) // 2)
    estimates = [
        _mmd2_unbiased(block_a, block_b)
        for block_a, block_b in zip(
            np.array_split(features_a, blocks), np.array_split(features_b, blocks)
        )
    ]
    mean = float(np.mean(estimates))
    if return_std:
        return mean, float(np.std(estimates))
    return mean


def _polynomial_kernel(x, y):
    return (x @ y.T / x.shape[1] + 1.0) ** 3


def _mmd2_unbiased(x, y):
    m, n = len(x), len(y)
    k_xx = _polynomial_kernel(x, x)
    k_yy = _polynomial_kernel(y, y)
    k_xy = _polynomial_kernel(x, y)
    # The unbiased estimator leaves out each sample's kernel with itself.
    within_x = (k_xx.sum() - np.trace(k_xx)) / (m * (m - 1))
    within_y = (k_yy.sum() - np.trace(k_yy)) / (n * (n - 1))
    return within_x + within_y - 2.0 * k_xy.mean()


def _check(features, name):
    features = np.asarray(features, np.float64)
    if features.ndim != 2 or features.shape[0] < 2:
        raise ValueError(
            f"`{name}` must be a [N, D] array with N >= 2, got shape {features.shape}."
        )
    if not np.all(np.isfinite(features)):
        raise ValueError(f"`{name}` contains NaN or infinite values.")
    return features
