"""The auxiliary classifier's losses equal a hand computation (float64 NumPy)."""

import numpy as np
import tensorflow as tf

from keras_vidgan import losses

LABELS = np.array([0, 2, 1], np.int32)
CLASS_LOGITS = np.array([[2.0, -1.0, 0.5], [0.0, 0.0, 0.0], [-3.0, 4.0, 1.0]], np.float32)


def _negative_log_softmax(logits, labels):
    logits = logits.astype(np.float64)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -log_softmax[np.arange(len(labels)), labels]


def test_both_losses_are_the_negative_log_likelihood_of_the_label():
    expected = _negative_log_softmax(CLASS_LOGITS, LABELS)
    for function in (losses.auxiliary_classifier_discriminator_loss,
                     losses.auxiliary_classifier_generator_loss):
        actual = function(LABELS, CLASS_LOGITS)
        assert actual.shape == (3,) and actual.dtype == tf.float32
        np.testing.assert_allclose(actual, expected, rtol=1e-5)
    # Uniform logits over three classes: log 3 for any label.
    np.testing.assert_allclose(expected[1], np.log(3.0))


def test_labels_may_come_as_a_column_and_logits_in_half_precision():
    actual = losses.auxiliary_classifier_generator_loss(
        LABELS[:, None], tf.constant(CLASS_LOGITS, tf.float16)
    )
    assert actual.dtype == tf.float32
    np.testing.assert_allclose(actual, _negative_log_softmax(CLASS_LOGITS, LABELS), rtol=1e-3)


def test_several_labels_per_clip_are_read_as_a_mix_of_their_classes():
    pairs = np.array([[0, 2], [1, 1], [2, 0]], np.int32)
    logits = CLASS_LOGITS.astype(np.float64)
    log_softmax = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    # Each of a clip's labels weighs a half: -(log p(a) + log p(b)) / 2.
    expected = -0.5 * (
        log_softmax[np.arange(3), pairs[:, 0]] + log_softmax[np.arange(3), pairs[:, 1]]
    )
    for function in (losses.auxiliary_classifier_discriminator_loss,
                     losses.auxiliary_classifier_generator_loss):
        actual = function(pairs, CLASS_LOGITS)
        assert actual.shape == (3,) and actual.dtype == tf.float32
        np.testing.assert_allclose(actual, expected, rtol=1e-5)
        # The order of a clip's digits does not matter.
        np.testing.assert_allclose(function(pairs[:, ::-1], CLASS_LOGITS), actual, rtol=1e-6)
    # Two digits of one class are that class alone, as with one label.
    np.testing.assert_allclose(expected[1], _negative_log_softmax(CLASS_LOGITS, [0, 1, 0])[1])
    # Any classifier pays at least the mix's entropy: log 2 for two different classes.
    assert expected[0] >= np.log(2.0) and expected[2] >= np.log(2.0)
