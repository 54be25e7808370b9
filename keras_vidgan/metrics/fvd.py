"""Fréchet Video Distance and Kernel Video Distance between real and generated clips."""

import time

from keras_vidgan.metrics.evaluation_protocol import EvaluationProtocol
from keras_vidgan.metrics.evaluation_result import EvaluationResult
from keras_vidgan.metrics.feature_extractor import FeatureExtractor
from keras_vidgan.metrics.statistics_cache import StatisticsCache


class FVD:
    """Evaluates generated clips against real ones: FVD and KVD under a pinned protocol.

    FVD (Unterthiner et al., 2018, "Towards Accurate Generative Models of
    Video") is the Fréchet distance (Heusel et al., 2017) between Gaussians
    fitted to Kinetics-400 I3D logits of real and generated clips; KVD is the
    unbiased kernel distance of Binkowski et al. (2018) on the same features.
    Both sides are streamed through I3D in batches. Real statistics are
    cached (in memory, and on disk when `cache` is set and the real data have
    an identity), so evaluating many checkpoints computes them once.

    Args:
        protocol: an `EvaluationProtocol`; `EvaluationProtocol()` when omitted.
        cache: a `StatisticsCache`, a directory for one, `True` for the
            default directory, or `None`/`False` for no disk cache.
        batch_size: int. Clips per I3D call.
        extractor: a `FeatureExtractor` to use instead of building one (it
            must have the same protocol).
        verbose: 0 or 1 (progress bars).

    Example:

    ```python
    import keras_vidgan
    from keras_vidgan.metrics import FVD, EvaluationProtocol

    protocol = EvaluationProtocol(num_clips=16, reference="moving_mnist(split='test')")
    fvd = FVD(protocol, batch_size=8)
    real = keras_vidgan.datasets.moving_mnist(num_clips=16, size=64, split="test")
    other = keras_vidgan.datasets.moving_mnist(num_clips=16, size=64, split="test", seed=1)
    result = fvd.evaluate(real, other, real_identity="moving_mnist(split='test', seed=0)")
    print(sorted(result.metrics))  # ['fvd', 'kvd']
    ```
    """

    def __init__(self, protocol=None, cache=None, batch_size=16, extractor=None, verbose=1):
        self.protocol = protocol or EvaluationProtocol()
        if extractor is None:
            extractor = FeatureExtractor(self.protocol, batch_size=batch_size)
        elif extractor.protocol != self.protocol:
            raise ValueError("The extractor's protocol differs from this FVD's protocol.")
        self.extractor = extractor
        if cache is True:
            cache = StatisticsCache()
        elif cache is not None and cache is not False and not isinstance(cache, StatisticsCache):
            cache = StatisticsCache(cache)
        self.cache = cache or None
        self.verbose = verbose
        self._memory = {}

    def real_statistics(self, real, identity=None):
        """Statistics of the real clips; from the cache when it has them.

        Args:
            real: clips in any form `FeatureExtractor.extract` accepts.
            identity: str identifying the real data (a built-in dataset's
                call, or `statistics_cache.path_identity(path)`). Without it
                nothing is cached.

        Returns:
            `(FeatureStatistics, from_cache)`.
        """
        if identity is not None:
            if identity in self._memory:
                return self._memory[identity], True
            if self.cache is not None:
                stats = self.cache.get(self.protocol, identity, self.extractor.identity)
                if stats is not None:
                    self._memory[identity] = stats
                    return stats, True
        stats = self.extractor.extract(real, verbose=self.verbose, description="real clips")
        if identity is not None:
            self._memory[identity] = stats
            if self.cache is not None:
                self.cache.put(self.protocol, identity, stats, self.extractor.identity)
        return stats, False

    def generated_statistics(self, generated):
        """Statistics of generated clips (a dataset, an array, a generator or a GAN)."""
        return self.extractor.extract(
            generated, verbose=self.verbose, description="generated clips"
        )

    def evaluate(self, real, generated, real_identity=None):
        """FVD and KVD between `real` and `generated` clips.

        Args:
            real: the reference clips (see `real_statistics`).
            generated: the clips to judge: a dataset, an array, a generator
                `keras.Model` or a `keras_vidgan.GAN` (noise from the
                protocol's seed).
            real_identity: str identifying the real data, for the cache.

        Returns:
            An `EvaluationResult` (`result["fvd"]`, `result["kvd"]`, or the
            `_proxy` names under the proxy features).
        """
        started = time.perf_counter()
        real_stats, from_cache = self.real_statistics(real, real_identity)
        real_done = time.perf_counter()
        generated_stats = self.generated_statistics(generated)
        generated_done = time.perf_counter()
        metrics = self.distances(real_stats, generated_stats)
        finished = time.perf_counter()
        return EvaluationResult(
            metrics=metrics,
            protocol=self.protocol.to_dict(),
            real_identity=real_identity or "",
            real_from_cache=from_cache,
            seconds={
                "real": real_done - started,
                "generated": generated_done - real_done,
                "distances": finished - generated_done,
            },
        )

    def distances(self, real_stats, generated_stats):
        """`{fvd, kvd}` (or the proxy names) between two `FeatureStatistics`."""
        return {
            self.protocol.metric_name: real_stats.frechet_distance(generated_stats),
            self.protocol.kernel_metric_name: real_stats.kernel_distance(
                generated_stats, block_size=self.protocol.kvd_block_size
            ),
        }
