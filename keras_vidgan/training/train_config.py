"""Every setting of a training run, as one object that `config.json` stores."""

import dataclasses
import json
import os

from keras_vidgan.training.config_error import ConfigError

DESIGNS = ("vgan", "tgan", "mocogan", "dvdgan", "styleganv")
DATASETS = ("moving_mnist", "bouncing_balls")
# --loss names: the GAN objective and, for wgan-gp, the gradient penalty weight (Gulrajani et al.).
LOSSES = {
    "bce": ("bce", 0.0),
    "hinge": ("hinge", 0.0),
    "lsgan": ("lsgan", 0.0),
    "wgan-gp": ("wgan", 10.0),
}
STRATEGIES = ("default", "mirrored", "multiworker")
# --conditional: on digit classes, or on captions (text-to-video).
CONDITIONS = ("class", "text")
# How the styleganv generator draws a frame (models.styleganv_generator.SYNTHESES).
SYNTHESES = ("frames", "sprites")
# Where the sprite synthesis puts a sprite (models.styleganv_generator.SPRITE_PLACEMENTS).
SPRITE_PLACEMENTS = ("bilinear", "whole_pixels")
# The designs whose generator and discriminators take text (models.model_zoo.TEXT_DESIGNS).
TEXT_DESIGNS = ("vgan", "mocogan", "styleganv")
# Keras dtype policies of the networks: what they compute in (their weights stay float32).
PRECISIONS = ("float32", "mixed_bfloat16", "mixed_float16")
# Settings a resumed run may change: they steer how long and how loudly it trains and what it
# keeps, never what it learns. Every other field is part of the experiment.
SESSION_FIELDS = frozenset(
    {"epochs", "time_budget", "strategy", "verbose", "num_samples", "keep_checkpoints", "strict",
     "out", "checkpoint_every", "fps", "jit_compile"}
)
# Fields a run directory written by an earlier release may lack: the value those runs used.
FIELDS_BEFORE_THEIR_FLAG = {
    "g_lr": 2e-4, "d_lr": 2e-4, "precision": "float32", "synthesis": "frames",
    "conditional": None, "sprite_placement": "bilinear",
    "auxiliary_classifier": False, "r1_interval": 1, "minibatch_std": 0,
    "adam_beta2": 0.999, "lr_decay_start": 0, "lr_decay_steps": 0, "label_every_digit": False,
}


