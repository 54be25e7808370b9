import os

import numpy as np
import pytest

from keras_vidgan.metrics import EvaluationProtocol, FeatureStatistics, StatisticsCache
from keras_vidgan.metrics.statistics_cache import path_identity


def _stats(seed=0, count=6):
    stats = FeatureStatistics(3)
    stats.update(np.random.default_rng(seed).normal(size=(count, 3)))
    return stats


def test_protocol_round_trips_and_records_the_fixed_choices():
    protocol = EvaluationProtocol(num_clips=256, clip_start="random", seed=3, reference="x")
    values = protocol.to_dict()
    assert values["size"] == 224 and "bilinear" in values["resize"] and values["version"] == 1
    assert EvaluationProtocol.from_dict(values) == protocol
    with pytest.raises(ValueError, match="version"):
        EvaluationProtocol.from_dict({**values, "version": 99})


def test_proxy_is_never_named_fvd():
    proxy = EvaluationProtocol(features="i3d-kinetics-400-logits-112-proxy")
    assert proxy.size == 112 and proxy.is_proxy
    assert (proxy.metric_name, proxy.kernel_metric_name) == ("fvd_proxy", "kvd_proxy")
    assert EvaluationProtocol().metric_name == "fvd"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"num_clips": 1},
        {"frames": 8},
        {"stride": 0},
        {"clip_start": "middle"},
        {"features": "inception"},
        {"seed": 1.5},
    ],
)
def test_protocol_refuses_bad_fields(kwargs):
    with pytest.raises(ValueError):
        EvaluationProtocol(**kwargs)


def test_every_field_changes_the_cache_key():
    base = EvaluationProtocol(num_clips=8)
    keys = {base.cache_key("data", "weights")}
    for change in [
        {"num_clips": 9},
        {"frames": 12},
        {"stride": 2},
        {"clip_start": "random"},
        {"features": "i3d-kinetics-400-logits-112-proxy"},
        {"reference": "other"},
        {"seed": 1},
        {"kvd_block_size": 512},
    ]:
        keys.add(base.replace(**change).cache_key("data", "weights"))
    keys.add(base.cache_key("other data", "weights"))
    keys.add(base.cache_key("data", "other weights"))
    assert len(keys) == 11
    assert base.cache_key("data", "weights") == EvaluationProtocol(num_clips=8).cache_key(
        "data", "weights"
    )


def test_cache_hit_returns_the_same_statistics_and_changes_miss(tmp_path):
    cache = StatisticsCache(tmp_path)
    protocol = EvaluationProtocol(num_clips=6)
    stats = _stats()
    assert cache.get(protocol, "data", "weights") is None
    cache.put(protocol, "data", stats, "weights")
    hit = cache.get(protocol, "data", "weights")
    np.testing.assert_array_equal(hit.mean, stats.mean)
    np.testing.assert_array_equal(hit.covariance, stats.covariance)
    np.testing.assert_array_equal(hit.features, stats.features)
    assert cache.get(protocol.replace(frames=12), "data", "weights") is None
    assert cache.get(protocol.replace(clip_start="random"), "data", "weights") is None
    assert cache.get(protocol, "other data", "weights") is None
    assert cache.get(protocol, "data", "other weights") is None


def test_cache_rejects_an_entry_whose_stored_protocol_differs(tmp_path):
    # Even a file under the right name is not trusted unless what it stores matches.
    cache = StatisticsCache(tmp_path)
    protocol = EvaluationProtocol(num_clips=6)
    other = protocol.replace(seed=5)
    cache.put(other, "data", _stats())
    (tmp_path / f"{other.cache_key('data')}.npz").rename(cache.path(protocol, "data"))
    assert cache.get(protocol, "data") is None


def test_cache_ignores_a_damaged_entry_and_leaves_no_temporary_files(tmp_path):
    cache = StatisticsCache(tmp_path)
    protocol = EvaluationProtocol(num_clips=6)
    path = cache.put(protocol, "data", _stats())
    assert sorted(p.name for p in tmp_path.iterdir()) == [os.path.basename(path)]
    with open(path, "wb") as file:
        file.write(b"not an npz")
    assert cache.get(protocol, "data") is None


def test_default_directory_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_VIDGAN_CACHE", str(tmp_path))
    assert StatisticsCache().directory == str(tmp_path / "fvd_statistics")


def test_path_identity_changes_with_the_files(tmp_path):
    (tmp_path / "a.mp4").write_bytes(b"12345")
    first = path_identity(tmp_path)
    assert path_identity(tmp_path) == first
    (tmp_path / "b.mp4").write_bytes(b"1")
    second = path_identity(tmp_path)
    assert second != first
    (tmp_path / "b.mp4").write_bytes(b"22")
    assert path_identity(tmp_path) != second
