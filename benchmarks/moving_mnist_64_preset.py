"""Trains, measures and writes the `moving_mnist_64` preset that ships with the package.

Three steps, each as a user would run it:

    keras-vidgan train <RECIPE> --epochs EPOCHS --lr-decay-start 6000 \
        --lr-decay-steps <EPOCHS * 100 - 6000> --keep-checkpoints 1000 --out RUN
    keras-vidgan evaluate RUN/checkpoints/epoch_NNNN.keras --data moving_mnist --num 256 \
        --legibility --output RUN/evaluation/epoch_NNNN.json      (every --every epochs)
    keras_vidgan.presets.save_gan_preset(<the checkpoint with the lowest FVD>, OUT, metadata)

The recipe is the best 30-minute one of docs/model_zoo.md, the StyleGAN-V design drawing
each clip's two digits as sprites, each from its own digit's class, with AC-GAN's
auxiliary classifier, batch 32, Adam 1e-3 with beta_2 0.99, R1 0.1 and a 0.999 moving
average; the learning rates hold for 6,000 steps, then fall to zero at the last step. The
run is counted in steps, not minutes, so that the schedule ends where the run does on any
machine.

A GAN's last checkpoint is not always its best (the quality table's 30-minute
runs got worse than their 15-minute ones), so the script measures checkpoints
along the run and ships the one with the lowest FVD; the metadata records
which one, after how many minutes and steps, and every checkpoint's figures.
An existing run is resumed and evaluations already written are reused, so
the budget can be raised without starting over.

    python benchmarks/moving_mnist_64_preset.py --run runs/moving_mnist_64 --epochs 200 \
        --every 50 --out keras_vidgan/presets/moving_mnist_64
"""

import argparse
import csv
import glob
import json
import os
import re
import subprocess
import sys

# Written out in full so that the preset does not move with the command line's defaults.
RECIPE = [
    "--model", "styleganv", "--synthesis", "sprites", "--sprite-placement", "whole_pixels",
    "--conditional", "class", "--label-every-digit", "--auxiliary-classifier", "--loss", "bce",
    "--size", "64", "--frames", "16", "--digits", "2", "--width", "16", "--batch-size", "32",
    "--ema", "0.999", "--g-lr", "1e-3", "--d-lr", "1e-3", "--adam-beta2", "0.99", "--r1", "0.1",
    "--r1-interval", "1", "--seed", "0",
]  # fmt: skip
# Steps at the full learning rates; then a half cosine to zero at the run's last step.
DECAY_START = 6000
STEPS_PER_EPOCH = 100
DESCRIPTION = (
    "StyleGAN-V-style generator of Moving MNIST clips: two 28x28 MNIST digits moving and "
    "bouncing in a 64x64 frame, 16 frames, grayscale. Conditioned on the class of each "
    "digit (labels [B, 2]; without labels, seed s shows digits s and 3s + 7 mod 10); each "
    "digit is drawn once per clip and moved, so it keeps its shape. Renders any number of "
    "frames (`--frames`)."
)


def schedule(epochs):
    """The flags of the run's length and learning-rate schedule."""
    decay_steps = epochs * STEPS_PER_EPOCH - DECAY_START
    if decay_steps <= 0:
        raise SystemExit(f"--epochs {epochs} ends before the decay starts at step {DECAY_START}.")
    return [
        "--epochs", str(epochs), "--steps-per-epoch", str(STEPS_PER_EPOCH),
        "--lr-decay-start", str(DECAY_START), "--lr-decay-steps", str(decay_steps),
    ]  # fmt: skip


def train_command(run_dir, epochs):
    return [
        sys.executable, "-m", "keras_vidgan_cli.main", "train", *RECIPE, *schedule(epochs),
        "--keep-checkpoints", "1000", "--progress", "epoch", "--out", run_dir,
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
            # The share of legible frames that show both digits asked for.
            "requested_digits": report["legibility"].get("requested_digit"),
        }
        print(f"  epoch {epoch}: {rows[epoch]}", flush=True)
    return rows, report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", default="runs/moving_mnist_64", help="the training run")
    parser.add_argument("--epochs", type=int, default=200, help="epochs of 100 steps")
    parser.add_argument("--every", type=int, default=50, help="evaluate every N-th epoch")
    parser.add_argument("--num", type=int, default=256, help="FVD clips a side")
    parser.add_argument("--out", default=None, help="write the preset here (default: don't)")
    args = parser.parse_args()
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}

    command = train_command(args.run, args.epochs)
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
            "command": "keras-vidgan train " + " ".join(RECIPE + schedule(args.epochs))
            + " --keep-checkpoints 1000 --out RUN",
            "machine": "2 CPU cores",
            "epochs": args.epochs,
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
