import numpy as np
import pytest
import scipy.linalg

from keras_vidgan.metrics import frechet_distance, frechet_distance_from_moments


def scipy_frechet_distance(a, b):
    """An independent computation: scipy's general sqrtm of the product C_a C_b."""
    mean_a, mean_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root = scipy.linalg.sqrtm(cov_a @ cov_b)
    root = root.real
    return float(((mean_a - mean_b) ** 2).sum() + np.trace(cov_a + cov_b - 2 * root))


@pytest.mark.parametrize("dim, count", [(16, 200), (64, 1000), (128, 300)])
def test_matches_scipy_sqrtm_on_random_gaussians(dim, count):
    rng = np.random.default_rng(dim)
    mixing_a = rng.normal(size=(dim, dim))
    mixing_b = rng.normal(size=(dim, dim)) * 0.5 + np.eye(dim)
    a = rng.normal(size=(count, dim)) @ mixing_a + rng.normal(size=dim)
    b = rng.normal(size=(count, dim)) @ mixing_b
    ours = frechet_distance(a, b)
    reference = scipy_frechet_distance(a, b)
    assert abs(ours - reference) / abs(reference) <= 1e-6


def test_distance_of_a_set_to_itself_is_zero():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 32)).astype(np.float32)
    assert abs(frechet_distance(x, x)) < 1e-8
    # Also when the covariance is singular (fewer samples than dimensions).
    y = rng.normal(size=(10, 32))
    assert abs(frechet_distance(y, y)) < 1e-8


def test_closed_form_between_known_gaussians():
    dim = 5
    # N(0, I) vs N(1, 4I): |1|^2 * 5 + Tr(I + 4I - 2 * 2I) = 5 + 5 = 10.
    value = frechet_distance_from_moments(np.zeros(dim), np.eye(dim), np.ones(dim), 4 * np.eye(dim))
    assert value == pytest.approx(10.0, abs=1e-12)


def test_is_symmetric_and_grows_with_a_shift():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(2, 400, 8))
    assert frechet_distance(a, b) == pytest.approx(frechet_distance(b, a), rel=1e-9)
    assert frechet_distance(a, b + 0.5) > frechet_distance(a, b) + 1.0


def test_uses_unbiased_covariances():
    # Two samples with equal rows but a different count differ only through 1/(N-1).
    a = np.array([[0.0], [2.0]])  # mean 1, unbiased variance 2
    b = np.array([[1.0], [1.0]])  # variance 0
    assert frechet_distance(a, b) == pytest.approx(2.0)


def test_refuses_bad_inputs():
    with pytest.raises(ValueError, match="N >= 2"):
        frechet_distance(np.zeros((1, 3)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="NaN"):
        frechet_distance(np.full((4, 3), np.nan), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="shape"):
        frechet_distance(np.zeros((4, 3)), np.zeros((5, 2)))
