"""`keras-vidgan train`'s flags: the recipe's defaults, help, and instant argument errors."""

import subprocess
import sys

import pytest

from keras_vidgan.training import ConfigError, TrainConfig
from keras_vidgan_cli.main import parse_arguments
from keras_vidgan_cli.train_command import config_values


def test_the_flags_default_to_the_recipes_defaults():
    args = parse_arguments(["train"])
    assert TrainConfig(**config_values(args)) == TrainConfig()


def test_flags_reach_the_config():
    args = parse_arguments(["train", "--model", "mocogan", "--ema", "0.999", "--progress",
                            "epoch", "--out", "runs/x", "--g-lr", "1e-4", "--conditional"])
    config = TrainConfig(**config_values(args))
    assert (config.model, config.ema, config.verbose, config.out) == ("mocogan", 0.999, 2, "runs/x")
    assert (config.g_lr, config.conditional) == (1e-4, "class")


def test_precision_and_xla_flags_reach_the_config():
    args = parse_arguments(["train", "--precision", "mixed_bfloat16", "--jit-compile"])
    config = TrainConfig(**config_values(args))
    assert (config.precision, config.jit_compile) == ("mixed_bfloat16", True)


def test_r1_interval_reaches_the_config_and_must_be_positive():
    args = parse_arguments(["train", "--r1-interval", "16"])
    assert TrainConfig(**config_values(args)).r1_interval == 16
    with pytest.raises(SystemExit):
        parse_arguments(["train", "--r1-interval", "0"])
    with pytest.raises(ConfigError, match="r1_interval must be a positive integer"):
        TrainConfig(r1_interval=0).validate()


def test_ema_0_turns_the_default_moving_average_off():
    assert TrainConfig(**config_values(parse_arguments(["train"]))).ema == 0.9999
    config = TrainConfig(**config_values(parse_arguments(["train", "--ema", "0"])))
    assert config.ema is None
    config.validate()


def test_help_shows_every_default(capsys):
    with pytest.raises(SystemExit) as exit_status:
        parse_arguments(["train", "--help"])
    assert exit_status.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for flag, default in [("--frames {8,16,32}", 16), ("--size {32,64,128}", 32),
                          ("--channels {1,3}", 1), ("--latent-dim LATENT_DIM", 100),
                          ("--epochs EPOCHS", 150), ("--steps-per-epoch STEPS_PER_EPOCH", 100),
                          ("--seed SEED", 0), ("--r1 GAMMA", 0.1), ("--r1-interval STEPS", 16),
                          ("--ema DECAY", 0.9999), ("--g-lr RATE", 0.001)]:
        entry = text.split(flag + " ", 2)[-1]
        assert f"(default: {default})" in entry.split(" --", 1)[0], flag


def _run_parser_only(*argv):
    # The parser alone, in a fresh process: neither TensorFlow nor keras_vidgan may load.
    code = (
        "import sys\n"
        "from keras_vidgan_cli.main import main\n"
        "try:\n"
        f"    main({list(argv)!r})\n"
        "finally:\n"
        "    assert 'tensorflow' not in sys.modules and 'keras_vidgan' not in sys.modules\n"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)


def test_a_misspelled_flag_is_reported_by_its_command_with_a_suggestion():
    completed = _run_parser_only("train", "--epocs", "3")
    assert completed.returncode == 2
    lines = completed.stderr.strip().splitlines()
    assert lines[0].startswith("usage: keras-vidgan train ")
    assert lines[-1] == (
        "keras-vidgan train: error: unrecognized arguments: --epocs 3; did you mean --epochs?"
    )


def test_help_and_bad_values_do_not_load_tensorflow():
    assert _run_parser_only("--help").returncode == 0
    assert _run_parser_only("train", "--help").returncode == 0
    bad = _run_parser_only("train", "--frames", "12")
    assert bad.returncode == 2 and "argument --frames: invalid choice" in bad.stderr
    bad = _run_parser_only("train", "--precision", "float16")
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines()[-1].startswith(
        "keras-vidgan train: error: argument --precision: invalid choice: 'float16'"
    )


