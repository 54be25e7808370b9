"""One GAN step under MirroredStrategy on two logical CPUs equals the step on one device.

Logical devices must be configured before TensorFlow initialises, so the
comparison runs in its own Python process.
"""

import json
import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import json
    import keras
    import numpy as np
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

    from helpers.gan_fixtures import batches, moving_square_clips, tiny_gan

    # Plain SGD: Adam's first update is about lr * sign(gradient), so a gradient
    # that is zero up to float noise could flip sign and hide real agreement.
    def optimizers():
        return {"d_optimizer": keras.optimizers.SGD(0.1), "g_optimizer": keras.optimizers.SGD(0.1)}

    clips = moving_square_clips(8, seed=4)
    single = tiny_gan(seed=21, **optimizers())
    initial_weights = single.get_weights()
    single_history = single.fit(batches(clips, 8), epochs=1, verbose=0, shuffle=False)

    strategy = tf.distribute.MirroredStrategy(["CPU:0", "CPU:1"])
    with strategy.scope():
        mirrored = tiny_gan(seed=21, **optimizers())
    mirrored.set_weights(initial_weights)
    mirrored_history = mirrored.fit(batches(clips, 8), epochs=1, verbose=0, shuffle=False)

    differences = [
        float(np.max(np.abs(a - b))) for a, b in zip(single.get_weights(), mirrored.get_weights())
    ]
    changed = [
        float(np.max(np.abs(a - b))) for a, b in zip(initial_weights, mirrored.get_weights())
    ]
    print("RESULT" + json.dumps({
        "replicas": strategy.num_replicas_in_sync,
        "max_weight_difference": max(differences),
        "max_weight_change": max(changed),
        "single": {k: v[0] for k, v in single_history.history.items()},
        "mirrored": {k: v[0] for k, v in mirrored_history.history.items()},
    }))
    """
)


def test_mirrored_step_equals_single_device_step(tmp_path):
    tests_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    environment = {**os.environ, "PYTHONPATH": tests_dir, "TF_CPP_MIN_LOG_LEVEL": "3"}
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=600,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("RESULT")]
    assert completed.returncode == 0 and lines, completed.stderr[-3000:]
    result = json.loads(lines[0][len("RESULT") :])
    assert result["replicas"] == 2
    # The step really trained (Adam's first step moves weights by about the learning rate)...
    assert result["max_weight_change"] > 1e-3
    # ...and both runs took the same step.
    assert result["max_weight_difference"] < 1e-5, result
    for key, value in result["single"].items():
        assert abs(result["mirrored"][key] - value) < 1e-5 * max(1.0, abs(value)), key
