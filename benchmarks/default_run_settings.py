"""Seconds per GAN step of candidate `keras-vidgan train` defaults, as ratios to a reference.

The default run has a fixed budget of wall time, so a setting that learns more per step can
still lose to one that takes more, cheaper steps. This script builds each setting exactly as
`keras-vidgan train` does (`TrainConfig` -> `build_gan`, with its loss, R1 and moving average)
and times its GAN steps on Moving MNIST batches, all in this one process, one setting after
the other, a few rounds in turn. On a shared machine the absolute seconds drift with the
other jobs; the ratio to the reference measured in the same round is what to read.

A setting is `NAME=FIELD:VALUE,FIELD:VALUE` over `TrainConfig` fields, the others at the
command line's defaults (`ema:0` for no moving average; the reference is the first); with no
settings given, the previous default (VGAN with BCE, Adam 2e-4, no R1, no average) is compared
with StyleGAN-V under those settings and with today's default.

Run: python benchmarks/default_run_settings.py [--steps N] [--rounds R] [SETTING ...]
"""

import argparse
import dataclasses
import time

from keras_vidgan.training import TrainConfig
from keras_vidgan.training.train_lib import batch_clips, build_dataset, build_gan

SETTINGS = (
    "vgan_previous_default=model:vgan,synthesis:frames,r1:0,ema:0,g_lr:2e-4,d_lr:2e-4",
    "styleganv_plain=model:styleganv,synthesis:frames,r1:0,ema:0,g_lr:2e-4,d_lr:2e-4",
    "default=",
)


def parse_setting(text):
    """`NAME=FIELD:VALUE,...` -> (name, TrainConfig), values typed like the field's default."""
    name, _, fields = text.partition("=")
    defaults = TrainConfig()
    overrides = {}
    for item in filter(None, fields.split(",")):
        key, _, value = item.partition(":")
        if not hasattr(defaults, key):
            raise SystemExit(f"{text}: TrainConfig has no field {key!r}.")
        default = getattr(defaults, key)
        if isinstance(default, bool) or value.lower() in ("true", "false"):
            # Fields that default to None (chosen from the others) may be booleans too.
            overrides[key] = value.lower() in ("1", "true", "yes")
        elif isinstance(default, int):
            overrides[key] = int(value)
        elif key == "ema":
            overrides[key] = float(value) or None  # ema:0, no moving average
        elif isinstance(default, float):
            overrides[key] = float(value)
        else:
            overrides[key] = value
    config = dataclasses.replace(TrainConfig(), epochs=1, steps_per_epoch=1000, **overrides)
    config.validate()
    return name, config


def step_seconds(gan, data, steps):
    start = time.perf_counter()
    gan.fit(data, steps_per_epoch=steps, epochs=1, verbose=0)
    return (time.perf_counter() - start) / steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("settings", nargs="*", default=SETTINGS, metavar="SETTING")
    parser.add_argument("--steps", type=int, default=20, help="timed steps per setting and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all settings")
    args = parser.parse_args()
    runs = []
    for text in args.settings:
        name, config = parse_setting(text)
        gan = build_gan(config)
        data = batch_clips(build_dataset(config), config).repeat()
        gan.fit(data, steps_per_epoch=3, epochs=1, verbose=0)  # trace
        runs.append((name, config, gan, data))
    seconds = {name: [] for name, *_ in runs}
    for _ in range(args.rounds):
        for name, _, gan, data in runs:
            seconds[name].append(step_seconds(gan, data, args.steps))
    reference = runs[0][0]
    print(f"{args.rounds} rounds of {args.steps} steps; ratio = s/step over {reference}'s "
          "in the same round, median over rounds")
    for name, config, *_ in runs:
        ratios = sorted(s / r for s, r in zip(seconds[name], seconds[reference]))
        print(f"{name:24s} batch {config.batch_size:3d}  {min(seconds[name]):.3f} s/step (best)  "
              f"ratio {ratios[len(ratios) // 2]:.2f}")


if __name__ == "__main__":
    main()
