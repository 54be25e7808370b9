"""keras_vidgan: video GANs for Keras 3 and TensorFlow.

Sub-packages load on first use, so `import keras_vidgan` (and the
command line's `--help` and argument errors) do not wait for TensorFlow.
"""

import importlib

from keras_vidgan.version import __version__

_SUBMODULES = (
    "data",
    "datasets",
    "export",
    "layers",
    "losses",
    "metrics",
    "models",
    "training",
    "utils",
)

__all__ = ["GAN", "__version__", *_SUBMODULES]


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"keras_vidgan.{name}")
    if name == "GAN":
        from keras_vidgan.models.gan import GAN

        return GAN
    raise AttributeError(f"module 'keras_vidgan' has no attribute {name!r}")
