"""ONNX through tf2onnx: optional dependencies, skipped when they are not installed."""

import os

import numpy as np
import pytest
import tensorflow as tf

pytest.importorskip("tf2onnx")
pytest.importorskip("onnx")
onnxruntime = pytest.importorskip("onnxruntime")

from keras_vidgan.export import noise_from_seeds  # noqa: E402
from keras_vidgan.export.onnx_export import export_onnx  # noqa: E402
from keras_vidgan_cli.main import main  # noqa: E402


@pytest.fixture(scope="module")
def onnx_session(export_base, tmp_path_factory):
    path = str(tmp_path_factory.mktemp("onnx") / "vgan.onnx")
    assert export_onnx(export_base, path) == path
    return onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])


def test_onnx_inputs_and_outputs(onnx_session):
    (noise,) = onnx_session.get_inputs()
    (video,) = onnx_session.get_outputs()
    assert (noise.name, noise.type, noise.shape[1]) == ("noise", "tensor(float)", 8)
    assert (video.name, video.type, video.shape[1:]) == ("video", "tensor(uint8)", [8, 32, 32, 1])


def test_onnx_matches_saved_model_exactly(onnx_session, loaded_export, test_noise):
    seeded_noise = noise_from_seeds([1, 2, 3, 4], 8).numpy()
    for noise in (test_noise, seeded_noise):
        onnx_video = onnx_session.run(["video"], {"noise": noise})[0]
        saved = loaded_export.signatures["serving_default"](noise=tf.constant(noise))["video"]
        np.testing.assert_array_equal(onnx_video, saved.numpy())


def test_onnx_refuses_wrong_latent_size(onnx_session):
    with pytest.raises(Exception, match="invalid dimensions for input: noise"):
        onnx_session.run(["video"], {"noise": np.zeros((1, 9), np.float32)})


def test_export_command_with_onnx(gan_file, tmp_path, capsys):
    base = tmp_path / "served"
    assert main(["export", gan_file, str(base), "--onnx"]) == 0
    assert os.path.isfile(base / "1.onnx")
    assert sorted(os.listdir(base)) == ["1", "1.onnx"]
    assert "1.onnx" in capsys.readouterr().out
