import os
import sys

import pytest

# Quiet TensorFlow's C++ start-up logging in test output.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# What `import keras_vidgan` sets, set before any test file imports TensorFlow itself (and
# inherited by the tests' subprocesses): without oneDNN, CPUs lacking AVX-512 take minutes
# over the 3D convolutions' gradients.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")


def pytest_collection_modifyitems(items):
    """Starts the files marked `slow` first.

    pytest-xdist runs each file in one process: a minute-long file handed out last keeps the
    whole run waiting for it while the other processes sit idle.
    """
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


# Tests whose subject is a run around the networks (resume, faults, files written, designs
# reaching the recipe) mark their file or themselves `eager_functions`: every `tf.function`
# then runs op by op. The arithmetic is the same, and a run of a few steps costs less than
# tracing its graph. Graph mode stays covered by the unmarked tests: the GAN's own tests,
# export and serving, XLA, mixed precision, MirroredStrategy and the command in a subprocess.
def _functions_run_eagerly(marked):
    if not marked:
        yield
        return
    import tensorflow as tf

    tf.config.run_functions_eagerly(True)
    try:
        yield
    finally:
        tf.config.run_functions_eagerly(False)


@pytest.fixture(scope="module", autouse=True)
def _eager_functions_for_the_file(request):
    """For a marked file, module fixtures included (they often train the run its tests read)."""
    yield from _functions_run_eagerly(request.node.get_closest_marker("eager_functions"))


@pytest.fixture(autouse=True)
def _eager_functions_for_the_test(request):
    """For a test marked on its own, in a file that is not marked."""
    marked_alone = any(mark.name == "eager_functions" for mark in request.node.own_markers)
    in_marked_file = request.node.getparent(pytest.Module).get_closest_marker("eager_functions")
    tensorflow = sys.modules.get("tensorflow")
    if not in_marked_file and tensorflow is not None:
        # An unmarked test must trace: that is the graph mode the marked ones rely on.
        assert not tensorflow.config.functions_run_eagerly(), "an earlier test left eager on"
    yield from _functions_run_eagerly(marked_alone and not in_marked_file)
