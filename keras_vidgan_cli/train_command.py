"""`keras-vidgan train`: flags -> `TrainConfig` -> `keras_vidgan.training.train(config)`.

The parser must not import TensorFlow (argument errors stay instant), so the
defaults below repeat `TrainConfig`'s; `tests/cli/test_train_flags.py` keeps
the two in step.
"""

import argparse

from keras_vidgan_cli.argument_types import positive_float, positive_int
from keras_vidgan_cli.user_error import CommandFailed, UserError

# The defaults of keras_vidgan.training.TrainConfig. CPU-sized: 15,000 sprite steps of about
# 0.065 s on two idle cores, 17 minutes (docs/default_run.md).
DEFAULTS = {
    "dataset": "moving_mnist",
    "data": None,
    "digits": 1,
    "strict": False,
    "frames": 16,
    "size": 32,
    "channels": 1,
    "latent_dim": 100,
    "width": 16,
    "upsampling": "icnr",
    "model": "styleganv",
    "sampled_frames": 3,
    "synthesis": None,
    "sprite_placement": None,
    "auxiliary_classifier": None,
    "label_every_digit": None,
    "minibatch_std": 0,
    "loss": "bce",
    "r1": 0.1,
    "r1_interval": 16,
    "ema": 0.9999,
    "g_lr": 1e-3,
    "d_lr": 1e-3,
    "adam_beta2": 0.999,
    "lr_decay_start": 0,
    "lr_decay_steps": 0,
    "d_steps": 1,
    "conditional": "auto",
    "batch_size": 16,
    "epochs": 150,
    "steps_per_epoch": 100,
    "seed": 0,
    "time_budget": None,
    "strategy": "default",
    "out": None,
    "num_samples": 16,
    "keep_checkpoints": 3,
    "checkpoint_every": None,
    "verbose": 1,
    "fps": 8,
    "precision": "float32",
    "jit_compile": False,
}
PROGRESS = {"bar": 1, "epoch": 2, "off": 0}


