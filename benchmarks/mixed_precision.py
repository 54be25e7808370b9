"""Training speed of each `--precision`: clips per second, and the ratio to float32.

Builds the GAN of `keras-vidgan train` (`keras_vidgan.training.build_gan`, so
float16 has its loss scaling) once per precision, in one process, and times
them in alternating rounds on an in-memory batch (input is not measured):
on a machine shared with other work the load drifts, and alternating gives
every precision the same drift. It prints the median over rounds.

Two configurations:

- `default`: the defaults of `keras-vidgan train` (VGAN, 16 frames of
  32x32x1, width 16, batch 16);
- `quality`: the quality table's clips (16 frames of 64x64x1) with width 32,
  batch 16 (the 3D DCGAN of the field notes' timing).

Usage:

    python benchmarks/mixed_precision.py
    python benchmarks/mixed_precision.py --configs quality --steps 3 --rounds 5
    python benchmarks/mixed_precision.py --precisions float32,mixed_bfloat16
    python benchmarks/mixed_precision.py --check-gradients

`--check-gradients` only compares the Conv3D weight gradient that TensorFlow
computes in each precision with an exact (float64 NumPy) one, for a layer of
the default VGAN generator: a fast precision is useless if its gradients are
wrong (on this project's CPUs, TensorFlow 2.21's oneDNN bfloat16 kernel is).

Speed is only half the decision: a precision is worth it where it is faster
at equal quality (FVD after equal training time, `benchmarks/model_zoo_quality.py
-- --precision mixed_bfloat16`).
"""

import argparse
import os
import statistics
import time

CONFIGS = {
    "default": dict(frames=16, size=32, channels=1, width=16, latent_dim=100, batch_size=16),
    "quality": dict(frames=16, size=64, channels=1, width=32, latent_dim=100, batch_size=16),
}
PRECISIONS = ("float32", "mixed_bfloat16", "mixed_float16")


def build(settings, precision):
    """The recipe's compiled GAN and an endless in-memory batch for `settings`."""
    import keras
    import tensorflow as tf

    from keras_vidgan.training import TrainConfig
    from keras_vidgan.training.train_lib import build_gan

    config = TrainConfig(**settings, precision=precision)
    keras.utils.set_random_seed(0)
    gan = build_gan(config)
    shape = (config.batch_size, *config.clip_shape)
    clips = tf.random.stateless_uniform(shape, seed=[1, 2], minval=-1.0, maxval=1.0)
    return gan, tf.data.Dataset.from_tensors(clips).repeat()


def timed_steps(gan, dataset, steps):
    started = time.perf_counter()
    gan.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0)
    return time.perf_counter() - started


def measure(name, settings, precisions, steps, rounds):
    runs = {precision: build(settings, precision) for precision in precisions}
    for gan, dataset in runs.values():
        timed_steps(gan, dataset, 2)  # traces the step, and warms up oneDNN
    seconds = {precision: [] for precision in precisions}
    for round_index in range(rounds):
        for precision, (gan, dataset) in runs.items():
            seconds[precision].append(timed_steps(gan, dataset, steps) / steps)
            print(f"  {name} round {round_index + 1} {precision}: "
                  f"{seconds[precision][-1]:.3f} s/step", flush=True)
    batch = settings["batch_size"]
    medians = {precision: statistics.median(times) for precision, times in seconds.items()}
    return {precision: (batch / medians[precision], medians["float32"] / medians[precision],
                        largest_weight(gan))
            for precision, (gan, _) in runs.items()}


def largest_weight(gan):
    """The largest magnitude of any weight: a speed is worth nothing if training broke."""
    import numpy as np

    return max(float(np.max(np.abs(weight))) for weight in gan.get_weights())


def check_gradients(precisions):
    """Relative error of Conv3D weight gradients per precision, against float64 NumPy."""
    import numpy as np
    import tensorflow as tf

    # VGAN's first foreground upsampling convolution (width 16, batch 4): 3x3x3, 128 -> 64.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 2, 8, 8, 128))
    kernel = rng.normal(size=(3, 3, 3, 128, 64)) * 0.05
    upstream = rng.normal(size=(4, 2, 8, 8, 64))
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (1, 1), (0, 0)))
    exact = np.zeros(kernel.shape)
    for a, b, c in np.ndindex(3, 3, 3):
        window = padded[:, a : a + 2, b : b + 8, c : c + 8]
        exact[a, b, c] = np.einsum("nthwi,nthwo->io", window, upstream)

    # Tensors as arguments, not constants, so that the graph runs the CPU kernels.
    @tf.function
    def weight_gradient(x, kernel, upstream):
        with tf.GradientTape() as tape:
            tape.watch(kernel)
            y = tf.nn.conv3d(x, kernel, [1, 1, 1, 1, 1], "SAME")
            loss = tf.reduce_sum(y * upstream)
        return tape.gradient(loss, kernel)

    print("Conv3D weight gradient, relative error against float64 (rounding alone: "
          "~1e-7 float32, ~1e-2 bfloat16 and float16)")
    for precision in precisions:
        dtype = "float32" if precision == "float32" else precision.removeprefix("mixed_")
        arguments = [tf.constant(value, dtype) for value in (x, kernel, upstream)]
        computed = tf.cast(weight_gradient(*arguments), tf.float64).numpy()
        error = np.max(np.abs(computed - exact)) / np.max(np.abs(exact))
        print(f"  {dtype:<10}{error:.3g}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--configs", default="default,quality",
                        help="comma-separated, from: " + ", ".join(CONFIGS))
    parser.add_argument("--precisions", default=",".join(PRECISIONS),
                        help="comma-separated; float32 is always measured (the baseline)")
    parser.add_argument("--steps", type=int, default=5, help="timed steps per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="alternating measurements")
    parser.add_argument("--check-gradients", action="store_true",
                        help="only check each precision's Conv3D weight gradients")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

    import tensorflow as tf

    precisions = [p for p in args.precisions.split(",") if p != "float32"]
    unknown = [p for p in precisions if p not in PRECISIONS]
    unknown += [c for c in args.configs.split(",") if c not in CONFIGS]
    if unknown:
        parser.error(f"unknown: {', '.join(unknown)}")
    precisions = ["float32", *precisions]
    if args.check_gradients:
        check_gradients(precisions)
        return
    device = "GPU" if tf.config.list_physical_devices("GPU") else "CPU only"
    print(f"{device}, {os.cpu_count()} CPUs, {args.steps} steps x {args.rounds} rounds, "
          "median per precision")
    results = {}
    for name in args.configs.split(","):
        print(f"{name}: {CONFIGS[name]}", flush=True)
        results[name] = measure(name, CONFIGS[name], precisions, args.steps, args.rounds)
    print(f"\n{'configuration':<14}{'precision':<16}{'clips/s':>9}{'vs float32':>12}"
          f"{'max |weight|':>14}")
    for name, rows in results.items():
        for precision, (clips_per_second, ratio, largest) in rows.items():
            print(f"{name:<14}{precision:<16}{clips_per_second:>9.2f}{ratio:>11.2f}x"
                  f"{largest:>14.3g}")


if __name__ == "__main__":
    main()
