"""Fixtures of the metrics tests: the real I3D (loaded once) and a tiny stand-in for speed."""

import keras
import numpy as np
import pytest


@pytest.fixture(scope="session")
def i3d():
    from keras_vidgan.metrics import load_i3d

    return load_i3d()


def tiny_feature_model(size=224, dim=8, seed=0):
    """A fixed random network `[B, F, size, size, 3] -> [B, dim]`: I3D's interface, at no cost.

    Used where a test is about plumbing (caching, streaming, callbacks), not
    about I3D's numbers.
    """
    video = keras.Input(shape=(None, size, size, 3))
    x = keras.layers.AveragePooling3D((1, 8, 8))(video)
    x = keras.layers.Conv3D(dim, 3, strides=2, activation="tanh", name="features_conv")(x)
    x = keras.layers.GlobalAveragePooling3D()(x)
    model = keras.Model(video, x, name="tiny_features")
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    return model


@pytest.fixture
def tiny_model():
    return tiny_feature_model()


@pytest.fixture
def make_tiny_model():
    """The factory itself, for tests that need several tiny models."""
    return tiny_feature_model
