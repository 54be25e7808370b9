"""The designs `keras-vidgan train --model` offers, each as a generator and its discriminators."""

from keras_vidgan.models.dual_discriminator import DualDiscriminator
from keras_vidgan.models.dvdgan_generator import DVDGANGenerator
from keras_vidgan.models.image_discriminator import ImageDiscriminator
from keras_vidgan.models.mocogan_generator import MoCoGANGenerator
from keras_vidgan.models.styleganv_discriminator import StyleGANVDiscriminator
from keras_vidgan.models.styleganv_generator import StyleGANVGenerator
from keras_vidgan.models.tgan_generator import TGANGenerator
from keras_vidgan.models.vgan_generator import VGANGenerator
from keras_vidgan.models.video_discriminator import VideoDiscriminator

DESIGNS = ("vgan", "tgan", "mocogan", "dvdgan", "styleganv")
TEXT_DESIGNS = ("vgan", "mocogan", "styleganv")


def build_design(
    design,
    frames=16,
    size=64,
    channels=1,
    width=32,
    latent_dim=100,
    num_classes=None,
    upsampling="icnr",
    sampled_frames=3,
    synthesis="frames",
    sprites=1,
    sprite_placement="bilinear",
    auxiliary_classifier=False,
    minibatch_std_group=None,
    dtype=None,
    text_encoder=None,
    labels_per_clip=1,
):
    """A generator and the discriminator(s) of one design, ready for `GAN`.

    - `vgan`: `VGANGenerator` (Vondrick et al., 2016) and a 3D `VideoDiscriminator`.
    - `tgan`: `TGANGenerator` (Saito et al., 2017) and a 3D `VideoDiscriminator`.
    - `mocogan`: `MoCoGANGenerator` (Tulyakov et al., 2018) with its two
      discriminators, `{"image": ImageDiscriminator (one frame per clip),
      "video": VideoDiscriminator}`. Its latent size is set by the design
      (content 50 + 10 per frame), not by `latent_dim`.
    - `dvdgan`: `DVDGANGenerator` (Clark et al., 2019) and the spectrally
      normalized `DualDiscriminator` (8 frames for the spatial branch).
    - `styleganv`: `StyleGANVGenerator` (Skorokhodov et al., 2022), whose
      content code takes `latent_dim` entries (the noise adds motion
      codes), and a `StyleGANVDiscriminator` of `sampled_frames` frames:
      training renders only those frames of each clip.

    Args:
        design: one of `DESIGNS`.
        frames, size, channels: the clip shape.
        width: base width of every network.
        latent_dim: noise size (all designs but MoCoGAN).
        num_classes: int for class-conditional models (projection
            discriminators), or None.
        upsampling: VGAN's upsampling, `"icnr"`, `"transpose"` or `"resize"`.
        sampled_frames: frames per clip that StyleGAN-V's discriminator
            scores (and its generator renders) in training.
        synthesis, sprites, sprite_placement: how the StyleGAN-V generator
            draws a frame (`StyleGANVGenerator`); other designs ignore them.
        auxiliary_classifier: `styleganv` with `num_classes`: its
            discriminator also predicts the class (AC-GAN's auxiliary
            classifier, `StyleGANVDiscriminator`).
        minibatch_std_group: `styleganv`: clips per group of its
            discriminator's minibatch standard deviation feature, or None.
        dtype: dtype policy of every network, for example
            `"mixed_bfloat16"` (None: the global policy). Their outputs stay
            float32 clips and logits.
        labels_per_clip: `styleganv` with `num_classes`: labels per clip,
            1 or one per sprite (`StyleGANVGenerator`).
        text_encoder: dict of `keras_vidgan.layers.TextEncoder` arguments
            for a text-conditioned model (`vgan`, `mocogan` and
            `styleganv`), instead of
            `num_classes`: the generator and every discriminator get their
            own encoder, each trained by its network's loss.

    Returns:
        `(generator, discriminator)`; the discriminator is a dict for MoCoGAN.

    Example:

    ```python
    import keras_vidgan
    from keras_vidgan.models.model_zoo import build_design

    generator, discriminator = build_design("tgan", frames=8, size=32, width=4)
    gan = keras_vidgan.GAN(generator, discriminator, seed=0)
    ```
    """
    shared = dict(frames=frames, size=size, channels=channels)
    if dtype is not None:
        shared["dtype"] = dtype
    if labels_per_clip != 1 and design != "styleganv":
        raise ValueError(f"Several labels per clip are a styleganv option, not {design!r}'s.")
    if text_encoder is not None and design not in TEXT_DESIGNS:
        raise ValueError(f"Text conditioning is available for {TEXT_DESIGNS}, not {design!r}.")
    if design == "vgan":
        generator = VGANGenerator(
            latent_dim=latent_dim,
            width=width,
            upsampling=upsampling,
            num_classes=num_classes,
            text_encoder=text_encoder,
            name="generator",
            **shared,
        )
        return generator, VideoDiscriminator(
            width=width, num_classes=num_classes, text_encoder=text_encoder,
            name="discriminator", **shared
        )
    if design == "tgan":
        generator = TGANGenerator(
            latent_dim=latent_dim, width=width, num_classes=num_classes, name="generator", **shared
        )
        return generator, VideoDiscriminator(
            width=width, num_classes=num_classes, name="discriminator", **shared
        )
    if design == "mocogan":
        generator = MoCoGANGenerator(
            width=width, num_classes=num_classes, text_encoder=text_encoder, name="generator",
            **shared,
        )
        discriminators = {
            "image": ImageDiscriminator(
                width=width,
                frames_per_clip=1,
                num_classes=num_classes,
                text_encoder=text_encoder,
                name="image_discriminator",
                **shared,
            ),
            "video": VideoDiscriminator(
                width=width, num_classes=num_classes, text_encoder=text_encoder,
                name="video_discriminator", **shared
            ),
        }
        return generator, discriminators
    if design == "dvdgan":
        generator = DVDGANGenerator(
            latent_dim=latent_dim, width=width, num_classes=num_classes, name="generator", **shared
        )
        return generator, DualDiscriminator(
            width=width, frames_per_clip=8, num_classes=num_classes, name="discriminator", **shared
        )
    if design == "styleganv":
        generator = StyleGANVGenerator(
            content_dim=latent_dim, width=width, num_classes=num_classes,
            text_encoder=text_encoder, synthesis=synthesis, sprites=sprites,
            sprite_placement=sprite_placement, labels_per_clip=labels_per_clip,
            name="generator", **shared
        )
        return generator, StyleGANVDiscriminator(
            width=width,
            sampled_frames=sampled_frames,
            num_classes=num_classes,
            text_encoder=text_encoder,
            auxiliary_classifier=auxiliary_classifier,
            minibatch_std_group=minibatch_std_group,
            labels_per_clip=labels_per_clip,
            name="discriminator",
            **shared,
        )
    raise ValueError(f"Unknown design {design!r}; expected one of {DESIGNS}.")