def test_conditional_takes_class_text_or_none_and_defaults_to_class_only_for_sprites():
    cases = ((["--conditional", "text"], "text"), (["--conditional", "class"], "class"),
             (["--conditional", "--model", "mocogan"], "class"), (["--conditional", "none"], None),
             # The default: class labels for the sprite default on the built-in digits only.
             ([], "class"), (["--digits", "2", "--size", "64"], "class"),
             (["--synthesis", "frames"], None), (["--model", "mocogan"], None),
             (["--data", "my_videos"], None), (["--dataset", "bouncing_balls"], None))
    for argv, expected in cases:
        args = parse_arguments(["train", *argv])
        assert TrainConfig(**config_values(args)).conditional == expected, argv
    # A run directory of an earlier release without the field resumes unconditional.
    assert TrainConfig.from_dict({"model": "styleganv"}).conditional is None
    assert TrainConfig.from_dict({"model": "styleganv", "synthesis": "sprites"}).conditional is None


def test_the_synthesis_defaults_to_sprites_only_for_styleganv_on_built_in_digits():
    def synthesis(*flags):
        return TrainConfig(**config_values(parse_arguments(["train", *flags]))).synthesis

    assert synthesis() == "sprites"
    assert synthesis("--digits", "2", "--size", "64") == "sprites"
    assert synthesis("--model", "mocogan") == "frames"
    assert synthesis("--data", "my_videos") == "frames"
    assert synthesis("--dataset", "bouncing_balls") == "frames"
    assert synthesis("--synthesis", "frames") == "frames"
    # A run directory of an earlier release drew frames: it resumes as it was trained.
    assert TrainConfig.from_dict({"model": "styleganv"}).synthesis == "frames"
    from keras_vidgan.training import ConfigError

    with pytest.raises(ConfigError, match="synthesis 'sprites' is a styleganv option"):
        TrainConfig(model="vgan", synthesis="sprites").validate()


def test_sprites_default_to_whole_pixels_and_the_placement_is_a_flag_of_the_sprite_synthesis():
    def config(*flags):
        return TrainConfig(**config_values(parse_arguments(["train", *flags])))

    assert config().sprite_placement == "whole_pixels"
    assert config("--sprite-placement", "bilinear").sprite_placement == "bilinear"
    assert config("--model", "vgan").sprite_placement == "bilinear"
    config("--model", "vgan").validate()
    from keras_vidgan.training import ConfigError

    with pytest.raises(ConfigError, match="sprite_placement 'whole_pixels' places the sprite"):
        config("--sprite-placement", "whole_pixels", "--synthesis", "frames").validate()
    with pytest.raises(SystemExit):
        parse_arguments(["train", "--sprite-placement", "nearest"])


def test_the_auxiliary_classifier_defaults_to_on_only_for_class_conditional_sprites():
    def config(*flags):
        return TrainConfig(**config_values(parse_arguments(["train", *flags])))

    assert config().auxiliary_classifier is True
    assert config("--no-auxiliary-classifier").auxiliary_classifier is False
    assert config("--conditional", "none").auxiliary_classifier is False
    assert config("--synthesis", "frames", "--conditional").auxiliary_classifier is False
    assert config("--model", "mocogan").auxiliary_classifier is False
    config().validate()
    from keras_vidgan.training import ConfigError

    for flags in (["--conditional", "none"], ["--model", "mocogan", "--conditional"]):
        with pytest.raises(ConfigError, match="auxiliary_classifier predicts the class"):
            config("--auxiliary-classifier", *flags).validate()


def test_label_every_digit_is_on_for_class_conditional_sprites_of_several_digits():
    def config(*flags):
        return TrainConfig(**config_values(parse_arguments(["train", *flags])))

    assert config().label_every_digit is False  # one digit: its label is the clip's
    chosen = config("--digits", "2")
    chosen.validate()
    assert (chosen.label_every_digit, chosen.labels_per_clip) == (True, 2)
    assert config("--digits", "2", "--no-label-every-digit").labels_per_clip == 1
    assert config("--digits", "2", "--conditional", "none").label_every_digit is False
    assert config("--digits", "2", "--synthesis", "frames", "--conditional").label_every_digit \
        is False
    for flags, message in [
        (["--label-every-digit"], "with --digits 1 the clip's label is its digit's already"),
        (["--digits", "2", "--label-every-digit", "--conditional", "none"],
         "label_every_digit conditions a class-conditional styleganv"),
        (["--digits", "2", "--label-every-digit", "--model", "mocogan", "--conditional"],
         "label_every_digit conditions a class-conditional styleganv"),
    ]:
        with pytest.raises(ConfigError, match=message):
            config(*flags).validate()


