"""`import keras_vidgan` turns on TensorFlow's oneDNN CPU kernels unless the user said no.

Without them, CPUs that lack AVX-512 (TensorFlow's own condition) run the gradients of 3D
convolutions 50 to 200 times slower. Each case is a fresh process: TensorFlow reads the
variable once, when it loads.
"""

import os
import subprocess
import sys

import pytest

PROBE = (
    "import keras_vidgan, os\n"
    "from tensorflow.python.util import _pywrap_util_port\n"
    "print(os.environ['TF_ENABLE_ONEDNN_OPTS'], _pywrap_util_port.IsMklEnabled())\n"
)


@pytest.mark.parametrize("setting, expected", [(None, "1 True"), ("0", "0 False")])
def test_onednn_is_on_unless_the_user_turned_it_off(setting, expected):
    env = {key: value for key, value in os.environ.items() if key != "TF_ENABLE_ONEDNN_OPTS"}
    if setting is not None:
        env["TF_ENABLE_ONEDNN_OPTS"] = setting
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    completed = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stdout.strip().splitlines()[-1] == expected
