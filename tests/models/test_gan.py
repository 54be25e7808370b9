import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers.gan_fixtures import FRAMES, LATENT, SIZE, batches, moving_square_clips, tiny_gan
from helpers.model_checks import ModelCase, SavedModels

from keras_vidgan.models import (
    GAN,
    ImageDiscriminator,
    TGANGenerator,
    VGANGenerator,
    VideoDiscriminator,
)

CLIP = dict(frames=FRAMES, size=SIZE, channels=1)
NOISE = np.random.default_rng(0).normal(size=(2, LATENT)).astype("float32")
LABELS = np.array([0, 1], "int32")


def _values(variables):
    return [np.array(v) for v in variables]


def _changed(before, variables):
    return [not np.array_equal(b, np.array(v)) for b, v in zip(before, variables)]


def test_compile_defaults_and_built_optimizers():
    gan = tiny_gan()
    for optimizer in (gan.d_optimizer, gan.g_optimizer):
        assert isinstance(optimizer, keras.optimizers.Adam)
        assert optimizer.built
        assert float(optimizer.learning_rate) == pytest.approx(2e-4)
        assert optimizer.beta_1 == 0.5
    assert isinstance(gan.loss_fn, keras.losses.BinaryCrossentropy)
    assert gan.loss_fn.get_config()["from_logits"] is True
    assert gan.optimizer.optimizers == [gan.g_optimizer, gan.d_optimizer]
    assert gan.latent_dim == LATENT


def test_discriminator_step_changes_only_discriminator_weights():
    gan = tiny_gan()
    real = tf.constant(moving_square_clips(4))
    g_before = _values(gan.generator.trainable_variables)
    d_before = _values(gan.discriminator.trainable_variables)
    gan.discriminator_step(real)
    assert not any(_changed(g_before, gan.generator.trainable_variables))
    assert all(_changed(d_before, gan.discriminator.trainable_variables))


def test_generator_step_changes_only_generator_weights():
    gan = tiny_gan()
    g_before = _values(gan.generator.trainable_variables)
    d_before = _values(gan.discriminator.trainable_variables)
    gan.generator_step(4)
    assert not any(_changed(d_before, gan.discriminator.trainable_variables))
    assert all(_changed(g_before, gan.generator.trainable_variables))


def test_per_example_loss_is_binary_cross_entropy_of_logits():
    gan = tiny_gan()
    logits = np.array([[-3.0], [-0.5], [0.0], [2.0]], np.float32)
    probability = 1 / (1 + np.exp(-logits[:, 0].astype(np.float64)))
    np.testing.assert_allclose(gan.per_example_loss(1.0, logits), -np.log(probability), rtol=1e-5)
    np.testing.assert_allclose(
        gan.per_example_loss(0.0, logits), -np.log(1 - probability), rtol=1e-5
    )


def test_logged_losses_equal_hand_computation():
    gan = tiny_gan(seed=5)
    real = moving_square_clips(4)
    # The first step's noise, and the logits the discriminator gives before it updates.
    d_noise = gan.sample_noise(4, offset=0)
    real_logits = np.array(gan.discriminator(real), np.float64)[:, 0]
    fake = gan.generator(d_noise, training=True)
    fake_logits = np.array(gan.discriminator(fake), np.float64)[:, 0]
    softplus = lambda x: np.log1p(np.exp(x))  # -log(sigmoid(-x))
    expected_d_loss = np.mean(softplus(-real_logits) + softplus(fake_logits))
    logs = gan.train_step(tf.constant(real))
    assert float(logs["d_loss"]) == pytest.approx(expected_d_loss, rel=1e-4)
    sigmoid = lambda x: 1 / (1 + np.exp(-x))
    assert float(logs["real_probability"]) == pytest.approx(np.mean(sigmoid(real_logits)), rel=1e-4)
    assert float(logs["fake_probability"]) == pytest.approx(np.mean(sigmoid(fake_logits)), rel=1e-4)


def test_fit_accepts_clips_and_clip_label_pairs():
    clips = moving_square_clips(8)
    labels = np.zeros(8, np.int32)
    gan = tiny_gan()
    history = gan.fit(batches(clips, 4), epochs=1, verbose=0)
    assert set(history.history) == {
        "loss",
        "d_loss",
        "g_loss",
        "real_probability",
        "fake_probability",
    }
    pairs = tf.data.Dataset.from_tensor_slices((clips, labels)).batch(4)
    history = gan.fit(pairs, epochs=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][0])
    assert int(gan.optimizer.iterations) == 4


def test_fit_rejects_clips_of_the_wrong_shape_at_once():
    gan = tiny_gan()
    wrong = tf.data.Dataset.from_tensor_slices(np.zeros((4, 8, 64, 64, 1), np.float32)).batch(2)
    with pytest.raises(ValueError, match=r"\(8, 64, 64, 1\).*\(8, 32, 32, 1\)"):
        gan.fit(wrong, epochs=1, verbose=0)


