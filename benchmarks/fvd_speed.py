"""How fast FVD is: I3D feature throughput and FVD wall times, with and without cached real data.

Prints, on this machine:
1. I3D feature extraction in clips/s at a batch size (default 16), for FVD's
   224x224 network and for the 112x112 proxy; preprocessing (frame choice and
   resize from 64x64) included, data generation excluded.
2. The wall time of a full FVD + KVD evaluation at each N: Moving MNIST test
   split (seed 0) as the reference against a second sample (seed 1) standing
   in for generated clips, first with an empty cache (I3D runs on 2N clips),
   then again with the real statistics cached (N clips).

    python benchmarks/fvd_speed.py                       # N = 256 and 2048
    python benchmarks/fvd_speed.py --num 256 --proxy     # also time the proxy

The FVD between the two real samples is printed too: it is the floor a model
can reach at that N.
"""

import argparse
import os
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

import keras_vidgan  # noqa: E402
from keras_vidgan.metrics import FVD, EvaluationProtocol, FeatureExtractor  # noqa: E402

FVD_FEATURES = "i3d-kinetics-400-logits"
PROXY_FEATURES = "i3d-kinetics-400-logits-112-proxy"


def moving_mnist(num_clips, seed):
    return keras_vidgan.datasets.moving_mnist(
        num_clips=num_clips, frames=16, size=64, split="test", seed=seed
    )


def throughput(features, batch_size, batches):
    """Clips per second of preprocessing + I3D on batches already in memory."""
    protocol = EvaluationProtocol(num_clips=batch_size, features=features)
    extractor = FeatureExtractor(protocol, batch_size=batch_size)
    clips = np.stack(list(moving_mnist(batch_size, seed=0).as_numpy_iterator()))
    extractor.features(clips)  # trace and warm up
    started = time.perf_counter()
    for _ in range(batches):
        extractor.features(clips)
    return batch_size * batches / (time.perf_counter() - started)


def timed_evaluation(num_clips, features, batch_size, cache_dir):
    protocol = EvaluationProtocol(
        num_clips=num_clips,
        features=features,
        reference="moving_mnist(frames=16, size=64, split='test', digits=2, seed=0)",
    )
    identity = protocol.reference
    extractor = FeatureExtractor(protocol, batch_size=batch_size)
    rows = []
    for label in ("no cache", "cached real"):
        # A fresh FVD each time, as a new process would be: only the disk cache carries over.
        fvd = FVD(protocol, cache=cache_dir, extractor=extractor, verbose=1)
        started = time.perf_counter()
        result = fvd.evaluate(moving_mnist(num_clips, 0), moving_mnist(num_clips, 1), identity)
        seconds = time.perf_counter() - started
        assert result.real_from_cache == (label == "cached real")
        rows.append((label, seconds, result))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num", type=int, nargs="+", default=[256, 2048])
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--throughput-batches", type=int, default=4)
    parser.add_argument("--proxy", action="store_true", help="also time the 112x112 proxy")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()

    feature_sets = [FVD_FEATURES] + ([PROXY_FEATURES] if args.proxy else [])
    if not args.skip_throughput:
        for features in feature_sets:
            rate = throughput(features, args.batch_size, args.throughput_batches)
            print(f"{features}: {rate:.2f} clips/s at batch {args.batch_size}", flush=True)
    with tempfile.TemporaryDirectory() as cache_dir:
        for features in feature_sets:
            for num_clips in args.num:
                for label, seconds, result in timed_evaluation(
                    num_clips, features, args.batch_size, cache_dir
                ):
                    values = ", ".join(f"{k} {v:.3f}" for k, v in result.metrics.items())
                    print(
                        f"{features} N={num_clips} {label}: {seconds:.1f} s "
                        f"(real {result.seconds['real']:.1f} s, generated "
                        f"{result.seconds['generated']:.1f} s); {values}",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
