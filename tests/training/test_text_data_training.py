"""`train --conditional text --data DIR`: the user's captioned videos, as a folder or as shards.

The vocabulary comes from the data's captions and stays the checkpoint's on resume; the sample
grids show the data's first captions; `sample --prompt` takes a caption of the data.
"""

import json
import os
import shutil

import numpy as np
import pytest
from helpers.tiny_runs import TINY_RUN
from PIL import Image

from keras_vidgan.data import DataError, prepare_shards
from keras_vidgan.training import ConfigError, TrainConfig, train
from keras_vidgan.training.run_directory import load_gan
from keras_vidgan.training.train_lib import (
    MAX_CAPTION_WORDS,
    build_dataset,
    sample_prompts,
    text_encoder_settings,
)
from keras_vidgan_cli.main import main

# What is checked is the run, not its graph: tf.functions run eagerly (tests/conftest.py).
pytestmark = pytest.mark.eager_functions

# One flat grey per video; two videos share a caption, so the grid's prompts are distinct ones.
VIDEOS = {"night.mp4": (30, "a dark night, no moon"), "fog.mp4": (120, "grey fog rolls in"),
          "more_fog.mp4": (130, "grey fog rolls in"), "snow.mp4": (220, "bright snow falls")}
TEXT = {**TINY_RUN, "epochs": 1, "conditional": "text"}
FLAGS = ["--frames", "8", "--size", "32", "--width", "4", "--latent-dim", "8", "--batch-size",
         "2", "--steps-per-epoch", "2", "--num-samples", "2", "--progress", "off"]


