"""The StyleGAN-V design: continuous-time rendering, sampled frame times, and training on them.

The MirroredStrategy side (the same step on one device and on two replicas)
is in `test_styleganv_mirrored.py`.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers.gan_fixtures import batches, moving_square_clips
from helpers.model_checks import ModelCase, SavedModels

from keras_vidgan.models import (
    GAN,
    StyleGANVDiscriminator,
    StyleGANVGenerator,
    VGANGenerator,
)
from keras_vidgan.models.model_zoo import build_design

pytestmark = pytest.mark.slow  # a minute or more: started first (tests/conftest.py)

CLIP = dict(frames=8, size=32, channels=1)
GENERATOR = dict(**CLIP, width=4, content_dim=6, motion_dim=3)
# 6 of content, then 5 motion codes of 3: two before time 0, then at times 0, 4 and 8.
LATENT = 6 + 3 * 5
LABELS = np.array([0, 2], "int32")
# A class per digit of a two-digit clip: two classes, then one class twice.
PAIRS = np.array([[0, 2], [1, 1]], "int32")


def _numpy(tensor):
    return keras.ops.convert_to_numpy(tensor)


def _noise(size=LATENT, batch=2, seed=0):
    return np.random.default_rng(seed).normal(size=(batch, size)).astype("float32")


def _frames(k, batch=2, seed=1):
    return np.random.default_rng(seed).uniform(-1, 1, (batch, k, 32, 32, 1)).astype("float32")


def _times(*rows):
    return np.array(rows, "float32")


def _train_a_step(gan, labels=LABELS % 2):
    gan.compile(loss="wgan", gradient_penalty=1.0, r1=0.5, d_steps=2)
    clips = tf.constant(moving_square_clips(2))
    # Eagerly: tracing `fit()` would cost more than the rest of the checks.
    gan.train_step((clips, tf.constant(labels)))


def _train_a_step_with_pairs(gan):
    _train_a_step(gan, PAIRS)


SPRITES_PER_DIGIT = {
    **GENERATOR, "synthesis": "sprites", "sprites": 2, "num_classes": 3, "labels_per_clip": 2,
    "sprite_placement": "whole_pixels",
}


CASES = {
    "generator": ModelCase(
        StyleGANVGenerator, GENERATOR, _noise(), (2, 8, 32, 32, 1), output_range=(-1, 1)
    ),
    # Time only modulates: the 4x4 input comes from the content code alone.
    "generator_motion_style": ModelCase(
        StyleGANVGenerator,
        {**GENERATOR, "motion_input": "style"},
        _noise(),
        (2, 8, 32, 32, 1),
        output_range=(-1, 1),
    ),
    "generator_conditional_spacing_2": ModelCase(
        StyleGANVGenerator,
        {**GENERATOR, "num_classes": 3, "motion_spacing": 2},
        [_noise(6 + 3 * 7), LABELS],
        (2, 8, 32, 32, 1),
        output_range=(-1, 1),
    ),
    # Two class-conditional sprites moved over a black canvas, on whole pixels.
    "generator_sprites": ModelCase(
        StyleGANVGenerator,
        {
            **GENERATOR, "synthesis": "sprites", "sprites": 2, "num_classes": 3,
            "sprite_placement": "whole_pixels",
        },
        [_noise(), LABELS],
        (2, 8, 32, 32, 1),
        output_range=(-1, 1),
    ),
    # A label per sprite: each sprite is drawn from its own digit's class.
    "generator_sprites_label_per_digit": ModelCase(
        StyleGANVGenerator, SPRITES_PER_DIGIT, [_noise(), PAIRS], (2, 8, 32, 32, 1),
        output_range=(-1, 1),
    ),
    "generator_frames_label_per_digit": ModelCase(
        StyleGANVGenerator,
        {**GENERATOR, "num_classes": 3, "labels_per_clip": 2},
        [_noise(), PAIRS],
        (2, 8, 32, 32, 1),
        output_range=(-1, 1),
    ),
    "discriminator_label_per_digit": ModelCase(
        StyleGANVDiscriminator,
        {**CLIP, "width": 4, "num_classes": 3, "labels_per_clip": 2},
        [_frames(3), _times([0, 2, 7], [1, 2, 3]), PAIRS],
        (2, 1),
    ),
    "discriminator": ModelCase(
        StyleGANVDiscriminator,
        {**CLIP, "width": 4},
        [_frames(3), _times([0, 2, 7], [1, 2, 3])],
        (2, 1),
    ),
    "discriminator_conditional_sn_max_span_minibatch_std": ModelCase(
        StyleGANVDiscriminator,
        {**CLIP, "width": 4, "sampled_frames": 2, "max_span": 4, "num_classes": 3,
         "spectral_norm": True, "minibatch_std_group": 2},
        [_frames(2), _times([0, 4], [3, 4]), LABELS],
        (2, 1),
    ),
    "discriminator_one_frame": ModelCase(
        StyleGANVDiscriminator,
        {**CLIP, "width": 4, "sampled_frames": 1},
        [_frames(1), _times([3], [5])],
        (2, 1),
    ),
}


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    # The same initial weights whichever tests this process ran before.
    keras.utils.set_random_seed(0)
    cases = {
        **CASES,
        # Class-conditional with an auxiliary classifier and minibatch standard deviation,
        # moving average, every penalty, two discriminator steps: the optimizers' state and
        # the average must survive a fresh process.
        "gan_conditional_ema": ModelCase(
            GAN,
            dict(
                generator=StyleGANVGenerator(**GENERATOR, num_classes=2, name="generator"),
                discriminator=StyleGANVDiscriminator(
                    **CLIP, width=4, sampled_frames=2, num_classes=2, auxiliary_classifier=True,
                    minibatch_std_group=2, name="discriminator",
                ),
                seed=5,
                ema_decay=0.9,
            ),
            [_noise(), LABELS % 2],
            (2, 8, 32, 32, 1),
            output_range=(-1, 1),
            prepare=_train_a_step,
        ),
        # A class per digit, with the auxiliary classifier reading both.
        "gan_label_per_digit": ModelCase(
            GAN,
            dict(
                generator=StyleGANVGenerator(**SPRITES_PER_DIGIT, name="generator"),
                discriminator=StyleGANVDiscriminator(
                    **CLIP, width=4, sampled_frames=2, num_classes=3, labels_per_clip=2,
                    auxiliary_classifier=True, name="discriminator",
                ),
                seed=6,
                ema_decay=0.9,
            ),
            [_noise(), PAIRS],
            (2, 8, 32, 32, 1),
            output_range=(-1, 1),
            prepare=_train_a_step_with_pairs,
        ),
    }
    return SavedModels(cases, tmp_path_factory.mktemp("styleganv"))


@pytest.mark.parametrize("name", sorted(CASES) + ["gan_conditional_ema", "gan_label_per_digit"])
def test_model(saved, name):
    saved.run_model_test(name)


def test_the_saved_moving_average_moved(saved):
    outputs = saved.outputs["gan_conditional_ema"]
    assert not np.array_equal(outputs["sampling_outputs"], outputs["outputs"])


def test_calling_renders_every_frame_and_render_takes_any_times(saved):
    generator = saved.models["generator"]
    noise = _noise(seed=3)
    clips = _numpy(generator(noise))
    # oneDNN may sum a convolution in another order for another number of frames, and
    # under load: float32 round-off of a few ulps, far below a frame's differences.
    np.testing.assert_allclose(_numpy(generator.render(noise, np.arange(8))), clips, atol=1e-5)
    # Per-clip times: clip 0 at 2 and 5, clip 1 at 7 and 0.
    picked = _numpy(generator.render(noise, _times([2, 5], [7, 0])))
    np.testing.assert_allclose(picked[0], clips[0, [2, 5]], atol=1e-5)
    np.testing.assert_allclose(picked[1], clips[1, [7, 0]], atol=1e-5)
    # Continuous in time: a frame between two frames is near both, not equal to either.
    near = _numpy(generator.render(noise, [3.0, 3.0001, 3.5]))
    assert np.abs(near[:, 1] - near[:, 0]).max() < 1e-2
    assert np.abs(near[:, 2] - near[:, 0]).max() > 1e-3


def test_a_longer_noise_renders_more_frames_and_keeps_the_first_ones(saved):
    generator = saved.models["generator"]
    assert generator.latent_dim == LATENT == generator.latent_dim_for(8)
    assert generator.motion_codes(8) == 5 and generator.motion_codes(16) == 7
    noise = _noise(seed=4)
    longer = np.concatenate([noise, _noise(generator.latent_dim_for(16) - LATENT, seed=5)], 1)
    clips = _numpy(generator.render(longer, np.arange(16)))
    assert clips.shape == (2, 16, 32, 32, 1)
    # The motion convolution is causal: codes after the clip leave its frames unchanged.
    np.testing.assert_allclose(clips[:, :8], _numpy(generator(noise)), atol=1e-6)
    assert np.abs(clips[:, 15] - clips[:, 7]).max() > 1e-3
    with pytest.raises(ValueError, match=r"times must be in \[0, 8\]"):
        generator.render(noise, np.arange(10))
    with pytest.raises(ValueError, match="at least 3 motion codes"):
        generator.render(noise[:, :10], [0.0])


@pytest.mark.parametrize("name", ["generator", "generator_motion_style"])
def test_motion_codes_act_locally_in_time_and_content_on_every_frame(saved, name):
    generator = saved.models[name]
    noise = _noise(seed=6)
    clips = _numpy(generator(noise))
    late = noise.copy()
    late[:, -3:] += 2.0  # the last motion code, at time 8
    moved = _numpy(generator(late))
    np.testing.assert_allclose(moved[:, :5], clips[:, :5], atol=1e-6)
    assert np.abs(moved[:, 7] - clips[:, 7]).max() > 1e-3
    other_content = noise.copy()
    other_content[:, :6] = _noise(6, seed=7)
    changed = _numpy(generator(other_content))
    assert all(np.abs(changed[:, t] - clips[:, t]).max() > 1e-3 for t in range(8))


def test_sampled_times_are_sorted_distinct_frames_within_the_span():
    seed = tf.constant([3, 4], tf.int64)
    for k, max_span in [(3, None), (4, 5), (2, 1), (1, None)]:
        discriminator = StyleGANVDiscriminator(
            **CLIP, width=2, sampled_frames=k, max_span=max_span
        )
        times = _numpy(discriminator.sample_times(seed, 4000))
        assert times.shape == (4000, k) and times.dtype == np.int32
        assert times.min() == 0 and times.max() == 7
        assert (np.diff(times, axis=1) > 0).all()
        spans = np.unique(times[:, -1] - times[:, 0])
        widest = 7 if max_span is None or k == 1 else max_span
        np.testing.assert_array_equal(spans, np.arange(k - 1, widest + 1) if k > 1 else [0])
        np.testing.assert_array_equal(_numpy(discriminator.sample_times(seed, 4000)), times)
        other = _numpy(discriminator.sample_times(tf.constant([3, 5], tf.int64), 4000))
        assert not np.array_equal(other, times)


def test_the_discriminator_reads_the_time_gaps(saved):
    discriminator = saved.models["discriminator"]
    frames = _frames(3, batch=1, seed=8)
    scores = [
        float(_numpy(discriminator([frames, _times(times)]))[0, 0])
        for times in ([0, 1, 2], [0, 1, 7], [3, 4, 5])
    ]
    # Gaps matter; where the frames sit in the clip does not.
    assert abs(scores[0] - scores[1]) > 1e-4
    assert scores[0] == pytest.approx(scores[2], abs=1e-6)


def _linear_loss_gradients(generator, noise, layers):
    """Gradients of a fixed random linear function of the clips for the named renderer layers."""
    weights = np.random.default_rng(13).normal(size=(2, 8, 32, 32, 1)).astype("float32")
    renderer = generator.get_layer("renderer")
    variables = [v for name in layers for v in renderer.get_layer(name).trainable_variables]
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(generator(noise, training=True) * weights)
    return [_numpy(gradient) for gradient in tape.gradient(loss, variables)]


def test_whole_pixel_placement_draws_the_rounded_corner_and_trains_the_corner_bilinearly():
    whole = StyleGANVGenerator(**GENERATOR, synthesis="sprites", sprite_placement="whole_pixels")
    bilinear = StyleGANVGenerator(**GENERATOR, synthesis="sprites")
    bilinear.set_weights(whole.get_weights())
    noise = _noise(seed=12)
    # The forward pass is the sprite at the nearest whole pixel: never a blend. (The
    # bilinear corner set through the sigmoid is a whole pixel up to float rounding.)
    at_3 = _sprite_at(bilinear, 3.0, noise)
    np.testing.assert_allclose(_sprite_at(whole, 3.25, noise), at_3, atol=1e-5)
    np.testing.assert_allclose(_sprite_at(whole, 3.75, noise), _sprite_at(bilinear, 4.0, noise),
                               atol=1e-5)
    assert np.abs(_sprite_at(bilinear, 3.25, noise) - at_3).max() > 0.05

    # The loss is linear in the pixels, so the corner's gradient (the position layer's) is
    # the bilinear placement's at the same fractional corner, and the ink's gradient is the
    # one of the sprite drawn where the forward pass put it.
    _sprite_at(whole, 3.25, noise)
    _sprite_at(bilinear, 3.25, noise)
    position = ["position"]
    for got, expected in zip(_linear_loss_gradients(whole, noise, position),
                             _linear_loss_gradients(bilinear, noise, position)):
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    assert np.abs(_linear_loss_gradients(whole, noise, position)[1]).max() > 1e-3
    ink_of_whole = _linear_loss_gradients(whole, noise, ["sprite_rgb"])
    _sprite_at(bilinear, 3.0, noise)
    for got, expected in zip(ink_of_whole, _linear_loss_gradients(bilinear, noise, ["sprite_rgb"])):
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)


def _cross_entropy(labels, class_logits):
    logits = _numpy(class_logits).astype(np.float64)
    log_softmax = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -log_softmax[np.arange(len(labels)), labels]


@pytest.mark.eager_functions  # the loss arithmetic of one step; the mirrored test traces it
def test_an_auxiliary_classifier_adds_the_class_losses_to_both_updates():
    generator = StyleGANVGenerator(**GENERATOR, num_classes=3, synthesis="sprites")
    discriminator = StyleGANVDiscriminator(
        **CLIP, width=4, sampled_frames=3, num_classes=3, auxiliary_classifier=True
    )
    logits, class_logits = discriminator([_frames(3), _times([0, 2, 7], [1, 2, 3]), LABELS])
    assert logits.shape == (2, 1) and class_logits.shape == (2, 3)
    gan = GAN(generator, discriminator, seed=3)
    gan.compile()
    real = tf.constant(moving_square_clips(2))
    labels = tf.constant(LABELS)

    # What the discriminator update sees: the step's noise and frame times.
    noise = gan.sample_noise(tf.constant(2))
    indices = gan.sample_frame_times(tf.constant(2))
    times = tf.cast(indices, tf.float32)
    fake = generator.render([noise, labels], times, training=True)
    real_logits, real_classes = gan.score_and_classify(
        discriminator, tf.gather(real, indices, batch_dims=1), labels, times=times
    )
    fake_logits, _ = gan.score_and_classify(discriminator, fake, labels, times=times)
    expected = _numpy(gan.discriminator_loss(real_logits, fake_logits)) + _cross_entropy(
        LABELS, real_classes
    )
    per_example, _, _ = gan.discriminator_step(real, labels=labels)
    np.testing.assert_allclose(_numpy(per_example), expected, rtol=1e-5)

    # The generator update: the adversarial loss plus the class it was asked for.
    noise = gan.sample_noise(tf.constant(2), offset=1)
    times = tf.cast(gan.sample_frame_times(tf.constant(2), offset=1), tf.float32)
    clips = generator.render([noise, labels], times, training=True)
    fake_logits, fake_classes = gan.score_and_classify(discriminator, clips, labels, times=times)
    expected = _numpy(gan.generator_loss(fake_logits)) + _cross_entropy(LABELS, fake_classes)
    np.testing.assert_allclose(
        _numpy(gan.generator_step(tf.constant(2), labels=labels)), expected, rtol=1e-5
    )


def test_bad_arguments():
    with pytest.raises(ValueError, match="`sampled_frames` \\(9\\) cannot exceed"):
        StyleGANVDiscriminator(**CLIP, width=2, sampled_frames=9)
    with pytest.raises(ValueError, match="`max_span` must be an integer from"):
        StyleGANVDiscriminator(**CLIP, width=2, sampled_frames=3, max_span=1)
    with pytest.raises(ValueError, match="`motion_spacing` must be a positive integer"):
        StyleGANVGenerator(**GENERATOR, motion_spacing=0)
    with pytest.raises(ValueError, match="`motion_input` must be one of"):
        StyleGANVGenerator(**GENERATOR, motion_input="input")
    with pytest.raises(ValueError, match="`synthesis` must be one of"):
        StyleGANVGenerator(**GENERATOR, synthesis="sprite")
    with pytest.raises(ValueError, match="`sprites` must be a positive integer"):
        StyleGANVGenerator(**GENERATOR, synthesis="sprites", sprites=0)
    with pytest.raises(ValueError, match="`auxiliary_classifier` predicts classes"):
        StyleGANVDiscriminator(**CLIP, width=2, auxiliary_classifier=True)
    with pytest.raises(ValueError, match="`sprite_placement` must be one of"):
        StyleGANVGenerator(**GENERATOR, synthesis="sprites", sprite_placement="nearest")
    with pytest.raises(ValueError, match="the generator must render frames at given times"):
        GAN(
            VGANGenerator(latent_dim=8, width=2, **CLIP),
            StyleGANVDiscriminator(**CLIP, width=2),
        )


def _design(seed=11, synthesis="frames", **compile_kwargs):
    generator, discriminator = build_design(
        "styleganv", width=2, latent_dim=6, sampled_frames=3, synthesis=synthesis, **CLIP
    )
    gan = GAN(generator, discriminator, seed=seed)
    gan.compile(**compile_kwargs)
    return gan


# WGAN-GP with R1 and two discriminator steps: the saved GAN above, and the mirrored test.
@pytest.mark.parametrize(
    "compile_kwargs",
    [{}, {"loss": "hinge", "r1": 1.0}, {"loss": "lsgan", "r1": 1.0, "synthesis": "sprites"}],
    ids=["bce", "hinge_r1", "lsgan_r1_sprites"],
)
@pytest.mark.eager_functions  # the objectives' arithmetic; the mirrored test traces them
def test_each_objective_trains_on_sampled_frames(compile_kwargs):
    gan = _design(**compile_kwargs)
    before = [np.array(w) for w in gan.get_weights()]
    history = gan.fit(batches(moving_square_clips(4), 2), epochs=1, verbose=0)
    assert all(np.isfinite(values[-1]) for values in history.history.values())
    changed = [not np.array_equal(a, b) for a, b in zip(before, gan.get_weights())]
    generator_weights = len(gan.generator.weights)
    assert all(changed[:generator_weights]) and any(changed[generator_weights:])


@pytest.mark.eager_functions  # the draws and the resume; the mirrored test traces them
def test_frame_times_come_from_the_seed_and_step_and_training_resumes_exactly(tmp_path):
    gan = _design(loss="lsgan")
    times = []
    for step in range(2):
        gan.optimizer.iterations.assign(step)
        for offset in range(2):
            drawn = _numpy(gan.sample_frame_times(tf.constant(4), offset))
            np.testing.assert_array_equal(gan.sample_frame_times(tf.constant(4), offset), drawn)
            times.append(drawn.tobytes())
    # Each draw of each step has its own times.
    assert len(set(times)) == 4
    gan.optimizer.iterations.assign(0)

    clips = moving_square_clips(8, seed=2)
    first_batch, second_batch = batches(clips[:4], 4), batches(clips[4:], 4)
    path = str(tmp_path / "gan.keras")
    gan.fit(first_batch, epochs=1, verbose=0, shuffle=False)
    gan.save(path)
    gan.fit(second_batch, epochs=1, verbose=0, shuffle=False)
    resumed = keras.saving.load_model(path)
    resumed.fit(second_batch, epochs=1, verbose=0, shuffle=False)
    assert int(resumed.optimizer.iterations) == 2
    # Other times would move the discriminator's weights by about a whole step.
    for expected, actual in zip(gan.get_weights(), resumed.get_weights()):
        np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-6)


def test_the_traced_generator_captures_only_its_weights(saved):
    # tf2onnx turns any other captured tensor into an extra input of an ONNX export.
    generator = saved.models["generator_conditional_spacing_2"]
    concrete = tf.function(lambda noise, labels: generator([noise, labels])).get_concrete_function(
        tf.TensorSpec([None, generator.latent_dim]), tf.TensorSpec([None], tf.int32)
    )
    assert {tensor.dtype for tensor in concrete.captured_inputs} == {tf.resource}


def test_with_motion_style_the_input_map_reads_the_content_alone(saved):
    style_dim = 8 * GENERATOR["width"]
    styled = saved.models["generator_motion_style"].get_layer("renderer")
    assert styled.get_layer("input_map").kernel.shape[0] == style_dim
    seeded = saved.models["generator"].get_layer("renderer")
    assert seeded.get_layer("input_map").kernel.shape[0] > style_dim
    # The styles read the time embedding beside w.
    assert styled.get_layer("up0_adain_scale").kernel.shape[0] > style_dim
    assert seeded.get_layer("up0_adain_scale").kernel.shape[0] == style_dim


def _sprite_at(generator, corner, noise):
    """The clips of a one-sprite generator whose sprite sits at `corner` (row = column)."""
    renderer = generator.get_layer("renderer")
    for name in ("position_hidden", "position"):
        kernel = renderer.get_layer(name).kernel
        kernel.assign(np.zeros(kernel.shape, "float32"))
    bias = renderer.get_layer("position").bias
    share = corner / (CLIP["size"] // 2)  # of the travel, half the canvas
    bias.assign(np.full(bias.shape, np.log(share / (1 - share)), "float32"))
    return _numpy(generator(noise))


def test_sprites_keep_their_ink_and_only_move(saved):
    generator = StyleGANVGenerator(**GENERATOR, synthesis="sprites")
    noise = _noise(seed=9)
    ink = (_numpy(generator(noise)) + 1) / 2
    # Positions stay inside the canvas, so moving a sprite neither adds nor loses ink.
    totals = ink.sum(axis=(2, 3, 4))
    np.testing.assert_allclose(totals, totals[:, :1].repeat(8, axis=1), rtol=1e-4)
    assert np.abs(ink[:, 7] - ink[:, 0]).max() > 1e-3  # it moved
    other_motion = noise.copy()
    other_motion[:, 6:] = _noise(LATENT - 6, seed=10)
    moved = (_numpy(generator(other_motion)) + 1) / 2
    np.testing.assert_allclose(moved.sum(axis=(2, 3, 4)), totals, rtol=1e-4)
    other_content = noise.copy()
    other_content[:, :6] = _noise(6, seed=11)
    redrawn = (_numpy(generator(other_content)) + 1) / 2
    assert np.abs(redrawn.sum(axis=(2, 3, 4)) - totals).max() > 1e-2

    # Two sprites combine by their maximum, as Moving MNIST's digits do.
    two = saved.models["generator_sprites"]
    clips = _numpy(two([noise, LABELS]))
    assert clips.min() >= -1 and clips.max() <= 1


def test_a_sprite_lands_at_its_corner_and_between_pixels_blends_the_two():
    generator = StyleGANVGenerator(**GENERATOR, synthesis="sprites")
    noise = _noise(seed=12)
    at_8, at_3, at_4, between = (_sprite_at(generator, c, noise) for c in (8.0, 3.0, 4.0, 3.25))
    # The same 16x16 sprite, cut out of the canvas at its corner; black elsewhere.
    sprite = at_8[:, :, 8:24, 8:24]
    np.testing.assert_allclose(at_3[:, :, 3:19, 3:19], sprite, atol=1e-5)
    outside = np.ones(at_3.shape, bool)
    outside[:, :, 3:19, 3:19] = False
    np.testing.assert_allclose(at_3[outside], -1.0, atol=1e-5)
    # A quarter pixel past 3 on both axes: bilinear between the whole-pixel placements.
    ink = [(clip + 1) / 2 for clip in (at_3, at_4, between)]
    shifted_row = np.roll(ink[0], 1, axis=2)
    shifted_both = np.roll(shifted_row, 1, axis=3)
    shifted_column = np.roll(ink[0], 1, axis=3)
    expected = (
        0.75 * 0.75 * ink[0] + 0.25 * 0.75 * shifted_row + 0.75 * 0.25 * shifted_column
        + 0.25 * 0.25 * shifted_both
    )
    np.testing.assert_allclose(ink[2], expected, atol=1e-5)
    np.testing.assert_allclose(shifted_both, ink[1], atol=1e-5)


def _sprite_ink(generator, noise, labels):
    """The sprites a clip draws, `[B, N, s, s, C]` in [0, 1], before they are placed."""
    renderer = generator.get_layer("renderer")
    ink = keras.Model(renderer.inputs, renderer.get_layer("sprite_rgb").output)
    motion = noise[:, 6:].reshape(len(noise), -1, 3)
    times = np.zeros((len(noise), 1), "float32")
    return _numpy(ink([noise[:, :6], motion, times, labels]))


def test_with_a_label_per_digit_each_sprite_draws_its_own_label(saved):
    generator = saved.models["generator_sprites_label_per_digit"]
    noise = _noise(seed=13)
    ink = _sprite_ink(generator, noise, PAIRS)
    assert ink.shape == (2, 2, 16, 16, 1)
    # Another class for the second digit redraws the second sprite only.
    other = PAIRS.copy()
    other[:, 1] = (other[:, 1] + 1) % 3
    redrawn = _sprite_ink(generator, noise, other)
    np.testing.assert_array_equal(redrawn[:, 0], ink[:, 0])
    assert np.abs(redrawn[:, 1] - ink[:, 1]).max() > 1e-3
    # Two digits of one class (the second clip) are two different drawings.
    assert np.abs(ink[1, 0] - ink[1, 1]).max() > 1e-3
    # The class asked for reaches the frames, for both syntheses.
    for name in ("generator_sprites_label_per_digit", "generator_frames_label_per_digit"):
        model = saved.models[name]
        changed = np.abs(_numpy(model([noise, other])) - _numpy(model([noise, PAIRS])))
        assert changed.max() > 1e-3, name


def test_with_a_label_per_digit_the_discriminator_ignores_their_order(saved):
    discriminator = saved.models["discriminator_label_per_digit"]
    frames, times = _frames(3), _times([0, 2, 7], [1, 2, 3])
    logits = _numpy(discriminator([frames, times, PAIRS]))
    swapped = _numpy(discriminator([frames, times, PAIRS[:, ::-1].copy()]))
    np.testing.assert_allclose(swapped, logits, rtol=1e-6)
    other = _numpy(discriminator([frames, times, np.array([[0, 1], [1, 1]], "int32")]))
    assert np.abs(other[0] - logits[0]).max() > 1e-6 and other[1] == logits[1]


def test_a_label_per_digit_needs_classes_and_one_label_per_sprite():
    with pytest.raises(ValueError, match="one per sprite \\(2\\); got `labels_per_clip=3`"):
        StyleGANVGenerator(**{**SPRITES_PER_DIGIT, "labels_per_clip": 3})
    with pytest.raises(ValueError, match="pass `num_classes` too"):
        StyleGANVGenerator(**GENERATOR, labels_per_clip=2)
    with pytest.raises(ValueError, match="pass `num_classes` too"):
        StyleGANVDiscriminator(**CLIP, width=4, labels_per_clip=2)
    with pytest.raises(ValueError, match="`labels_per_clip` must be a positive integer"):
        StyleGANVDiscriminator(**CLIP, width=4, num_classes=3, labels_per_clip=0)
    with pytest.raises(ValueError, match="styleganv option, not 'vgan'"):
        build_design("vgan", frames=8, size=32, width=2, num_classes=3, labels_per_clip=2)


@pytest.mark.eager_functions  # the step's labels and the sampling defaults, not the graph
def test_a_gan_with_a_label_per_digit_trains_on_pairs_and_samples_the_seeds_classes(saved):
    from keras_vidgan.models.seeds import labels_for_seeds

    gan = saved.models["gan_label_per_digit"]
    clips = tf.constant(moving_square_clips(2))
    with pytest.raises(ValueError, match="takes 2 labels per clip"):
        gan.train_step((clips, tf.constant(LABELS)))
    # Without labels, video i asks for the classes of seed i, as the sample grids do.
    np.testing.assert_array_equal(
        gan.generate(3, seed=4), gan.generate(3, seed=4, labels=labels_for_seeds([4, 5, 6], 3, 2))
    )
    one_pair = gan.generate(2, seed=0, labels=[2, 1])
    np.testing.assert_array_equal(one_pair, gan.generate(2, seed=0, labels=[[2, 1], [2, 1]]))
    with pytest.raises(ValueError, match="has shape \\(3,\\)"):
        gan.generate(2, labels=[0, 1, 2])
    with pytest.raises(ValueError, match="must be in \\[0, 3\\)"):
        gan.generate(2, labels=[0, 3])