@dataclasses.dataclass
class TrainConfig:
    """The recipe of one training run: data, design, objective and schedule.

    `keras-vidgan train` turns its flags into a `TrainConfig` and calls
    `keras_vidgan.training.train(config)`; Python code does the same, so a
    notebook runs exactly the command line's recipe. The run directory's
    `config.json` is `config.to_json()`. The defaults are the command
    line's: the StyleGAN-V design drawing sprites, conditioned on the digit's
    class, with R1 (0.1, computed every 16 steps), a moving average of the
    generator (0.9999) and Adam at 1e-3 on one-digit Moving MNIST clips of
    16x32x32, 150 epochs of 100 steps (docs/default_run.md says why).

    Args:
        dataset: built-in dataset, `"moving_mnist"` or `"bouncing_balls"`.
        data: path to the user's own data (video folder, frame folders or
            TFRecord shards) instead of a built-in dataset.
        digits: digits per Moving MNIST clip.
        strict: with `data`, stop at the first unreadable file.
        frames, size, channels: the clip shape.
        latent_dim: noise size of the generator.
        width: base width of both networks.
        upsampling: VGAN's upsampling, `"icnr"`, `"transpose"` or `"resize"`
            (`VGANGenerator`).
        model: the design, one of `"vgan"`, `"tgan"`, `"mocogan"`, `"dvdgan"`,
            `"styleganv"`.
        sampled_frames: frames per clip the `styleganv` discriminator scores
            and its generator renders in training (at most `frames`).
        synthesis: how the `styleganv` generator draws: `"frames"`, every
            frame by its synthesis network, or `"sprites"`, `digits` sprites
            drawn once per clip and moved over a black canvas
            (`StyleGANVGenerator`). None picks `"sprites"` for `styleganv`
            on the built-in Moving MNIST and `"frames"` otherwise.
        sprite_placement: with the sprite synthesis, `"bilinear"` (a sprite
            may sit between pixels) or `"whole_pixels"` (its corner is
            rounded, as Moving MNIST places its digits). None picks
            `"whole_pixels"` for the sprite synthesis (it measured best,
            docs/default_run.md) and `"bilinear"` otherwise.
        auxiliary_classifier: a class-conditional `styleganv` run whose
            discriminator also predicts each clip's class, as AC-GAN's
            (Odena et al., 2017), and whose generator is trained to make the
            class it was given readable. None turns it on for class-conditional
            sprites (where it measured best, docs/default_run.md) and off
            otherwise.
        label_every_digit: a class-conditional `styleganv` run on clips of
            several digits conditions on the class of every digit (labels
            `[B, digits]`: with sprites, each sprite draws its own digit)
            instead of the first digit's alone. None turns it on for
            class-conditional sprites with several digits (where it measured
            best, docs/model_zoo.md) and off otherwise.
        minibatch_std: clips per group of the `styleganv` discriminator's
            minibatch standard deviation feature (StyleGAN's remedy for
            mode collapse, `StyleGANVDiscriminator`), or 0 for none.
        loss: `"bce"`, `"hinge"`, `"lsgan"` or `"wgan-gp"`.
        r1: R1 penalty weight (0 for none).
        r1_interval: compute the R1 penalty every this many steps, scaled
            to the same weight per step (StyleGAN2's lazy regularization).
        ema: decay of the generator's moving average, or None for none.
        g_lr, d_lr: Adam learning rates (beta_1 0.5) of each network.
        adam_beta2: Adam's beta_2 for both networks (Keras' 0.999; StyleGAN2
            uses 0.99, which lets the step size follow a sudden rise of the
            gradients sooner).
        lr_decay_start, lr_decay_steps: with `lr_decay_steps` > 0, both
            learning rates hold until step `lr_decay_start`, then fall along a
            half cosine to zero over the next `lr_decay_steps` steps and stay
            there (a Keras `CosineDecay`; annealing settles the networks where
            a constant rate keeps them swinging). 0 steps: constant rates.
        d_steps: discriminator updates per generator update.
        conditional: None for an unconditional model; `"class"` for a
            class-conditional model trained on `(clip, label)` pairs (True,
            as earlier releases stored it, means `"class"`); `"text"` for a
            text-to-video model trained on `(clip, caption)` pairs of
            captioned Moving MNIST, or of `data` with a caption per video
            (`styleganv`, `vgan` and `mocogan`). The default, `"auto"`, is
            `"class"` for the sprite synthesis on the built-in Moving MNIST
            and None otherwise.
        batch_size: global batch size.
        epochs: epochs to train, counting those of earlier sessions.
        steps_per_epoch: GAN steps per epoch.
        seed: seed of the data, the noise and the sample grid.
        time_budget: minutes of training after which the run stops, counted
            over resumed sessions; None for no limit.
        strategy: `"default"`, `"mirrored"` or `"multiworker"`.
        out: the run directory; None derives it from the data and the
            design (see `run_dir`).
        num_samples: videos in the sample grid written each epoch.
        keep_checkpoints: how many epoch checkpoints to keep.
        checkpoint_every: also checkpoint every this many steps inside an
            epoch (None: at the end of each epoch only); bounds the steps a
            stopped run loses.
        verbose: Keras progress output: 0 silent, 1 a progress bar, 2 a
            line per epoch.
        fps: frame rate of the sample videos.
        precision: what the networks compute in: `"float32"`,
            `"mixed_bfloat16"` or `"mixed_float16"` (float16 with loss
            scaling), for GPUs and TPUs: on CPUs TensorFlow 2.21's bfloat16
            Conv3D gradients are wrong, float16 is slow. Weights, losses and
            clips stay float32.
        jit_compile: compile the training step with XLA (for GPUs: on CPUs
            compiling 3D convolutions takes minutes). XLA draws other random
            numbers than TensorFlow's kernels for the same `(seed, step)`
            (tensorflow/tensorflow#121243), so switching it between sessions
            changes the noise stream, not what the run learns.

    Example:

    ```python
    from keras_vidgan.training import TrainConfig

    config = TrainConfig(model="mocogan", loss="hinge", epochs=2, out="runs/notebook")
    config.validate()
    print(config.run_dir, config.clip_shape)  # runs/notebook (16, 32, 32, 1)
    ```
    """

    dataset: str = "moving_mnist"
    data: str | None = None
    digits: int = 1
    strict: bool = False
    frames: int = 16
    size: int = 32
    channels: int = 1
    latent_dim: int = 100
    width: int = 16
    upsampling: str = "icnr"
    model: str = "styleganv"
    sampled_frames: int = 3
    synthesis: str | None = None
    sprite_placement: str | None = None
    auxiliary_classifier: bool | None = None
    label_every_digit: bool | None = None
    minibatch_std: int = 0
    loss: str = "bce"
    r1: float = 0.1
    r1_interval: int = 16
    ema: float | None = 0.9999
    g_lr: float = 1e-3
    d_lr: float = 1e-3
    adam_beta2: float = 0.999
    lr_decay_start: int = 0
    lr_decay_steps: int = 0
    d_steps: int = 1
    conditional: str | None = "auto"
    batch_size: int = 16
    epochs: int = 150
    steps_per_epoch: int = 100
    seed: int = 0
    time_budget: float | None = None
    strategy: str = "default"
    out: str | None = None
    num_samples: int = 16
    keep_checkpoints: int = 3
    checkpoint_every: int | None = None
    verbose: int = 1
    fps: int = 8
    precision: str = "float32"
    jit_compile: bool = False

    def __post_init__(self):
        # Earlier releases stored a boolean for class conditioning.
        if self.conditional is True:
            self.conditional = "class"
        elif self.conditional is False:
            self.conditional = None
        built_in_digits = self.data is None and self.dataset == "moving_mnist"
        if self.synthesis is None:
            # Sprites measured best on the built-in Moving MNIST (docs/default_run.md); they
            # cannot draw a scene, so anything else keeps the frame synthesis.
            self.synthesis = (
                "sprites" if self.model == "styleganv" and built_in_digits else "frames"
            )
        if self.conditional == "auto":
            # The digit labels made the sprite default's digits more legible and steadier
            # (docs/default_run.md); other data has no labels to condition on.
            self.conditional = (
                "class" if self.synthesis == "sprites" and built_in_digits else None
            )
        sprites = self.synthesis == "sprites"
        if self.sprite_placement is None:
            # Moving MNIST draws its digits on whole pixels; so then does the generator.
            self.sprite_placement = "whole_pixels" if sprites else "bilinear"
        if self.auxiliary_classifier is None:
            # Measured only with class-conditional sprites (docs/default_run.md).
            self.auxiliary_classifier = (
                sprites and self.model == "styleganv" and self.conditional == "class"
            )
        if self.label_every_digit is None:
            # Measured with class-conditional sprites of two digits (docs/model_zoo.md):
            # each sprite then draws the digit it is asked for.
            self.label_every_digit = (
                sprites and self.model == "styleganv" and self.conditional == "class"
                and self.digits > 1
            )

    @property
    def run_dir(self):
        """Where the run is written: `out`, or `runs/<data>_<design>`."""
        if self.out:
            return self.out
        source = self.dataset
        if self.data:
            source = os.path.basename(os.path.normpath(self.data)) or "data"
        return os.path.join("runs", f"{source}_{self.model}")

    @property
    def clip_shape(self):
        return (self.frames, self.size, self.size, self.channels)

    @property
    def num_classes(self):
        """Classes of a conditional run (Moving MNIST digits), None otherwise."""
        return 10 if self.conditional == "class" else None

    @property
    def labels_per_clip(self):
        """Class labels per clip the networks take: every digit's, or one."""
        return self.digits if self.label_every_digit else 1

    def validate(self):
        """Raises `ConfigError` naming the first setting that cannot work, before anything runs."""
        _choice("dataset", self.dataset, DATASETS)
        _choice("model", self.model, DESIGNS)
        _choice("loss", self.loss, tuple(LOSSES))
        _choice("synthesis", self.synthesis, SYNTHESES)
        _choice("sprite_placement", self.sprite_placement, SPRITE_PLACEMENTS)
        if self.auxiliary_classifier and (self.model, self.conditional) != ("styleganv", "class"):
            raise ConfigError(
                "auxiliary_classifier predicts the class of a class-conditional styleganv "
                f"run; got model {self.model!r}, conditional {self.conditional!r}. Add --model "
                "styleganv --conditional class, or drop --auxiliary-classifier."
            )
        if not isinstance(self.label_every_digit, bool):
            raise ConfigError(
                f"label_every_digit must be True or False, got {self.label_every_digit!r}."
            )
        if self.label_every_digit and (self.model, self.conditional) != ("styleganv", "class"):
            raise ConfigError(
                "label_every_digit conditions a class-conditional styleganv run on every digit's "
                f"class; got model {self.model!r}, conditional {self.conditional!r}. Add --model "
                "styleganv --conditional class, or drop --label-every-digit."
            )
        if self.label_every_digit and self.digits == 1:
            raise ConfigError(
                "label_every_digit labels each of several digits per clip; with --digits 1 the "
                "clip's label is its digit's already. Drop --label-every-digit, or add "
                "--digits 2."
            )
        if isinstance(self.minibatch_std, bool) or not isinstance(self.minibatch_std, int) or (
            self.minibatch_std == 1 or self.minibatch_std < 0
        ):
            raise ConfigError(
                f"minibatch_std must be 0 (none) or a group size of at least 2 clips, got "
                f"{self.minibatch_std!r}."
            )
        if self.minibatch_std and self.model != "styleganv":
            raise ConfigError(
                f"minibatch_std is a styleganv discriminator option; got model {self.model!r}. "
                "Add --model styleganv, or drop --minibatch-std."
            )
        if self.sprite_placement != "bilinear" and self.synthesis != "sprites":
            raise ConfigError(
                f"sprite_placement {self.sprite_placement!r} places the sprite synthesis' "
                f"sprites; got synthesis {self.synthesis!r}. Add --synthesis sprites, or drop "
                "--sprite-placement."
            )
        if self.synthesis != "frames" and self.model != "styleganv":
            raise ConfigError(
                f"synthesis {self.synthesis!r} is a styleganv option; got model {self.model!r}. "
                "Add --model styleganv, or drop --synthesis."
            )
        _choice("upsampling", self.upsampling, ("icnr", "transpose", "resize"))
        _choice("strategy", self.strategy, STRATEGIES)
        _choice("frames", self.frames, (8, 16, 32))
        _choice("size", self.size, (32, 64, 128))
        _choice("channels", self.channels, (1, 3))
        _choice("verbose", self.verbose, (0, 1, 2))
        _choice("precision", self.precision, PRECISIONS)
        if not isinstance(self.jit_compile, bool):
            raise ConfigError(f"jit_compile must be True or False, got {self.jit_compile!r}.")
        if self.jit_compile and self.strategy != "default":
            # XLA places the step on one device, the replicas' variables live on several.
            raise ConfigError(
                f"jit_compile works with the default strategy only, not {self.strategy!r}: "
                "drop --jit-compile, or train with --strategy default."
            )
        for name in ("digits", "latent_dim", "width", "d_steps", "batch_size", "epochs",
                     "steps_per_epoch", "num_samples", "keep_checkpoints", "fps",
                     "sampled_frames", "r1_interval"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"{name} must be a positive integer, got {value!r}.")
        for name in ("g_lr", "d_lr"):
            if not _number(getattr(self, name)) or getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be a positive number, got {getattr(self, name)!r}.")
        if not (_number(self.adam_beta2) and 0 <= self.adam_beta2 < 1):
            raise ConfigError(f"adam_beta2 must be a number in [0, 1) such as 0.99, got "
                              f"{self.adam_beta2!r}.")
        for name in ("lr_decay_start", "lr_decay_steps"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ConfigError(f"{name} must be a whole number of steps >= 0, got {value!r}.")
        if self.lr_decay_start and not self.lr_decay_steps:
            raise ConfigError(
                f"lr_decay_start ({self.lr_decay_start}) says when the learning rates start to "
                "fall, and lr_decay_steps (0) over how many steps: add --lr-decay-steps, or "
                "drop --lr-decay-start."
            )
        if not _number(self.r1) or self.r1 < 0:
            raise ConfigError(f"r1 must be a number >= 0, got {self.r1!r}.")
        if self.ema is not None and not (_number(self.ema) and 0 < self.ema < 1):
            raise ConfigError(f"ema must be a decay in (0, 1) such as 0.999, got {self.ema!r}.")
        if self.time_budget is not None and not (_number(self.time_budget)
                                                 and self.time_budget > 0):
            raise ConfigError(f"time_budget must be a positive number of minutes, got "
                              f"{self.time_budget!r}.")
        if self.checkpoint_every is not None and (
            isinstance(self.checkpoint_every, bool)
            or not isinstance(self.checkpoint_every, int)
            or self.checkpoint_every < 1
        ):
            raise ConfigError(f"checkpoint_every must be a positive number of steps, got "
                              f"{self.checkpoint_every!r}.")
        if self.model == "styleganv" and self.sampled_frames > self.frames:
            raise ConfigError(f"sampled_frames ({self.sampled_frames}) cannot exceed frames "
                              f"({self.frames}).")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ConfigError(f"seed must be an integer, got {self.seed!r}.")
        if self.conditional is not None:
            _choice("conditional", self.conditional, CONDITIONS)
        if self.conditional == "text" and not self.data and self.dataset != "moving_mnist":
            raise ConfigError(
                "--conditional text needs captioned clips: the moving_mnist dataset (captions "
                "from the digits and their motion) or --data with a caption per video. Drop "
                "--dataset."
            )
        if self.conditional == "text" and self.model not in TEXT_DESIGNS:
            raise ConfigError(
                f"--conditional text is available for --model {', '.join(TEXT_DESIGNS)}; "
                f"got {self.model!r}."
            )
        if self.conditional == "class" and (self.data or self.dataset != "moving_mnist"):
            raise ConfigError(
                "conditional training needs labelled clips; it supports the moving_mnist dataset "
                "(10 digit classes) for now. Drop --conditional, or train on Moving MNIST."
            )
        if self.out is not None and os.path.exists(self.out) and not os.path.isdir(self.out):
            raise ConfigError(f"{self.out} is a file; --out names the run directory to write.")

    def experiment(self):
        """The fields that define what the run learns (all but `SESSION_FIELDS`)."""
        return {key: value for key, value in self.to_dict().items()
                if key not in SESSION_FIELDS}

    def to_dict(self):
        return dataclasses.asdict(self)

    def to_json(self):
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, values):
        """A config from a `config.json` dict; keys of other releases are dropped."""
        known = {field.name for field in dataclasses.fields(cls)}
        values = {**FIELDS_BEFORE_THEIR_FLAG, **values}
        return cls(**{key: value for key, value in values.items() if key in known})

    @classmethod
    def from_json_file(cls, path):
        """The config stored at `path`; `ConfigError` when it cannot be read."""
        try:
            with open(path) as handle:
                values = json.load(handle)
        except (OSError, ValueError) as error:
            raise ConfigError(
                f"Cannot read {path} ({error}); move the run directory aside or pass another "
                "--out."
            ) from None
        if not isinstance(values, dict):
            raise ConfigError(f"{path} does not hold a run's settings; pass another --out.")
        return cls.from_dict(values)


def _choice(name, value, choices):
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(map(str, choices))}; got {value!r}.")


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)