def _write_video(path, shade):
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=8)
        stream.width, stream.height, stream.pix_fmt = 40, 32, "yuv420p"
        for _ in range(10):
            frame = np.full((32, 40, 3), shade, np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


@pytest.fixture(scope="module")
def captioned(tmp_path_factory):
    """A folder of videos with sidecar captions, and the shards prepared from it."""
    root = tmp_path_factory.mktemp("captioned")
    videos = root / "videos"
    videos.mkdir()
    for name, (shade, caption) in VIDEOS.items():
        _write_video(videos / name, shade)
        (videos / name).with_suffix(".txt").write_text(caption + "\n")
    prepare_shards(str(videos), str(root / "shards"), frames=8, size=32, progress=False)
    return root


@pytest.fixture(scope="module")
def folder_run(captioned, tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "folder_run"
    # VGAN, the cheaper text design: MoCoGAN's text runs are in test_text_training.py.
    status = main(["train", "--conditional", "text", "--model", "vgan", "--r1", "0", "--data",
                   str(captioned / "videos"), "--out", str(out), "--epochs", "1", *FLAGS])
    assert status == 0
    return out


def _vocabulary(gan):
    return gan.generator.get_layer("text_encoder").vocabulary


def test_a_folder_of_captioned_videos_trains_a_text_model(folder_run):
    assert os.listdir(folder_run / "checkpoints") == ["epoch_0001.keras"]
    assert json.loads((folder_run / "config.json").read_text())["conditional"] == "text"
    gan = load_gan(str(folder_run))
    assert gan.text_conditional
    words = {word.strip(",") for _, caption in VIDEOS.values() for word in caption.split()}
    for model in (gan.generator, *gan.discriminators.values()):
        encoder = model.get_layer("text_encoder")
        assert set(encoder.vocabulary) == words and encoder.sequence_length == 24


def test_the_sample_grid_shows_the_datas_first_distinct_captions(folder_run):
    config = TrainConfig.from_json_file(folder_run / "config.json")
    captions = build_dataset(config).captions
    # The videos in natural order of their paths; fog.mp4 and more_fog.mp4 share a caption.
    assert list(captions) == ["fog.mp4", "more_fog.mp4", "night.mp4", "snow.mp4"]
    assert sample_prompts(config, captions) == ["grey fog rolls in", "a dark night, no moon"]
    assert sample_prompts(TrainConfig.from_dict({**config.to_dict(), "num_samples": 9}),
                          captions) == ["grey fog rolls in", "a dark night, no moon",
                                        "bright snow falls"]
    image = np.asarray(Image.open(folder_run / "samples" / "epoch_0001.png").convert("L"))
    assert image.shape == (2 + 2 * (32 + 14 + 2), 2 + 8 * 32 + 2)
    for row in range(2):
        band = image[2 + row * 48 + 32 : 2 + row * 48 + 46, 2:-2]
        assert (band == 255).mean() > 0.7 and (band < 128).any()


def test_sample_takes_a_caption_of_the_data(folder_run, tmp_path, capsys):
    out = tmp_path / "videos"
    assert main(["sample", str(folder_run), "--prompt", "bright snow falls", "--num", "2",
                 "--out", str(out), "--quiet"]) == 0
    assert len(os.listdir(out)) == 2
    capsys.readouterr()
    assert main(["sample", str(folder_run), "--prompt", "the cat sleeps", "--num", "1",
                 "--out", str(tmp_path / "none"), "--quiet"]) == 2
    assert "no word of the vocabulary" in capsys.readouterr().err


def test_a_resumed_run_keeps_the_vocabulary_of_its_checkpoint(captioned, folder_run, tmp_path):
    videos = shutil.copytree(captioned / "videos", tmp_path / "videos")
    run = shutil.copytree(folder_run, tmp_path / "run")
    config = TrainConfig.from_json_file(run / "config.json")
    before = _vocabulary(load_gan(str(run)))
    (videos / "snow.txt").write_text("purple rain")  # words the checkpoint never saw
    resumed = TrainConfig.from_dict({**config.to_dict(), "data": str(videos), "out": str(run),
                                     "epochs": 2})
    # The data's path is part of the experiment: resume from the copy's own config.json.
    (run / "config.json").write_text(resumed.to_json())
    gan = train(resumed, log=lambda line: None)
    assert int(gan.optimizer.iterations.numpy()) == 4
    assert _vocabulary(gan) == before and "purple" not in before
    assert _vocabulary(load_gan(str(run))) == before


def test_prepared_shards_train_a_text_model(captioned, tmp_path):
    out = tmp_path / "shards_run"
    lines = []
    gan = train(TrainConfig(out=str(out), data=str(captioned / "shards"), **TEXT),
                log=lines.append)
    assert gan.text_conditional and "shards, captioned" in lines[2]
    assert os.path.exists(out / "samples" / "epoch_0001.png")
    assert "snow" in _vocabulary(gan)


def test_uncaptioned_data_is_one_line_and_writes_nothing(captioned, tmp_path, capsys):
    plain = tmp_path / "plain"
    plain.mkdir()
    shutil.copy(captioned / "videos" / "fog.mp4", plain / "fog.mp4")
    shutil.copy(captioned / "videos" / "snow.mp4", plain / "snow.mp4")
    (plain / "fog.txt").write_text("grey fog")
    out = tmp_path / "run"
    status = main(["train", "--conditional", "text", "--model", "vgan", "--data", str(plain),
                   "--out", str(out), *FLAGS])
    error = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(error) == 1
    assert error[0].startswith("keras-vidgan train: error: 1 of 2 videos in ")
    assert "have no caption (snow.mp4)" in error[0]
    assert not out.exists()


def test_the_encoder_reads_the_longest_caption_up_to_its_limit():
    config = TrainConfig(data="clips", **TEXT)
    long_caption = " ".join(f"word{index}" for index in range(30))
    settings = text_encoder_settings(config, {"a.mp4": "short one", "b.mp4": long_caption})
    assert settings["sequence_length"] == 30 and len(settings["vocabulary"]) == 32
    too_long = " ".join(["word"] * (MAX_CAPTION_WORDS + 1))
    with pytest.raises(DataError, match=f"The caption of b.mp4 in clips has "
                                        f"{MAX_CAPTION_WORDS + 1} words; the text encoder reads "
                                        f"1 to {MAX_CAPTION_WORDS} words"):
        text_encoder_settings(config, {"a.mp4": "short one", "b.mp4": too_long})


def test_text_needs_captions_and_class_still_needs_moving_mnist():
    TrainConfig(data="clips", **{**TEXT, "model": "mocogan"}).validate()
    with pytest.raises(ConfigError, match="conditional training needs labelled clips"):
        TrainConfig(data="clips", **{**TEXT, "conditional": "class"}).validate()
    with pytest.raises(ConfigError, match="or --data with a caption per video"):
        TrainConfig(dataset="bouncing_balls", **{**TEXT, "model": "mocogan"}).validate()
