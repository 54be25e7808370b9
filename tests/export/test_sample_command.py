import os

import numpy as np
import pytest

from keras_vidgan.export import noise_from_seeds
from keras_vidgan_cli.main import main

CLIP_SHAPE = (8, 32, 32, 1)


def sample(model, out, *flags):
    return main(["sample", str(model), "--out", str(out), "--quiet", *flags])


def decode(path):
    """A written file back as uint8 frames `[T, H, W, C']`."""
    extension = os.path.splitext(path)[1]
    if extension == ".npy":
        return np.load(path)
    if extension == ".gif":
        from PIL import Image, ImageSequence

        with Image.open(path) as image:
            return np.stack([np.asarray(frame.convert("RGB"))
                             for frame in ImageSequence.Iterator(image)])
    if extension == ".mp4":
        import av

        with av.open(path) as container:
            return np.stack([frame.to_ndarray(format="rgb24")
                             for frame in container.decode(video=0)])
    if extension == ".png":
        from PIL import Image

        with Image.open(path) as image:
            return np.asarray(image.convert("RGB"))[None]
    raise AssertionError(path)


@pytest.mark.parametrize("file_format, shape", [
    ("npy", (8, 32, 32, 1)),
    ("gif", (8, 32, 32, 3)),
    ("mp4", (8, 32, 32, 3)),
    ("png", (1, 32, 8 * 32, 3)),  # the 8 frames side by side
])
def test_each_format_decodes_to_the_clip_shape(gan_file, tmp_path, file_format, shape):
    assert sample(gan_file, tmp_path, "--num", "2", "--seed", "5", "--format", file_format) == 0
    names = sorted(os.listdir(tmp_path))
    assert names == [f"seed_5.{file_format}", f"seed_6.{file_format}"]
    for name in names:
        assert decode(tmp_path / name).shape == shape


def test_npy_samples_are_the_seeded_videos(gan_file, reference, tmp_path):
    assert sample(gan_file, tmp_path, "--num", "3", "--seed", "40", "--format", "npy",
                  "--batch-size", "2") == 0
    expected = reference(noise_from_seeds([40, 41, 42], 8).numpy())
    for index, seed in enumerate([40, 41, 42]):
        np.testing.assert_array_equal(np.load(tmp_path / f"seed_{seed}.npy"), expected[index])


def test_gif_keeps_grey_levels(gan_file, reference, tmp_path):
    assert sample(gan_file, tmp_path, "--num", "1", "--seed", "3") == 0
    expected = reference(noise_from_seeds([3], 8).numpy())[0]
    np.testing.assert_array_equal(decode(tmp_path / "seed_3.gif")[..., :1], expected)


def test_run_directory_keras_file_and_export_write_the_same_videos(
        run_dir, gan_file, export_base, export_dir, tmp_path):
    outputs = {}
    for name, model in [("run", run_dir), ("file", gan_file), ("base", export_base),
                        ("version", export_dir)]:
        assert sample(model, tmp_path / name, "--num", "2", "--seed", "9", "--format", "npy") == 0
        outputs[name] = [np.load(tmp_path / name / f"seed_{s}.npy") for s in (9, 10)]
    for name in ("file", "base", "version"):
        np.testing.assert_array_equal(outputs[name], outputs["run"])


def test_grid(export_dir, tmp_path):
    assert sample(export_dir, tmp_path, "--num", "4", "--grid") == 0
    assert os.listdir(tmp_path) == ["grid_seed_0_num_4.gif"]
    # 2 x 2 clips of 32 pixels with 2-pixel borders.
    assert decode(tmp_path / "grid_seed_0_num_4.gif").shape == (8, 70, 70, 3)


def test_interpolation_walks_from_one_seed_to_the_other(gan_file, reference, tmp_path):
    assert sample(gan_file, tmp_path, "--num", "5", "--seed", "2", "--interpolate", "7",
                  "--format", "npy") == 0
    walk = np.load(tmp_path / "interpolation_seed_2_to_7.npy")
    assert walk.shape == (5 * 8,) + CLIP_SHAPE[1:]
    ends = reference(noise_from_seeds([2, 7], 8).numpy())
    np.testing.assert_array_equal(walk[:8], ends[0])
    np.testing.assert_array_equal(walk[-8:], ends[1])
    middle = walk[16:24]
    assert not np.array_equal(middle, ends[0]) and not np.array_equal(middle, ends[1])

    assert sample(gan_file, tmp_path, "--num", "3", "--seed", "2", "--interpolate", "7",
                  "--format", "mp4") == 0
    assert decode(tmp_path / "interpolation_seed_2_to_7.mp4").shape == (24, 32, 32, 3)


