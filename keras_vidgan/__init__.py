"""keras_vidgan: video GANs for Keras 3 and TensorFlow.

Importing the package imports every sub-package, as keras-hub does, so that
each serializable class is registered with Keras: after `import keras_vidgan`,
`keras.saving.load_model` reads any saved GAN, generator or discriminator in
a fresh process. The `keras-vidgan` command lives in the separate
`keras_vidgan_cli` package, which parses its arguments before importing this
one (and TensorFlow), so that `--help` and argument errors are instant.

Importing it before TensorFlow also turns on TensorFlow's oneDNN CPU kernels
(see below); `TF_ENABLE_ONEDNN_OPTS=0` keeps them off.
"""

import os

# TensorFlow turns its oneDNN kernels on by default only on CPUs with AVX-512's
# neural-network instructions. Elsewhere (an AVX2 AMD EPYC, for one) the gradients of
# 3D convolutions and transposed 3D convolutions, the bulk of VGAN, TGAN, MoCoGAN and
# DVD-GAN, fall back to kernels 50 to 200 times slower. TensorFlow reads the variable
# once, when it loads, so this only helps where the package is imported first.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")

from keras_vidgan import (  # noqa: E402
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
from keras_vidgan.models.gan import GAN  # noqa: E402
from keras_vidgan.version import __version__  # noqa: E402

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
