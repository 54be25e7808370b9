"""`keras-vidgan train`: train a video GAN, resuming where an interrupted run stopped."""

import json
import os

from keras_vidgan_cli.argument_types import positive_float, positive_int
from keras_vidgan_cli.user_error import UserError

# CPU-sized: 3,000 steps of about 0.3 s on two idle cores, roughly a quarter of an hour.
DEFAULTS = {
    "dataset": "moving_mnist",
    "frames": 16,
    "size": 32,
    "channels": 1,
    "batch_size": 16,
    "epochs": 30,
    "steps_per_epoch": 100,
    "latent_dim": 100,
    "width": 16,
    "digits": 1,
    "seed": 0,
    "out": "runs/moving_mnist",
}
# Changing any of these makes an existing run directory a different experiment.
MODEL_KEYS = (
    "dataset",
    "data",
    "frames",
    "size",
    "channels",
    "latent_dim",
    "width",
    "digits",
    "upsampling",
    "model",
    "conditional",
    "g_lr",
    "d_lr",
)
SETTINGS_BEFORE_THEIR_FLAG = {"g_lr": 2e-4, "d_lr": 2e-4}
# --loss names: the GAN objective and, for wgan-gp, the gradient penalty weight (Gulrajani et al.).
LOSSES = {
    "bce": ("bce", 0.0),
    "hinge": ("hinge", 0.0),
    "lsgan": ("lsgan", 0.0),
    "wgan-gp": ("wgan", 10.0),
}



def add_arguments(parser):
    source = parser.add_argument_group("data")
    source.add_argument(
        "--dataset",
        choices=["moving_mnist", "bouncing_balls"],
        default=DEFAULTS["dataset"],
        help="built-in dataset (default: %(default)s)",
    )
    source.add_argument(
        "--data",
        metavar="PATH",
        help="train on your own data instead: a folder of videos, a folder of "
        "frame folders, or TFRecord shards written by `keras-vidgan prepare`",
    )
    source.add_argument(
        "--digits",
        type=positive_int,
        default=DEFAULTS["digits"],
        help="digits per Moving MNIST clip (default: %(default)s)",
    )
    source.add_argument(
        "--strict",
        action="store_true",
        help="with --data: stop at the first unreadable file instead of skipping it",
    )
    shape = parser.add_argument_group("clip and model")
    shape.add_argument("--frames", type=int, choices=[8, 16, 32], default=DEFAULTS["frames"])
    shape.add_argument("--size", type=int, choices=[32, 64, 128], default=DEFAULTS["size"])
    shape.add_argument("--channels", type=int, choices=[1, 3], default=DEFAULTS["channels"])
    shape.add_argument("--latent-dim", type=positive_int, default=DEFAULTS["latent_dim"])
    shape.add_argument(
        "--width",
        type=positive_int,
        default=DEFAULTS["width"],
        help="base width of both networks (default: %(default)s)",
    )
    shape.add_argument(
        "--upsampling",
        choices=["transpose", "resize"],
        default="resize",
        help="generator upsampling (default: %(default)s)",
    )
    objective = parser.add_argument_group("design and objective")
    objective.add_argument(
        "--model",
        choices=["vgan", "tgan", "mocogan", "dvdgan"],
        default="vgan",
        help="generator design and its discriminators (default: %(default)s)",
    )
    objective.add_argument(
        "--loss",
        choices=sorted(LOSSES),
        default="bce",
        help="adversarial loss; wgan-gp adds a gradient penalty of 10 (default: %(default)s)",
    )
    objective.add_argument(
        "--r1", type=float, default=0.0, metavar="GAMMA", help="R1 penalty weight (default: off)"
    )
    objective.add_argument(
        "--ema",
        type=float,
        default=None,
        metavar="DECAY",
        help="keep a moving average of the generator weights (e.g. 0.999) for samples and export",
    )
    objective.add_argument(
        "--g-lr",
        type=positive_float,
        default=2e-4,
        metavar="RATE",
        help="generator's Adam learning rate, beta_1 0.5 (default: %(default)g)",
    )
    objective.add_argument(
        "--d-lr",
        type=positive_float,
        default=2e-4,
        metavar="RATE",
        help="discriminator's Adam learning rate, beta_1 0.5 (default: %(default)g)",
    )
    objective.add_argument(
        "--d-steps",
        type=positive_int,
        default=1,
        help="discriminator updates per generator update (default: %(default)s)",
    )
    objective.add_argument(
        "--conditional",
        action="store_true",
        help="class-conditional model trained on (clip, label) pairs (Moving MNIST: the class "
        "of the first digit; sample with `keras-vidgan sample --label K`)",
    )
    run = parser.add_argument_group("training")
    run.add_argument(
        "--batch-size",
        type=positive_int,
        default=DEFAULTS["batch_size"],
        help="global batch size (default: %(default)s)",
    )
    run.add_argument("--epochs", type=positive_int, default=DEFAULTS["epochs"])
    run.add_argument("--steps-per-epoch", type=positive_int, default=DEFAULTS["steps_per_epoch"])
    run.add_argument("--seed", type=int, default=DEFAULTS["seed"])
    run.add_argument(
        "--time-budget",
        type=positive_float,
        default=None,
        metavar="MINUTES",
        help="stop after this many minutes of training, counted over resumed sessions; "
        "--epochs is then an upper bound (default: no limit)",
    )
    run.add_argument(
        "--strategy",
        choices=["default", "mirrored", "multiworker"],
        default="default",
        help="`mirrored` uses every local GPU (or CPU) with MirroredStrategy; `multiworker` "
        "trains on several machines with MultiWorkerMirroredStrategy, from TF_CONFIG "
        "(see docs/distributed.md)",
    )
    run.add_argument(
        "--out",
        default=DEFAULTS["out"],
        metavar="DIR",
        help="run directory; rerunning the same command resumes (default: %(default)s)",
    )
    run.add_argument(
        "--num-samples",
        type=positive_int,
        default=16,
        help="videos in the sample grid written each epoch (default: %(default)s)",
    )
    run.add_argument(
        "--keep-checkpoints",
        type=positive_int,
        default=3,
        help="how many epoch checkpoints to keep (default: %(default)s)",
    )
    run.add_argument(
        "--verbose",
        type=int,
        choices=[0, 1, 2],
        default=1,
        help="Keras progress output: 1 a progress bar, 2 a line per epoch",
    )


