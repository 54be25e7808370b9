"""Run directories and `.keras` files reach the in-memory export API through training."""

import os

import numpy as np
import pytest

from keras_vidgan.export import (
    KerasVideoSource,
    SavedModelVideoSource,
    open_export,
    read_export_metadata,
)
from keras_vidgan.training import export_run, load_generator, open_video_source
from keras_vidgan.training.run_directory import checkpoint_path


def test_load_generator_returns_the_sampling_generator_and_the_run_config(run_dir, gan_file):
    generator, run_config = load_generator(run_dir)
    assert run_config["fps"] == 12
    assert generator.name == "generator"
    # A checkpoint inside the run finds the run's config.json two levels up.
    assert load_generator(checkpoint_path(run_dir, 1))[1]["fps"] == 12
    assert load_generator(gan_file)[1] == {}


def test_export_run_of_a_checkpoint_records_its_run(run_dir, tmp_path):
    base = str(tmp_path / "model")
    export_run(checkpoint_path(run_dir, 1), base, version=2)
    info = read_export_metadata(base)
    assert info["fps"] == 12 and info["source"] == "epoch_0001.keras"
    assert "out" not in info["run_config"]


def test_open_video_source_opens_all_three_alike(run_dir, gan_file, export_base, reference):
    sources = [open_video_source(path) for path in (run_dir, gan_file, export_base)]
    assert [type(s) for s in sources] == [KerasVideoSource, KerasVideoSource,
                                          SavedModelVideoSource]
    assert [s.fps for s in sources] == [12, 8, 12]
    seeds = [4, 5]
    videos = [s.generate_from_seeds(seeds) for s in sources]
    for video in videos[1:]:
        np.testing.assert_array_equal(video, videos[0])


def test_open_video_source_of_nothing_names_what_it_takes(tmp_path):
    with pytest.raises(FileNotFoundError, match="run directory, a .keras file or an export"):
        open_video_source(os.path.join(tmp_path, "missing"))


def test_the_export_side_takes_models_and_export_directories_only(gan, run_dir, export_base):
    assert KerasVideoSource(gan).generator is gan.sampling_generator
    assert isinstance(open_export(export_base), SavedModelVideoSource)
    with pytest.raises(FileNotFoundError, match="holds no SavedModel"):
        open_export(run_dir)
