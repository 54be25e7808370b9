"""Text as a condition: models take strings, and GAN trains them as GAN-CLS."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers.model_checks import ModelCase, SavedModels

import keras_vidgan
from keras_vidgan.layers import TextEncoder
from keras_vidgan.models.model_zoo import build_design

CAPTIONS = ["the digit 2 moves up and down", "the digit 3 moves left and right",
            "digit 7 bouncing diagonally"]
TEXT_ENCODER = {"vocabulary": TextEncoder.vocabulary_from(CAPTIONS), "sequence_length": 8,
                "embedding_dim": 4, "code_dim": 8}
CLIP = dict(frames=8, size=32, channels=1, width=4)
TEXTS = np.array(["the digit 2 moves up and down", "digit 7 bouncing diagonally"])
NOISE = np.random.default_rng(0).normal(size=(2, 8)).astype("float32")
MOCOGAN_NOISE = np.random.default_rng(0).normal(size=(2, 16 + 8 * 2)).astype("float32")
CLIPS = np.random.default_rng(1).uniform(-1, 1, size=(2, 8, 32, 32, 1)).astype("float32")
# StyleGAN-V: 8 of content and 5 motion codes of 2; its discriminator scores 3 frames.
STYLEGANV = {"content_dim": 8, "motion_dim": 2, "text_encoder": TEXT_ENCODER, **CLIP}
STYLEGANV_NOISE = np.random.default_rng(0).normal(size=(2, 8 + 5 * 2)).astype("float32")
# The zoo's StyleGAN-V at content 8 keeps its 16-entry motion codes: 8 + 5 * 16.
STYLEGANV_GAN_NOISE = np.random.default_rng(0).normal(size=(2, 88)).astype("float32")
FRAME_TIMES = np.array([[0, 3, 7], [1, 2, 6]], "float32")


def train_one_step(gan):
    # Eagerly: tracing `fit()` would cost more than the rest of the checks.
    gan.compile(run_eagerly=True)
    data = tf.data.Dataset.from_tensor_slices((np.concatenate([CLIPS, CLIPS]),
                                               np.concatenate([TEXTS, TEXTS[::-1]])))
    gan.fit(data.batch(2), epochs=1, verbose=0)


def text_gan(**kwargs):
    generator = keras_vidgan.models.VGANGenerator(
        latent_dim=8, text_encoder=TEXT_ENCODER, name="generator", **CLIP)
    discriminator = keras_vidgan.models.VideoDiscriminator(
        text_encoder=TEXT_ENCODER, name="discriminator", **CLIP)
    return keras_vidgan.GAN(generator, discriminator, seed=3, **kwargs)


def styleganv_text_gan(**kwargs):
    generator, discriminator = build_design(
        "styleganv", latent_dim=8, text_encoder=TEXT_ENCODER, **CLIP)
    return keras_vidgan.GAN(generator, discriminator, seed=3, **kwargs)


CASES = {
    "vgan_generator": ModelCase(
        keras_vidgan.models.VGANGenerator,
        {"latent_dim": 8, "text_encoder": TEXT_ENCODER, **CLIP},
        [NOISE, TEXTS], (2, 8, 32, 32, 1), (-1, 1)),
    "mocogan_generator": ModelCase(
        keras_vidgan.models.MoCoGANGenerator,
        {"content_dim": 16, "motion_dim": 2, "text_encoder": TEXT_ENCODER, **CLIP},
        [MOCOGAN_NOISE, TEXTS], (2, 8, 32, 32, 1), (-1, 1)),
    "styleganv_generator": ModelCase(
        keras_vidgan.models.StyleGANVGenerator, STYLEGANV,
        [STYLEGANV_NOISE, TEXTS], (2, 8, 32, 32, 1), (-1, 1)),
    "styleganv_discriminator": ModelCase(
        keras_vidgan.models.StyleGANVDiscriminator,
        {"text_encoder": TEXT_ENCODER, "sampled_frames": 3, **CLIP},
        [CLIPS[:, :3], FRAME_TIMES, TEXTS], (2, 1)),
    "video_discriminator": ModelCase(
        keras_vidgan.models.VideoDiscriminator, {"text_encoder": TEXT_ENCODER, **CLIP},
        [CLIPS, TEXTS], (2, 1)),
    "image_discriminator": ModelCase(
        keras_vidgan.models.ImageDiscriminator,
        {"text_encoder": TEXT_ENCODER, "frames_per_clip": 2, **CLIP}, [CLIPS, TEXTS], (2, 2)),
    # A trained GAN with a moving average: optimizers and averaged encoder weights restore.
    "gan": ModelCase(lambda: text_gan(ema_decay=0.9), {}, [NOISE, TEXTS], (2, 8, 32, 32, 1),
                     (-1, 1), prepare=train_one_step),
    # Trained on frames at sampled times, with the caption through `render`.
    "styleganv_gan": ModelCase(lambda: styleganv_text_gan(ema_decay=0.9), {},
                               [STYLEGANV_GAN_NOISE, TEXTS], (2, 8, 32, 32, 1), (-1, 1),
                               prepare=train_one_step),
}


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    keras.utils.set_random_seed(0)
    return SavedModels(CASES, tmp_path_factory.mktemp("text_models"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_text_model_saves_loads_and_round_trips(saved, name):
    saved.run_model_test(name)


@pytest.mark.parametrize("name", ["vgan_generator", "mocogan_generator", "styleganv_generator"])
def test_generated_clips_depend_on_the_text(saved, name):
    model = saved.models[name]
    noise = saved.cases[name].inputs[0][:1]
    first, second = (
        keras.ops.convert_to_numpy(model([tf.constant(noise), tf.constant([text])]))
        for text in TEXTS)
    assert np.abs(first - second).max() > 1e-4


def test_styleganv_renders_with_the_text_it_is_called_with(saved):
    generator = saved.models["styleganv_generator"]
    noise = tf.constant(STYLEGANV_NOISE)
    clips = keras.ops.convert_to_numpy(generator([noise, tf.constant(TEXTS)]))
    # Frames at given times are the same frames of the whole clip, for each caption.
    frames = generator.render([noise, tf.constant(TEXTS)], [1.0, 4.0, 6.0])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(frames), clips[:, [1, 4, 6]],
                               atol=1e-6)
    swapped = generator.render([noise, tf.constant(TEXTS[::-1])], [1.0, 4.0, 6.0])
    assert np.abs(keras.ops.convert_to_numpy(swapped) - clips[:, [1, 4, 6]]).max() > 1e-4


def test_styleganv_text_step_trains_both_text_encoders():
    keras.utils.set_random_seed(2)
    gan = styleganv_text_gan()
    encoders = [gan.generator.get_layer("text_encoder"),
                gan.discriminator.get_layer("text_encoder")]
    before = [[w.numpy().copy() for w in encoder.trainable_weights] for encoder in encoders]
    train_one_step(gan)
    for encoder, weights in zip(encoders, before):
        moved = [np.abs(w.numpy() - b).max() for w, b in zip(encoder.trainable_weights, weights)]
        assert max(moved) > 0, encoder.path


def test_text_and_classes_do_not_mix():
    with pytest.raises(ValueError, match="not both"):
        keras_vidgan.models.VideoDiscriminator(num_classes=3, text_encoder=TEXT_ENCODER, **CLIP)
    with pytest.raises(ValueError, match="vocabulary"):
        keras_vidgan.models.VideoDiscriminator(text_encoder={"code_dim": 3}, **CLIP)
    with pytest.raises(ValueError, match="Text conditioning is available"):
        build_design("tgan", text_encoder=TEXT_ENCODER, **CLIP)


def test_discriminator_loss_adds_mismatched_captions_as_negatives():
    keras.utils.set_random_seed(1)
    gan = text_gan()
    gan.compile()
    texts = tf.constant(["the digit 2 moves up and down", "the digit 3 moves left and right",
                         "digit 7 bouncing diagonally"])
    real = tf.constant(np.random.default_rng(2).uniform(-1, 1, (3, 8, 32, 32, 1)), tf.float32)
    noise = gan.sample_noise(3, offset=0)
    fake = gan.generator([noise, texts], training=True)
    discriminator = gan.discriminator
    real_logits = discriminator([real, texts])
    fake_logits = discriminator([fake, texts])
    # Rolled by one: clip i with the caption of clip i - 1.
    rolled = tf.constant(["digit 7 bouncing diagonally", "the digit 2 moves up and down",
                          "the digit 3 moves left and right"])
    mismatched_logits = discriminator([real, rolled])
    bce = lambda target, logits: tf.reshape(  # noqa: E731
        keras.losses.binary_crossentropy(tf.fill(tf.shape(logits), target), logits,
                                         from_logits=True), [-1])
    expected = bce(1.0, real_logits) + 0.5 * (bce(0.0, fake_logits) + bce(0.0, mismatched_logits))

    per_example, _, _ = gan.discriminator_step(real, labels=texts)
    np.testing.assert_allclose(per_example, expected, rtol=1e-5)
    # Without the mismatched term the loss would be smaller: the captions matter.
    assert np.all(bce(0.0, mismatched_logits).numpy() > 0)


def test_a_text_gan_needs_captions():
    gan = text_gan()
    gan.compile()
    with pytest.raises(ValueError, match="caption"):
        gan.fit(tf.data.Dataset.from_tensor_slices(CLIPS).batch(2), epochs=1, verbose=0)


def test_generate_takes_prompts_and_matches_the_generator():
    gan = text_gan()
    clips = gan.generate(3, seed=5, batch_size=2, prompts="the digit 2 moves up and down")
    assert clips.shape == (3, 8, 32, 32, 1)
    from keras_vidgan.models.seeds import noise_from_seeds

    expected = gan.generator([noise_from_seeds([6], 8),
                              tf.constant(["the digit 2 moves up and down"])])
    np.testing.assert_allclose(clips[1:2], keras.ops.convert_to_numpy(expected), atol=1e-6)
    with pytest.raises(ValueError, match="prompts"):
        gan.generate(1)
