"""The training recipe behind `keras-vidgan train`: `train(config)` and the pieces it builds.

The command line only turns flags into a `TrainConfig`; everything else
(checking the run directory, the data, building or resuming the GAN, the
strategy, the callbacks and the loop) happens here, so Python code runs the
very same recipe:

    from keras_vidgan.training import TrainConfig, train

    gan = train(TrainConfig(model="mocogan", epochs=2, out="runs/notebook"))

Nothing is written into the run directory until every input has been
checked: the settings, the run directory's earlier settings and checkpoint,
the cluster configuration and the data.
"""

import errno
import math
import os
import time
import zipfile

import keras
import tensorflow as tf

from keras_vidgan import data, datasets
from keras_vidgan.datasets.motion_captions import every_caption, fixed_prompts
from keras_vidgan.layers.text_encoder import TextEncoder
from keras_vidgan.models.gan import GAN
from keras_vidgan.models.model_zoo import build_design
from keras_vidgan.training.cluster_config import ClusterConfigError, read_tf_config
from keras_vidgan.training.config_error import ConfigError
from keras_vidgan.training.divergence_guard import DivergenceGuard, TrainingDiverged
from keras_vidgan.training.loss_plot import LossPlot
from keras_vidgan.training.multi_worker_trainer import MultiWorkerTrainer
from keras_vidgan.training.run_directory import (
    CONFIG_FILE,
    checkpoint_path,
    latest_checkpoint,
    list_resume_points,
    load_gan,
)
from keras_vidgan.training.safe_checkpoint import SafeCheckpoint
from keras_vidgan.training.sample_writer import SampleWriter
from keras_vidgan.training.time_budget import TimeBudget, spent_minutes_from_csv
from keras_vidgan.training.train_config import LOSSES, TrainConfig
from keras_vidgan.training.training_failed import TrainingFailed
from keras_vidgan.training.training_log import TrainingLog, recover_training_csv
from keras_vidgan.utils.atomic_write import write_text_atomically
from keras_vidgan.utils.output_folder import unwritable_reason

# Words a text run's encoder reads: the TextEncoder default, more for longer captions of --data,
# up to a limit that keeps the encoder's recurrence short.
DEFAULT_CAPTION_WORDS = 24
MAX_CAPTION_WORDS = 64
# Errors that only a write raises: a full disk or quota, a read-only filesystem.
WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})


