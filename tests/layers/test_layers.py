"""SpectralNormalization divides by the top singular value; ConvGRU is a causal recurrence."""

import keras
import numpy as np

from keras_vidgan.layers import ConvGRU, SpectralNormalization


def test_spectral_normalization_converges_to_the_top_singular_value():
    # A seeded kernel: power iteration converges at the rate of the gap between the two
    # largest singular values, which an unseeded kernel leaves to chance.
    conv = keras.layers.Conv2D(
        5, 3, padding="same", kernel_initializer=keras.initializers.GlorotUniform(seed=0)
    )
    wrapped = SpectralNormalization(conv)
    x = np.random.default_rng(0).normal(size=(2, 8, 8, 3)).astype("float32")
    for _ in range(50):
        wrapped(x, training=True)
    kernel = keras.ops.convert_to_numpy(conv.kernel)
    sigma = np.linalg.svd(kernel.reshape(-1, 5), compute_uv=False)[0]
    expected = keras.ops.conv(x, kernel / sigma, padding="same") + keras.ops.convert_to_numpy(
        conv.bias
    )
    np.testing.assert_allclose(wrapped(x), expected, rtol=1e-3, atol=1e-5)
    # The raw kernel is left alone (the optimizer's variable), unlike Keras' own wrapper.
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(conv.kernel), kernel)


def test_conv_gru_output_at_a_frame_depends_only_on_earlier_frames():
    layer = ConvGRU(4)
    x = np.random.default_rng(1).normal(size=(1, 5, 6, 6, 2)).astype("float32")
    changed = x.copy()
    changed[:, 3:] += 1.0
    a, b = (keras.ops.convert_to_numpy(layer(v)) for v in (x, changed))
    assert a.shape == (1, 5, 6, 6, 4)
    np.testing.assert_allclose(a[:, :3], b[:, :3], atol=1e-6)
    assert not np.allclose(a[:, 3:], b[:, 3:])
    restored = ConvGRU.from_config(layer.get_config())
    assert restored.get_config() == layer.get_config()
