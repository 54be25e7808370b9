"""The model-zoo generators and discriminators: shared model checks, then what each one does."""

import keras
import numpy as np
import pytest
from helpers.model_checks import ModelCase, SavedModels

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
CLIP_SHAPE = (8, 32, 32, 1)
BATCH = 2


def _numpy(tensor):
    return keras.ops.convert_to_numpy(tensor)


def _noise(latent_dim, batch=BATCH, seed=0):
    return np.random.default_rng(seed).normal(size=(batch, latent_dim)).astype("float32")


def _clips(batch=BATCH, seed=1):
    return np.random.default_rng(seed).uniform(-1, 1, size=(batch, *CLIP_SHAPE)).astype("float32")


LABELS = np.array([0, 2], "int32")
MOCOGAN_LATENT = 6 + 8 * 2


def _generator(model_class, inputs, **init_kwargs):
    return ModelCase(
        model_class, {**CLIP, **init_kwargs}, inputs, (BATCH, *CLIP_SHAPE), output_range=(-1, 1)
    )


def _discriminator(model_class, logits, conditional=False, **init_kwargs):
    inputs = [_clips(), LABELS] if conditional else _clips()
    init_kwargs = {**CLIP, "width": 4, "num_classes": 3 if conditional else None, **init_kwargs}
    return ModelCase(model_class, init_kwargs, inputs, (BATCH, logits))


# Every generator and discriminator, unconditional and class-conditional, and
# the options that change their graph.
CASES = {
    "vgan": _generator(VGANGenerator, _noise(8), latent_dim=8, width=4),
    "vgan_conditional_transpose": _generator(
        VGANGenerator,
        [_noise(8), LABELS],
        latent_dim=8,
        width=4,
        num_classes=3,
        upsampling="transpose",
    ),
    "vgan_resize": _generator(VGANGenerator, _noise(8), latent_dim=8, width=4, upsampling="resize"),
    "tgan": _generator(TGANGenerator, _noise(8), latent_dim=8, width=4, frame_latent_dim=6),
    "tgan_conditional": _generator(
        TGANGenerator, [_noise(8), LABELS], latent_dim=8, width=4, frame_latent_dim=6, num_classes=3
    ),
    "mocogan": _generator(
        MoCoGANGenerator, _noise(MOCOGAN_LATENT), width=4, content_dim=6, motion_dim=2
    ),
    "mocogan_conditional_first_frame": _generator(
        MoCoGANGenerator,
        [_noise(MOCOGAN_LATENT), LABELS, _clips()[:, 0]],
        width=4,
        content_dim=6,
        motion_dim=2,
        num_classes=3,
        condition_on_first_frame=True,
    ),
    "dvdgan": _generator(DVDGANGenerator, _noise(8), latent_dim=8, width=4),
    "dvdgan_conditional_all_recurrent": _generator(
        DVDGANGenerator,
        [_noise(8), LABELS],
        latent_dim=8,
        width=4,
        num_classes=3,
        recurrent_stages=None,
    ),
    "video": _discriminator(VideoDiscriminator, 1),
    "video_conditional": _discriminator(VideoDiscriminator, 1, conditional=True),
    "image": _discriminator(ImageDiscriminator, 3, frames_per_clip=3),
    "image_conditional_all_frames_sn": _discriminator(
        ImageDiscriminator, 8, conditional=True, spectral_norm=True
    ),
    "dual": _discriminator(DualDiscriminator, 2, frames_per_clip=2),
    "dual_conditional_no_sn": _discriminator(
        DualDiscriminator, 2, conditional=True, frames_per_clip=20, spectral_norm=False
    ),
}


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    return SavedModels(CASES, tmp_path_factory.mktemp("model_zoo"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_model(saved, name):
    saved.run_model_test(name)


def test_dual_discriminator_uses_at_most_every_frame(saved):
    dual = saved.models["dual_conditional_no_sn"]
    assert dual.frames_per_clip == 8 and dual.get_config()["frames_per_clip"] == 8
    assert "frame_sampler" not in [layer.name for layer in dual.layers]
    assert DualDiscriminator(width=2, frames_per_clip=None, **CLIP).frames_per_clip == 8


def test_projection_discriminator_depends_on_the_label(saved):
    discriminator = saved.models["video_conditional"]
    clips = _clips(batch=1, seed=2)
    scores = [float(_numpy(discriminator([clips, np.array([k], "int32")]))[0, 0]) for k in range(3)]
    assert len(set(scores)) == 3


def test_generator_labels_change_the_clip(saved):
    generator = saved.models["dvdgan_conditional_all_recurrent"]
    noise = np.ones((1, 8), "float32")
    first, second = (_numpy(generator([noise, np.array([k], "int32")])) for k in (0, 1))
    assert not np.allclose(first, second)


def test_mocogan_first_frame_conditioning_starts_with_the_given_frame(saved):
    generator = saved.models["mocogan_conditional_first_frame"]
    noise, labels, frames = _noise(MOCOGAN_LATENT, batch=3, seed=4), np.arange(3), _clips(3)[:, 0]
    videos = _numpy(generator([noise, labels, frames]))
    np.testing.assert_array_equal(videos[:, 0], frames)
    other = _numpy(generator([noise, labels, -frames]))
    # The rest of the clip depends on the frame too (through the content code).
    assert not np.allclose(other[:, 1:], videos[:, 1:])


def test_mocogan_latent_holds_content_and_per_frame_motion(saved):
    generator = saved.models["mocogan"]
    assert generator.latent_dim == MOCOGAN_LATENT
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
