"""Measures each performance lever of GAN training against the default configuration.

Each configuration runs in its own process (thread settings and the
precision policy are fixed once TensorFlow starts), trains the default
`keras-vidgan train` model on an in-memory batch (so input is not measured)
and prints seconds per GAN step and the ratio to the baseline (above 1:
faster). Configurations are measured in interleaved rounds, and the median
per configuration is reported, because machines shared with other work
drift during a run.

Levers: `mixed_bfloat16` (CPUs with AVX-512 BF16 / AMX), VGAN's
upsampling (`resize` and plain `transpose` against the default `icnr`), TensorFlow
thread-pool sizes, `steps_per_execution`; on a GPU also `mixed_float16`
(with loss scaling) and XLA (`jit_compile=True`).

Usage:

    python benchmarks/performance_levers.py --steps 10 --rounds 3
    python benchmarks/performance_levers.py --only baseline,bf16
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

# The defaults of `keras-vidgan train` (keras_vidgan.training.TrainConfig).
MODEL = {"frames": 16, "size": 32, "channels": 1, "width": 16, "latent_dim": 100, "batch": 16}

CONFIGURATIONS = {
    "baseline": {},
    "bf16": {"policy": "mixed_bfloat16"},
    "transpose": {"upsampling": "transpose"},
    "resize": {"upsampling": "resize"},
    "threads_1x1": {"intra": 1, "inter": 1},
    "threads_2x2": {"intra": 2, "inter": 2},
    "steps_per_execution_4": {"steps_per_execution": 4},
    "gpu_fp16": {"policy": "mixed_float16", "gpu_only": True},
    "gpu_xla": {"jit_compile": True, "gpu_only": True},
}


def child(configuration, steps):
    """Runs one configuration in this process and prints its seconds per step."""
    import time

    import tensorflow as tf

    if configuration.get("intra"):
        tf.config.threading.set_intra_op_parallelism_threads(configuration["intra"])
        tf.config.threading.set_inter_op_parallelism_threads(configuration["inter"])
    import keras

    from keras_vidgan.models import GAN, VGANGenerator, VideoDiscriminator

    if configuration.get("policy"):
        # Timing only: `benchmarks/mixed_precision.py` measures the recipe's precisions.
        keras.mixed_precision.set_global_policy(configuration["policy"])
    generator = VGANGenerator(
        latent_dim=MODEL["latent_dim"], frames=MODEL["frames"], size=MODEL["size"],
        channels=MODEL["channels"], width=MODEL["width"],
        upsampling=configuration.get("upsampling", "icnr"),
    )
    discriminator = VideoDiscriminator(
        frames=MODEL["frames"], size=MODEL["size"], channels=MODEL["channels"],
        width=MODEL["width"],
    )
    gan = GAN(generator, discriminator, seed=0)
    optimizers = {}
    if configuration.get("policy") == "mixed_float16":
        optimizers = {
            name: keras.optimizers.LossScaleOptimizer(keras.optimizers.Adam(2e-4, beta_1=0.5))
            for name in ("d_optimizer", "g_optimizer")
        }
    steps_per_execution = configuration.get("steps_per_execution", 1)
    gan.compile(steps_per_execution=steps_per_execution,
                jit_compile=configuration.get("jit_compile", False), **optimizers)
    shape = (MODEL["batch"], MODEL["frames"], MODEL["size"], MODEL["size"], MODEL["channels"])
    clips = tf.random.uniform(shape, -1.0, 1.0, seed=1)
    dataset = tf.data.Dataset.from_tensors(clips).repeat()
    # Whole executions only, so every configuration times the same number of steps.
    steps = max(steps_per_execution, steps // steps_per_execution * steps_per_execution)
    gan.fit(dataset, epochs=1, steps_per_epoch=2 * steps_per_execution, verbose=0)  # trace
    started = time.perf_counter()
    gan.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0)
    seconds = (time.perf_counter() - started) / steps
    print("RESULT" + json.dumps({"seconds_per_step": seconds}))


def run_one(name, steps):
    completed = subprocess.run(
        [sys.executable, __file__, "--child", name, "--steps", str(steps)],
        capture_output=True, text=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("RESULT")]
    if completed.returncode or not lines:
        raise RuntimeError(f"{name} failed:\n{completed.stderr[-2000:]}")
    return json.loads(lines[0][len("RESULT"):])["seconds_per_step"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=10, help="timed steps per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved measurements")
    parser.add_argument("--only", help="comma-separated configuration names")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(CONFIGURATIONS[args.child], args.steps)
        return

    import tensorflow as tf

    has_gpu = bool(tf.config.list_physical_devices("GPU"))
    names = args.only.split(",") if args.only else list(CONFIGURATIONS)
    if "baseline" not in names:
        names.insert(0, "baseline")
    skipped = [n for n in names if CONFIGURATIONS[n].get("gpu_only") and not has_gpu]
    names = [n for n in names if n not in skipped]
    print(f"model {MODEL}, {'GPU' if has_gpu else 'CPU only'}, {os.cpu_count()} CPUs, "
          f"{args.steps} steps x {args.rounds} rounds")
    times = {name: [] for name in names}
    for round_index in range(args.rounds):
        for name in names:
            times[name].append(run_one(name, args.steps))
            print(f"  round {round_index + 1} {name}: {times[name][-1]:.3f} s/step", flush=True)
    baseline = statistics.median(times["baseline"])
    print(f"\n{'configuration':<24}{'s/step':>9}{'speed-up':>10}  (median of {args.rounds})")
    for name in names:
        median = statistics.median(times[name])
        print(f"{name:<24}{median:>9.3f}{baseline / median:>9.2f}x")
    for name in skipped:
        print(f"{name:<24}{'not measured: no GPU':>30}")


if __name__ == "__main__":
    main()
