"""`--conditional text`: a captioned run, its sample grid with prompts, and resuming it."""

import json

import numpy as np
import pytest
from helpers.tiny_runs import TINY_RUN
from PIL import Image

from keras_vidgan.datasets.motion_captions import every_caption, fixed_prompts
from keras_vidgan.training import ConfigError, TrainConfig, train
from keras_vidgan.training.train_lib import check_resumable, text_encoder_settings

# What is checked is the run, not its graph: tf.functions run eagerly (tests/conftest.py).
pytestmark = pytest.mark.eager_functions

TEXT = {**TINY_RUN, "epochs": 1, "model": "mocogan", "conditional": "text"}


@pytest.fixture(scope="module")
def text_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("text") / "run"
    lines = []
    gan = train(TrainConfig(out=str(out), **TEXT), log=lines.append)
    return out, gan, lines


def test_a_text_run_trains_a_text_conditioned_mocogan(text_run):
    out, gan, lines = text_run
    assert gan.text_conditional and gan.num_classes is None
    assert set(gan.discriminators) == {"image", "video"}
    for model in (gan.generator, *gan.discriminators.values()):
        assert model.get_layer("text_encoder").vocabulary == text_encoder_settings(
            TrainConfig(**TEXT))["vocabulary"]
    assert "captioned" in lines[2]
    assert json.loads((out / "config.json").read_text())["conditional"] == "text"


def test_a_text_run_trains_a_text_conditioned_styleganv(tmp_path):
    """The default design, with text: frames at sampled times, each with its caption."""
    out = tmp_path / "run"
    config = TrainConfig(out=str(out), **{**TEXT, "model": "styleganv"})
    gan = train(config, log=lambda line: None)
    assert gan.text_conditional and gan.discriminator.sampled_frames == 3
    vocabulary = text_encoder_settings(config)["vocabulary"]
    for model in (gan.generator, gan.discriminator):
        assert model.get_layer("text_encoder").vocabulary == vocabulary
    assert (out / "samples" / "epoch_0001.png").exists()
    prompts = ["the digit 2 moves up and down", "the digit 7 moves left and right"]
    clips = gan.generate(2, seed=0, prompts=prompts)
    assert clips.shape == (2, 8, 32, 32, 1)


def test_the_vocabulary_knows_every_caption_word():
    vocabulary = set(text_encoder_settings(TrainConfig(**TEXT))["vocabulary"])
    assert {word for caption in every_caption() for word in caption.split()} == vocabulary
    assert text_encoder_settings(TrainConfig()) is None


def test_the_sample_grid_writes_each_prompt_under_its_row(text_run):
    out, _, _ = text_run
    image = np.asarray(Image.open(out / "samples" / "epoch_0001.png").convert("L"))
    # Two videos of 8 frames of 32 pixels, each row with a white band of text under it.
    assert image.shape == (2 + 2 * (32 + 14 + 2), 2 + 8 * 32 + 2)
    for row in range(2):
        band = image[2 + row * 48 + 32 : 2 + row * 48 + 46, 2:-2]
        assert (band == 255).mean() > 0.7  # the white band
        assert (band < 128).any()  # with dark text on it
    assert fixed_prompts(2) == ["the digit 0 moves up and down",
                                "the digit 1 moves left and right"]


def test_resuming_with_another_condition_is_refused(text_run):
    out, _, _ = text_run
    for other in (None, "class"):
        config = TrainConfig(out=str(out), **{**TEXT, "conditional": other, "model": "mocogan"})
        with pytest.raises(ConfigError, match="conditional is 'text' there"):
            check_resumable(str(out), config)


def test_boolean_conditional_of_earlier_runs_means_class():
    assert TrainConfig(conditional=True).conditional == "class"
    assert TrainConfig.from_dict({"conditional": False}).conditional is None
    assert TrainConfig(conditional=True).num_classes == 10


@pytest.mark.parametrize("settings, message", [
    ({"model": "tgan"}, "available for --model vgan, mocogan, styleganv"),
    ({"dataset": "bouncing_balls"}, "needs captioned clips"),
    ({"conditional": "words"}, "conditional must be one of class, text"),
])
def test_text_settings_that_cannot_work_are_refused(settings, message):
    with pytest.raises(ConfigError, match=message):
        TrainConfig(**{**TEXT, **settings}).validate()


def test_evaluate_prompts_reports_generated_real_and_chance(text_run, tmp_path, capsys):
    from keras_vidgan_cli.main import main

    out, _, _ = text_run
    output = tmp_path / "agreement.json"
    arguments = ["evaluate", str(out), "--data", "moving_mnist:digits=1", "--num", "24",
                 "--prompts", "--no-fvd", "--quiet", "--output", str(output)]
    assert main(arguments) == 0
    printed = capsys.readouterr().out
    assert "caption agreement" in printed and "shuffled captions" in printed
    report = json.loads(output.read_text())["prompts"]
    assert set(report) == {"generated", "real", "chance"}
    # Real test clips show their captions; a tiny model trained for two steps does not.
    assert report["real"]["digit_accuracy"] > 0.8 and report["real"]["direction_accuracy"] > 0.8
    assert report["generated"]["digit_accuracy"] < 0.5
    assert report["chance"]["digit_accuracy"] < 0.5
    assert all(result["num_clips"] == 24 for result in report.values())


def test_evaluate_prompts_needs_a_text_model(tmp_path, capsys):
    from keras_vidgan_cli.main import main

    out = tmp_path / "plain"
    train(TrainConfig(out=str(out), **{**TINY_RUN, "epochs": 1}), log=lambda line: None)
    assert main(["evaluate", str(out), "--data", "moving_mnist", "--num", "4", "--prompts",
                 "--no-fvd", "--quiet"]) == 2
    error = capsys.readouterr().err.strip()
    assert "--prompts needs a text-conditioned model" in error and len(error.splitlines()) == 1


def test_the_readme_text_run_is_what_the_command_trains():
    """The README's text-to-video grid is `train --conditional text` run for 120 epochs."""
    import os

    from keras_vidgan_cli.main import parse_arguments
    from keras_vidgan_cli.train_command import config_values

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
    section = readme.split("## Text-to-video", 1)[1].split("\n## ", 1)[0]
    command = ["train", "--conditional", "text", "--synthesis", "frames", "--ema", "0.999",
               "--epochs", "120"]
    assert f"`keras-vidgan {' '.join(command)}`" in section
    config = TrainConfig(**config_values(parse_arguments(command)))
    assert (config.model, config.conditional, config.digits, config.synthesis, config.ema) == (
        "styleganv", "text", 1, "frames", 0.999
    )
    steps = config.epochs * config.steps_per_epoch
    assert f"after its {config.epochs} epochs ({steps:,} steps" in section
    image = "docs/images/text_styleganv_prompts.png"
    assert f"]({image})" in section and os.path.exists(os.path.join(root, image))