def test_minibatch_std_reaches_the_config_and_is_a_styleganv_group_size():
    def config(*flags):
        return TrainConfig(**config_values(parse_arguments(["train", *flags])))

    assert config().minibatch_std == 0
    assert config("--minibatch-std", "4").minibatch_std == 4
    config("--minibatch-std", "4").validate()
    from keras_vidgan.training import ConfigError

    for flags, message in [
        (["--minibatch-std", "1"], "minibatch_std must be 0 .none. or a group size"),
        (["--minibatch-std", "-2"], "minibatch_std must be 0 .none. or a group size"),
        (["--minibatch-std", "4", "--model", "mocogan"], "minibatch_std is a styleganv"),
    ]:
        with pytest.raises(ConfigError, match=message):
            config(*flags).validate()


def test_adam_beta2_reaches_both_optimizers():
    from keras_vidgan.training import ConfigError
    from keras_vidgan.training.train_lib import build_gan

    config = TrainConfig(**config_values(parse_arguments(["train", "--adam-beta2", "0.99"])))
    config.validate()
    gan = build_gan(config)
    assert gan.g_optimizer.beta_2 == gan.d_optimizer.beta_2 == 0.99
    assert TrainConfig(**config_values(parse_arguments(["train"]))).adam_beta2 == 0.999
    with pytest.raises(ConfigError, match=r"adam_beta2 must be a number in \[0, 1\)"):
        TrainConfig(adam_beta2=1.0).validate()


def test_lr_decay_holds_then_falls_along_a_half_cosine_in_both_optimizers():
    import math

    from keras_vidgan.training.train_lib import build_gan

    flags = ["train", "--g-lr", "2e-3", "--d-lr", "1e-3", "--lr-decay-start", "100",
             "--lr-decay-steps", "400"]
    config = TrainConfig(**config_values(parse_arguments(flags)))
    config.validate()
    gan = build_gan(config)
    for optimizer, rate in ((gan.g_optimizer, 2e-3), (gan.d_optimizer, 1e-3)):
        for step in (0, 99, 100, 200, 300, 499, 500, 800):
            optimizer.iterations.assign(step)
            progress = min(max(step - 100, 0), 400) / 400
            expected = rate * 0.5 * (1 + math.cos(math.pi * progress))
            assert float(optimizer.learning_rate) == pytest.approx(expected, abs=1e-9), step
    default = TrainConfig(**config_values(parse_arguments(["train"])))
    assert (default.lr_decay_start, default.lr_decay_steps) == (0, 0)
    assert float(build_gan(default).g_optimizer.learning_rate) == pytest.approx(1e-3)
    for values, message in [
        ({"lr_decay_steps": -1}, "lr_decay_steps must be a whole number of steps >= 0"),
        ({"lr_decay_start": 1.5, "lr_decay_steps": 4}, "lr_decay_start must be a whole"),
        ({"lr_decay_start": 100}, "add --lr-decay-steps"),
    ]:
        with pytest.raises(ConfigError, match=message):
            TrainConfig(**values).validate()


def test_the_readme_describes_the_default_run():
    import os

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
    section = readme.split("## What the default run does", 1)[1].split("\n## ", 1)[0]
    config = TrainConfig(**config_values(parse_arguments(["train"])))
    assert config.conditional == "class"
    assert (f"`--model {config.model} --synthesis {config.synthesis} --conditional "
            f"{config.conditional}`") in " ".join(section.split())
    steps = config.epochs * config.steps_per_epoch
    assert f"{config.epochs} epochs of {config.steps_per_epoch} steps ({steps:,} GAN steps)" in (
        section
    )
    assert f"{config.epochs} epochs of {config.steps_per_epoch} steps ({steps:,} steps" in (
        " ".join(section.split())
    )
    assert (config.r1, config.ema, config.g_lr, config.d_lr) == (0.1, 0.9999, 1e-3, 1e-3)
    assert config.r1_interval == 16 and "`--r1-interval 16`" in " ".join(section.split())
    assert (config.sprite_placement, config.auxiliary_classifier) == ("whole_pixels", True)
    assert "`--sprite-placement whole_pixels --auxiliary-classifier`" in " ".join(section.split())
    image = "docs/images/default_run_lazy_r1_150_epochs.png"
    assert f"]({image})" in section and os.path.exists(os.path.join(root, image))