def add_arguments(parser):
    parser.set_defaults(**{k: v for k, v in DEFAULTS.items() if k != "verbose"})
    source = parser.add_argument_group("data")
    source.add_argument("--dataset", choices=["moving_mnist", "bouncing_balls"],
                        help="built-in dataset, generated offline (default: %(default)s)")
    source.add_argument("--data", metavar="PATH",
                        help="train on your own data instead: a folder of videos, a folder of "
                        "frame folders, or TFRecord shards written by `keras-vidgan prepare`")
    source.add_argument("--digits", type=positive_int,
                        help="digits per Moving MNIST clip (default: %(default)s)")
    source.add_argument("--strict", action="store_true",
                        help="with --data: stop at the first unreadable file instead of "
                        "skipping it")
    shape = parser.add_argument_group("clip and model")
    shape.add_argument("--frames", type=int, choices=[8, 16, 32],
                       help="frames per clip (default: %(default)s)")
    shape.add_argument("--size", type=int, choices=[32, 64, 128],
                       help="height and width of the frames (default: %(default)s)")
    shape.add_argument("--channels", type=int, choices=[1, 3],
                       help="1 for grey, 3 for colour (default: %(default)s)")
    shape.add_argument("--latent-dim", type=positive_int,
                       help="size of the generator's noise (default: %(default)s)")
    shape.add_argument("--width", type=positive_int,
                       help="base width of both networks (default: %(default)s)")
    shape.add_argument("--upsampling", choices=["icnr", "transpose", "resize"],
                       help="VGAN's generator upsampling (default: %(default)s)")
    objective = parser.add_argument_group("design and objective")
    objective.add_argument("--model", choices=["vgan", "tgan", "mocogan", "dvdgan", "styleganv"],
                           help="generator design and its discriminators (default: %(default)s; "
                           "with R1, the moving average and Adam 1e-3 it measured best for the "
                           "default run, docs/default_run.md)")
    objective.add_argument("--sampled-frames", type=positive_int, metavar="K",
                           help="styleganv: frames per clip its discriminator scores and its "
                           "generator renders in training (default: %(default)s)")
    objective.add_argument("--synthesis", choices=["frames", "sprites"],
                           help="styleganv: draw every frame (frames), or draw the clip's digits "
                           "once and move them over a black canvas (sprites, for Moving MNIST "
                           "and other moving objects on a plain background) (default: "
                           "sprites for styleganv on the built-in moving_mnist, frames "
                           "otherwise)")
    objective.add_argument("--sprite-placement", choices=["bilinear", "whole_pixels"],
                           help="styleganv sprites: place each sprite anywhere, blending two "
                           "pixel shifts (bilinear), or at the nearest whole pixel, as Moving "
                           "MNIST draws its digits (whole_pixels) (default: whole_pixels for "
                           "the sprite synthesis, bilinear otherwise)")
    objective.add_argument("--auxiliary-classifier", action=argparse.BooleanOptionalAction,
                           help="class-conditional styleganv: the discriminator also predicts "
                           "the clip's class and the generator is trained to make the class it "
                           "was given readable (AC-GAN's auxiliary classifier) (default: on for "
                           "class-conditional sprites, off otherwise)")
    objective.add_argument("--label-every-digit", action=argparse.BooleanOptionalAction,
                           help="class-conditional styleganv on clips of several digits: "
                           "condition on every digit's class, not the first digit's alone "
                           "(with sprites, each sprite draws its own digit) (default: on for "
                           "class-conditional sprites of several digits, off otherwise)")
    objective.add_argument("--minibatch-std", type=int, metavar="GROUP",
                           help="styleganv: the discriminator also sees the standard deviation "
                           "of its features over groups of GROUP clips, StyleGAN's remedy for "
                           "alike samples; 0 for none (default: %(default)s)")
    objective.add_argument("--loss", choices=["bce", "hinge", "lsgan", "wgan-gp"],
                           help="adversarial loss; wgan-gp adds a gradient penalty of 10 "
                           "(default: %(default)s)")
    objective.add_argument("--r1", type=float, metavar="GAMMA",
                           help="R1 penalty weight, 0 for none (default: %(default)s)")
    objective.add_argument("--r1-interval", type=positive_int, metavar="STEPS",
                           help="compute the R1 penalty every this many steps, scaled to keep "
                           "its weight: StyleGAN2's lazy regularization (default: %(default)s)")
    objective.add_argument("--ema", type=float, metavar="DECAY",
                           help="decay of a moving average of the generator weights used for "
                           "samples and export, 0 for none (default: %(default)s)")
    objective.add_argument("--g-lr", type=positive_float, metavar="RATE",
                           help="generator's Adam learning rate, beta_1 0.5 "
                           "(default: %(default)g)")
    objective.add_argument("--d-lr", type=positive_float, metavar="RATE",
                           help="discriminator's Adam learning rate, beta_1 0.5 "
                           "(default: %(default)g)")
    objective.add_argument("--adam-beta2", type=float, metavar="BETA",
                           help="both networks' Adam beta_2; StyleGAN2 uses 0.99 "
                           "(default: %(default)g)")
    objective.add_argument("--lr-decay-start", type=int, metavar="STEP",
                           help="step at which both learning rates start to fall "
                           "(with --lr-decay-steps; default: %(default)s)")
    objective.add_argument("--lr-decay-steps", type=int, metavar="STEPS",
                           help="both learning rates fall along a half cosine to zero over "
                           "this many steps from --lr-decay-start; 0 keeps them constant "
                           "(default: %(default)s)")
    objective.add_argument("--d-steps", type=positive_int,
                           help="discriminator updates per generator update "
                           "(default: %(default)s)")
    objective.add_argument("--conditional", nargs="?", const="class",
                           choices=["class", "text", "none"],
                           help="`class` (when the flag is given alone): a "
                           "class-conditional model trained on (clip, label) pairs (Moving "
                           "MNIST: the class of the first digit; sample with `keras-vidgan "
                           "sample --label K`); `text`: text-to-video on captioned Moving MNIST, "
                           "or on --data with a caption per video (a <video stem>.txt beside "
                           "each, or one captions.csv), with --model styleganv (the default), vgan "
                           "or mocogan (sample "
                           "with `keras-vidgan sample --prompt TEXT`); `none`: unconditional "
                           "(default: class for the sprite synthesis on the built-in "
                           "moving_mnist, none otherwise)")
    run = parser.add_argument_group("training")
    run.add_argument("--batch-size", type=positive_int,
                     help="global batch size (default: %(default)s)")
    run.add_argument("--epochs", type=positive_int,
                     help="epochs to train, counting those of earlier sessions of the run "
                     "(default: %(default)s)")
    run.add_argument("--steps-per-epoch", type=positive_int,
                     help="GAN steps per epoch (default: %(default)s)")
    run.add_argument("--seed", type=int,
                     help="seed of the data, the noise and the sample grid (default: %(default)s)")
    run.add_argument("--time-budget", type=positive_float, metavar="MINUTES",
                     help="stop after this many minutes of training, counted over resumed "
                     "sessions; --epochs is then an upper bound (default: no limit)")
    run.add_argument("--strategy", choices=["default", "mirrored", "multiworker"],
                     help="`mirrored` uses every local GPU (or CPU) with MirroredStrategy; "
                     "`multiworker` trains on several machines with "
                     "MultiWorkerMirroredStrategy, from TF_CONFIG (see docs/distributed.md) "
                     "(default: %(default)s)")
    run.add_argument("--out", metavar="DIR",
                     help="run directory; rerunning the same command resumes it (default: "
                     "runs/<dataset or data folder>_<model>, e.g. runs/moving_mnist_vgan)")
    run.add_argument("--num-samples", type=positive_int,
                     help="videos in the sample grid written each epoch (default: %(default)s)")
    run.add_argument("--keep-checkpoints", type=positive_int,
                     help="how many epoch checkpoints to keep (default: %(default)s)")
    run.add_argument("--checkpoint-every", type=positive_int, metavar="STEPS",
                     help="also checkpoint every STEPS GAN steps inside an epoch, so that a "
                     "stopped run loses at most that many (default: at the end of each epoch)")
    run.add_argument("--precision", choices=["float32", "mixed_bfloat16", "mixed_float16"],
                     help="what the networks compute in, for GPUs and TPUs; weights, losses "
                     "and clips stay float32, mixed_float16 adds loss scaling. On CPUs keep "
                     "float32 (TensorFlow 2.21 computes wrong bfloat16 Conv3D gradients "
                     "there). A run keeps its precision (default: %(default)s)")
    run.add_argument("--jit-compile", action="store_true",
                     help="compile the training step with XLA, for GPUs (on CPUs compiling 3D "
                     "convolutions takes minutes); --strategy default only")
    run.add_argument("--progress", choices=sorted(PROGRESS), default="bar",
                     help="Keras' progress output: a bar, a line per epoch, or off "
                     "(default: %(default)s)")


def config_values(args):
    """The `TrainConfig` fields that the parsed flags set."""
    values = {key: getattr(args, key) for key in DEFAULTS if hasattr(args, key)}
    values["verbose"] = PROGRESS[args.progress]
    if values.get("ema") == 0:  # `--ema 0`: the run keeps no moving average
        values["ema"] = None
    if values.get("conditional") == "none":
        values["conditional"] = None
    return values


def run(args):
    from keras_vidgan.data import DataError
    from keras_vidgan.training import ConfigError, TrainConfig, TrainingFailed, train

    config = TrainConfig(**config_values(args))
    try:
        gan = train(config)
    except (ConfigError, DataError) as error:
        raise UserError(str(error)) from None
    except TrainingFailed as error:  # diverged, or a write failed (a full disk)
        raise CommandFailed(str(error)) from None
    if gan is None:  # the run had nothing left to train
        return 0
    print(f"Done. Samples: {config.run_dir}/samples, curves: {config.run_dir}/loss.png, "
          f"checkpoints: {config.run_dir}/checkpoints.")
    return 0
