"""A StyleGAN-V step under MirroredStrategy on two logical CPUs equals the step on one device.

Its discriminator scores frames at times the GAN draws each step, and its
generator renders frames at those times: both must come from the GAN's
`(seed, step)` for the global batch, sliced per replica, like its noise.
The run has every stream: class labels, the gradient penalty and R1, two
discriminator updates, the generator update and the moving average.

Logical devices must be configured before TensorFlow initialises, so the
comparison runs in its own Python process (apart from `test_gan_mirrored.py`,
the suite's slowest file).
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.slow  # a minute or more: started first (tests/conftest.py)

SCRIPT = textwrap.dedent(
    """
    import json
    import keras
    import numpy as np
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

    from helpers.gan_fixtures import moving_square_clips
    from keras_vidgan.models import GAN
    from keras_vidgan.models.model_zoo import build_design

    def build():
        generator, discriminator = build_design(
            "styleganv", frames=8, size=32, channels=1, width=2, latent_dim=6, num_classes=2
        )
        gan = GAN(generator, discriminator, seed=24, ema_decay=0.9)
        # Plain SGD: Adam's first update is about lr * sign(gradient), so a gradient
        # that is zero up to float noise could flip sign and hide real agreement.
        gan.compile(
            loss="hinge",
            gradient_penalty=1.0,
            r1=0.5,
            d_steps=2,
            d_optimizer=keras.optimizers.SGD(0.05),
            g_optimizer=keras.optimizers.SGD(0.05),
        )
        return gan

    clips = moving_square_clips(8, seed=4)
    labels = np.arange(8) % 2
    data = tf.data.Dataset.from_tensor_slices((clips, labels)).batch(8)
    strategy = tf.distribute.MirroredStrategy(["CPU:0", "CPU:1"])
    keras.utils.set_random_seed(6)
    single = build()
    initial_weights = single.get_weights()
    single_history = single.fit(data, epochs=1, verbose=0, shuffle=False)
    with strategy.scope():
        mirrored = build()
    mirrored.set_weights(initial_weights)
    mirrored_history = mirrored.fit(data, epochs=1, verbose=0, shuffle=False)
    differences = [
        float(np.max(np.abs(a - b))) for a, b in zip(single.get_weights(), mirrored.get_weights())
    ]
    changed = [
        float(np.max(np.abs(a - b)))
        for a, b, weight in zip(initial_weights, mirrored.get_weights(), mirrored.weights)
        if weight.trainable
    ]
    ema_changed = max(
        float(np.max(np.abs(a - b)))
        for a, b in zip(mirrored.generator.get_weights(), mirrored.ema_generator.get_weights())
    )
    print("RESULT" + json.dumps({
        "replicas": strategy.num_replicas_in_sync,
        "max_weight_difference": max(differences),
        "max_weight_change": max(changed),
        "ema_changed": ema_changed,
        "single": {k: v[0] for k, v in single_history.history.items()},
        "mirrored": {k: v[0] for k, v in mirrored_history.history.items()},
    }))
    """
)


def test_mirrored_styleganv_step_equals_single_device_step(tmp_path):
    tests_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # The checkout's own package, not whichever one is installed in the environment.
    python_path = os.pathsep.join([tests_dir, os.path.dirname(tests_dir)])
    environment = {**os.environ, "PYTHONPATH": python_path, "TF_CPP_MIN_LOG_LEVEL": "3"}
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
    run = json.loads(lines[0][len("RESULT") :])
    assert run["replicas"] == 2
    # The step really trained...
    assert run["max_weight_change"] > 1e-3, run
    # ...and both took the same step, up to float noise (see test_gan_mirrored.py): times
    # or noise repeated on each replica would move weights by about the whole change.
    tolerance = 1e-5 + 5e-3 * run["max_weight_change"]
    assert run["max_weight_difference"] < tolerance, run
    for key, value in run["single"].items():
        assert abs(run["mirrored"][key] - value) < 1e-4 * max(1.0, abs(value)), (key, run)
    assert run["ema_changed"] > 0.0
