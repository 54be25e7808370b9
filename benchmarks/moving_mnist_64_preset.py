"""Trains, measures and writes the `moving_mnist_64` preset that ships with the package.

Three steps, each as a user would run it:

    keras-vidgan train --model styleganv --synthesis frames --size 64 --frames 16 --digits 2 --width 16 \
        --epochs 1000 --time-budget MINUTES --keep-checkpoints 1000 --out RUN
    keras-vidgan evaluate RUN/checkpoints/epoch_NNNN.keras --data moving_mnist --num 256 \
        --legibility --output RUN/evaluation/epoch_NNNN.json      (every --every epochs)
    keras_vidgan.presets.save_gan_preset(<the checkpoint with the lowest FVD>, OUT, metadata)

A GAN's last checkpoint is not always its best (the quality table's 30-minute
runs got worse than their 15-minute ones), so the script measures checkpoints
along the run and ships the one with the lowest FVD; the metadata records
which one, after how many minutes and steps, and every checkpoint's figures.
An existing run is resumed and evaluations already written are reused, so
the budget can be raised without starting over.

    python benchmarks/moving_mnist_64_preset.py --run runs/moving_mnist_64 --minutes 60 \
        --out keras_vidgan/presets/moving_mnist_64
"""

import argparse
import csv
import glob
import json
import os
import re
import subprocess
import sys

# The default run's recipe (StyleGAN-V, BCE, Adam 1e-3, R1 0.1, EMA 0.999) at the quality
# table's configuration; written out so that the preset does not move with the defaults.
RECIPE = [
    "--model", "styleganv", "--loss", "bce", "--size", "64", "--frames", "16", "--digits", "2",
    "--width", "16", "--ema", "0.999", "--g-lr", "1e-3", "--d-lr", "1e-3", "--r1", "0.1",
    "--r1-interval", "1", "--seed", "0", "--synthesis", "frames",
]  # fmt: skip
DESCRIPTION = (
    "StyleGAN-V-style generator of Moving MNIST clips: two 28x28 MNIST digits moving and "
    "bouncing in a 64x64 frame, 16 frames, grayscale. Unconditional; renders any number of "
    "frames (`--frames`)."
)


def train_command(run_dir, minutes):
    return [
        sys.executable, "-m", "keras_vidgan_cli.main", "train", *RECIPE,
        "--epochs", "1000", "--time-budget", f"{minutes:g}", "--keep-checkpoints", "1000",
        "--progress", "epoch", "--out", run_dir,
    ]  # fmt: skip


def evaluate_command(checkpoint, num_clips, result_path):
    return [
        sys.executable, "-m", "keras_vidgan_cli.main", "evaluate", checkpoint,
        "--data", "moving_mnist", "--num", str(num_clips), "--legibility", "--quiet",
        "--output", result_path,
    ]  # fmt: skip


def epoch_of(checkpoint):
    return int(re.search(r"epoch_(\d+)\.keras$", checkpoint).group(1))


def training_log(run_dir):
    """`{epoch: (minutes, steps)}` from the run's `logs/training.csv`."""
    with open(os.path.join(run_dir, "logs", "training.csv"), newline="") as handle:
        return {
            int(row["epoch"]): (float(row["train_minutes"]), int(float(row["train_steps"])))
            for row in csv.DictReader(handle)
        }


def measure(run_dir, every, num_clips, environment):
    """The figures of every `every`-th checkpoint (and the last), evaluated once each."""
    checkpoints = sorted(glob.glob(os.path.join(run_dir, "checkpoints", "epoch_*.keras")))
    chosen = [c for c in checkpoints if epoch_of(c) % every == 0] + checkpoints[-1:]
    log = training_log(run_dir)
    rows = {}
    for checkpoint in sorted(set(chosen), key=epoch_of):
        epoch = epoch_of(checkpoint)
        result_path = os.path.join(run_dir, "evaluation", f"epoch_{epoch:04d}_n{num_clips}.json")
        if not os.path.exists(result_path):
            print(f"[evaluate] epoch {epoch}", flush=True)
            subprocess.run(
                evaluate_command(checkpoint, num_clips, result_path), check=True, env=environment
            )
        with open(result_path) as handle:
            report = json.load(handle)
        minutes, steps = log[epoch]
        rows[epoch] = {
            "checkpoint": os.path.relpath(checkpoint, run_dir),
            "train_minutes": round(minutes, 1),
            "train_steps": steps,
            "fvd": round(report["metrics"]["fvd"], 1),
            "kvd": round(report["metrics"]["kvd"], 2),
            "legible_frames": report["legibility"]["generated"]["legible_frames"],
            "identity_clips": report["legibility"]["generated"]["identity_clips"],
        }
        print(f"  epoch {epoch}: {rows[epoch]}", flush=True)
    return rows, report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", default="runs/moving_mnist_64", help="the training run")
    parser.add_argument("--minutes", type=float, default=60.0, help="training budget")
    parser.add_argument("--every", type=int, default=20, help="evaluate every N-th epoch")
    parser.add_argument("--num", type=int, default=256, help="FVD clips a side")
    parser.add_argument("--out", default=None, help="write the preset here (default: don't)")
    args = parser.parse_args()
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}

    command = train_command(args.run, args.minutes)
    print("[train]", " ".join(command[2:]), flush=True)
    subprocess.run(command, check=True, env=environment)
    rows, last_report = measure(args.run, args.every, args.num, environment)
    best_epoch = min(rows, key=lambda epoch: rows[epoch]["fvd"])
    best = rows[best_epoch]
    print(f"\nLowest FVD: epoch {best_epoch}: {best}")
    if args.out is None:
        return

    import keras

    import keras_vidgan

    gan = keras.saving.load_model(os.path.join(args.run, best["checkpoint"]), compile=False)
    with open(os.path.join(args.run, "config.json")) as handle:
        run_config = json.load(handle)
    run_config.pop("out", None)  # a path of the training machine
    real = last_report["legibility"]["real"]
    metadata = {
        "name": "moving_mnist_64",
        "description": DESCRIPTION,
        "keras_vidgan_version": keras_vidgan.__version__,
        "clip_shape": list(gan.clip_shape),
        "parameters": {
            "generator": int(gan.sampling_generator.count_params()),
            "discriminator": int(sum(d.count_params() for d in gan.discriminators.values())),
        },
        "training": {
            "command": "keras-vidgan train " + " ".join(RECIPE) + " --epochs 1000 "
            f"--time-budget {args.minutes:g} --keep-checkpoints 1000 --out RUN",
            "machine": "2 CPU cores",
            "budget_minutes": args.minutes,
            "chosen_epoch": best_epoch,
            "train_minutes": best["train_minutes"],
            "train_steps": best["train_steps"],
        },
        "evaluation": {
            "command": f"keras-vidgan evaluate --preset moving_mnist_64 --data moving_mnist "
            f"--num {args.num} --legibility",
            "fvd": best["fvd"],
            "kvd": best["kvd"],
            "legible_frames": best["legible_frames"],
            "identity_clips": best["identity_clips"],
            "real_legible_frames": real["legible_frames"],
            "real_identity_clips": real["identity_clips"],
            "checkpoints": [rows[epoch] for epoch in sorted(rows)],
        },
        "run_config": run_config,
    }
    keras_vidgan.presets.save_gan_preset(gan, args.out, metadata)
    print(f"Wrote the preset to {args.out}.")


if __name__ == "__main__":
    main()
