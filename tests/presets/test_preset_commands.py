"""`sample`, `export` and `evaluate` with `--preset`: the shipped model with no training."""

import json
import os

import numpy as np
import pytest
import tensorflow as tf

import keras_vidgan
from keras_vidgan.export import read_export_metadata
from keras_vidgan.models.seeds import labels_for_seeds
from keras_vidgan.utils.pixels import video_to_uint8_numpy
from keras_vidgan_cli.main import main


@pytest.fixture(scope="module")
def preset_clips():
    """uint8 clips of seeds 3 and 4, as the library makes them."""
    return video_to_uint8_numpy(keras_vidgan.GAN.from_preset("moving_mnist_64").generate(2, seed=3))


def test_sample_writes_the_library_s_clips_in_every_format(tmp_path, preset_clips):
    for file_format in ("npy", "mp4", "gif", "png"):
        out = tmp_path / file_format
        flags = ["--num", "2", "--seed", "3", "--format", file_format, "--quiet"]
        assert main(["sample", "--preset", "moving_mnist_64", "--out", str(out), *flags]) == 0
        assert sorted(os.listdir(out)) == [f"seed_3.{file_format}", f"seed_4.{file_format}"]
    # The same clip, up to one grey level where a float lands near a rounding edge: the
    # command samples in batches of its own, and other shapes may take other CPU kernels.
    written = np.load(tmp_path / "npy" / "seed_4.npy").astype(int)
    assert np.abs(written - preset_clips[1].astype(int)).max() <= 1
    assert np.mean(written == preset_clips[1]) > 0.999

    import av

    with av.open(str(tmp_path / "mp4" / "seed_3.mp4")) as container:
        frames = [frame.to_ndarray(format="gray") for frame in container.decode(video=0)]
    assert np.stack(frames).shape == (16, 64, 64)


def test_export_writes_a_saved_model_that_serves_the_preset(tmp_path, preset_clips):
    base = tmp_path / "moving_mnist"
    assert main(["export", "--preset", "moving_mnist_64", str(base)]) == 0
    served = tf.saved_model.load(str(base / "1"))
    # A class per digit: the export takes two per video; these are the ones the library
    # gives seeds 3 and 4 when none are asked for (3 and 6, then 4 and 9).
    assert int(served.signatures["metadata"]()["labels_per_clip"]) == 2
    labels = labels_for_seeds([3, 4], 10, labels_per_clip=2)
    np.testing.assert_array_equal(labels, [[3, 6], [4, 9]])
    videos = served.signatures["generate_from_seed"](
        seed=tf.constant([3, 4], tf.int64), labels=tf.constant(labels)
    )
    served_clips = next(iter(videos.values())).numpy()
    # The graph sums in another order than Keras' predict: a pixel on a rounding edge may
    # land one level off, never more.
    difference = np.abs(served_clips.astype(int) - preset_clips.astype(int))
    assert difference.max() <= 1 and (difference == 0).mean() > 0.999
    metadata = read_export_metadata(str(base))
    assert metadata["source"] == "preset moving_mnist_64" and metadata["fps"] == 8
    assert metadata["run_config"]["model"] == "styleganv"


def test_evaluate_reads_the_preset_s_digits(tmp_path, capsys):
    output = tmp_path / "legibility.json"
    flags = ["--data", "moving_mnist", "--num", "8", "--legibility", "--no-fvd", "--quiet"]
    assert main(["evaluate", "--preset", "moving_mnist_64", *flags, "--output", str(output)]) == 0
    report = json.load(open(output))["legibility"]
    # Scored against two-digit clips, as the preset was trained.
    assert report["generated"]["digits"] == 2 and report["generated"]["num_clips"] == 8
    # Each clip asked for two digits: the share of legible frames showing those two.
    assert 0.0 <= report["requested_digit"] <= 1.0


@pytest.mark.parametrize(
    "argv, message",
    [
        (["sample", "--preset", "moving_mnist_128", "--out", "x"], "unknown preset"),
        (["sample", "--out", "x"], "or --preset NAME"),
        (["sample", "run", "--preset", "moving_mnist_64", "--out", "x"], "not both"),
        (["export", "--preset", "moving_mnist_64"], "pass EXPORT_BASE"),
        (["evaluate", "--data", "moving_mnist", "--num", "8"], "or --preset NAME"),
    ],
)
def test_a_wrong_preset_argument_is_one_line(tmp_path, capsys, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    try:
        status = main(argv)
    except SystemExit as exit:  # argparse's own errors, before TensorFlow loads
        status = exit.code
    assert status == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert message in error and error.startswith("keras-vidgan ")
    assert not os.path.exists(tmp_path / "x")
