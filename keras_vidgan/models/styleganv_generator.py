import math

import keras
import numpy as np
from keras import layers, ops

from keras_vidgan.models.config_checks import check_choice, check_positive_int
from keras_vidgan.models.model_blocks import stage_widths
from keras_vidgan.models.video_model import VideoModel

# Motion codes a frame's time embedding looks back over (the width of the
# convolution along the code sequence); the noise holds that many minus one
# codes before time 0, so that the first code is made like every later one.
MOTION_KERNEL = 3
# Sine/cosine pairs of the time embedding.
TIME_FREQUENCIES = 8
# Where the time embedding enters the synthesis network (`motion_input`).
MOTION_INPUTS = ("seed", "style")
# How a frame is drawn (`synthesis`): by the synthesis network at every time, or as
# sprites drawn once per clip and moved over a black canvas.
SYNTHESES = ("frames", "sprites")
# Where a sprite's corner lands: anywhere (bilinear), or on the nearest whole pixel.
SPRITE_PLACEMENTS = ("bilinear", "whole_pixels")


@keras.saving.register_keras_serializable(package="keras_vidgan")
class StyleGANVGenerator(VideoModel):
    """A continuous-time generator after StyleGAN-V (Skorokhodov et al., CVPR 2022).

    A clip is a content code, fixed for the clip, and a sequence of motion
    codes, one every `motion_spacing` frames. A frame is rendered at any
    time `t` (a float, in frames) by a 2D synthesis network, so a clip costs
    2D convolutions per rendered frame and training may render only a few
    frames of each clip (`GAN` does when the discriminator has a
    `sample_times` method, as `StyleGANVDiscriminator` has).

    - Content: the content noise (and a learned label embedding, for a
      class-conditional model) goes through a two-layer mapping network to a
      style vector `w`.
    - Motion: a causal 1D convolution (kernel 3, no padding) over the motion
      noise sequence makes the motion codes `u_j`, placed at times
      `j * motion_spacing`; `u(t)` interpolates the two codes around `t`
      linearly, so it is continuous in `t` and, since the codes are random,
      aperiodic. The time embedding is `u(t)` joined with
      `a * sin(s * omega * t + phi)` and the matching cosines, where the
      frequencies `omega` are fixed (periods spaced geometrically from 2
      frames to twice the clip) and the amplitudes `a`, frequency scales
      `s` and phases `phi` are linear maps of `u(t)`.
    - Synthesis: a dense layer maps `[time embedding, w]` to a 4x4 map, then
      stages of 2x nearest-neighbour upsampling and 3x3 convolution, each
      followed by adaptive instance normalisation (AdaIN) with a per-channel
      scale and shift computed from `w`, and a LeakyReLU; a 3x3 convolution
      with tanh makes the pixels. With `motion_input="style"` the 4x4 map
      comes from `w` alone and the styles from `[time embedding, w]`.
    - Sprites (`synthesis="sprites"`, not in the paper): instead, the same
      kind of network draws `sprites` images of half the frame's size once
      per clip from `w` (ink in [0, 1]), and a two-layer network maps the
      time embedding to each sprite's top-left corner at time `t`; a frame
      is the sprites placed there on a black canvas (bilinear between
      pixels, so the corners train by gradient), combined by pixel-wise
      maximum. With `sprite_placement="whole_pixels"` each corner is
      rounded to a whole pixel, as Moving MNIST draws its digits, so a
      frame holds the sprite exactly, never a blend of two shifts; the
      corners still train through the bilinear placement's gradient
      (a straight-through estimator). Content then cannot change within a clip, only move: the
      prior of scenes of rigid objects on a plain background, such as
      Moving MNIST, where it keeps each digit's identity by construction;
      it cannot draw a textured or changing scene. It is cheaper too: the
      drawing network runs once per clip, not once per frame.

    Simplified from the paper: AdaIN (StyleGAN 1) instead of modulated and
    demodulated convolutions, no per-pixel noise, no equalised learning rate
    or mapping-network learning-rate multiplier; one motion convolution of
    kernel 3 instead of two of kernel 11; the embedding's amplitudes, scales
    and phases come from the interpolated code `u(t)` (continuous by
    construction) instead of the left code plus the paper's alignment terms;
    by default the time embedding and `w` set the 4x4 input instead of
    modulating a learned constant (`motion_input="style"` is closer: a map
    made from `w`, modulated by time and `w`); motion codes sit at fixed
    times `0, d, 2d, ...` of every clip.

    Cost: rendering all 16 frames of 32x32 at `width=16` costs 468 MFLOP
    per clip (29 per frame), 2,144 at 64x64 and 8,532 at 64x64 with
    `width=32` (counted with `keras_vidgan.utils.flops.forward_flops`); a
    training step renders `sampled_frames` frames per clip (3 by default:
    88 MFLOP at 32x32). The paper's generator is StyleGAN2's synthesis
    network at 256x256 (tens of GFLOP per frame), so the figures compare
    with the other designs here rather than with the paper: `VGANGenerator`
    draws the whole 32x32 clip for 36 MFLOP, because its 3D up-convolutions
    share the coarse stages across frames, while this generator draws each
    frame from 4x4 up. Its forward pass in a training step costs 2.4x
    VGAN's at 32x32; at sampling, 13x. With
    `synthesis="sprites"` the drawing network runs once per clip: 5.3 MFLOP
    for all 16 frames of 32x32 (one sprite), 29.8 at 64x64 (two sprites).

    The noise holds everything random about a clip, so one vector per clip
    samples and exports as for the other designs: its first `content_dim`
    entries are the content noise, then come `motion_codes(frames)` motion
    noise vectors of `motion_dim` entries (the first `MOTION_KERNEL - 1`
    of them before time 0). `latent_dim` is the total.

    Calling the model renders every one of the `frames` frames. `render`
    renders any times, and, given a longer noise vector
    (`latent_dim_for(num_frames)`), more frames than trained: the motion
    convolution is causal, so appending motion codes leaves the earlier
    frames unchanged, and the noise of `noise_from_seeds(seeds,
    latent_dim_for(n))` extends that of the trained length (the seeded
    draw's first entries do not depend on its length).

    Args:
        frames: int. Frames per clip (the clips it trains against), one of
            8, 16, 32.
        size: int. Height and width, one of 32, 64, 128.
        channels: int. 1 or 3.
        width: int. Channels of the finest feature map; coarser stages are
            wider, up to 8x.
        content_dim: int. Size of the content noise.
        motion_dim: int. Size of each motion noise vector and motion code.
        motion_spacing: int. Frames between two motion codes.
        num_classes: int or None. With classes, the generator takes int
            labels `[B]` after the noise; their embedding joins the content
            noise.
        text_encoder: dict of `keras_vidgan.layers.TextEncoder` arguments
            (its `vocabulary` at least), or None. Text-to-video: the
            generator takes raw strings `[B]` after the noise, and a linear
            map of the text code joins the content noise, where the label
            embedding goes with classes.
        motion_input: str. Where the time embedding enters the synthesis:
            `"seed"`, with `w` into the dense layer that makes each frame's
            4x4 input (the AdaIN styles come from `w` alone); or `"style"`,
            as in the paper, where the 4x4 input comes from `w` alone, the
            same for every frame, and the time embedding joins `w` in every
            AdaIN style, so time can only modulate what the content draws.
        synthesis: str. How a frame is drawn: `"frames"`, by the synthesis
            network at every time; or `"sprites"`, as sprites drawn once per
            clip and moved over a black canvas (see above).
        sprites: int. Sprites per clip with `synthesis="sprites"` (the
            digits of a Moving MNIST clip).
        sprite_placement: str. With `synthesis="sprites"`, `"bilinear"`
            (a corner between pixels blends the sprite's shifts) or
            `"whole_pixels"` (corners rounded, see above).
        labels_per_clip: int. With classes, how many labels a clip has:
            1 (labels `[B]`), or one per sprite (labels `[B, sprites]`,
            the classes of a Moving MNIST clip's digits), in which case
            each sprite is drawn from its own style, made from the content
            noise, its own label's embedding and a learned embedding of its
            place in the list (so that two sprites of one class differ);
            the frame synthesis joins the labels' embeddings in order.
        **kwargs: passed to `keras.Model`.

    Example:

    ```python
    import numpy as np
    import keras_vidgan

    generator = keras_vidgan.models.StyleGANVGenerator(
        frames=8, size=32, channels=1, width=4, content_dim=8, motion_dim=4
    )
    print(generator.latent_dim)  # 28: 8 of content, 5 motion codes of 4
    noise = np.zeros((2, 28), "float32")
    print(generator(noise).shape)  # (2, 8, 32, 32, 1)
    # Two frames per clip, at any times:
    print(generator.render(noise, [[0.0, 2.5], [1.0, 7.0]]).shape)  # (2, 2, 32, 32, 1)
    # Twice as many frames as trained, from a longer noise vector:
    longer = np.zeros((2, generator.latent_dim_for(16)), "float32")
    print(generator.render(longer, np.arange(16)).shape)  # (2, 16, 32, 32, 1)
    # A sprite drawn once and moved: each frame holds the same ink.
    sprites = keras_vidgan.models.StyleGANVGenerator(
        frames=8, size=32, width=4, content_dim=8, motion_dim=4, synthesis="sprites"
    )
    ink = (np.asarray(sprites(noise)) + 1) / 2
    print(np.ptp(ink.sum(axis=(2, 3, 4)), axis=1).max() < 1e-2)  # True
    ```
    """

    def __init__(
        self,
        frames=16,
        size=64,
        channels=1,
        width=32,
        content_dim=100,
        motion_dim=16,
        motion_spacing=4,
        num_classes=None,
        motion_input="seed",
        text_encoder=None,
        synthesis="frames",
        sprites=1,
        sprite_placement="bilinear",
        labels_per_clip=1,
        **kwargs,
    ):
        check_positive_int("motion_spacing", motion_spacing)
        check_positive_int("labels_per_clip", labels_per_clip)
        if synthesis == "sprites" and labels_per_clip not in (1, sprites):
            raise ValueError(
                f"With the sprite synthesis a clip has one label, or one per sprite ({sprites}); "
                f"got `labels_per_clip={labels_per_clip}`."
            )
        check_positive_int("sprites", sprites)
        check_choice("sprite_placement", sprite_placement, SPRITE_PLACEMENTS)
        check_choice("motion_input", motion_input, MOTION_INPUTS)
        check_choice("synthesis", synthesis, SYNTHESES)
        latent_dim = content_dim + _motion_codes(frames, motion_spacing) * motion_dim
        noise = keras.Input((latent_dim,), name="noise")
        labels = self.condition_input(num_classes, text_encoder, labels_per_clip)
        # Text is encoded here, outside the renderer, so that `render` and the call share
        # one encoder and the renderer takes the text's code like any other float input.
        text_code = (
            None if text_encoder is None
            else self.condition_embedding(labels, None, text_encoder, content_dim)
        )
        text_conditional = text_encoder is not None
        if synthesis == "frames":
            renderer = _renderer(
                frames, size, channels, width, content_dim, motion_dim, motion_spacing,
                num_classes, motion_input, text_conditional, labels_per_clip,
            )
        else:
            renderer = _sprite_renderer(
                frames, size, channels, width, content_dim, motion_dim, motion_spacing,
                num_classes, sprites, sprite_placement, text_conditional, labels_per_clip,
            )
        # Every frame of the clip: times 0, 1, ..., frames - 1. Constants stay NumPy
        # arrays: they then become constants of the traced graph, not captured eager
        # tensors, which tf2onnx would turn into extra inputs of an ONNX export.
        times = ops.zeros_like(noise[:, :1]) + np.arange(frames, dtype="float32")
        content = noise[:, :content_dim]
        motion = layers.Reshape((-1, motion_dim))(noise[:, content_dim:])
        condition = text_code if text_code is not None else labels
        renderer_inputs = [content, motion, times] + ([condition] if condition is not None else [])
        video = renderer(renderer_inputs)
        super().__init__([noise, labels], video, **kwargs)
        # Not an argument: the size of the noise that holds content and motion.
        self.latent_dim = latent_dim

    def motion_codes(self, num_frames):
        """Motion noise vectors that `num_frames` frames (times 0 to `num_frames - 1`) need."""
        check_positive_int("num_frames", num_frames)
        return _motion_codes(num_frames, self.motion_spacing)

    def latent_dim_for(self, num_frames):
        """The noise size that renders `num_frames` frames (`latent_dim` for `frames`)."""
        return self.content_dim + self.motion_codes(num_frames) * self.motion_dim

    def render(self, inputs, times, training=False):
        """Frames at the given times: `[B, K, H, W, C]` in [-1, 1].

        Args:
            inputs: noise `[B, N]` (with labels `[B]`, or
                `[B, labels_per_clip]`, after it, as `[noise, labels]`, for a
                class-conditional model, or texts
                `[B]`, as `[noise, texts]`, for a text-conditioned one).
                `N = content_dim + M * motion_dim` for some number of motion
                codes `M >= MOTION_KERNEL`; `latent_dim_for(n)` covers the
                times 0 to `n - 1`.
            times: float `[K]` (the same times for every clip) or `[B, K]`,
                in frames, from 0. A time past the last motion code sees a
                zero motion code: concrete times are checked.
            training: passed to the layers.
        """
        import tensorflow as tf

        if self.num_classes is not None or self.text_encoder is not None:
            noise, labels = inputs
        else:
            noise, labels = (inputs[0] if isinstance(inputs, (list, tuple)) else inputs), None
        noise = tf.convert_to_tensor(noise, dtype=tf.float32)
        motion_entries = int(noise.shape[-1]) - self.content_dim
        if motion_entries < MOTION_KERNEL * self.motion_dim or motion_entries % self.motion_dim:
            raise ValueError(
                f"The noise has {noise.shape[-1]} entries: it must hold {self.content_dim} of "
                f"content and at least {MOTION_KERNEL} motion codes of {self.motion_dim}; "
                "`latent_dim_for(num_frames)` gives the size for a number of frames."
            )
        if not tf.is_tensor(times):
            last = (motion_entries // self.motion_dim - MOTION_KERNEL) * self.motion_spacing
            times = np.asarray(times, np.float32)
            if times.size and (times.min() < 0 or times.max() > last):
                raise ValueError(
                    f"times must be in [0, {last}] for this noise; pass a noise of "
                    f"`latent_dim_for(num_frames)` entries to render later frames."
                )
        times = tf.cast(tf.convert_to_tensor(times), tf.float32)
        if times.shape.rank == 1:
            times = tf.broadcast_to(times[None], [tf.shape(noise)[0], tf.shape(times)[0]])
        motion = tf.reshape(noise[:, self.content_dim :], [tf.shape(noise)[0], -1, self.motion_dim])
        renderer_inputs = [noise[:, : self.content_dim], motion, times]
        if self.text_encoder is not None:
            code = self.get_layer("text_encoder")(labels, training=training)
            renderer_inputs.append(self.get_layer("text_projection")(code))
        elif labels is not None:
            renderer_inputs.append(tf.cast(labels, tf.int32))
        return self.get_layer("renderer")(renderer_inputs, training=training)


def _motion_codes(num_frames, spacing):
    # Codes at times 0, d, 2d, ... up to the last frame, plus the history before 0.
    return math.ceil((num_frames - 1) / spacing) + MOTION_KERNEL


def _renderer_inputs(content_dim, motion_dim, num_classes, text_conditional, labels_per_clip):
    """The renderer's inputs (the condition None when absent) and the condition's code.

    The code is `[B, content_dim]`, or `[B, labels_per_clip, content_dim]`
    for several labels per clip.
    """
    content = keras.Input((content_dim,), name="content")
    motion_noise = keras.Input((None, motion_dim), name="motion_noise")
    times = keras.Input((None,), name="times")
    if text_conditional:
        labels = keras.Input((content_dim,), name="text_code")
        condition_code = labels
    else:
        labels = VideoModel.labels_input(num_classes, labels_per_clip)
        condition_code = VideoModel.label_embedding(labels, num_classes, content_dim)
    return content, motion_noise, times, labels, condition_code


def _mapping(content, condition_code, style_dim):
    """The style vector `w` of the clip's content (and condition)."""
    code = VideoModel.join_codes([content, condition_code])
    # Normalised to unit mean square, as StyleGAN's mapping network does first.
    code = code * ops.rsqrt(ops.mean(ops.square(code), axis=-1, keepdims=True) + 1e-8)
    w = code
    for index in range(2):
        w = layers.Dense(style_dim, name=f"mapping{index}")(w)
        w = layers.LeakyReLU(0.2)(w)
    return w


def _renderer(
    frames, size, channels, width, content_dim, motion_dim, spacing, num_classes, motion_input,
    text_conditional, labels_per_clip,
):
    """The network behind `render`: (content, motion noise, times, condition) -> frames.

    The condition is int labels `[B]` (or `[B, labels_per_clip]`) with
    classes, the projected text code `[B, content_dim]` of a
    text-conditioned generator, or absent.
    """
    content, motion_noise, times, labels, condition_code = _renderer_inputs(
        content_dim, motion_dim, num_classes, text_conditional, labels_per_clip
    )
    if labels_per_clip > 1:
        condition_code = layers.Flatten()(condition_code)
    w = _mapping(content, condition_code, 8 * width)

    embedding = _time_embedding(motion_noise, times, frames, motion_dim, spacing)
    # [B, K, E] and w repeated for each frame.
    repeated_w = ops.zeros_like(embedding[..., :1]) + ops.expand_dims(w, 1)
    frame_code = layers.Concatenate()([embedding, repeated_w])
    stages = int(math.log2(size // 4))
    widths = stage_widths(width, stages)
    if motion_input == "seed":
        # The frame code sets each frame's 4x4 input; the styles are the clip's.
        x = layers.Dense(4 * 4 * widths[0], name="input_map")(frame_code)
        style = w
    else:
        # The 4x4 input comes from the content alone, the same for every frame, and time
        # only moves the styles: what is drawn cannot change with t except through them.
        x = layers.Dense(4 * 4 * widths[0], name="input_map")(w)
        x = ops.zeros_like(embedding[..., :1, None, None]) + layers.Reshape(
            (1, 4, 4, widths[0])
        )(x)
        style = frame_code
    x = layers.Reshape((-1, 4, 4, widths[0]))(x)
    x = _adain(x, style, "input_map_adain")
    x = layers.LeakyReLU(0.2)(x)
    x = _upsampling_stages(x, style, widths, width, "up")
    frames_out = layers.Conv3D(
        channels, (1, 3, 3), padding="same", activation="tanh", dtype="float32", name="rgb"
    )(x)
    inputs = [content, motion_noise, times] + ([labels] if labels is not None else [])
    return keras.Model(inputs, frames_out, name="renderer")


def _sprite_renderer(
    frames, size, channels, width, content_dim, motion_dim, spacing, num_classes, sprites,
    placement, text_conditional, labels_per_clip,
):
    """`render`'s network for `synthesis="sprites"`: sprites from `w`, moved by the time embedding.

    Each clip draws `sprites` images of half the frame's size once, from its
    style `w` alone, and every frame places them on a black canvas at
    positions that are a function of the time embedding alone; overlapping
    sprites combine by pixel-wise maximum. So what is drawn cannot change
    from frame to frame, only where. With a label per sprite, each sprite
    has a style of its own (`_sprite_styles`).
    """
    content, motion_noise, times, labels, condition_code = _renderer_inputs(
        content_dim, motion_dim, num_classes, text_conditional, labels_per_clip
    )
    sprite_size = size // 2
    stages = int(math.log2(sprite_size // 4))
    widths = stage_widths(width, stages)
    if labels_per_clip > 1:
        # The sprites take the place of the frame renderer's frames: `[B, N, ...]`, one
        # style each, so one 2D network draws them all at once.
        w = _sprite_styles(content, labels, condition_code, sprites, 8 * width)
        x = layers.Dense(4 * 4 * widths[0], name="sprite_input")(w)
        x = layers.Reshape((sprites, 4, 4, widths[0]))(x)
        ink_channels = channels
    else:
        # The frame renderer's stages with one "frame": a 2D network from w.
        w = _mapping(content, condition_code, 8 * width)
        x = layers.Dense(4 * 4 * widths[0], name="sprite_input")(w)
        x = layers.Reshape((1, 4, 4, widths[0]))(x)
        ink_channels = sprites * channels
    x = layers.LeakyReLU(0.2)(_adain(x, w, "sprite_input_adain"))
    x = _upsampling_stages(x, w, widths, width, "sprite")
    # Ink in [0, 1] on a black (0) canvas.
    ink = layers.Conv3D(
        ink_channels, (1, 3, 3), padding="same", activation="sigmoid", dtype="float32",
        name="sprite_rgb",
    )(x)
    if labels_per_clip > 1:
        ink = ops.transpose(ink, (0, 2, 3, 1, 4))  # [B, N, s, s, C] -> [B, s, s, N, C]
    else:
        ink = layers.Reshape((sprite_size, sprite_size, sprites, channels))(ink)

    embedding = _time_embedding(motion_noise, times, frames, motion_dim, spacing)
    hidden = layers.Dense(8 * width, name="position_hidden")(embedding)
    hidden = layers.LeakyReLU(0.2)(hidden)
    # The top-left corner of each sprite in pixels, inside the canvas.
    corners = layers.Dense(2 * sprites, activation="sigmoid", dtype="float32", name="position")(
        hidden
    ) * float(size - sprite_size)
    corners = layers.Reshape((-1, sprites, 2))(corners)  # [B, K, N, (row, column)]

    offsets = (np.arange(size)[:, None] - np.arange(sprite_size)[None, :]).astype("float32")
    if placement == "bilinear":
        placed = _place(ink, corners, offsets)
    else:
        # The forward pass draws the sprite at the rounded corner; the corners' gradient is
        # the bilinear placement's, and the ink's comes through the rounded placement.
        exact = _place(ink, ops.stop_gradient(ops.round(corners)), offsets)
        moved = _place(ops.stop_gradient(ink), corners, offsets)
        placed = exact + moved - ops.stop_gradient(moved)
    frames_out = ops.max(placed, axis=2) * 2.0 - 1.0
    inputs = [content, motion_noise, times] + ([labels] if labels is not None else [])
    return keras.Model(inputs, frames_out, name="renderer")


def _sprite_styles(content, labels, label_code, sprites, style_dim):
    """`[B, N, style_dim]`: a style per sprite from the content, its label and its place.

    `label_code` is the labels' embedding `[B, N, D]`. The place embedding
    tells apart two sprites of one class in one clip, which would otherwise
    share content and label and so be drawn alike.
    """
    places = ops.zeros_like(labels) + np.arange(sprites, dtype="int32")
    place_code = layers.Embedding(sprites, label_code.shape[-1], name="sprite_place")(places)
    shared = ops.expand_dims(content, 1) + ops.zeros_like(label_code[..., :1])
    return _mapping(shared, layers.Concatenate()([label_code, place_code]), style_dim)


def _place(ink, corners, offsets):
    """Sprites `[B, s, s, N, C]` placed at corners `[B, K, N, 2]`: `[B, K, N, H, W, C]`."""
    # Placing a sprite at a fractional corner p is a product with a shift matrix
    # A[i, j] = max(0, 1 - |i - j - p|) on each axis (bilinear interpolation): exact
    # at whole pixels and differentiable in p, so the positions train by gradient.
    rows = ops.relu(1.0 - ops.abs(corners[..., 0, None, None] - offsets))  # [B, K, N, H, s]
    columns = ops.relu(1.0 - ops.abs(corners[..., 1, None, None] - offsets))  # [B, K, N, W, s]
    placed = ops.einsum("bknij,bjlnc->bknilc", rows, ink)
    return ops.einsum("bknilc,bknml->bknimc", placed, columns)


def _upsampling_stages(x, style, widths, width, prefix):
    """Doubles `[B, K, h, w, C]` once per entry of `widths`, each stage styled by `style`.

    Layers are named `{prefix}{index}` and `{prefix}{index}_adain`: saved
    checkpoints find their weights by these names.
    """
    stages = len(widths)
    for index in range(stages):
        out_width = widths[index + 1] if index + 1 < stages else width
        x = layers.UpSampling3D((1, 2, 2))(x)
        # One frame per kernel: a 2D convolution applied to every frame.
        x = layers.Conv3D(out_width, (1, 3, 3), padding="same", name=f"{prefix}{index}")(x)
        x = _adain(x, style, f"{prefix}{index}_adain")
        x = layers.LeakyReLU(0.2)(x)
    return x


def _time_embedding(motion_noise, times, frames, motion_dim, spacing):
    """`[B, K, E]`: the interpolated motion code at each time and its Fourier features."""
    # "valid": code j sees noise j .. j + MOTION_KERNEL - 1, so the codes are causal in time.
    codes = layers.Conv1D(motion_dim, MOTION_KERNEL, name="motion_conv")(motion_noise)
    codes = layers.LeakyReLU(0.2)(codes)
    # Linear interpolation as a weighted sum: the hat function max(0, 1 - |t/d - j|)
    # weighs code j; it needs neither gathers nor a static number of codes.
    positions = ops.cumsum(ops.ones_like(codes[..., 0]), axis=1) - 1.0  # [B, M]
    hats = ops.relu(
        1.0 - ops.abs(ops.expand_dims(times / spacing, -1) - ops.expand_dims(positions, 1))
    )  # [B, K, M]
    code_at_t = ops.einsum("bkm,bmd->bkd", hats, codes)
    periods = np.geomspace(2.0, 2.0 * frames, TIME_FREQUENCIES)
    omega = (2 * np.pi / periods).astype("float32")
    amplitude = layers.Dense(TIME_FREQUENCIES, name="time_amplitude")(code_at_t)
    scale = 1.0 + ops.tanh(layers.Dense(TIME_FREQUENCIES, name="time_scale")(code_at_t))
    phase = layers.Dense(TIME_FREQUENCIES, name="time_phase")(code_at_t)
    angle = scale * omega * ops.expand_dims(times, -1) + phase
    return layers.Concatenate(name="time_embedding")(
        [code_at_t, amplitude * ops.sin(angle), amplitude * ops.cos(angle)]
    )


def _adain(x, style, name):
    """Adaptive instance normalisation of `[B, K, h, w, C]` by a scale and shift from `style`.

    `style` is `[B, D]` (one style per clip) or `[B, K, D]` (one per frame).
    """
    channels = x.shape[-1]
    mean = ops.mean(x, axis=(2, 3), keepdims=True)
    variance = ops.var(x, axis=(2, 3), keepdims=True)
    normalized = (x - mean) * ops.rsqrt(variance + 1e-5)
    scale = layers.Dense(channels, name=f"{name}_scale")(style)
    shift = layers.Dense(channels, name=f"{name}_shift")(style)
    frames = -1 if len(style.shape) == 3 else 1
    scale = layers.Reshape((frames, 1, 1, channels))(scale)
    shift = layers.Reshape((frames, 1, 1, channels))(shift)
    return normalized * (1.0 + scale) + shift
