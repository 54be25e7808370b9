"""Shapes, ranges and config round trips of the model-zoo generators and discriminators."""

import keras
import numpy as np
import pytest

from keras_vidgan.models import (
    DualDiscriminator,
    DVDGANGenerator,
    ImageDiscriminator,
    MoCoGANGenerator,
    TGANGenerator,
    VGANGenerator,
    VideoDiscriminator,
)

CLIP = dict(frames=8, size=32, channels=1)
GENERATORS = {
    "tgan": lambda **kw: TGANGenerator(latent_dim=8, width=4, frame_latent_dim=6, **CLIP, **kw),
    "mocogan": lambda **kw: MoCoGANGenerator(width=4, content_dim=6, motion_dim=2, **CLIP, **kw),
    "dvdgan": lambda **kw: DVDGANGenerator(latent_dim=8, width=4, **CLIP, **kw),
    "vgan": lambda **kw: VGANGenerator(latent_dim=8, width=4, **CLIP, **kw),
}
DISCRIMINATORS = {
    "image": lambda **kw: ImageDiscriminator(width=4, frames_per_clip=3, **CLIP, **kw),
    "image_all_frames": lambda **kw: ImageDiscriminator(width=4, spectral_norm=True, **CLIP, **kw),
    "dual": lambda **kw: DualDiscriminator(width=4, frames_per_clip=2, **CLIP, **kw),
    "video": lambda **kw: VideoDiscriminator(width=4, **CLIP, **kw),
}
LOGITS = {"image": 3, "image_all_frames": 8, "dual": 2, "video": 1}


def _numpy(tensor):
    return keras.ops.convert_to_numpy(tensor)


def _inputs(model, batch=2, seed=0):
    rng = np.random.default_rng(seed)
    noise = rng.normal(size=(batch, model.latent_dim)).astype("float32")
    inputs = [noise]
    if model.num_classes is not None:
        inputs.append(np.arange(batch, dtype="int32") % model.num_classes)
    if getattr(model, "condition_on_first_frame", False):
        inputs.append(rng.uniform(-1, 1, size=(batch, 32, 32, 1)).astype("float32"))
    return inputs[0] if len(inputs) == 1 else inputs


@pytest.mark.parametrize("name", sorted(GENERATORS))
@pytest.mark.parametrize("num_classes", [None, 3])
def test_generator_shapes_and_config_round_trip(name, num_classes, tmp_path):
    generator = GENERATORS[name](num_classes=num_classes, name=f"{name}_generator")
    inputs = _inputs(generator)
    videos = _numpy(generator(inputs))
    assert videos.shape == (2, 8, 32, 32, 1) and videos.dtype == np.float32
    assert videos.min() >= -1.0 and videos.max() <= 1.0
    clone = type(generator).from_config(generator.get_config())
    assert clone.get_config() == generator.get_config()
    clone.set_weights(generator.get_weights())
    np.testing.assert_allclose(_numpy(clone(inputs)), videos, atol=1e-6)
    path = str(tmp_path / "generator.keras")
    generator.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is type(generator) and loaded.num_classes == num_classes
    np.testing.assert_allclose(_numpy(loaded(inputs)), videos, atol=1e-6)


@pytest.mark.parametrize("name", sorted(DISCRIMINATORS))
@pytest.mark.parametrize("num_classes", [None, 3])
def test_discriminator_shapes_and_config_round_trip(name, num_classes, tmp_path):
    discriminator = DISCRIMINATORS[name](num_classes=num_classes, name=f"{name}_d")
    clips = np.random.default_rng(1).uniform(-1, 1, size=(2, 8, 32, 32, 1)).astype("float32")
    inputs = clips if num_classes is None else [clips, np.array([0, 2], "int32")]
    logits = _numpy(discriminator(inputs, training=True))
    assert logits.shape == (2, LOGITS[name])
    # Inference is deterministic (evenly spaced frames), so clones agree exactly.
    expected = _numpy(discriminator(inputs))
    clone = type(discriminator).from_config(discriminator.get_config())
    assert clone.get_config() == discriminator.get_config()
    clone.set_weights(discriminator.get_weights())
    np.testing.assert_allclose(_numpy(clone(inputs)), expected, rtol=1e-5, atol=1e-6)
    path = str(tmp_path / "discriminator.keras")
    discriminator.save(path)
    np.testing.assert_allclose(
        _numpy(keras.saving.load_model(path)(inputs)), expected, rtol=1e-5, atol=1e-6
    )


def test_projection_discriminator_depends_on_the_label():
    discriminator = VideoDiscriminator(width=4, num_classes=3, **CLIP)
    clips = np.random.default_rng(2).uniform(-1, 1, size=(1, 8, 32, 32, 1)).astype("float32")
    scores = [float(_numpy(discriminator([clips, np.array([k], "int32")]))[0, 0]) for k in range(3)]
    assert len(set(scores)) == 3


def test_generator_labels_change_the_clip():
    generator = GENERATORS["dvdgan"](num_classes=3)
    noise = np.ones((1, 8), "float32")
    first, second = (_numpy(generator([noise, np.array([k], "int32")])) for k in (0, 1))
    assert not np.allclose(first, second)


def test_mocogan_first_frame_conditioning_starts_with_the_given_frame():
    generator = GENERATORS["mocogan"](condition_on_first_frame=True, num_classes=2)
    noise, labels, frames = _inputs(generator, batch=3, seed=4)
    videos = _numpy(generator([noise, labels, frames]))
    np.testing.assert_array_equal(videos[:, 0], frames)
    other = _numpy(generator([noise, labels, -frames]))
    # The rest of the clip depends on the frame too (through the content code).
    assert not np.allclose(other[:, 1:], videos[:, 1:])


def test_mocogan_latent_holds_content_and_per_frame_motion():
    generator = GENERATORS["mocogan"]()
    assert generator.latent_dim == 6 + 8 * 2
    noise = np.zeros((1, generator.latent_dim), "float32")
    moved = noise.copy()
    moved[0, -2:] = 3.0  # only the last frame's motion innovation
    a, b = _numpy(generator(noise)), _numpy(generator(moved))
    np.testing.assert_allclose(a[:, :-1], b[:, :-1], atol=1e-6)
    assert not np.allclose(a[:, -1], b[:, -1])


def test_image_discriminator_samples_distinct_frames_in_training():
    discriminator = ImageDiscriminator(width=4, frames_per_clip=4, **CLIP)
    sampler = discriminator.get_layer("frame_sampler")
    clips = np.broadcast_to(
        np.arange(8, dtype="float32")[None, :, None, None, None], (64, 8, 32, 32, 1)
    )
    picked = _numpy(sampler(clips, training=True))[:, :, 0, 0, 0]
    assert all(len(set(row)) == 4 and list(row) == sorted(row) for row in picked)
    assert len({tuple(row) for row in picked}) > 1
    np.testing.assert_array_equal(_numpy(sampler(clips))[0, :, 0, 0, 0], [1, 3, 5, 7])


def test_bad_arguments():
    with pytest.raises(ValueError, match="`frames_per_clip`"):
        ImageDiscriminator(width=4, frames_per_clip=9, **CLIP)
    with pytest.raises(ValueError, match="`num_classes` must be a positive integer"):
        TGANGenerator(latent_dim=8, width=4, num_classes=0, **CLIP)