def train(config, callbacks=(), log=print):
    """Trains (or resumes) the run that `config` describes; returns the GAN.

    Rerunning with the same settings resumes from the newest checkpoint of
    `config.run_dir`. Settings that would change what an existing run learns
    are refused with a `ConfigError`, and a finished run trains nothing.

    Args:
        config: a `TrainConfig`.
        callbacks: extra Keras callbacks, run after the recipe's own.
        log: where the run's one-line reports go (`print` by default).

    Returns:
        The trained `keras_vidgan.GAN` (None when the run had nothing left to
        train).

    Raises:
        ConfigError: a setting is invalid or does not match the run directory.
        keras_vidgan.data.DataError: the data cannot be read.
        TrainingDiverged: a loss became NaN or infinite; nothing was saved
            from the diverged weights.
        TrainingFailed: a write into the run directory failed (a full disk);
            its message names the newest intact checkpoint to resume from.
    """
    config.validate()
    run_dir = config.run_dir
    check_resumable(run_dir, config)
    chief = _is_chief(config.strategy)
    problem = unwritable_reason(run_dir) if chief else None
    if problem:
        raise ConfigError(f"Cannot write the run into {run_dir}: {problem}; pass another --out.")
    # Before any other TensorFlow op: a multi-worker strategy configures the runtime.
    strategy = make_strategy(config.strategy)
    initial_epoch, steps_done, checkpoint, gan = load_newest_checkpoint(
        run_dir, strategy, chief, log
    )
    if checkpoint:
        check_checkpoint(gan, config, checkpoint)
        # A session setting: the checkpoint's compile config does not hold it.
        gan.jit_compile = config.jit_compile
    history_csv = os.path.join(run_dir, "logs", "training.csv")
    if initial_epoch >= config.epochs:
        log(f"{run_dir} already holds {initial_epoch} trained epochs (epochs {config.epochs}); "
            "raise --epochs to train further.")
        if chief:
            LossPlot(os.path.join(run_dir, "loss.png"), history_csv=history_csv).draw()
        return None
    budget = TimeBudget(
        minutes=config.time_budget,
        spent_minutes=spent_minutes_from_csv(history_csv) if initial_epoch > 0 else 0.0,
    )
    if budget.minutes is not None and budget.spent_minutes >= budget.minutes:
        log(f"{run_dir} has already trained for {budget.spent_minutes:.1f} minutes "
            f"(time budget {config.time_budget:g}); raise --time-budget to train further.")
        return None

    # Each step takes one batch: the run's next clip is the one after `steps * batch_size`,
    # so a resumed run sees what an uninterrupted one would.
    steps = int(keras.ops.convert_to_numpy(gan.optimizer.iterations)) if gan else 0
    # tf.data shuffles mix the global seed into their own: set it in every session, so the
    # stream does not depend on what this process ran before (or on being a resumed one).
    keras.utils.set_random_seed(config.seed)
    dataset = build_dataset(config, first_clip=steps * config.batch_size)
    # The data's own captions, for a text run on --data: its vocabulary and sample prompts.
    captions = getattr(dataset, "captions", None)
    if gan is None:
        # Initial weights from the seed too: a run is reproducible from its config alone.
        keras.utils.set_random_seed(config.seed)
        with strategy.scope():
            gan = build_gan(config, captions)

    # Everything is checked: from here on the run directory is written.
    if chief:
        try:
            os.makedirs(os.path.join(run_dir, "logs"), exist_ok=True)
            stored = TrainConfig.from_dict({**config.to_dict(), "out": run_dir})
            write_text_atomically(os.path.join(run_dir, CONFIG_FILE), stored.to_json() + "\n")
            if getattr(dataset, "class_names", None):
                data.save_class_mapping(run_dir, dataset.class_names)
            damaged_log = recover_training_csv(history_csv)
        except OSError as error:
            raise TrainingFailed.from_write_error(error.filename, error, run_dir) from error
        if damaged_log:
            log(damaged_log)
    replicas = strategy.num_replicas_in_sync
    for line in describe_run(config, gan, initial_epoch, steps_done, checkpoint, replicas):
        log(line)
    warning = precision_warning(config.precision)
    if warning:
        log(warning)

    guard = DivergenceGuard()
    checkpoints = SafeCheckpoint(
        run_dir, keep_last=config.keep_checkpoints, every_steps=config.checkpoint_every
    )
    checkpoints.steps_done_before = steps_done
    recipe_callbacks = [
        guard,
        budget,  # before the writers: it adds train_minutes and train_steps to the logs
        checkpoints,
        SampleWriter(
            os.path.join(run_dir, "samples"),
            num_videos=config.num_samples,
            seed=config.seed,
            fps=config.fps,
            log_dir=os.path.join(run_dir, "logs", "samples"),
            prompts=sample_prompts(config, captions),
        ),
        TrainingLog(history_csv),
        keras.callbacks.TensorBoard(os.path.join(run_dir, "logs")),
        LossPlot(os.path.join(run_dir, "loss.png"), history_csv=history_csv),
        RunReport(run_dir, progress_bar=config.verbose == 1, log=log),
    ]
    # Keras 3.15.1's fit() fails under MultiWorkerMirroredStrategy (keras-team/keras#20585);
    # MultiWorkerTrainer runs the same train_step with the same callbacks (writers on the
    # chief only). Once fit() works there, this line becomes `trainer = gan`.
    trainer = MultiWorkerTrainer(gan) if config.strategy == "multiworker" else gan

    def fit(dataset, epochs, steps_per_epoch):
        trainer.fit(
            batch_clips(dataset, config),
            epochs=epochs,
            initial_epoch=initial_epoch,
            steps_per_epoch=steps_per_epoch,
            callbacks=[*recipe_callbacks, *callbacks],
            verbose=config.verbose,
            shuffle=False,
        )

    try:
        if steps_done:
            # Resumed inside an epoch: Keras starts epochs at their first step, so the rest of
            # this one is a fit() of its own.
            fit(dataset, initial_epoch + 1, config.steps_per_epoch - steps_done)
            initial_epoch += 1
        stopped = guard.diverged or budget.exhausted or getattr(gan, "stop_training", False)
        if initial_epoch < config.epochs and not stopped:
            if steps_done:
                # A new fit() starts a new iterator: the pipeline restarts at the run's position.
                steps = int(keras.ops.convert_to_numpy(gan.optimizer.iterations))
                dataset = build_dataset(config, first_clip=steps * config.batch_size)
            fit(dataset, config.epochs, config.steps_per_epoch)
    except OSError as error:
        # The checkpoint writer says so itself; samples, logs and curves fail like this.
        if error.errno not in WRITE_ERRORS:
            raise
        raise TrainingFailed.from_write_error(error.filename, error, run_dir) from error
    if guard.diverged:
        _, last_good = latest_checkpoint(run_dir)
        raise TrainingDiverged(guard.message(last_good))
    if budget.exhausted:
        log(f"Stopped after {budget.elapsed_minutes():.1f} minutes of training "
            f"(time budget {config.time_budget:g}).")
    return gan


