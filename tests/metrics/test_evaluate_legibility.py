"""`keras-vidgan evaluate --legibility`: legibility of generated and real test clips."""

import json

import pytest

from keras_vidgan.models import GAN, VGANGenerator, VideoDiscriminator
from keras_vidgan_cli.main import main


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    generator = VGANGenerator(latent_dim=4, frames=16, size=32, channels=1, width=4)
    discriminator = VideoDiscriminator(frames=16, size=32, channels=1, width=4)
    gan = GAN(generator, discriminator, seed=0)
    gan.compile()
    path = tmp_path_factory.mktemp("model") / "gan.keras"
    gan.save(path)
    return str(path)


def test_legibility_without_fvd_prints_generated_and_real_figures(model_file, tmp_path, capsys):
    output = tmp_path / "result.json"
    arguments = ["evaluate", model_file, "--data", "moving_mnist:digits=1", "--num", "8",
                 "--legibility", "--no-fvd", "--quiet", "--output", str(output)]
    assert main(arguments) == 0
    out = capsys.readouterr().out
    assert "FVD" not in out
    # An untrained generator draws no digits; real test clips read well.
    lines = {line.split(":")[0]: line for line in out.splitlines()}
    assert lines["legible frames"].startswith("legible frames: 0.0%  (real test clips: ")
    assert lines["identity-keeping clips"].startswith("identity-keeping clips: 0.0%  (real")
    assert "legibility: N=8, 1 digit per clip" in out
    assert "moving_mnist(frames=16, size=32, split='test', digits=1, seed=0)" in out
    report = json.loads(output.read_text())["legibility"]
    assert report["generated"]["legible_frames"] == 0.0
    assert report["real"]["legible_frames"] >= 0.9 and report["real"]["identity_clips"] >= 0.8
    assert report["real"]["num_clips"] == 8 and report["real"]["frames"] == 16


def test_legibility_beside_the_fvd_proxy(model_file, capsys):
    arguments = ["evaluate", model_file, "--data", "moving_mnist:digits=2", "--num", "2",
                 "--batch-size", "2", "--proxy", "--no-cache", "--legibility", "--quiet"]
    assert main(arguments) == 0
    out = capsys.readouterr().out
    assert "FVD proxy: " in out and "legible frames: " in out and "2 digits per clip" in out


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--data", "bouncing_balls", "--legibility"], "--legibility reads Moving MNIST"),
        (["--data", "moving_mnist", "--no-fvd"], "--no-fvd leaves nothing to measure"),
        (["--data", "moving_mnist:digits=3", "--legibility", "--no-fvd"], "1 or 2 digits"),
    ],
)
def test_user_errors_are_one_line(model_file, capsys, extra, message):
    assert main(["evaluate", model_file, "--num", "2", "--quiet", *extra]) == 2
    error = capsys.readouterr().err
    assert message in error and "Traceback" not in error and len(error.strip().splitlines()) == 1


def test_a_class_conditional_generator_draws_every_class_and_is_read_for_it(tmp_path, capsys):
    generator = VGANGenerator(latent_dim=4, frames=16, size=32, channels=1, width=4,
                              num_classes=10)
    discriminator = VideoDiscriminator(frames=16, size=32, channels=1, width=4, num_classes=10)
    gan = GAN(generator, discriminator, seed=0)
    gan.compile()
    path = str(tmp_path / "conditional.keras")
    gan.save(path)
    output = tmp_path / "result.json"
    arguments = ["evaluate", path, "--data", "moving_mnist:digits=1", "--num", "8",
                 "--legibility", "--no-fvd", "--output", str(output)]
    assert main(arguments) == 0
    out = capsys.readouterr().out
    assert "Generating 8 clips, clip i of class i mod 10" in out
    assert "legible frames: 0.0%" in out
    # Untrained: no digit to compare with the class asked for.
    assert "requested digit: no legible frame to read" in out
    report = json.loads(output.read_text())["legibility"]
    assert report["requested_digit"] is None and report["generated"]["num_clips"] == 8
