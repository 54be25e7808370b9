"""Mixed precision: networks built under a dtype policy, float16 loss scaling, saved policies."""

import keras
import numpy as np
import pytest
from helpers.gan_fixtures import FRAMES, LATENT, SIZE, batches, moving_square_clips
from helpers.model_checks import ModelCase, SavedModels

from keras_vidgan.models import GAN, VGANGenerator, VideoDiscriminator
from keras_vidgan.models.model_zoo import build_design

MIXED = ("mixed_bfloat16", "mixed_float16")


def _gan(policy, seed=0, **compile_kwargs):
    generator, discriminator = build_design(
        "vgan", frames=FRAMES, size=SIZE, width=4, latent_dim=LATENT, dtype=policy
    )
    gan = GAN(generator, discriminator, seed=seed)
    gan.compile(**compile_kwargs)
    return gan


def _computes_in(model):
    return {layer.compute_dtype for layer in model.layers if layer.weights}


@pytest.mark.parametrize("policy", MIXED)
@pytest.mark.parametrize("design", ["vgan", "tgan", "mocogan", "dvdgan", "styleganv"])
def test_networks_compute_in_their_policy_and_return_float32(design, policy):
    frames = 16 if design == "dvdgan" else 8
    generator, discriminator = build_design(
        design, frames=frames, size=SIZE, width=2, latent_dim=LATENT, dtype=policy
    )
    # The policy was the constructor's: the global one is untouched.
    assert keras.config.dtype_policy().name == "float32"
    compute = policy.removeprefix("mixed_")
    noise = np.random.default_rng(0).normal(size=(2, generator.inputs[0].shape[-1]))
    clips = generator(noise.astype("float32"))
    assert clips.dtype == "float32"
    assert compute in _computes_in(generator)
    discriminators = discriminator.values() if isinstance(discriminator, dict) else [discriminator]
    for model in discriminators:
        assert model.dtype_policy.name == policy
        assert compute in _computes_in(model)
        if hasattr(model, "sample_times"):
            continue  # StyleGAN-V's scores frames at sampled times: the GAN tests call it
        assert model(clips).dtype == "float32"


def test_a_rebuilt_network_keeps_its_policy_under_another_global_one():
    generator = VGANGenerator(latent_dim=LATENT, frames=FRAMES, size=SIZE, width=2,
                              dtype="mixed_bfloat16")
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_float16")
    try:
        clone = VGANGenerator.from_config(generator.get_config())
    finally:
        keras.config.set_dtype_policy(previous)
    assert [layer.compute_dtype for layer in clone.layers] == [
        layer.compute_dtype for layer in generator.layers
    ]
    # Its output layer was built float32 explicitly, the others under the policy.
    assert clone.get_layer("composite").compute_dtype == "float32"
    assert clone.get_layer("foreground").compute_dtype == "bfloat16"


@pytest.mark.parametrize("policy", MIXED)
def test_a_mixed_precision_step_trains_with_finite_float32_losses(policy):
    keras.utils.set_random_seed(1)
    gan = _gan(policy, seed=2)
    before = [weight.numpy() for weight in gan.trainable_weights]
    history = gan.fit(batches(moving_square_clips(2, seed=3), 2), epochs=1, verbose=0)
    for name, values in history.history.items():
        assert np.all(np.isfinite(values)), name
    changed = [not np.array_equal(old, weight.numpy())
               for old, weight in zip(before, gan.trainable_weights)]
    # Every weight of both networks moved: no gradient underflowed to zero.
    assert all(changed)
    assert all(weight.dtype == "float32" for weight in gan.weights)
    if policy == "mixed_float16":
        # The loss scale went into the step: its finite gradients count towards the
        # scale's growth, and the wrapped optimizers took their step.
        for optimizer in (gan.d_optimizer, gan.g_optimizer):
            assert int(optimizer.step_counter.numpy()) == 1
            assert int(optimizer.inner_optimizer.iterations.numpy()) == 1


def test_float16_wraps_both_optimizers_in_loss_scaling():
    gan = _gan("mixed_float16")
    for optimizer in (gan.d_optimizer, gan.g_optimizer):
        assert isinstance(optimizer, keras.optimizers.LossScaleOptimizer)
        assert optimizer.built
    # Keras' callbacks see the wrapped optimizers, which share their learning rates.
    assert gan.optimizer.optimizers == [gan.g_optimizer.inner_optimizer,
                                        gan.d_optimizer.inner_optimizer]


def test_only_float16_gets_loss_scaling_and_given_wrappers_are_kept():
    for policy in ("float32", "mixed_bfloat16"):
        gan = _gan(policy)
        assert not isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer), policy
    unscaled = _gan("mixed_float16", auto_scale_loss=False)
    assert not isinstance(unscaled.g_optimizer, keras.optimizers.LossScaleOptimizer)
    given = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.1), initial_scale=8.0)
    gan = _gan("mixed_float16", d_optimizer=given)
    assert gan.d_optimizer is given


def test_a_gan_built_under_the_global_float16_policy_is_loss_scaled():
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_float16")
    try:
        generator = VGANGenerator(latent_dim=LATENT, frames=FRAMES, size=SIZE, width=2)
        discriminator = VideoDiscriminator(frames=FRAMES, size=SIZE, width=2)
        gan = GAN(generator, discriminator, seed=0)
        gan.compile()
    finally:
        keras.config.set_dtype_policy(previous)
    assert isinstance(gan.g_optimizer, keras.optimizers.LossScaleOptimizer)
    # The GAN's own optimizer stays the joint one that Keras' callbacks read.
    assert isinstance(gan.optimizer, keras.optimizers.MultiOptimizer)
    history = gan.fit(batches(moving_square_clips(2, seed=1), 2), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def _train_a_step(gan):
    # Eagerly: tracing `fit()` would cost more than the rest of the checks.
    gan.run_eagerly = True
    gan.fit(batches(moving_square_clips(2, seed=5), 2), epochs=1, verbose=0)


SAVED = {
    "gan_float16": ModelCase(
        GAN,
        {
            "generator": VGANGenerator(latent_dim=LATENT, frames=FRAMES, size=SIZE, width=2,
                                       name="generator", dtype="mixed_float16"),
            "discriminator": VideoDiscriminator(frames=FRAMES, size=SIZE, width=2,
                                                name="discriminator", dtype="mixed_float16"),
            "seed": 4,
            "ema_decay": 0.9,
        },
        np.random.default_rng(0).normal(size=(2, LATENT)).astype("float32"),
        (2, FRAMES, SIZE, SIZE, 1),
        (-1.0, 1.0),
        prepare=lambda gan: (gan.compile(), _train_a_step(gan)),
    ),
}


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    return SavedModels(SAVED, tmp_path_factory.mktemp("precision"))


def test_a_float16_checkpoint_reloads_in_a_fresh_process(saved):
    # Identical outputs, and the optimizers' state with the loss scale and its counter.
    saved.run_model_test("gan_float16")
    fresh = saved.fresh_results["gan_float16"]
    gan = saved.models["gan_float16"]
    assert isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)
    scale_index = gan.d_optimizer.variables.index(gan.d_optimizer.dynamic_scale)
    assert fresh[f"d_optimizer_{scale_index}"] == gan.d_optimizer.dynamic_scale.numpy()
