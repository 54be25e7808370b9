"""Presets: a GAN saved as config, weights and metadata, and the one that ships with the package."""

import configparser
import fnmatch
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

import keras_vidgan
from keras_vidgan.presets import list_presets, preset_directory, read_preset_metadata

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def tiny_gan(discriminators=1):
    keras.utils.set_random_seed(4)
    generator = keras_vidgan.models.VGANGenerator(
        latent_dim=8, frames=8, size=32, channels=1, width=4
    )
    critics = [
        keras_vidgan.models.VideoDiscriminator(frames=8, size=32, channels=1, width=4)
        for _ in range(discriminators)
    ]
    gan = keras_vidgan.GAN(
        generator, critics[0] if discriminators == 1 else critics, seed=2, ema_decay=0.99
    )
    # The average must differ from the generator, or the test cannot tell which one was kept.
    for weight in gan.ema_generator.weights:
        weight.assign(weight + 0.01)
    return gan


def weights_of(model):
    return [np.asarray(weight) for weight in model.get_weights()]


@pytest.mark.parametrize("discriminators", [1, 2])
def test_a_saved_preset_reloads_to_the_generator_that_samples(tmp_path, discriminators):
    gan = tiny_gan(discriminators)
    keras_vidgan.presets.save_gan_preset(gan, tmp_path / "preset", {"description": "tiny"})

    restored = keras_vidgan.GAN.from_preset(str(tmp_path / "preset"))

    np.testing.assert_array_equal(restored.generate(3, seed=7), gan.generate(3, seed=7))
    # Fine-tuning starts both generators from the average that was measured.
    for kept, average in zip(weights_of(restored.generator), weights_of(gan.ema_generator)):
        np.testing.assert_array_equal(kept, average)
    assert list(restored.discriminators) == list(gan.discriminators)
    for name, discriminator in gan.discriminators.items():
        for kept, original in zip(
            weights_of(restored.discriminators[name]), weights_of(discriminator)
        ):
            np.testing.assert_array_equal(kept, original)
    assert restored.seed == gan.seed and restored.ema_decay == gan.ema_decay
    assert read_preset_metadata(str(tmp_path / "preset")) == {"description": "tiny"}


def test_load_weights_false_gives_the_architecture_with_fresh_weights(tmp_path):
    gan = tiny_gan()
    keras_vidgan.presets.save_gan_preset(gan, tmp_path / "preset")
    fresh = keras_vidgan.GAN.from_preset(str(tmp_path / "preset"), load_weights=False)
    assert fresh.clip_shape == gan.clip_shape
    assert not np.array_equal(weights_of(fresh.generator)[0], weights_of(gan.ema_generator)[0])


def test_a_preset_is_never_written_over(tmp_path):
    gan = tiny_gan()
    keras_vidgan.presets.save_gan_preset(gan, tmp_path / "preset")
    before = open(tmp_path / "preset" / "config.json").read()
    with pytest.raises(FileExistsError, match="already holds a preset"):
        keras_vidgan.presets.save_gan_preset(gan, tmp_path / "preset")
    assert open(tmp_path / "preset" / "config.json").read() == before


def test_an_unknown_preset_names_the_ones_that_exist(tmp_path):
    with pytest.raises(ValueError, match="moving_mnist_64"):
        keras_vidgan.GAN.from_preset("moving_mnist_128")
    with pytest.raises(ValueError, match="Unknown preset"):
        preset_directory(str(tmp_path))  # a folder without a preset in it


