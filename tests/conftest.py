import os

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
