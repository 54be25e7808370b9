"""GAN objectives, penalties, several discriminators, discriminator steps and the weight average."""

import keras
import numpy as np
import pytest
import scipy.stats
import tensorflow as tf
from helpers.gan_fixtures import FRAMES, LATENT, SIZE, batches, moving_square_clips, tiny_gan

from keras_vidgan import losses
from keras_vidgan.models import GAN, VGANGenerator, VideoDiscriminator
from keras_vidgan.models.seeds import noise_from_seeds


def _logits(discriminator, clips):
    return np.array(discriminator(clips), np.float64)[:, 0]


def _discriminator(name, width=4):
    return VideoDiscriminator(frames=FRAMES, size=SIZE, channels=1, width=width, name=name)


def test_hinge_objective_with_gradient_penalty_equals_hand_computation():
    gan = tiny_gan(seed=5, loss="hinge", gradient_penalty=10.0)
    real = moving_square_clips(4)
    noise = gan.sample_noise(4, offset=0)
    epsilon = gan.sample_interpolation_weights(4, offset=0)
    fake = gan.generator(noise, training=True)
    real_logits = _logits(gan.discriminator, real)
    fake_logits = _logits(gan.discriminator, fake)
    critic = lambda clips: gan.discriminator(clips)  # noqa: E731
    penalty = np.array(losses.gradient_penalty(critic, real, fake, epsilon), np.float64)
    hinge = np.maximum(0, 1 - real_logits) + np.maximum(0, 1 + fake_logits)
    logs = gan.train_step(tf.constant(real))
    assert float(logs["d_loss"]) == pytest.approx(np.mean(hinge + 10.0 * penalty), rel=1e-4)


def test_least_squares_generator_loss_and_r1_are_logged():
    gan = tiny_gan(seed=6, loss="lsgan", r1=2.0)
    real = moving_square_clips(4)
    real_logits = _logits(gan.discriminator, real)
    fake = gan.generator(gan.sample_noise(4, offset=0), training=True)
    fake_logits = _logits(gan.discriminator, fake)
    critic = lambda clips: gan.discriminator(clips)  # noqa: E731
    r1 = np.array(losses.r1_penalty(critic, real), np.float64)
    expected = 0.5 * (real_logits - 1) ** 2 + 0.5 * fake_logits**2 + 0.5 * 2.0 * r1
    logs = gan.train_step(tf.constant(real))
    assert float(logs["d_loss"]) == pytest.approx(np.mean(expected), rel=1e-4)


def test_lazy_r1_is_scaled_on_its_steps_and_skipped_between():
    gan = tiny_gan(seed=6, r1=2.0, r1_interval=2)
    real = moving_square_clips(4)
    critic = lambda clips: gan.discriminator(clips)  # noqa: E731
    bce = keras.losses.BinaryCrossentropy(from_logits=True, reduction=None)

    def expected_d_loss(with_r1):
        fake = gan.generator(gan.sample_noise(4, offset=0), training=True)
        real_logits = _logits(gan.discriminator, real)[:, None]
        fake_logits = _logits(gan.discriminator, fake)[:, None]
        per_example = np.array(bce(np.ones_like(real_logits), real_logits), np.float64) + np.array(
            bce(np.zeros_like(fake_logits), fake_logits), np.float64
        )
        if with_r1:
            # gamma / 2 times the penalty, times the interval it stands for.
            per_example += 0.5 * 2.0 * 2 * np.array(losses.r1_penalty(critic, real), np.float64)
        return np.mean(per_example)

    for step, with_r1 in enumerate([True, False, True]):
        expected = expected_d_loss(with_r1)
        gan.reset_metrics()  # the logged losses are means over the steps since the last reset
        logs = gan.train_step(tf.constant(real))
        assert float(logs["d_loss"]) == pytest.approx(expected, rel=1e-4), step
    assert gan.get_compile_config()["r1_interval"] == 2


def test_r1_interval_must_be_a_positive_integer():
    for bad in (0, 1.5, True):
        with pytest.raises(ValueError, match="r1_interval"):
            tiny_gan(r1=1.0, r1_interval=bad)


def test_interpolation_weights_are_uniform_and_independent_of_the_noise():
    gan = tiny_gan(seed=7)
    epsilon = np.array(gan.sample_interpolation_weights(4096, offset=0), np.float64)
    assert epsilon.min() >= 0.0 and epsilon.max() <= 1.0
    assert scipy.stats.kstest(epsilon, "uniform").pvalue > 1e-3
    noise = np.array(gan.sample_noise(4096, offset=0), np.float64)[:, 0]
    assert abs(np.corrcoef(epsilon, noise)[0, 1]) < 0.1
    other = np.array(gan.sample_interpolation_weights(4096, offset=1))
    assert not np.allclose(other, epsilon)


def test_several_discriminator_steps_per_generator_step():
    gan = tiny_gan(seed=8, d_steps=3)
    gan.fit(batches(moving_square_clips(8), 4), epochs=1, verbose=0)
    assert int(gan.optimizer.iterations) == 2
    assert int(gan.d_optimizer.iterations) == 6
    assert int(gan.g_optimizer.iterations) == 2
    # The generator's draw follows the three discriminator draws.
    np.testing.assert_array_equal(
        gan._stream_seed(3).numpy(), [8, int(gan.optimizer.iterations) * 4 + 3]
    )


