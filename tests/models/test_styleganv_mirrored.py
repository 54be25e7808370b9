"""A StyleGAN-V step under MirroredStrategy on two logical CPUs equals the step on one device.

Its discriminator scores frames at times the GAN draws each step, and its
generator renders frames at those times: both must come from the GAN's
`(seed, step)` for the global batch, sliced per replica, like its noise.
The run has every stream: class labels, the gradient penalty and R1, two
discriminator updates, the generator update and the moving average; once with
each synthesis (frames, and two sprites on whole pixels with an auxiliary
classifier in the discriminator, whose class losses join both updates, and its
minibatch standard deviation over groups of two clips, which each replica's
half of the batch holds whole); and the sprites once more with a class per
digit, labels `[B, 2]`, that both networks and the class losses read).

Logical devices must be configured before TensorFlow initialises, so the
comparison runs in its own Python process (apart from `test_gan_mirrored.py`,
so that pytest-xdist runs both side by side).
"""

import textwrap

import pytest
from helpers.mirrored_equivalence import assert_same_step, run_on_two_cpus

pytestmark = pytest.mark.slow  # a minute or more: started first (tests/conftest.py)

SCRIPT = textwrap.dedent(
    """
    import json
    import keras
    import numpy as np

    from helpers.gan_fixtures import moving_square_clips
    from helpers.mirrored_equivalence import compare_one_step
    from keras_vidgan.models import GAN
    from keras_vidgan.models.model_zoo import build_design

    def build(case):
        sprites = case != "frames"
        generator, discriminator = build_design(
            "styleganv", frames=8, size=32, channels=1, width=2, latent_dim=6, num_classes=2,
            synthesis="sprites" if sprites else "frames", sprites=2,
            auxiliary_classifier=sprites, minibatch_std_group=2 if sprites else None,
            sprite_placement="whole_pixels" if sprites else "bilinear",
            labels_per_clip=2 if case == "sprites_label_per_digit" else 1,
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
    # A class per digit; the runs with one label per clip take the first, as on Moving MNIST.
    labels = np.stack([np.arange(8) % 2, np.arange(8) // 4], axis=1)
    data = tf.data.Dataset.from_tensor_slices((clips, labels)).batch(8)
    strategy = tf.distribute.MirroredStrategy(["CPU:0", "CPU:1"])
    results = {"replicas": strategy.num_replicas_in_sync}
    for case in ("frames", "sprites", "sprites_label_per_digit"):
        result, _, mirrored = compare_one_step(lambda: build(case), data, strategy)
        result["ema_changed"] = max(
            float(np.max(np.abs(a - b)))
            for a, b in zip(
                mirrored.generator.get_weights(), mirrored.ema_generator.get_weights()
            )
        )
        results[case] = result
    print("RESULT" + json.dumps(results))
    """
)


@pytest.mark.parametrize("case", ["frames", "sprites", "sprites_label_per_digit"])
def test_mirrored_styleganv_step_equals_single_device_step(mirrored_run, case):
    # Times or noise repeated on each replica would move weights by about the whole change.
    assert mirrored_run["replicas"] == 2
    assert_same_step(mirrored_run[case], f"styleganv ({case})")
    assert mirrored_run[case]["ema_changed"] > 0.0


@pytest.fixture(scope="module")
def mirrored_run(tmp_path_factory):
    return run_on_two_cpus(SCRIPT, tmp_path_factory.mktemp("styleganv_mirrored"))
