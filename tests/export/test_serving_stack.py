"""The export as a serving stack sees it: `saved_model_cli`, and a process without keras_vidgan."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import keras_vidgan
from keras_vidgan.export import noise_from_seeds

CLIP_SHAPE = (8, 32, 32, 1)

# Loads the export the way a serving process does: TensorFlow only. A meta-path
# hook makes `import keras_vidgan` fail, so a hidden dependency on the package
# (a registered Keras class, a Python function) would break the load.
FRESH_PROCESS_SCRIPT = textwrap.dedent(
    """
    import importlib.abc
    import sys

    class BlockKerasVidgan(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "keras_vidgan" or name.startswith("keras_vidgan."):
                raise ImportError("keras_vidgan is blocked in this process")
            return None

    sys.meta_path.insert(0, BlockKerasVidgan())
    try:
        import keras_vidgan  # noqa: F401
    except ImportError:
        pass
    else:
        sys.exit("keras_vidgan could still be imported")

    import numpy as np
    import tensorflow as tf

    export_dir, inputs_path, outputs_path = sys.argv[1:]
    inputs = np.load(inputs_path)
    loaded = tf.saved_model.load(export_dir)
    video = loaded.signatures["serving_default"](noise=tf.constant(inputs["noise"]))["video"]
    seeded = loaded.signatures["generate_from_seed"](seed=tf.constant(inputs["seeds"]))["video"]
    fps = loaded.signatures["metadata"]()["fps"]
    assert not [name for name in sys.modules if name.startswith("keras_vidgan")]
    np.savez(outputs_path, video=video.numpy(), seeded=seeded.numpy(), fps=fps.numpy())
    """
)


def clean_env():
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    return env


def saved_model_cli(*args, cwd=None):
    executable = os.path.join(os.path.dirname(sys.executable), "saved_model_cli")
    if not os.path.exists(executable):
        pytest.skip("saved_model_cli is not installed next to this Python")
    return subprocess.run([executable, *args], capture_output=True, text=True, timeout=180,
                          env=clean_env(), cwd=cwd)


def python_literal(array):
    # saved_model_cli parses --input_exprs with ast.literal_eval: plain nested lists.
    # repr() of each float32 value as a Python float round-trips exactly.
    return repr(np.asarray(array).tolist())


def test_saved_model_cli_show_all(export_dir):
    result = saved_model_cli("show", "--dir", export_dir, "--all")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    for name in ("serving_default", "generate_from_seed", "metadata"):
        assert f"signature_def['{name}']" in text
    assert "inputs['noise'] tensor_info:\n        dtype: DT_FLOAT\n        shape: (-1, -1)" in text
    assert "inputs['seed'] tensor_info:\n        dtype: DT_INT64\n        shape: (-1)" in text
    video = ("outputs['video'] tensor_info:\n        dtype: DT_UINT8\n"
             "        shape: (-1, 8, 32, 32, 1)")
    assert video in text
    assert "Method name is: tensorflow/serving/predict" in text


def test_saved_model_cli_run_matches_in_process(export_dir, reference, test_noise, tmp_path):
    result = saved_model_cli(
        "run", "--dir", export_dir, "--tag_set", "serve", "--signature_def", "serving_default",
        "--input_exprs", f"noise={python_literal(test_noise)}",
        "--outdir", str(tmp_path / "noise"), "--overwrite",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    video = np.load(tmp_path / "noise" / "video.npy")
    assert video.dtype == np.uint8 and video.shape == (3,) + CLIP_SHAPE
    np.testing.assert_array_equal(video, reference(test_noise))

    result = saved_model_cli(
        "run", "--dir", export_dir, "--tag_set", "serve", "--signature_def", "generate_from_seed",
        "--input_exprs", "seed=[11, 12]", "--outdir", str(tmp_path / "seed"), "--overwrite",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    video = np.load(tmp_path / "seed" / "video.npy")
    np.testing.assert_array_equal(video, reference(noise_from_seeds([11, 12], 8).numpy()))


def test_saved_model_cli_run_reports_wrong_latent_size(export_dir):
    result = saved_model_cli(
        "run", "--dir", export_dir, "--tag_set", "serve", "--signature_def", "serving_default",
        "--input_exprs", f"noise={python_literal(np.zeros((1, 5)))}",
    )
    assert result.returncode != 0
    assert "InvalidArgument" in result.stderr
    assert "`noise` must have shape [batch, 8] (latent_dim=8)" in result.stderr


def test_fresh_process_without_keras_vidgan_reproduces_exactly(
        export_dir, reference, test_noise, tmp_path):
    script = tmp_path / "load_export.py"
    script.write_text(FRESH_PROCESS_SCRIPT)
    seeds = np.array([0, 1, 123456789, -5], np.int64)
    np.savez(tmp_path / "inputs.npz", noise=test_noise, seeds=seeds)
    # Run from an empty folder so the checkout itself is not on sys.path either.
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    result = subprocess.run(
        [sys.executable, str(script), export_dir, str(tmp_path / "inputs.npz"),
         str(tmp_path / "outputs.npz")],
        capture_output=True, text=True, timeout=180, env=clean_env(), cwd=workdir,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outputs = np.load(tmp_path / "outputs.npz")
    np.testing.assert_array_equal(outputs["video"], reference(test_noise))
    np.testing.assert_array_equal(outputs["seeded"], reference(noise_from_seeds(seeds, 8).numpy()))
    assert int(outputs["fps"]) == 12


def test_example_script_runs_end_to_end(gan_file, tmp_path):
    example = os.path.join(os.path.dirname(__file__), "..", "..", "examples",
                           "export_and_serve.py")
    # The example imports the keras_vidgan under test, not whichever one is installed.
    env = {**clean_env(), "PYTHONPATH": os.path.dirname(os.path.dirname(keras_vidgan.__file__))}
    result = subprocess.run(
        [sys.executable, example, "--model", gan_file, "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=180, env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "seeds and noise give the same videos" in result.stdout
    body = json.loads((tmp_path / "request_seed.json").read_text())
    assert body == {"signature_name": "generate_from_seed", "inputs": {"seed": [0, 1]}}
    assert (tmp_path / "served_1.gif").stat().st_size > 0