def test_dict_of_discriminators_sums_their_losses_and_trains_both():
    generator = VGANGenerator(latent_dim=LATENT, frames=FRAMES, size=SIZE, channels=1, width=4)
    pair = {"narrow": _discriminator("narrow", 2), "wide": _discriminator("wide", 4)}
    gan = GAN(generator, pair, seed=3)
    gan.compile()
    real = moving_square_clips(4)
    fake = gan.generator(gan.sample_noise(4, offset=0), training=True)
    softplus = lambda x: np.log1p(np.exp(x))  # noqa: E731
    expected = sum(softplus(-_logits(d, real)) + softplus(_logits(d, fake)) for d in pair.values())
    before = [np.array(d.get_layer("logits").kernel) for d in pair.values()]
    logs = gan.train_step(tf.constant(real))
    assert float(logs["d_loss"]) == pytest.approx(np.mean(expected), rel=1e-4)
    for old, discriminator in zip(before, pair.values()):
        assert not np.array_equal(old, np.array(discriminator.get_layer("logits").kernel))
    assert sorted(gan.discriminators) == ["narrow", "wide"]


def test_list_of_discriminators_survives_save_and_load(tmp_path):
    generator = VGANGenerator(latent_dim=LATENT, frames=FRAMES, size=SIZE, channels=1, width=4)
    gan = GAN(generator, [_discriminator("first", 2), _discriminator("second", 2)], seed=4)
    # Eagerly: the test is about saving; a trace would cost more than the step.
    gan.compile(loss="wgan", gradient_penalty=10.0, d_steps=2, run_eagerly=True)
    gan.fit(batches(moving_square_clips(4), 4), epochs=1, verbose=0)
    path = str(tmp_path / "gan.keras")
    gan.save(path)
    restored = keras.saving.load_model(path)
    assert [d.name for d in restored.discriminator] == ["first", "second"]
    assert restored.gan_loss == losses.GANLoss("wasserstein")
    assert restored.d_steps == 2 and restored.gradient_penalty_weight == 10.0
    assert restored.get_compile_config() == gan.get_compile_config()
    for expected, actual in zip(gan.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(expected, actual)


def test_default_compile_config_is_unchanged():
    config = tiny_gan().get_compile_config()
    assert sorted(config) == ["d_optimizer", "g_optimizer", "loss_fn"]


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"loss": "hinge", "loss_fn": keras.losses.MeanSquaredError()}, "either `loss_fn`"),
        ({"d_steps": 0}, "`d_steps` must be a positive integer"),
        ({"r1": -1.0}, "cannot be negative"),
        ({"loss": "wgan-gp"}, "Unknown GAN loss"),
    ],
)
def test_bad_compile_arguments(kwargs, message):
    gan = tiny_gan(compile=False)
    with pytest.raises(ValueError, match=message):
        gan.compile(**kwargs)


def test_moving_average_differs_from_the_raw_weights_and_follows_the_decay(tmp_path):
    gan = tiny_gan(seed=9, compile=False)
    gan = GAN(gan.generator, gan.discriminator, seed=9, ema_decay=0.99)
    gan.compile(run_eagerly=True)  # the average's arithmetic, without a trace to pay for
    assert gan.sampling_generator is gan.ema_generator
    initial = gan.generator.get_weights()
    for a, b in zip(initial, gan.ema_generator.get_weights()):
        np.testing.assert_array_equal(a, b)
    gan.train_step(tf.constant(moving_square_clips(4)))
    # Step 0 uses decay min(0.99, 1/10): the average moves 90% of the way.
    trained = gan.generator.get_weights()
    for start, now, average in zip(initial, trained, gan.ema_generator.get_weights()):
        np.testing.assert_allclose(average, 0.1 * start + 0.9 * now, rtol=1e-5, atol=1e-7)
    gan.fit(batches(moving_square_clips(8), 4), epochs=1, verbose=0)
    raw, averaged = gan.generator.get_weights(), gan.ema_generator.get_weights()
    assert any(not np.allclose(a, b) for a, b in zip(raw, averaged))
    noise = np.random.default_rng(0).normal(size=(2, LATENT)).astype("float32")
    np.testing.assert_allclose(
        gan.generate(2, seed=3),
        gan.ema_generator.predict(noise_from_seeds([3, 4], LATENT), verbose=0),
    )
    assert not np.allclose(gan.ema_generator(noise), gan.generator(noise))

    path = str(tmp_path / "gan.keras")
    gan.save(path)
    restored = keras.saving.load_model(path)
    assert restored.ema_decay == 0.99
    for expected, actual in zip(averaged, restored.ema_generator.get_weights()):
        np.testing.assert_array_equal(expected, actual)


def test_export_uses_the_moving_average(tmp_path):
    from keras_vidgan.export import export_saved_model
    from keras_vidgan.utils.pixels import video_to_uint8_numpy

    base = tiny_gan(seed=10, compile=False)
    gan = GAN(base.generator, base.discriminator, seed=10, ema_decay=0.9)
    # Large generator steps, so the average and the raw weights make visibly different clips.
    gan.compile(g_optimizer=keras.optimizers.Adam(0.02), run_eagerly=True)
    gan.fit(batches(moving_square_clips(8), 4), epochs=1, verbose=0)
    export_dir = export_saved_model(gan, str(tmp_path / "export"), version=1)
    served = tf.saved_model.load(export_dir).signatures["serving_default"]
    noise = np.random.default_rng(1).normal(size=(2, LATENT)).astype("float32")
    video = served(noise=tf.constant(noise))["video"].numpy()
    averaged = video_to_uint8_numpy(np.asarray(gan.ema_generator(noise)))
    raw = video_to_uint8_numpy(np.asarray(gan.generator(noise)))
    assert np.abs(video.astype(int) - averaged.astype(int)).max() <= 1
    assert np.abs(video.astype(int) - raw.astype(int)).max() > 1
