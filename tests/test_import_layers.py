"""Imports inside `keras_vidgan` run one way: down the layers, never up.

    keras_vidgan_cli  (the command line; the library never imports it)
    training          (callbacks, run directories, recipes)
    export            (SavedModel export and reading exports back)
    models, presets, data, datasets, losses, metrics, layers
    utils, version

A module may import its own layer and the layers below. `training` sits above
`export` so that the path-taking front doors (`keras_vidgan.training.export_run`,
`open_video_source`) can wrap the in-memory export API while `export` stays
free of run directories. The package root (`keras_vidgan/__init__.py`)
imports every sub-package to register their classes with Keras, so importing
the root from inside the package counts as importing the top layer.

Imports are found with `ast` in every function and class body too, including
`importlib.import_module("...")` with a literal name.
"""

import ast
import os
import textwrap

import pytest

import keras_vidgan

LAYERS = {
    "utils": 0,
    "version": 0,
    "layers": 1,
    "losses": 1,
    "metrics": 1,
    "models": 1,
    "presets": 1,
    "data": 1,
    "datasets": 1,
    "export": 2,
    "training": 3,
}
ROOT_LAYER = max(LAYERS.values()) + 1
PACKAGE = "keras_vidgan"
CLI_PACKAGE = "keras_vidgan_cli"
PACKAGE_DIR = os.path.dirname(keras_vidgan.__file__)


def imported_modules(tree, module_name, is_package):
    """`(line, dotted name)` of every module `tree` imports, at any depth."""
    package = module_name if is_package else module_name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module
            # `from keras_vidgan import training` imports the sub-package `training`.
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}" if base == PACKAGE else base
        elif (
            isinstance(node, ast.Call)
            and _called_name(node.func) in ("importlib.import_module", "import_module",
                                            "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def _called_name(func):
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return f"{func.value.id}.{func.attr}"
    return None


def layer_of(dotted):
    """The layer of a module inside the package (ROOT_LAYER for the package root itself)."""
    parts = dotted.split(".")
    # A name that is no sub-package (`from keras_vidgan import GAN`) comes from the root.
    return LAYERS.get(parts[1], ROOT_LAYER) if len(parts) > 1 else ROOT_LAYER


def violations(source, module_name, is_package=False):
    """One message per upward import in `source`, the code of module `module_name`."""
    own = layer_of(module_name)
    found = []
    for line, imported in sorted(imported_modules(ast.parse(source), module_name, is_package)):
        top = imported.split(".")[0]
        if top == CLI_PACKAGE:
            found.append(f"{module_name}:{line} imports {imported}: the library never "
                         "imports the command line")
        elif top == PACKAGE and layer_of(imported) > own:
            found.append(f"{module_name}:{line} imports {imported} from a higher layer")
    return found


def library_modules():
    for folder, _, files in os.walk(PACKAGE_DIR):
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, os.path.dirname(PACKAGE_DIR))
            parts = relative[: -len(".py")].split(os.sep)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts = parts[:-1]
            yield path, ".".join(parts), is_package


def test_every_module_has_a_layer():
    unplaced = sorted(
        {name.split(".")[1] for _, name, _ in library_modules() if name != PACKAGE}
        - set(LAYERS)
    )
    assert not unplaced, f"put {unplaced} into LAYERS in {__file__}"


def test_library_imports_only_its_own_layer_and_below():
    found = []
    for path, name, is_package in library_modules():
        if name == PACKAGE:
            continue  # the root imports every sub-package on purpose
        with open(path, encoding="utf-8") as handle:
            found += violations(handle.read(), name, is_package)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("source", [
    "from keras_vidgan.training.run_directory import load_gan",
    "def f():\n    from keras_vidgan.export.seeds import noise_from_seeds",
    "class C:\n    def f(self):\n        import keras_vidgan.training",
    "from keras_vidgan import export",
    "import keras_vidgan",
    "from keras_vidgan import GAN",
    "from ...export import seeds",
    "from ... import training",
    "import importlib\nimportlib.import_module('keras_vidgan.export')",
    "def f():\n    import keras_vidgan_cli.main",
])
def test_upward_imports_are_found_at_any_depth(source):
    assert len(violations(source, "keras_vidgan.models.layer_below.gan")) == 1


@pytest.mark.parametrize("source", [
    "from keras_vidgan.layers import ConvGRU",
    "from keras_vidgan import losses",
    "def f():\n    from keras_vidgan.utils.pixels import video_to_uint8",
    "from . import seeds",
    "from ..losses import GANLoss",
    "from keras_vidgan.version import __version__",
    "import tensorflow",
])
def test_imports_of_the_same_layer_and_below_pass(source):
    module = "keras_vidgan.models.gan"
    assert violations(textwrap.dedent(source), module) == []