def load_newest_checkpoint(run_dir, strategy, chief=True, log=print):
    """`(finished_epochs, steps_done, path, gan)` of the newest checkpoint that loads.

    `steps_done` counts the steps of the next epoch that a checkpoint taken
    inside it (`--checkpoint-every`) holds; `(0, 0, None, None)` when the run
    has no checkpoint.

    A checkpoint that does not load (truncated by a full disk, a copy or a
    sync tool) is moved to `checkpoints/corrupt/`, never deleted, with a
    warning, and the one before it is tried. An intact archive that does not
    load was written by a version of keras_vidgan whose networks differ: it
    is left in place and the run is refused, since older checkpoints of the
    run would not load either.

    Raises:
        ConfigError: checkpoints exist but none of them loads, or the newest
            is intact but from another version of the networks.
    """
    damaged = []
    for epoch, steps_done, path in reversed(list_resume_points(run_dir)):
        try:
            with strategy.scope():
                return epoch, steps_done, path, load_gan(path)
        except ValueError as error:
            reason = str(error).splitlines()[0]
            if _intact_archive(path):
                raise ConfigError(
                    f"{path} is intact but does not load into this version's networks "
                    f"({reason}); it was written by another version of keras_vidgan. Continue "
                    "the run with that version, or pass another --out to start a new run."
                ) from None
            if chief:
                corrupt_dir = os.path.join(os.path.dirname(path), "corrupt")
                os.makedirs(corrupt_dir, exist_ok=True)
                moved = os.path.join(corrupt_dir, os.path.basename(path))
                os.replace(path, moved)
                log(f"warning: {reason}; moved it to {moved} and resuming from the checkpoint "
                    "before it.")
            damaged.append(os.path.basename(path))
    if damaged:
        raise ConfigError(
            f"No checkpoint of {run_dir} loads ({', '.join(damaged)} are damaged and were moved "
            "to checkpoints/corrupt/); pass another --out to start a new run."
        )
    return 0, 0, None, None


