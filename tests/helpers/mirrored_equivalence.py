"""One GAN step under MirroredStrategy on two logical CPUs against the same step on one device.

Builds tiny GANs by name: `plain` (the VGAN design with the default objective),
`extended` (two discriminators, hinge loss, gradient penalty, R1, two
discriminator steps, moving average) and the designs of the model zoo with
every stream of frame picks. Logical devices must be configured before
TensorFlow initialises, so the comparison runs in its own Python process; the
test files split the names so that pytest-xdist runs them side by side.
"""

import json
import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import json
    import sys

    import keras
    import numpy as np

    from helpers.gan_fixtures import batches, moving_square_clips, tiny_gan
    from helpers.mirrored_equivalence import compare_one_step

    # Plain SGD: Adam's first update is about lr * sign(gradient), so a gradient
    # that is zero up to float noise could flip sign and hide real agreement.
    def optimizers():
        return {"d_optimizer": keras.optimizers.SGD(0.1), "g_optimizer": keras.optimizers.SGD(0.1)}

    from keras_vidgan.models import GAN, DualDiscriminator, VideoDiscriminator
    from keras_vidgan.models.model_zoo import build_design

    def plain():
        return tiny_gan(seed=21, **optimizers())

    # Everything the objectives add: a second discriminator, hinge loss with both
    # penalties, two discriminator steps and the moving average of the generator.
    def extended():
        base = tiny_gan(seed=22, compile=False)
        second = VideoDiscriminator(frames=8, size=32, channels=1, width=2, name="second")
        gan = GAN(base.generator, [base.discriminator, second], seed=22, ema_decay=0.9)
        gan.compile(
            loss="hinge",
            gradient_penalty=1.0,
            r1=0.5,
            d_steps=2,
            d_optimizer=keras.optimizers.SGD(0.02),
            g_optimizer=keras.optimizers.SGD(0.02),
        )
        return gan

    # Tiny models of each design. MoCoGAN and DVD-GAN get every stream of frame
    # picks: real and generated clips, both penalties, two discriminator updates and
    # the generator update. DVD-GAN's spatial branch sees 8 frames, all of an 8-frame
    # clip: it picks 4 here, which costs half of 16-frame clips.
    def design(name, frames, **compile_kwargs):
        def build():
            generator, discriminator = build_design(
                name, frames=frames, size=32, channels=1, width=2, latent_dim=8
            )
            if name == "dvdgan":
                discriminator = DualDiscriminator(
                    frames=frames, size=32, channels=1, width=2, frames_per_clip=4
                )
            gan = GAN(generator, discriminator, seed=23)
            gan.compile(
                d_optimizer=keras.optimizers.SGD(0.05),
                g_optimizer=keras.optimizers.SGD(0.05),
                **compile_kwargs,
            )
            return gan

        return build

    penalties = dict(loss="hinge", gradient_penalty=1.0, r1=0.5, d_steps=2)
    builds = {
        "plain": plain,
        "extended": extended,
        "tgan": design("tgan", 8),
        "mocogan": design("mocogan", 8, **penalties),
        "dvdgan": design("dvdgan", 8, **penalties),
    }
    names = json.loads(sys.argv[1])
    clips = moving_square_clips(8, seed=4)
    strategy = tf.distribute.MirroredStrategy(["CPU:0", "CPU:1"])
    results = {}
    for name in names:
        results[name], _, mirrored = compare_one_step(builds[name], batches(clips, 8), strategy)
        if name == "extended":
            results[name]["ema_changed"] = max(
                float(np.max(np.abs(a - b)))
                for a, b in zip(
                    mirrored.generator.get_weights(), mirrored.ema_generator.get_weights()
                )
            )
    print("RESULT" + json.dumps({"replicas": strategy.num_replicas_in_sync, **results}))
    """
)


# The first lines of every script: two logical CPUs, before TensorFlow initialises.
TWO_CPUS = textwrap.dedent(
    """
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    """
)


def compare_one_step(build, batches, strategy):
    """`(figures, single, mirrored)`: one epoch of `batches` on one device and under `strategy`.

    Runs inside the script's process. `build()` returns a compiled GAN; both
    start from the same weights.
    """
    import keras
    import numpy as np

    # Fixed initial weights: with some draws these width-2 networks amplify float
    # noise, and the steps then differ by up to 1% (seen with MoCoGAN scoring all
    # frames, and in DVD-GAN's temporal branch, which samples none).
    keras.utils.set_random_seed(6)
    single = build()
    # The reference step runs eagerly: the same arithmetic, without tracing a graph
    # (10 to 15 s for the larger objectives). The mirrored run, the one under test,
    # is traced as `fit()` always traces it.
    single.run_eagerly = True
    initial_weights = single.get_weights()
    single_history = single.fit(batches, epochs=1, verbose=0, shuffle=False)
    with strategy.scope():
        mirrored = build()
    mirrored.set_weights(initial_weights)
    mirrored_history = mirrored.fit(batches, epochs=1, verbose=0, shuffle=False)
    # The step's size is that of the learned weights: spectral normalization's
    # power-iteration vectors move by about 1 in a first step, whatever is learned.
    figures = {
        "max_weight_difference": max(
            float(np.max(np.abs(a - b)))
            for a, b in zip(single.get_weights(), mirrored.get_weights())
        ),
        "max_weight_change": max(
            float(np.max(np.abs(a - b)))
            for a, b, weight in zip(initial_weights, mirrored.get_weights(), mirrored.weights)
            if weight.trainable
        ),
        "single": {key: values[0] for key, values in single_history.history.items()},
        "mirrored": {key: values[0] for key, values in mirrored_history.history.items()},
    }
    return figures, single, mirrored


def run_on_two_cpus(script, work_dir, *arguments):
    """Runs `TWO_CPUS + script` in its own Python process; returns what it printed after RESULT.

    The script sees this checkout's package and `helpers`, and must print one
    line `RESULT{json}` holding `"replicas"`; two replicas are asserted.
    """
    tests_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # The checkout's own package, not whichever one is installed in the environment.
    python_path = os.pathsep.join([tests_dir, os.path.dirname(tests_dir)])
    environment = {**os.environ, "PYTHONPATH": python_path, "TF_CPP_MIN_LOG_LEVEL": "3"}
    completed = subprocess.run(
        [sys.executable, "-c", TWO_CPUS + script, *arguments],
        capture_output=True,
        text=True,
        env=environment,
        cwd=work_dir,
        timeout=600,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("RESULT")]
    assert completed.returncode == 0 and lines, completed.stderr[-3000:]
    result = json.loads(lines[0][len("RESULT") :])
    assert result["replicas"] == 2
    return result


def run_mirrored_equivalence(names, work_dir):
    """Trains each named GAN one step on one device and on two replicas; returns the figures."""
    return run_on_two_cpus(SCRIPT, work_dir, json.dumps(list(names)))


def assert_same_step(run, name):
    """The step really trained, and both runs took it alike up to float noise."""
    assert run["max_weight_change"] > 1e-3, name
    # Summation order differs between one and two devices, and the extended run
    # chains several updates (second-order gradients included). A real mistake
    # (noise or frames repeated on each replica, losses scaled for the local batch)
    # moves weights by about the whole change; 2% of it is float noise (the extended
    # run has differed by 0.74% of its change: 1.1e-4 of 0.0154).
    tolerance = 1e-5 + 2e-2 * run["max_weight_change"]
    assert run["max_weight_difference"] < tolerance, (name, run)
    for key, value in run["single"].items():
        assert abs(run["mirrored"][key] - value) < 1e-4 * max(1.0, abs(value)), (name, key)