def test_progress_bar_counts_videos(gan_file, tmp_path, capsys):
    assert main(["sample", gan_file, "--out", str(tmp_path), "--num", "3",
                 "--format", "npy"]) == 0
    out = capsys.readouterr().out
    assert "3/3" in out and "Wrote 3 files" in out


@pytest.mark.parametrize("setup, expected", [
    ("missing", "does not exist"),
    ("garbage", "not a .keras archive"),
    ("empty_dir", "neither a run directory"),
    ("broken_export", "Cannot load the SavedModel"),
])
def test_unusable_model_paths_give_one_line(tmp_path, capsys, setup, expected):
    model = tmp_path / setup
    if setup == "garbage":
        model.write_text("not a zip")
    elif setup == "empty_dir":
        model.mkdir()
    elif setup == "broken_export":
        (model / "1").mkdir(parents=True)
        (model / "1" / "saved_model.pb").write_bytes(b"\x00not a protobuf")
    assert sample(model, tmp_path / "out") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and expected in err[0], err


def test_flag_errors(gan_file, tmp_path, capsys):
    assert sample(gan_file, tmp_path, "--interpolate", "3", "--num", "1") == 2
    assert "--num 2 or more" in capsys.readouterr().err
    assert sample(gan_file, tmp_path, "--interpolate", "3", "--grid") == 2
    assert "pass one of them" in capsys.readouterr().err
    assert sample(gan_file, tmp_path, "--label", "1") == 2
    assert "not class-conditional" in capsys.readouterr().err


def test_a_conditional_model_cycles_classes_unless_given_a_label_in_range(
    conditional_generator, tmp_path, capsys
):
    from keras_vidgan.export import export_saved_model

    export_dir = export_saved_model(conditional_generator, str(tmp_path / "model"))
    assert sample(export_dir, tmp_path / "a", "--label", "3") == 2
    assert "out of range" in capsys.readouterr().err
    assert sample(export_dir, tmp_path / "a", "--label", "2", "--num", "2",
                  "--format", "npy") == 0
    assert np.load(tmp_path / "a" / "seed_1.npy").shape == (8, 8, 8, 1)
    # Without --label the video of seed s shows class s mod 3, as the run's grids do.
    assert main(["sample", export_dir, "--out", str(tmp_path / "cycled"), "--num", "5",
                 "--format", "npy"]) == 0
    assert "the video of seed s shows class s mod 3" in capsys.readouterr().out
    for seed in range(5):
        assert sample(export_dir, tmp_path / f"label_{seed % 3}", "--label", str(seed % 3),
                      "--seed", str(seed), "--num", "1", "--format", "npy") == 0
        np.testing.assert_array_equal(
            np.load(tmp_path / "cycled" / f"seed_{seed}.npy"),
            np.load(tmp_path / f"label_{seed % 3}" / f"seed_{seed}.npy"),
        )
    # The classes differ: the cycled videos are not all of one class.
    assert not np.array_equal(np.load(tmp_path / "cycled" / "seed_3.npy"),
                              np.load(tmp_path / "a" / "seed_1.npy"))


def test_unwritable_output_gives_one_line(gan_file, tmp_path, capsys, monkeypatch):
    import keras_vidgan.utils.video_files as video_files

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(video_files, "write_video", full_disk)
    assert sample(gan_file, tmp_path, "--num", "1") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "No space left on device" in err[0], err
    assert os.listdir(tmp_path) == []


def test_a_model_with_a_class_per_digit_takes_one_per_digit(pair_export, tmp_path, capsys):
    from keras_vidgan.models.seeds import labels_for_seeds

    assert sample(pair_export, tmp_path / "a", "--label", "2") == 2
    assert "takes 2 classes, one per digit; pass --label K,K" in capsys.readouterr().err
    assert sample(pair_export, tmp_path / "a", "--label", "1,3") == 2
    assert "out of range" in capsys.readouterr().err
    with pytest.raises(SystemExit) as parse_error:
        sample(pair_export, tmp_path / "a", "--label", "one,two")
    assert parse_error.value.code == 2
    assert "one per digit such as 3,7" in capsys.readouterr().err
    # Without --label, seed s asks for the classes of `labels_for_seeds`, as the grids do.
    assert main(["sample", pair_export, "--out", str(tmp_path / "cycled"), "--num", "3",
                 "--format", "npy"]) == 0
    assert "shows classes s and 3s + 7 mod 3" in capsys.readouterr().out
    for seed, (first, second) in enumerate(labels_for_seeds(range(3), 3, labels_per_clip=2)):
        folder = tmp_path / f"label_{seed}"
        assert sample(pair_export, folder, "--label", f"{first},{second}", "--seed", str(seed),
                      "--num", "1", "--format", "npy") == 0
        np.testing.assert_array_equal(np.load(tmp_path / "cycled" / f"seed_{seed}.npy"),
                                      np.load(folder / f"seed_{seed}.npy"))