def _intact_archive(path):
    """Whether a `.keras` file is a complete zip archive whose members all read back."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.testzip() is None
    except (OSError, zipfile.BadZipFile):
        return False


def check_resumable(run_dir, config):
    """Refuses to resume `run_dir` with settings that change what it learns.

    Compares `config` with the run's `config.json`; the settings of
    `SESSION_FIELDS` (epochs, time budget, strategy, output) may change.

    Raises:
        ConfigError: naming every changed setting with both values.
    """
    path = os.path.join(run_dir, CONFIG_FILE)
    if not os.path.exists(path):
        return
    previous = TrainConfig.from_json_file(path).experiment()
    requested = config.experiment()
    changed = {key: (previous[key], requested[key]) for key in requested
               if previous[key] != requested[key]}
    if changed:
        raise ConfigError(_changed_settings_message(run_dir, changed, "its config.json"))


def checkpoint_settings(gan):
    """The recipe settings a GAN checkpoint restores, as `TrainConfig` field values."""
    objective = gan.gan_loss.name if gan.gan_loss is not None else "bce"
    penalty = gan.gradient_penalty_weight
    loss_name = next((name for name, spec in LOSSES.items() if spec == (objective, penalty)),
                     f"{objective} with gradient penalty {penalty:g}")
    frames, size, _, channels = gan.clip_shape
    g_rate, decay_start, decay_steps = _learning_rate_settings(gan.g_optimizer)
    settings = {
        "loss": loss_name,
        "r1": gan.r1_weight,
        "r1_interval": gan.r1_interval,
        "ema": gan.ema_decay,
        "d_steps": gan.d_steps,
        "seed": gan.seed,
        "g_lr": g_rate,
        "d_lr": _learning_rate_settings(gan.d_optimizer)[0],
        "adam_beta2": float(gan.g_optimizer.beta_2),
        "lr_decay_start": decay_start,
        "lr_decay_steps": decay_steps,
        "frames": frames,
        "size": size,
        "channels": channels,
        "conditional": ("text" if gan.text_conditional
                        else "class" if gan.num_classes is not None else None),
        "precision": gan.generator.dtype_policy.name,
    }
    # MoCoGAN's noise size follows from its content and motion codes: only a generator
    # built with a latent_dim argument restores that setting.
    generator_config = gan.generator.get_config()
    if "latent_dim" in generator_config:
        settings["latent_dim"] = gan.generator.latent_dim
    if "synthesis" in generator_config:
        settings["synthesis"] = gan.generator.synthesis
        # Generators saved before the option placed their sprites bilinearly.
        settings["sprite_placement"] = generator_config.get("sprite_placement", "bilinear")
    # Discriminators saved before the option had no class head.
    settings["auxiliary_classifier"] = any(
        d.get_config().get("auxiliary_classifier", False) for d in gan.discriminators.values()
    )
    # Generators saved before the option took one label per clip.
    settings["label_every_digit"] = generator_config.get("labels_per_clip", 1) > 1
    settings["minibatch_std"] = max(
        d.get_config().get("minibatch_std_group") or 0 for d in gan.discriminators.values()
    )
    return settings


def check_checkpoint(gan, config, checkpoint):
    """Refuses a checkpoint whose restored settings differ from `config`.

    `config.json` and the checkpoint normally agree; this catches runs whose
    `config.json` was edited, lost or written by an older release, so that a
    resumed run never silently trains the checkpoint's objective instead of
    the requested one.
    """
    requested = config.to_dict()
    changed = {}
    for key, restored in checkpoint_settings(gan).items():
        wanted = requested[key]
        if isinstance(restored, float) and isinstance(wanted, (int, float)):
            same = math.isclose(restored, wanted, rel_tol=1e-6)
        else:
            same = restored == wanted
        if not same:
            changed[key] = (restored, wanted)
    if changed:
        raise ConfigError(_changed_settings_message(
            config.run_dir, changed, f"its checkpoint {os.path.basename(checkpoint)}"))


def _changed_settings_message(run_dir, changed, source):
    details = "; ".join(f"{key} is {old!r} there, {new!r} here"
                        for key, (old, new) in changed.items())
    old_flags = ", ".join(_flag(key, old) for key, (old, _) in changed.items())
    return (f"{run_dir} holds a run with other settings ({details}, per {source}). "
            f"Continue it with its settings ({old_flags}), or pass another --out to start a "
            "new run.")


def _flag(key, value):
    flag = "--" + key.replace("_", "-")
    if isinstance(value, bool):
        return flag if value else f"without {flag}"
    return f"without {flag}" if value is None else f"{flag} {value}"


def _learning_rate_schedule(rate, config):
    if not config.lr_decay_steps:
        return rate
    # A warm-up from the rate to itself holds it constant until the decay starts.
    return keras.optimizers.schedules.CosineDecay(
        rate, decay_steps=config.lr_decay_steps, alpha=0.0, warmup_target=rate,
        warmup_steps=config.lr_decay_start,
    )


def _learning_rate_settings(optimizer):
    """(rate, decay start, decay steps) of an optimizer that `build_gan` made."""
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)
    rate = optimizer.get_config()["learning_rate"]
    if not isinstance(rate, dict):
        return float(rate), 0, 0
    schedule = rate["config"]
    return (float(schedule["initial_learning_rate"]), int(schedule["warmup_steps"]),
            int(schedule["decay_steps"]))


def _decay_phrase(config):
    if not config.lr_decay_steps:
        return ""
    end = config.lr_decay_start + config.lr_decay_steps
    return f", rates to zero from step {config.lr_decay_start:,} to {end:,} (cosine)"


def _is_chief(strategy_name):
    if strategy_name != "multiworker":
        return True
    try:
        return read_tf_config().is_chief
    except ClusterConfigError as error:
        raise ConfigError(f"--strategy multiworker: {error}") from None


def build_dataset(config, first_clip=0):
    """Unbatched clips (or `(clip, label)` pairs) for the run, from clip `first_clip` on.

    The stream is the same in every session of a run: clip `i` is the same
    clip whether the run was interrupted or not.

    Raises:
        keras_vidgan.data.DataError: `config.data` cannot be read.
    """
    # Fresh clips for every step of the run.
    num_clips = config.epochs * config.steps_per_epoch * config.batch_size
    if config.data:
        clips = data.from_path(
            config.data,
            frames=config.frames,
            size=config.size,
            channels=config.channels,
            training=True,
            seed=config.seed,
            strict=config.strict,
            captions=config.conditional == "text",
        )
        described = {name: getattr(clips, name, None) for name in ("class_names", "captions")}
        # User data cannot be started in the middle: the clips before are read again.
        clips = clips.shuffle(256, seed=config.seed).repeat().skip(first_clip)
        for name, value in described.items():
            setattr(clips, name, value)
        return clips
    if config.dataset == "moving_mnist":
        clips = datasets.moving_mnist(
            num_clips=num_clips,
            frames=config.frames,
            size=config.size,
            digits=config.digits,
            seed=config.seed,
            with_labels=config.conditional == "class",
            captions=config.conditional == "text",
            first_clip=first_clip,
        )
    else:
        clips = datasets.bouncing_balls(
            num_clips=num_clips,
            frames=config.frames,
            size=config.size,
            seed=config.seed,
            first_clip=first_clip,
        )
    clips = clips.repeat()
    if config.channels == 3:
        clips = clips.map(lambda clip, *labels: (tf.repeat(clip, 3, axis=-1), *labels))
    return clips


def batch_clips(dataset, config):
    return dataset.batch(config.batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


def build_gan(config, captions=None):
    """A new, compiled `GAN` of the configured design, objective and optimizers.

    `captions` (the `captions` of the data's dataset) are what a text run on
    `config.data` adapts its vocabulary on.
    """
    generator, discriminator = build_design(
        config.model,
        frames=config.frames,
        size=config.size,
        channels=config.channels,
        width=config.width,
        latent_dim=config.latent_dim,
        num_classes=config.num_classes,
        upsampling=config.upsampling,
        text_encoder=text_encoder_settings(config, captions),
        sampled_frames=config.sampled_frames,
        synthesis=config.synthesis,
        sprites=config.digits,
        sprite_placement=config.sprite_placement,
        auxiliary_classifier=config.auxiliary_classifier,
        minibatch_std_group=config.minibatch_std or None,
        labels_per_clip=config.labels_per_clip,
        # Each network's own policy rather than the global one: a checkpoint records it, and
        # a process that loads one (sample, export, resume) computes as this one did.
        dtype=config.precision,
    )
    gan = GAN(generator, discriminator, seed=config.seed, ema_decay=config.ema)
    objective, penalty = LOSSES[config.loss]
    optimizers = {
        "g_optimizer": keras.optimizers.Adam(
            _learning_rate_schedule(config.g_lr, config), beta_1=0.5,
            beta_2=config.adam_beta2, name="generator_adam",
        ),
        "d_optimizer": keras.optimizers.Adam(
            _learning_rate_schedule(config.d_lr, config), beta_1=0.5,
            beta_2=config.adam_beta2, name="discriminator_adam",
        ),
    }
    # With mixed_float16, compile() wraps both optimizers in loss scaling.
    settings = dict(d_steps=config.d_steps, r1=config.r1, r1_interval=config.r1_interval,
                    jit_compile=config.jit_compile)
    if objective == "bce":
        # The package default, kept byte for byte: BinaryCrossentropy(from_logits=True).
        gan.compile(**optimizers, **settings)
    else:
        gan.compile(**optimizers, loss=objective, gradient_penalty=penalty, **settings)
    return gan


def text_encoder_settings(config, captions=None):
    """The `TextEncoder` arguments of a text-conditioned run (None otherwise).

    The vocabulary is adapted on every caption of the data, so that no word
    of it is unknown to the model: on the user's captions with `--data`, on
    every caption the captioned Moving MNIST phrasings can make otherwise.
    With `--data` the encoder reads the longest caption whole: its word
    limit is the longer of that caption and the default 24 words.

    Args:
        config: the run's `TrainConfig`.
        captions: with `config.data`, `{video: caption}` of the data (the
            `captions` attribute of its dataset).

    Raises:
        keras_vidgan.data.DataError: a caption has no word the encoder
            reads, or more than `MAX_CAPTION_WORDS`.
    """
    if config.conditional != "text":
        return None
    if not config.data:
        return {"vocabulary": TextEncoder.vocabulary_from(every_caption())}
    if not captions:
        raise ValueError("A text run on --data adapts its vocabulary on the data's captions: "
                         "pass them (the `captions` of its dataset).")
    videos, texts = list(captions), list(captions.values())
    counts = TextEncoder.count_words(texts)
    for video, count in zip(videos, counts):
        if count == 0 or count > MAX_CAPTION_WORDS:
            problem = "no word" if count == 0 else f"{count} words"
            raise data.DataError(
                f"The caption of {video} in {config.data} has {problem}; the text encoder reads "
                f"1 to {MAX_CAPTION_WORDS} words (punctuation is dropped). Rewrite that caption."
            )
    return {"vocabulary": TextEncoder.vocabulary_from(texts),
            "sequence_length": max(DEFAULT_CAPTION_WORDS, max(counts))}


def sample_prompts(config, captions=None):
    """The fixed prompts of a text-conditioned run's sample grids (None otherwise).

    With `--data`: the first `num_samples` distinct captions of the data, in
    the order of its videos (a grid of more videos cycles through them).
    """
    if config.conditional != "text":
        return None
    if config.data:
        return list(dict.fromkeys((captions or {}).values()))[: config.num_samples] or None
    return fixed_prompts(config.num_samples, config.digits)


def precision_warning(precision):
    """One line when `precision` is known to train wrong on this machine, else None."""
    if precision != "mixed_bfloat16" or tf.config.list_logical_devices("GPU"):
        return None
    if os.environ.get("TF_ENABLE_ONEDNN_OPTS") == "0":
        return None  # TensorFlow's own kernels: correct, and slow
    return ("warning: mixed_bfloat16 on a CPU: TensorFlow 2.21's oneDNN kernels compute wrong "
            "bfloat16 Conv3D weight gradients on the CPUs this was checked on (`python "
            "benchmarks/mixed_precision.py --check-gradients`); train in float32 on CPUs.")


def make_strategy(name):
    """The `tf.distribute` strategy of `--strategy NAME`.

    `mirrored` replicates over every local GPU, or, on a machine without
    one, over every logical CPU device (one, unless the process configured
    more, as tests do).
    """
    if name == "mirrored":
        if tf.config.list_logical_devices("GPU"):
            return tf.distribute.MirroredStrategy()
        cpus = [device.name for device in tf.config.list_logical_devices("CPU")]
        return tf.distribute.MirroredStrategy(cpus)
    if name == "multiworker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    return tf.distribute.get_strategy()


def describe_run(config, gan, initial_epoch, steps_done, checkpoint, replicas=1):
    """The few lines a run starts with: where it goes, what it trains on, and for how long."""
    if checkpoint and steps_done:
        state = (f"resuming after step {steps_done} of epoch {initial_epoch + 1} from "
                 f"{checkpoint}")
    elif checkpoint:
        state = f"resuming after epoch {initial_epoch} from {checkpoint}"
    else:
        state = "new run"
    discriminators = ", ".join(type(model).__name__ for model in gan.discriminators.values())
    if config.data:
        source = f"{config.data}"
        if config.conditional == "text":
            source += ", captioned"
    elif config.dataset == "moving_mnist":
        source = f"Moving MNIST, {config.digits} digit{'s' * (config.digits > 1)} per clip"
        if config.conditional == "text":
            source += ", captioned"
    else:
        source = "bouncing balls"
    frames, size, _, channels = config.clip_shape
    total_steps = config.epochs * config.steps_per_epoch
    budget = f", at most {config.time_budget:g} minutes" if config.time_budget else ""
    compute = config.precision + (", XLA" if config.jit_compile else "")
    traits = [config.synthesis] if config.model == "styleganv" else []
    if config.synthesis == "sprites":
        traits.append(config.sprite_placement.replace("_", " "))
    if config.conditional:
        traits.append(f"{config.conditional}-conditional")
    if config.label_every_digit:
        traits.append("every digit's class")
    if config.auxiliary_classifier:
        traits.append("auxiliary classifier")
    if config.minibatch_std:
        traits.append(f"minibatch std over {config.minibatch_std} clips")
    drawing = f" ({', '.join(traits)})" if traits else ""
    return [
        f"Run directory: {config.run_dir} ({state})",
        f"  design  {config.model}{drawing}: {type(gan.generator).__name__} against "
        f"{discriminators}; "
        f"loss {config.loss}, Adam {config.g_lr:g} (generator) / {config.d_lr:g} "
        f"(discriminator), beta_2 {config.adam_beta2:g}{_decay_phrase(config)}",
        f"  data    {source}; clips of {frames} frames of {size}x{size}x{channels}, "
        f"batch {config.batch_size}",
        f"  steps   {config.epochs} epochs of {config.steps_per_epoch} steps "
        f"({total_steps:,} GAN steps{budget}), {config.strategy} strategy on {replicas} "
        f"replica{'s' * (replicas > 1)}",
        f"  compute {compute}",
    ]


class RunReport(keras.callbacks.Callback):
    """Reports the measured time per epoch after the first steps, and what each epoch wrote.

    Its lines never share a line with Keras' progress bar: the estimate
    starts a line of its own, and an epoch's files are reported when the
    next epoch begins (or training ends), after the bar has finished its line.

    Args:
        run_dir: the run directory.
        progress_bar: whether Keras draws a progress bar (`verbose=1`).
        log: where the lines go.
        timed_steps: steps measured for the estimate, after one warm-up step.
    """

    def __init__(self, run_dir, progress_bar=True, log=print, timed_steps=5):
        super().__init__()
        self.run_dir = run_dir
        self.progress_bar = progress_bar
        self.log = log
        self.timed_steps = timed_steps
        self._start = None
        self._estimated = False
        self._finished_epoch = None

    def on_train_batch_end(self, batch, logs=None):
        if self._estimated:
            return
        # Step 0 includes tracing the step function; time from its end.
        if batch == 0:
            self._start = time.perf_counter()
        elif batch == self.timed_steps:
            seconds_per_step = (time.perf_counter() - self._start) / self.timed_steps
            steps = self.params.get("steps") or 0
            prefix = "\n" if self.progress_bar else ""
            self.log(f"{prefix}  timing  {seconds_per_step:.2f} s per step, about "
                     f"{_duration(seconds_per_step * steps)} per epoch")
            self._estimated = True

    def on_epoch_end(self, epoch, logs=None):
        self._finished_epoch = epoch + 1

    def on_epoch_begin(self, epoch, logs=None):
        self._report_written()

    def on_train_end(self, logs=None):
        self._report_written()

    def _report_written(self):
        if self._finished_epoch is None:
            return
        epoch, self._finished_epoch = self._finished_epoch, None
        written = []
        checkpoint = checkpoint_path(self.run_dir, epoch)
        if os.path.exists(checkpoint):
            written.append(os.path.relpath(checkpoint, self.run_dir))
        samples = os.path.join(self.run_dir, "samples", f"epoch_{epoch:04d}.gif")
        if os.path.exists(samples):
            written.append(os.path.relpath(samples, self.run_dir)[: -len(".gif")] +
                           ".gif/.mp4/.png")
        if written:
            self.log(f"  epoch {epoch} wrote {', '.join(written)} in {self.run_dir}")
        else:
            self.log(f"  epoch {epoch} wrote no checkpoint (see the warning above)")


def _duration(seconds):
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min"
