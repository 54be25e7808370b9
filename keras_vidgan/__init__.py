"""keras_vidgan: video GANs for Keras 3 and TensorFlow.

Importing the package imports every sub-package, as keras-hub does, so that
each serializable class is registered with Keras: after `import keras_vidgan`,
`keras.saving.load_model` reads any saved GAN, generator or discriminator in
a fresh process. The `keras-vidgan` command lives in the separate
`keras_vidgan_cli` package, which parses its arguments before importing this
one (and TensorFlow), so that `--help` and argument errors are instant.
"""

from keras_vidgan import (
    data,
    datasets,
    export,
    layers,
    losses,
    metrics,
    models,
    presets,
    training,
    utils,
)
from keras_vidgan.models.gan import GAN
from keras_vidgan.version import __version__

__all__ = [
    "GAN",
    "__version__",
    "data",
    "datasets",
    "export",
    "layers",
    "losses",
    "metrics",
    "models",
    "presets",
    "training",
    "utils",
]
