"""The Fréchet distance between two sets of features, as FID and FVD compute it."""

import numpy as np


def frechet_distance(features_a, features_b):
    """Fréchet distance between Gaussians fitted to two sets of features.

    `||m_a - m_b||^2 + Tr(C_a + C_b - 2 (C_a C_b)^(1/2))` with the means `m`
    and the unbiased covariances `C` of the rows, in float64. This is the
    distance of FID (Heusel et al., 2017) and FVD (Unterthiner et al., 2018),
    computed like TF-GAN's `frechet_classifier_distance_from_activations`:
    the trace of the square root is taken as `Tr (A C_b A)^(1/2)` with
    `A = C_a^(1/2)`, where both roots are of symmetric positive semi-definite
    matrices, so no complex numbers or non-symmetric `sqrtm` are involved.

    The estimate is biased upwards at small sample sizes: compare values only
    at equal numbers of samples.

    Args:
        features_a: array `[N_a, D]`, `N_a >= 2`.
        features_b: array `[N_b, D]`, `N_b >= 2`.

    Returns:
        float, `>= 0` up to rounding.

    Example:

    ```python
    import numpy as np
    from keras_vidgan.metrics import frechet_distance

    rng = np.random.default_rng(0)
    a = rng.normal(size=(500, 8))
    print(round(frechet_distance(a, a), 6))  # 0.0
    print(frechet_distance(a, a + 1.0) > 7.9)  # True: the means differ by 1 in 8 dimensions
    ```
    """
    mean_a, covariance_a = _moments(features_a, "features_a")
    mean_b, covariance_b = _moments(features_b, "features_b")
    return frechet_distance_from_moments(mean_a, covariance_a, mean_b, covariance_b)


def frechet_distance_from_moments(mean_a, covariance_a, mean_b, covariance_b):
    """Fréchet distance between `N(mean_a, covariance_a)` and `N(mean_b, covariance_b)`.

    Args:
        mean_a: array `[D]`.
        covariance_a: symmetric positive semi-definite array `[D, D]`.
        mean_b: array `[D]`.
        covariance_b: symmetric positive semi-definite array `[D, D]`.

    Returns:
        float.

    Example:

    ```python
    import numpy as np
    from keras_vidgan.metrics import frechet_distance_from_moments

    eye = np.eye(3)
    print(frechet_distance_from_moments(np.zeros(3), eye, np.ones(3), 4 * eye))  # 6.0
    ```
    """
    mean_a = np.asarray(mean_a, np.float64)
    mean_b = np.asarray(mean_b, np.float64)
    covariance_a = np.asarray(covariance_a, np.float64)
    covariance_b = np.asarray(covariance_b, np.float64)
    dim = mean_a.shape[-1]
    for name, value, shape in (
        ("mean_b", mean_b, (dim,)),
        ("covariance_a", covariance_a, (dim, dim)),
        ("covariance_b", covariance_b, (dim, dim)),
    ):
        if value.shape != shape:
            raise ValueError(f"`{name}` must have shape {shape}, got {value.shape}.")
    root_a = _symmetric_sqrt(covariance_a)
    product = root_a @ covariance_b @ root_a
    # A product of symmetric matrices is symmetric only up to rounding; eigvalsh needs exact.
    eigenvalues = np.linalg.eigvalsh((product + product.T) / 2.0)
    trace_sqrt_product = np.sqrt(_drop_rounding_noise(eigenvalues)).sum()
    difference = mean_a - mean_b
    distance = (
        difference @ difference
        + np.trace(covariance_a)
        + np.trace(covariance_b)
        - 2.0 * trace_sqrt_product
    )
    return float(distance)


def _symmetric_sqrt(matrix):
    """Square root of a symmetric positive semi-definite matrix by eigendecomposition."""
    eigenvalues, eigenvectors = np.linalg.eigh((matrix + matrix.T) / 2.0)
    roots = np.sqrt(_drop_rounding_noise(eigenvalues))
    return (eigenvectors * roots) @ eigenvectors.T


def _drop_rounding_noise(eigenvalues):
    """Zeroes eigenvalues that are rounding noise around 0, negative ones included.

    A covariance of N <= D samples is singular; its zero eigenvalues come out
    as +-1e-16 or so, and square roots would turn them into 1e-8 each (as
    TF-GAN also avoids, by not rooting singular values below 1e-10).
    """
    threshold = max(eigenvalues.max(initial=0.0), 0.0) * len(eigenvalues) * np.finfo(np.float64).eps
    return np.where(eigenvalues > threshold, eigenvalues, 0.0)


def _moments(features, name):
    features = np.asarray(features, np.float64)
    if features.ndim != 2 or features.shape[0] < 2:
        raise ValueError(
            f"`{name}` must be a [N, D] array with N >= 2, got shape {features.shape}."
        )
    if not np.all(np.isfinite(features)):
        raise ValueError(f"`{name}` contains NaN or infinite values.")
    return features.mean(axis=0), np.atleast_2d(np.cov(features, rowvar=False, ddof=1))
