"""The model zoo's quality table: every design for the same wall-clock budget, scored with FVD.

For each design this runs, as a user would,

    keras-vidgan train --model DESIGN --loss LOSS --size 64 --frames 16 --digits 2 \
        --width 16 --ema 0.999 --g-lr 2e-4 --d-lr 2e-4 --r1 0 --epochs 1000 \
        --time-budget MINUTES --out RUNS/DESIGN
    keras-vidgan evaluate RUNS/DESIGN --data moving_mnist --num 256 --legibility \
        --output RUNS/DESIGN/fvd.json

and then prints one Markdown row per design: training minutes, GAN steps, seconds per step,
FVD and KVD under the pinned protocol (Moving MNIST test split, two digits, N clips a side),
the share of legible frames and of identity-keeping clips (`--legibility`, read from the
same generated clips), and the path of the last sample GIF. Runs that already exist are
resumed, so a budget can be raised (`--minutes 30` after `--minutes 15`) without starting
over: the budget counts every session of a run.

    python benchmarks/model_zoo_quality.py --minutes 15                    # the README table
    python benchmarks/model_zoo_quality.py --minutes 30 --designs mocogan  # the FVD <= 40 goal
    python benchmarks/model_zoo_quality.py --designs mocogan --loss hinge --runs runs/zoo_hinge

Run it on an otherwise idle machine: the designs share one budget only if they get the
same cores.
"""

import argparse
import csv
import json
import os
import subprocess
import sys

# The objective each design is listed with: the one its paper used, where we have it.
DESIGN_LOSSES = {
    "vgan": "bce", "tgan": "hinge", "mocogan": "bce", "dvdgan": "hinge", "styleganv": "bce",
}
# The table's recipe, pinned: the command line's defaults move (learning rates 1e-3 and
# R1 0.1 since the StyleGAN-V default, sprites since the sprite default), and the table
# compares designs, not recipes. `-- --synthesis sprites --conditional none` after the
# script's flags overrides the last one (sprites alone are class-conditional by default).
TABLE_RECIPE = ["--g-lr", "2e-4", "--d-lr", "2e-4", "--r1", "0", "--synthesis", "frames"]


def train_command(design, loss, minutes, out_dir, extra):
    return [
        sys.executable, "-m", "keras_vidgan_cli.main", "train",
        "--model", design, "--loss", loss,
        "--size", "64", "--frames", "16", "--digits", "2", "--width", "16",
        "--ema", "0.999", *TABLE_RECIPE, "--epochs", "1000", "--time-budget", f"{minutes:g}",
        "--progress", "epoch", "--out", out_dir, *extra,
    ]  # fmt: skip


def evaluate_command(out_dir, num_clips, result_path):
    return [
        sys.executable, "-m", "keras_vidgan_cli.main", "evaluate", out_dir,
        "--data", "moving_mnist", "--num", str(num_clips), "--legibility", "--quiet",
        "--output", result_path,
    ]  # fmt: skip


def last_logged(out_dir):
    with open(os.path.join(out_dir, "logs", "training.csv"), newline="") as handle:
        row = list(csv.DictReader(handle))[-1]
    return float(row["train_minutes"]), int(float(row["train_steps"]))


def last_sample(out_dir):
    folder = os.path.join(out_dir, "samples")
    gifs = sorted(name for name in os.listdir(folder) if name.endswith(".gif"))
    return os.path.join(folder, gifs[-1]) if gifs else "-"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=15.0, help="training budget per design")
    parser.add_argument("--designs", nargs="+", default=list(DESIGN_LOSSES))
    parser.add_argument(
        "--loss",
        choices=["bce", "hinge", "lsgan", "wgan-gp"],
        default=None,
        help="one loss for every design (default: each design's own, as in its paper)",
    )
    parser.add_argument("--num", type=int, default=256, help="FVD clips a side (default: 256)")
    parser.add_argument("--runs", default="runs/model_zoo", help="where the runs are written")
    parser.add_argument(
        "extra", nargs=argparse.REMAINDER, help="after --: further `train` flags for every run"
    )
    args = parser.parse_args()
    extra = [flag for flag in args.extra if flag != "--"]
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}

    rows = []
    for design in args.designs:
        loss = args.loss or DESIGN_LOSSES[design]
        out_dir = os.path.join(args.runs, design)
        print(f"[{design}] training for {args.minutes:g} minutes -> {out_dir}", flush=True)
        subprocess.run(
            train_command(design, loss, args.minutes, out_dir, extra), check=True, env=environment
        )
        result_path = os.path.join(out_dir, f"fvd_{args.num}.json")
        print(f"[{design}] FVD at N={args.num}", flush=True)
        subprocess.run(
            evaluate_command(out_dir, args.num, result_path), check=True, env=environment
        )
        with open(result_path) as handle:
            report = json.load(handle)
        metrics, legibility = report["metrics"], report["legibility"]["generated"]
        minutes, steps = last_logged(out_dir)
        rows.append(
            f"| {design} | {loss} | {minutes:.1f} | {steps} | {60 * minutes / steps:.2f} "
            f"| {metrics['fvd']:.1f} | {metrics['kvd']:.2f} "
            f"| {legibility['legible_frames']:.1%} | {legibility['identity_clips']:.1%} "
            f"| {last_sample(out_dir)} |"
        )

    print(f"\nMoving MNIST 16x64x64, two digits; FVD, KVD and legibility at N = {args.num}\n")
    print("| design | loss | minutes | steps | s/step | FVD | KVD | legible frames "
          "| identity-keeping clips | last sample |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
