import numpy as np
import pytest

import keras_vidgan
from keras_vidgan.metrics import FVD, EvaluationProtocol, FeatureExtractor, StatisticsCache

N = 16  # small for CPU time; the ranking is clear at this N (see docs/evaluation.md for N=256)


def _moving_mnist(seed):
    return keras_vidgan.datasets.moving_mnist(
        num_clips=N, frames=16, size=64, split="test", seed=seed
    )


@pytest.fixture(scope="module")
def ranking_statistics(i3d):
    protocol = EvaluationProtocol(num_clips=N, reference="moving_mnist(split='test')")
    extractor = FeatureExtractor(protocol, model=i3d, batch_size=8)
    real = np.stack(list(_moving_mnist(0).as_numpy_iterator()))
    shuffled = real.copy()
    for index, clip in enumerate(shuffled):
        # Perfect frames, broken motion: the order changes, the frames do not.
        clip[:] = clip[np.random.default_rng(index).permutation(len(clip))]
    noise = np.random.default_rng(0).uniform(-1, 1, size=real.shape).astype(np.float32)
    return {
        "real": extractor.extract(real, verbose=0),
        "second real": extractor.extract(_moving_mnist(1), verbose=0),
        "shuffled": extractor.extract(shuffled, verbose=0),
        "noise": extractor.extract(noise, verbose=0),
    }


def test_fvd_ranks_real_below_shuffled_below_noise(ranking_statistics):
    stats = ranking_statistics
    fvd = {name: stats["real"].frechet_distance(stats[name]) for name in stats}
    assert fvd["real"] == pytest.approx(0.0, abs=1e-6)
    assert fvd["second real"] < fvd["shuffled"] < fvd["noise"], fvd
    # Clear margins, not a coin toss.
    assert fvd["shuffled"] > 1.3 * fvd["second real"], fvd
    assert fvd["noise"] > 2 * fvd["shuffled"], fvd


def test_kvd_is_near_zero_for_real_and_clearly_positive_for_noise(ranking_statistics):
    stats = ranking_statistics
    kvd = {name: stats["real"].kernel_distance(stats[name]) for name in stats}
    assert kvd["second real"] < kvd["shuffled"] < kvd["noise"], kvd
    assert abs(kvd["second real"]) < 0.1 * kvd["noise"], kvd


def test_real_statistics_are_cached_and_a_changed_protocol_recomputes(tmp_path, make_tiny_model):
    model = make_tiny_model()
    protocol = EvaluationProtocol(num_clips=6, frames=9)
    real = np.random.default_rng(0).uniform(-1, 1, size=(6, 9, 32, 32, 1)).astype(np.float32)
    generated = np.random.default_rng(1).uniform(-1, 1, size=(6, 9, 32, 32, 1)).astype(np.float32)

    def evaluator(protocol):
        return FVD(
            protocol,
            cache=StatisticsCache(tmp_path),
            extractor=FeatureExtractor(protocol, model=model, batch_size=4),
            verbose=0,
        )

    first = evaluator(protocol).evaluate(real, generated, real_identity="random-real")
    assert not first.real_from_cache
    # A new process (a new FVD) finds the entry on disk; the real clips are never read.
    unreadable = np.full((6, 9, 32, 32, 1), 99.0, np.float32)
    second = evaluator(protocol).evaluate(unreadable, generated, real_identity="random-real")
    assert second.real_from_cache
    assert second.metrics == first.metrics
    assert second.protocol == protocol.to_dict()
    # Another protocol must not reuse the entry: here it reads the (bad) clips and fails.
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        evaluator(protocol.replace(seed=1)).evaluate(
            unreadable, generated, real_identity="random-real"
        )
    # Without an identity nothing is cached.
    third = evaluator(protocol).evaluate(real, generated)
    assert not third.real_from_cache and third.metrics == first.metrics


def test_result_carries_the_protocol_and_proxy_names(make_tiny_model):
    protocol = EvaluationProtocol(
        num_clips=4, frames=9, features="i3d-kinetics-400-logits-112-proxy"
    )
    model = make_tiny_model(size=112)
    fvd = FVD(protocol, extractor=FeatureExtractor(protocol, model=model), verbose=0)
    clips = np.random.default_rng(0).uniform(-1, 1, size=(2, 4, 9, 16, 16, 3)).astype(np.float32)
    result = fvd.evaluate(clips[0], clips[1])
    assert set(result.metrics) == {"fvd_proxy", "kvd_proxy"}
    assert result.to_dict()["protocol"]["features"].endswith("proxy")
    assert "not comparable with FVD" in result.summary()


def test_the_proxy_ranks_like_fvd():
    from keras_vidgan.metrics import load_i3d

    protocol = EvaluationProtocol(num_clips=N, features="i3d-kinetics-400-logits-112-proxy")
    extractor = FeatureExtractor(protocol, model=load_i3d(size=112), batch_size=8)
    real = np.stack(list(_moving_mnist(0).as_numpy_iterator()))
    frozen = np.repeat(real[:, :1], real.shape[1], axis=1)  # perfect digits, no motion
    noise = np.random.default_rng(0).uniform(-1, 1, size=real.shape).astype(np.float32)
    stats = {
        "second real": extractor.extract(_moving_mnist(1), verbose=0),
        "frozen": extractor.extract(frozen, verbose=0),
        "noise": extractor.extract(noise, verbose=0),
    }
    real_stats = extractor.extract(real, verbose=0)
    proxy = {name: real_stats.frechet_distance(value) for name, value in stats.items()}
    assert proxy["second real"] < proxy["frozen"] < proxy["noise"], proxy
