"""The checks every model of the package passes, in the spirit of keras-hub's `run_backbone_test`.

A test module describes its models as `ModelCase`s and builds them once in
a module-scoped fixture, `SavedModels(cases, directory)`: it builds every
model, saves each to `.keras`, and loads them all back in ONE new Python
process (TensorFlow takes seconds to start, so not one per model). Each
test then calls `saved.run_model_test(name)`.

Example:

    CASES = {"video": ModelCase(VideoDiscriminator, {"width": 4}, clips, (2, 1))}

    @pytest.fixture(scope="module")
    def saved(tmp_path_factory):
        return SavedModels(CASES, tmp_path_factory.mktemp("saved"))

    @pytest.mark.parametrize("name", sorted(CASES))
    def test_model(saved, name):
        saved.run_model_test(name)
"""

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Callable

import numpy as np

import keras_vidgan
from helpers.fresh_process_load import network_outputs, optimizer_state, save_inputs

FRESH_PROCESS_SCRIPT = os.path.join(os.path.dirname(__file__), "fresh_process_load.py")
FRESH_PROCESS_TIMEOUT_S = 300


@dataclasses.dataclass
class ModelCase:
    """One model to check.

    Args:
        model_class: the class; the model is `model_class(**init_kwargs)`.
        init_kwargs: its constructor arguments.
        inputs: a batch the model takes (an array, or a list of arrays).
        output_shape: the shape of the model's output for `inputs`.
        output_range: `(low, high)` bounds of every output value, for
            example `(-1, 1)` for generators; None checks only that the
            outputs are finite.
        prepare: called with the built model before it is saved (for
            example to compile a `GAN` and train it a step, so that its
            optimizers have a state to restore).
    """

    model_class: type
    init_kwargs: dict
    inputs: object
    output_shape: tuple
    output_range: tuple | None = None
    prepare: Callable | None = None


class SavedModels:
    """Builds the models of `cases`, saves them, and reloads them all in one fresh process."""

    def __init__(self, cases, directory):
        self.cases = cases
        self.models = {}
        self.outputs = {}
        manifest = []
        for name, case in cases.items():
            model = case.model_class(**case.init_kwargs)
            if case.prepare is not None:
                case.prepare(model)
            self.models[name] = model
            self.outputs[name] = network_outputs(model, case.inputs)
            entry = {
                "model": str(directory / f"{name}.keras"),
                "inputs": str(directory / f"{name}_inputs.npz"),
                "result": str(directory / f"{name}_result.npz"),
            }
            model.save(entry["model"])
            save_inputs(entry["inputs"], case.inputs)
            manifest.append(entry)
        manifest_path = directory / "manifest.json"
        manifest_path.write_text(json.dumps(manifest))
        _run_fresh_process(manifest_path)
        self.fresh_results = {}
        for name, entry in zip(cases, manifest):
            with np.load(entry["result"]) as result:
                self.fresh_results[name] = {key: result[key] for key in result.files}

    def run_model_test(self, name):
        """Output shape, dtype and range; config round trip; the fresh process's results."""
        case, model = self.cases[name], self.models[name]
        outputs = self.outputs[name]
        for key, values in outputs.items():
            assert values.shape == case.output_shape, (name, key, values.shape)
            assert values.dtype == np.float32, (name, key, values.dtype)
            assert np.all(np.isfinite(values)), (name, key)
            if case.output_range is not None:
                low, high = case.output_range
                assert values.min() >= low and values.max() <= high, (name, key)
        self._check_config_round_trip(name, model, case.inputs, outputs)
        self._check_fresh_process(name, model, outputs)

    @staticmethod
    def _check_config_round_trip(name, model, inputs, outputs):
        config = model.get_config()
        clone = type(model).from_config(config)
        assert type(clone) is type(model)
        assert clone.get_config() == config, name
        layout = [(weight.path, tuple(weight.shape)) for weight in model.weights]
        assert [(weight.path, tuple(weight.shape)) for weight in clone.weights] == layout, name
        clone.set_weights(model.get_weights())
        clone_outputs = network_outputs(clone, inputs)
        assert clone_outputs.keys() == outputs.keys(), name
        for key in outputs:
            np.testing.assert_array_equal(clone_outputs[key], outputs[key], err_msg=f"{name} {key}")

    def _check_fresh_process(self, name, model, outputs):
        fresh = self.fresh_results[name]
        assert "error" not in fresh, (
            f"{name}.keras did not load and run in a new process that imports only keras and "
            f"keras_vidgan:\n{fresh.get('error')}"
        )
        assert str(fresh["class_name"]) == type(model).__name__, name
        expected = {**outputs, **optimizer_state(model)}
        assert set(fresh) - {"class_name"} == set(expected), (name, sorted(fresh))
        for key, values in expected.items():
            # Bit for bit: the same weights, graph and inputs in another process.
            np.testing.assert_array_equal(fresh[key], values, err_msg=f"{name} {key}")


def _run_fresh_process(manifest_path):
    # The fresh process imports the same keras_vidgan as this one.
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(keras_vidgan.__file__)))
    python_path = os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))
    completed = subprocess.run(
        [sys.executable, FRESH_PROCESS_SCRIPT, str(manifest_path)],
        env={**os.environ, "PYTHONPATH": python_path},
        capture_output=True,
        text=True,
        timeout=FRESH_PROCESS_TIMEOUT_S,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
