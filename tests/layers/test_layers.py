"""SpectralNormalization divides by the top singular value; ConvGRU is a causal recurrence;
MinibatchStandardDeviation appends the spread of each group of examples."""

import keras
import numpy as np
import pytest

from keras_vidgan.layers import ConvGRU, MinibatchStandardDeviation, SpectralNormalization


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


def test_minibatch_standard_deviation_matches_a_numpy_reference_per_group():
    # Ten examples in groups of four: the last group holds two.
    values = np.random.default_rng(2).normal(size=(10, 3, 5)).astype("float32")
    outputs = keras.ops.convert_to_numpy(MinibatchStandardDeviation(4)(values))
    assert outputs.shape == (10, 3, 6) and outputs.dtype == np.float32
    np.testing.assert_array_equal(outputs[..., :5], values)
    for start in (0, 4, 8):
        group = values[start : start + 4]
        spread = np.sqrt(group.var(axis=0) + 1e-8).mean()
        np.testing.assert_allclose(outputs[start : start + 4, :, 5], spread, rtol=1e-5)


def test_minibatch_standard_deviation_is_near_zero_for_identical_examples_only():
    layer = MinibatchStandardDeviation(4)
    same = np.tile(np.arange(6, dtype="float32"), (8, 1))
    assert np.all(keras.ops.convert_to_numpy(layer(same))[:, -1] < 1e-3)
    varied = same + np.random.default_rng(3).normal(size=same.shape).astype("float32")
    assert np.all(keras.ops.convert_to_numpy(layer(varied))[:, -1] > 0.3)
    # Splitting the batch at a group boundary, as replicas do, changes nothing.
    whole = keras.ops.convert_to_numpy(layer(varied))
    halves = np.concatenate([keras.ops.convert_to_numpy(layer(part)) for part in (varied[:4],
                                                                                   varied[4:])])
    np.testing.assert_allclose(halves, whole, rtol=1e-6)
    assert MinibatchStandardDeviation.from_config(layer.get_config()).group_size == 4


@pytest.mark.parametrize("group_size", [1, 0, 2.5, True])
def test_minibatch_standard_deviation_refuses_a_group_that_is_not_a_group(group_size):
    with pytest.raises(ValueError, match="group_size"):
        MinibatchStandardDeviation(group_size)
