import numpy as np
import pytest

from keras_vidgan.metrics import FeatureStatistics, frechet_distance, kernel_distance


def test_streaming_moments_equal_the_batch_ones():
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(103, 6)) * 3 + 100  # a large mean tests the numerically stable update
    stats = FeatureStatistics(dim=6)
    for batch in np.array_split(rows, [1, 17, 40, 41, 90]):
        stats.update(batch)
    assert stats.count == 103
    np.testing.assert_allclose(stats.mean, rows.mean(0), rtol=1e-12)
    np.testing.assert_allclose(stats.covariance, np.cov(rows, rowvar=False), rtol=1e-9)
    np.testing.assert_array_equal(stats.features, rows.astype(np.float32))


def test_distances_agree_with_the_functions():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(60, 5)), rng.normal(size=(50, 5)) + 0.2
    stats_a, stats_b = FeatureStatistics(5), FeatureStatistics(5)
    stats_a.update(a)
    stats_b.update(b)
    assert stats_a.frechet_distance(stats_b) == pytest.approx(frechet_distance(a, b), rel=1e-9)
    assert stats_a.kernel_distance(stats_b) == pytest.approx(
        kernel_distance(a.astype(np.float32), b.astype(np.float32)), rel=1e-9
    )


def test_save_and_load_round_trip(tmp_path):
    stats = FeatureStatistics(4)
    stats.update(np.random.default_rng(2).normal(size=(10, 4)))
    stats.save(tmp_path / "s.npz", metadata={"protocol": {"num_clips": 10}})
    loaded, metadata = FeatureStatistics.load(tmp_path / "s.npz")
    assert metadata == {"protocol": {"num_clips": 10}}
    assert loaded.count == 10
    np.testing.assert_array_equal(loaded.mean, stats.mean)
    np.testing.assert_array_equal(loaded.covariance, stats.covariance)
    np.testing.assert_array_equal(loaded.features, stats.features)


def test_refuses_bad_updates():
    stats = FeatureStatistics(3)
    with pytest.raises(ValueError, match=r"\[B, 3\]"):
        stats.update(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="NaN"):
        stats.update(np.full((2, 3), np.inf))
    with pytest.raises(ValueError, match="at least 2"):
        _ = stats.covariance