def test_the_built_in_preset_loads_offline_in_a_fresh_process(tmp_path):
    # Only `import keras_vidgan`: the preset must not depend on registrations that the
    # process which wrote it happened to make.
    script = textwrap.dedent(
        """
        import sys
        import numpy as np
        import keras_vidgan

        gan = keras_vidgan.GAN.from_preset("moving_mnist_64")
        np.save(sys.argv[1], gan.generate(2, seed=11))
        """
    )
    path = tmp_path / "clips.npy"
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    subprocess.run(
        [sys.executable, "-c", script, str(path)], check=True, env=environment, timeout=300
    )
    clips = np.load(path)

    assert clips.shape == (2, 16, 64, 64, 1) and clips.dtype == np.float32
    assert clips.min() >= -1.0 and clips.max() <= 1.0
    np.testing.assert_array_equal(
        clips, keras_vidgan.GAN.from_preset("moving_mnist_64").generate(2, seed=11)
    )


def test_the_built_in_preset_fits_in_ten_megabytes_and_says_how_it_was_made():
    assert list_presets() == ["moving_mnist_64"]
    folder = preset_directory("moving_mnist_64")
    size = sum(os.path.getsize(os.path.join(folder, name)) for name in os.listdir(folder))
    assert size <= 10_000_000

    metadata = read_preset_metadata("moving_mnist_64")
    assert metadata["clip_shape"] == [16, 64, 64, 1]
    assert metadata["training"]["command"].startswith("keras-vidgan train --model styleganv")
    assert metadata["run_config"]["digits"] == 2 and "out" not in metadata["run_config"]
    evaluation = metadata["evaluation"]
    chosen = [row for row in evaluation["checkpoints"] if row["fvd"] == evaluation["fvd"]]
    assert chosen and chosen[0]["train_steps"] == metadata["training"]["train_steps"]


def test_the_built_in_preset_draws_the_two_digits_each_clip_asks_for():
    from keras_vidgan.metrics import DigitLegibility
    from keras_vidgan.models.seeds import labels_for_seeds

    gan = keras_vidgan.GAN.from_preset("moving_mnist_64")
    assert (gan.num_classes, gan.labels_per_clip) == (10, 2)
    assert read_preset_metadata("moving_mnist_64")["run_config"]["label_every_digit"] is True
    # Seeds 0 to 9 ask for every digit once in each place (0 and 7, 1 and 0, ...).
    clips = gan.generate(10, seed=0)
    legibility = DigitLegibility(digits=2)
    legible, _ = legibility.read(clips)
    assert legible.mean() > 0.3  # real two-digit clips: 70%; overlapping digits are not read
    assert legibility.reading_accuracy(clips, labels_for_seeds(range(10), 10, 2)) > 0.9
    # Other digits asked of the same noise: the frames read as those instead.
    swapped = gan.generate(10, seed=0, labels=labels_for_seeds(range(10), 10, 2)[::-1])
    assert legibility.reading_accuracy(swapped, labels_for_seeds(range(10), 10, 2)) < 0.5


def test_the_readme_quotes_the_built_in_preset_figures():
    metadata = read_preset_metadata("moving_mnist_64")
    evaluation = metadata["evaluation"]
    folder = preset_directory("moving_mnist_64")
    size = sum(os.path.getsize(os.path.join(folder, name)) for name in os.listdir(folder))
    with open(os.path.join(REPO_ROOT, "README.md")) as handle:
        readme = handle.read()
    assert f"ships with the package ({size / 1e6:.1f} MB)" in readme
    assert f"trained for {metadata['training']['train_minutes']:.0f} minutes" in readme
    assert f"FVD {evaluation['fvd']:.1f}" in readme
    assert f"{100 * evaluation['legible_frames']:.1f}%" in readme
    assert 'GAN.from_preset("moving_mnist_64")' in readme


def test_every_preset_file_is_packaged():
    # The tests run on an editable install, which would hide a file that the wheel leaves out.
    parser = configparser.ConfigParser()
    parser.read(os.path.join(REPO_ROOT, "setup.cfg"))
    patterns = [
        pattern.strip()
        for pattern in parser["options.package_data"]["keras_vidgan.presets"].split(",")
    ]
    for name in os.listdir(preset_directory("moving_mnist_64")):
        relative = f"moving_mnist_64/{name}"
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative
