"""Loads saved models in a new Python process, as a user's script would, and records their outputs.

Run as `python fresh_process_load.py MANIFEST`. The manifest is a JSON list
of `{"model": ".keras path", "inputs": ".npz path", "result": ".npz path"}`.
The process imports `keras` and `keras_vidgan` and nothing else of the
project: a class that `import keras_vidgan` does not register makes
`keras.saving.load_model` fail here, as it would for a user. A model that
fails to load or run writes its error into its result instead of stopping
the others.

The parent process compares with the same `network_outputs` and
`optimizer_state`, imported from this module, which is why this file
imports nothing of `keras_vidgan` at module level.
"""

import json
import sys
import traceback

import keras
import numpy as np


def network_outputs(model, inputs):
    """The model's outputs for `inputs`; for a `GAN`, also its `sampling_generator`'s."""
    outputs = {"outputs": keras.ops.convert_to_numpy(model(inputs, training=False))}
    if hasattr(model, "sampling_generator"):
        sampled = model.sampling_generator(inputs, training=False)
        outputs["sampling_outputs"] = keras.ops.convert_to_numpy(sampled)
    return outputs


def optimizer_state(model):
    """Every variable of a compiled `GAN`'s two optimizers, by position; empty otherwise."""
    state = {}
    for role in ("g_optimizer", "d_optimizer"):
        optimizer = getattr(model, role, None)
        if optimizer is not None:
            for index, variable in enumerate(optimizer.variables):
                state[f"{role}_{index}"] = keras.ops.convert_to_numpy(variable)
    return state


def stored_inputs(path):
    """The inputs saved by `save_inputs`: one array, or a list of them."""
    with np.load(path) as stored:
        arrays = [stored[f"input_{index}"] for index in range(len(stored.files))]
    return arrays[0] if len(arrays) == 1 else arrays


def save_inputs(path, inputs):
    arrays = inputs if isinstance(inputs, (list, tuple)) else [inputs]
    np.savez(path, **{f"input_{index}": np.asarray(array) for index, array in enumerate(arrays)})


def _load_and_run(entry):
    try:
        model = keras.saving.load_model(entry["model"])
        inputs = stored_inputs(entry["inputs"])
        result = {**network_outputs(model, inputs), **optimizer_state(model)}
        result["class_name"] = np.array(type(model).__name__)
    except Exception:
        result = {"error": np.array(traceback.format_exc())}
    np.savez(entry["result"], **result)


if __name__ == "__main__":
    import keras_vidgan  # noqa: F401  (registers the package's classes, as a user's import does)

    with open(sys.argv[1]) as manifest:
        for entry in json.load(manifest):
            _load_and_run(entry)