def run_config(args):
    config = {key: getattr(args, key) for key in sorted(vars(args)) if not key.startswith("_")}
    config.pop("command", None)
    config["fps"] = 8
    return config


def check_resumable(out_dir, config):
    """Refuses to mix two experiments in one run directory."""
    path = os.path.join(out_dir, "config.json")
    if not os.path.exists(path):
        return
    with open(path) as handle:
        previous = json.load(handle)
    # Keys added after a run was written take the value that run had no way to change.
    previous = {**SETTINGS_BEFORE_THEIR_FLAG, **previous}
    changed = [key for key in MODEL_KEYS if previous.get(key) != config.get(key)]
    if changed:
        details = ", ".join(
            f"{key} {previous.get(key)!r} -> {config.get(key)!r}" for key in changed
        )
        raise UserError(
            f"{out_dir} holds a run with other settings ({details}); pass another --out "
            "to start a new run, or the same settings to resume it."
        )


def build_dataset(args):
    import tensorflow as tf

    from keras_vidgan import datasets

    # Fresh clips for every step of the run; resumed epochs get their own seed.
    num_clips = args.epochs * args.steps_per_epoch * args.batch_size
    if args.data:
        from keras_vidgan import data

        try:
            clips = data.from_path(
                args.data,
                frames=args.frames,
                size=args.size,
                channels=args.channels,
                training=True,
                seed=args.seed,
                strict=args.strict,
                class_mapping_path=args.out,
            )
        except (ValueError, FileNotFoundError) as error:
            raise UserError(str(error)) from None
        clips = clips.shuffle(256, seed=args.seed).repeat()
    elif args.dataset == "moving_mnist":
        clips = datasets.moving_mnist(
            num_clips=num_clips,
            frames=args.frames,
            size=args.size,
            digits=args.digits,
            seed=args.seed,
            with_labels=getattr(args, "conditional", False),
        ).repeat()
    else:
        clips = datasets.bouncing_balls(
            num_clips=num_clips, frames=args.frames, size=args.size, seed=args.seed
        ).repeat()
    if args.channels == 3 and not args.data:
        clips = clips.map(lambda clip, *labels: (tf.repeat(clip, 3, axis=-1), *labels))
    return clips.batch(args.batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


def build_gan(args):
    import keras

    from keras_vidgan.models import GAN
    from keras_vidgan.models.model_zoo import build_design

    generator, discriminator = build_design(
        getattr(args, "model", "vgan"),
        frames=args.frames,
        size=args.size,
        channels=args.channels,
        width=args.width,
        latent_dim=args.latent_dim,
        num_classes=num_classes(args),
        upsampling=args.upsampling,
    )
    gan = GAN(generator, discriminator, seed=args.seed, ema_decay=getattr(args, "ema", None))
    loss, penalty = LOSSES[getattr(args, "loss", "bce")]
    optimizers = {
        "g_optimizer": keras.optimizers.Adam(
            getattr(args, "g_lr", 2e-4), beta_1=0.5, name="generator_adam"
        ),
        "d_optimizer": keras.optimizers.Adam(
            getattr(args, "d_lr", 2e-4), beta_1=0.5, name="discriminator_adam"
        ),
    }
    if loss == "bce":
        # The package default, kept byte for byte: BinaryCrossentropy(from_logits=True).
        gan.compile(**optimizers, d_steps=getattr(args, "d_steps", 1), r1=getattr(args, "r1", 0.0))
    else:
        gan.compile(
            **optimizers,
            loss=loss,
            gradient_penalty=penalty,
            d_steps=getattr(args, "d_steps", 1),
            r1=getattr(args, "r1", 0.0),
        )
    return gan


def num_classes(args):
    """Classes of a --conditional run (None otherwise); refuses data without labels."""
    if not getattr(args, "conditional", False):
        return None
    if args.data or args.dataset != "moving_mnist":
        raise UserError(
            "--conditional needs labelled clips; it supports --dataset moving_mnist (10 digit "
            "classes) for now. Drop --conditional, or train on Moving MNIST."
        )
    return 10


def make_strategy(name):
    import tensorflow as tf

    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multiworker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    return tf.distribute.get_strategy()


def is_chief(strategy_name):
    """Whether this process writes the run directory; checks TF_CONFIG for `multiworker`."""
    if strategy_name != "multiworker":
        return True
    from keras_vidgan.training.cluster_config import ClusterConfigError, read_tf_config

    try:
        return read_tf_config().is_chief
    except ClusterConfigError as error:
        raise UserError(f"--strategy multiworker: {error}") from None


def run(args):
    # Checked before TensorFlow loads, so a mistake costs no start-up time.
    config = run_config(args)
    check_resumable(args.out, config)
    chief = is_chief(args.strategy)

    import keras

    from keras_vidgan.training import LossPlot, SafeCheckpoint, SampleWriter, TimeBudget, load_gan
    from keras_vidgan.training.multi_worker_trainer import MultiWorkerTrainer
    from keras_vidgan.training.run_directory import latest_checkpoint
    from keras_vidgan.training.time_budget import spent_minutes_from_csv

    if chief:  # the other workers of a multi-worker run only read the run directory
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "config.json"), "w") as handle:
            json.dump(config, handle, indent=2, sort_keys=True)

    strategy = make_strategy(args.strategy)
    initial_epoch, checkpoint = latest_checkpoint(args.out)
    if initial_epoch >= args.epochs:
        print(
            f"{args.out} already holds {initial_epoch} trained epochs (--epochs {args.epochs}); "
            "raise --epochs to train further."
        )
        if chief:
            LossPlot(
                os.path.join(args.out, "loss.png"),
                history_csv=os.path.join(args.out, "logs", "training.csv"),
            ).draw()
        return 0
    with strategy.scope():
        if checkpoint:
            print(f"Resuming from {checkpoint} (epoch {initial_epoch} of {args.epochs}).")
            gan = load_gan(checkpoint)
        else:
            gan = build_gan(args)
    dataset = build_dataset(args)

    logs_dir = os.path.join(args.out, "logs")
    if chief:
        os.makedirs(logs_dir, exist_ok=True)
    history_csv = os.path.join(logs_dir, "training.csv")
    budget = TimeBudget(
        minutes=args.time_budget,
        spent_minutes=spent_minutes_from_csv(history_csv) if initial_epoch > 0 else 0.0,
    )
    if budget.minutes is not None and budget.spent_minutes >= budget.minutes:
        print(
            f"{args.out} has already trained for {budget.spent_minutes:.1f} minutes "
            f"(--time-budget {args.time_budget:g}); raise --time-budget to train further."
        )
        return 0
    callbacks = [
        keras.callbacks.TerminateOnNaN(),
        budget,  # before the writers: it adds train_minutes and train_steps to the logs
        SafeCheckpoint(args.out, keep_last=args.keep_checkpoints),
        SampleWriter(
            os.path.join(args.out, "samples"),
            num_videos=args.num_samples,
            seed=args.seed,
            fps=config["fps"],
        ),
        keras.callbacks.CSVLogger(history_csv, append=initial_epoch > 0),
        keras.callbacks.TensorBoard(logs_dir),
        LossPlot(os.path.join(args.out, "loss.png"), history_csv=history_csv),
    ]
    # Keras 3.15.1's fit() fails under MultiWorkerMirroredStrategy (keras-team/keras#20585);
    # MultiWorkerTrainer runs the same train_step with the same callbacks (writers on the
    # chief only). Once fit() works there, this line becomes `trainer = gan`.
    trainer = MultiWorkerTrainer(gan) if args.strategy == "multiworker" else gan
    trainer.fit(
        dataset,
        epochs=args.epochs,
        initial_epoch=initial_epoch,
        steps_per_epoch=args.steps_per_epoch,
        callbacks=callbacks,
        verbose=args.verbose,
        shuffle=False,
    )
    if budget.exhausted:
        print(
            f"Stopped after {budget.elapsed_minutes():.1f} minutes of training "
            f"(--time-budget {args.time_budget:g})."
        )
    print(
        f"Done. Samples: {os.path.join(args.out, 'samples')}, "
        f"curves: {os.path.join(args.out, 'loss.png')}, "
        f"checkpoints: {os.path.join(args.out, 'checkpoints')}."
    )
    return 0
