"""The `eager_functions` mark of tests/conftest.py: on for what it marks, and only there."""

import pytest
import tensorflow as tf


@pytest.mark.eager_functions
def test_a_marked_test_runs_functions_eagerly():
    assert tf.config.functions_run_eagerly()


def test_the_next_test_traces_again():
    assert not tf.config.functions_run_eagerly()
    traced = []

    @tf.function
    def double(x):
        traced.append(True)  # runs only while tracing, or on every call when eager
        return 2 * x

    double(tf.constant(1.0))
    double(tf.constant(2.0))
    assert len(traced) == 1
