import os

import pytest

from keras_vidgan.export import read_export_metadata
from keras_vidgan_cli.main import main


def error_line(capsys):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err  # one line, no traceback
    return err[0]


def test_export_run_directory_then_refuse_then_overwrite(run_dir, tmp_path, capsys):
    base = str(tmp_path / "served")
    assert main(["export", run_dir, base]) == 0
    out = capsys.readouterr().out
    assert os.path.join(base, "1") in out and "12 fps" in out
    assert read_export_metadata(os.path.join(base, "1"))["fps"] == 12

    assert main(["export", run_dir, base, "--version", "1", "--fps", "4"]) == 2
    message = error_line(capsys)
    assert "already exists" in message and "--overwrite" in message
    assert read_export_metadata(base)["fps"] == 12

    assert main(["export", run_dir, base, "--version", "1", "--fps", "4", "--overwrite"]) == 0
    assert read_export_metadata(base)["fps"] == 4
    assert sorted(os.listdir(base)) == ["1"]


def test_export_keras_file(gan_file, tmp_path, capsys):
    base = str(tmp_path / "served")
    assert main(["export", gan_file, base, "--version", "7"]) == 0
    info = read_export_metadata(os.path.join(base, "7"))
    assert info["fps"] == 8  # a bare .keras file has no run config
    assert info["source"] == "gan.keras"


@pytest.mark.parametrize("make_model, expected", [
    (lambda tmp: str(tmp / "missing"), "does not exist"),
    (lambda tmp: tmp / "garbage.keras", "not a .keras archive"),
    (lambda tmp: tmp / "empty_dir", "without checkpoints"),
])
def test_unusable_model_paths_give_one_line(tmp_path, capsys, make_model, expected):
    model = make_model(tmp_path)
    if str(model).endswith("garbage.keras"):
        model.write_text("not a zip")
    elif str(model).endswith("empty_dir"):
        model.mkdir()
    assert main(["export", str(model), str(tmp_path / "served")]) == 2
    assert expected in error_line(capsys)
    assert not os.path.exists(tmp_path / "served" / "1")


def test_export_base_that_is_a_file(gan_file, tmp_path, capsys):
    base = tmp_path / "file"
    base.write_text("")
    assert main(["export", gan_file, str(base)]) == 2
    assert "must be a directory" in error_line(capsys)