def test_latent_dim_must_match_generator():
    gan = tiny_gan(compile=False)
    with pytest.raises(ValueError, match="does not match"):
        GAN(gan.generator, gan.discriminator, latent_dim=LATENT + 1)


def test_learning_rate_scheduler_changes_both_learning_rates():
    gan = tiny_gan()
    halve = keras.callbacks.LearningRateScheduler(lambda epoch, rate: rate * 0.5)
    gan.fit(batches(moving_square_clips(4), 4), epochs=2, verbose=0, callbacks=[halve])
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(5e-5)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(5e-5)


def test_save_load_continue_equals_uninterrupted_training(tmp_path):
    data = batches(moving_square_clips(16, seed=3), 4)
    uninterrupted = tiny_gan(seed=11)
    interrupted = tiny_gan(seed=11)
    interrupted.set_weights(uninterrupted.get_weights())

    uninterrupted.fit(data, epochs=2, verbose=0)
    interrupted.fit(data, epochs=1, verbose=0)
    path = str(tmp_path / "gan.keras")
    interrupted.save(path)
    restored = keras.saving.load_model(path)
    assert isinstance(restored, GAN)
    assert restored.d_optimizer is not None and int(restored.optimizer.iterations) == 4
    restored.fit(data, epochs=1, verbose=0)

    for expected, actual in zip(uninterrupted.get_weights(), restored.get_weights()):
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6)
    d_states = zip(uninterrupted.d_optimizer.variables, restored.d_optimizer.variables)
    for expected, actual in d_states:
        np.testing.assert_allclose(np.array(actual), np.array(expected), rtol=1e-5, atol=1e-6)


def test_generate_is_reproducible_for_a_seed():
    gan = tiny_gan()
    first = gan.generate(3, seed=4)
    np.testing.assert_array_equal(first, gan.generate(3, seed=4))
    assert first.shape == (3, 8, 32, 32, 1)
    assert not np.array_equal(first, gan.generate(3, seed=5))
    # Video i comes from seed + i, as in `keras-vidgan sample` and the export.
    np.testing.assert_allclose(gan.generate(2, seed=5), first[1:], rtol=1e-5, atol=1e-6)


def _train_a_step(gan, **compile_kwargs):
    """Compiles and trains one step, so that both optimizers have a state to save."""
    gan.compile(**compile_kwargs)
    clips = tf.constant(moving_square_clips(4))
    # Eagerly: tracing `fit()` would cost more than the rest of the checks.
    gan.train_step(clips if gan.num_classes is None else (clips, tf.constant([0, 1, 0, 1])))


@pytest.fixture(scope="module")
def saved_gans(tmp_path_factory):
    cases = {
        "gan": ModelCase(
            GAN,
            dict(
                generator=VGANGenerator(latent_dim=LATENT, width=4, **CLIP),
                discriminator=VideoDiscriminator(width=4, **CLIP),
                seed=3,
            ),
            NOISE,
            (2, FRAMES, SIZE, SIZE, 1),
            output_range=(-1, 1),
            prepare=_train_a_step,
        ),
        # Class-conditional, two discriminators, another objective, and a
        # moving average that one step has moved away from the raw weights.
        "gan_ema_conditional": ModelCase(
            GAN,
            dict(
                generator=TGANGenerator(
                    latent_dim=LATENT, width=4, frame_latent_dim=4, num_classes=2, **CLIP
                ),
                discriminator={
                    "video": VideoDiscriminator(width=4, num_classes=2, **CLIP),
                    "image": ImageDiscriminator(width=4, frames_per_clip=2, **CLIP),
                },
                seed=4,
                ema_decay=0.9,
            ),
            [NOISE, LABELS],
            (2, FRAMES, SIZE, SIZE, 1),
            output_range=(-1, 1),
            prepare=lambda gan: _train_a_step(gan, loss="hinge", d_steps=2),
        ),
    }
    return SavedModels(cases, tmp_path_factory.mktemp("gans"))


@pytest.mark.parametrize("name", ["gan", "gan_ema_conditional"])
def test_saved_gan_loads_in_a_new_process(saved_gans, name):
    """Regression: `TypeError: Could not locate class 'GAN'` in a process that did not
    import `keras_vidgan.models` before `keras.saving.load_model`."""
    saved_gans.run_model_test(name)


def test_the_saved_moving_average_is_not_the_raw_generator(saved_gans):
    outputs = saved_gans.outputs["gan_ema_conditional"]
    assert not np.array_equal(outputs["sampling_outputs"], outputs["outputs"])
    plain = saved_gans.outputs["gan"]
    np.testing.assert_array_equal(plain["sampling_outputs"], plain["outputs"])
