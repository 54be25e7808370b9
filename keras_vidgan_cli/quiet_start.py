"""Imports keras_vidgan (and so TensorFlow) without TensorFlow's start-up lines.

TensorFlow's native libraries log at load time (oneDNN, CUDA not found,
CPU features), some lines twice, before `TF_CPP_MIN_LOG_LEVEL` is read, so
the environment variable cannot silence them. They are written to file
descriptor 2 by C++ code: only redirecting that descriptor while the
libraries load keeps them off the terminal. What was captured is replayed
when the import fails, so a broken installation still explains itself.
"""

import importlib
import os
import sys
import tempfile


def import_keras_vidgan(quiet=True):
    """Imports `keras_vidgan`; with `quiet`, TensorFlow's load-time lines are swallowed."""
    if not quiet or "tensorflow" in sys.modules:
        return importlib.import_module("keras_vidgan")
    sys.stderr.flush()
    saved_stderr = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as captured:
        os.dup2(captured.fileno(), 2)
        try:
            return importlib.import_module("keras_vidgan")
        except BaseException:
            os.dup2(saved_stderr, 2)
            captured.seek(0)
            sys.stderr.write(captured.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved_stderr, 2)
            os.close(saved_stderr)
