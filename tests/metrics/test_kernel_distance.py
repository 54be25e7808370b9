import numpy as np
import pytest

from keras_vidgan.metrics import kernel_distance


def brute_force_mmd2(x, y):
    """Unbiased MMD^2 written out pair by pair, with the kernel (x.y / d + 1)^3."""
    d = x.shape[1]

    def k(u, v):
        return (u @ v / d + 1.0) ** 3

    m, n = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(n)) / (m * n)
    return xx + yy - 2 * xy


def test_matches_the_pairwise_definition():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 6))
    y = rng.normal(size=(15, 6)) + 0.3
    assert kernel_distance(x, y) == pytest.approx(brute_force_mmd2(x, y), rel=1e-10)


def test_near_zero_for_one_distribution_and_positive_for_another():
    rng = np.random.default_rng(1)
    dim = 32
    a = rng.normal(size=(1000, dim))
    b = rng.normal(size=(1000, dim))
    shifted = rng.normal(size=(1000, dim)) + 0.5
    wider = rng.normal(size=(1000, dim)) * 1.5
    same = kernel_distance(a, b)
    assert abs(same) < 0.02
    assert kernel_distance(a, shifted) > 50 * max(abs(same), 1e-3)
    assert kernel_distance(a, wider) > 50 * max(abs(same), 1e-3)


def test_blocks_average_per_block_estimates():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(100, 4))
    y = rng.normal(size=(90, 4)) + 1.0
    value, std = kernel_distance(x, y, block_size=50, return_std=True)
    blocks = [
        brute_force_mmd2(x[:50], y[:45]),
        brute_force_mmd2(x[50:], y[45:]),
    ]
    assert value == pytest.approx(np.mean(blocks), rel=1e-10)
    assert std == pytest.approx(np.std(blocks), rel=1e-8)
    assert kernel_distance(x, y, block_size=1024, return_std=True)[1] == 0.0


def test_refuses_bad_inputs():
    with pytest.raises(ValueError, match="differ"):
        kernel_distance(np.zeros((4, 3)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="block_size"):
        kernel_distance(np.zeros((4, 3)), np.zeros((4, 3)), block_size=1)
