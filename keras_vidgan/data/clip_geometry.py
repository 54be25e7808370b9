"""Frames to clips in the TensorFlow graph: resize keeping the aspect ratio, crop, flip, scale.

All readers end with `finish_clip`, so a clip from a video file, a frame
folder, an array or a TFRecord shard goes through the very same operations.
Resizing rounds back to uint8 (what `prepare` stores), which is why a PNG
shard written at the training size reproduces direct decoding exactly.
"""

import tensorflow as tf


def short_side_shape(height, width, size):
    """`(new_height, new_width)` in plain Python, rounding exactly as `resized_shape` does.

    Readers that decode in Python resize while converting frames (PyAV's
    swscale, Pillow), which is much cheaper than resizing full frames in
    TensorFlow; they use this to land on the shape the graph expects.
    """
    scale = float(size) / min(height, width)
    # round() rounds half to even, like tf.round.
    return max(int(round(height * scale)), size), max(int(round(width * scale)), size)


def resized_shape(height, width, size):
    """`(new_height, new_width)`: the short side becomes `size`, the aspect ratio is kept."""
    height = tf.cast(height, tf.float64)
    width = tf.cast(width, tf.float64)
    short = tf.minimum(height, width)
    scale = tf.cast(size, tf.float64) / short
    new_height = tf.maximum(tf.cast(tf.round(height * scale), tf.int32), size)
    new_width = tf.maximum(tf.cast(tf.round(width * scale), tf.int32), size)
    return new_height, new_width


def resize_short_side(frames, size):
    """Resizes uint8 frames `[T, H, W, C]` so that their short side is `size`.

    Bilinear with antialiasing (so downscaling averages instead of aliasing),
    rounded back to uint8. Frames already at that size pass unchanged.

    Args:
        frames: uint8 tensor `[T, H, W, C]`.
        size: the new length of the shorter side.

    Returns:
        uint8 tensor `[T, H', W', C]` with `min(H', W') == size`.

    Example:

    ```python
    import numpy as np
    from keras_vidgan.data.clip_geometry import resize_short_side

    frames = np.zeros((2, 240, 320, 3), np.uint8)
    print(resize_short_side(frames, 64).shape)  # (2, 64, 85, 3)
    ```
    """
    frames = tf.convert_to_tensor(frames, tf.uint8)
    shape = tf.shape(frames)
    new_height, new_width = resized_shape(shape[1], shape[2], size)

    def resize():
        resized = tf.image.resize(frames, [new_height, new_width], antialias=True)
        return tf.cast(tf.clip_by_value(tf.round(resized), 0.0, 255.0), tf.uint8)

    unchanged = tf.logical_and(tf.equal(shape[1], new_height), tf.equal(shape[2], new_width))
    return tf.cond(unchanged, lambda: frames, resize)


def crop_square(frames, size, seed=None):
    """Crops `[T, H, W, C]` frames to `[T, size, size, C]`, the same window in every frame.

    Args:
        frames: tensor whose H and W are at least `size`.
        size: side of the crop.
        seed: None for the centre crop, or a stateless seed (shape [2]) for a
            uniformly random window.

    Example:

    ```python
    import numpy as np
    from keras_vidgan.data.clip_geometry import crop_square

    frames = np.zeros((4, 64, 85, 3), np.uint8)
    print(crop_square(frames, 64).shape)  # (4, 64, 64, 3), columns 10 to 73
    ```
    """
    shape = tf.shape(frames)
    spare_height, spare_width = shape[1] - size, shape[2] - size
    if seed is None:
        top, left = spare_height // 2, spare_width // 2
    else:
        seed = tf.cast(seed, tf.int64)
        top = tf.random.stateless_uniform(
            [], seed=seed, minval=0, maxval=spare_height + 1, dtype=tf.int32
        )
        left = tf.random.stateless_uniform(
            [], seed=seed + [0, 1], minval=0, maxval=spare_width + 1, dtype=tf.int32
        )
    return frames[:, top : top + size, left : left + size, :]


def finish_clip(frames, size, channels, seed=None, flip=False):
    """uint8 frames `[T, H, W, C]` of any size to a float32 clip `[T, size, size, channels]`.

    Resize (short side to `size`), crop (centre, or random when `seed` is
    given), convert to `channels` (RGB to luma with the ITU-R 601 weights,
    or grey repeated to RGB), flip horizontally with probability 1/2 when
    `flip` and `seed` are given, and scale to [-1, 1].

    Args:
        frames: uint8 tensor `[T, H, W, 1 or 3]`.
        size: output height and width.
        channels: 1 or 3.
        seed: None (evaluation: centre crop, no flip), or an int64 stateless
            seed of shape [2] (training: random crop and flip).
        flip: whether training clips are mirrored at random.

    Example:

    ```python
    import numpy as np
    from keras_vidgan.data.clip_geometry import finish_clip

    frames = np.full((4, 48, 64, 3), 255, np.uint8)
    clip = finish_clip(frames, size=32, channels=1)
    # The luma weights sum to 0.9999, so white becomes 0.9998, not exactly 1.
    print(clip.shape, round(float(clip.numpy().min()), 3))  # (4, 32, 32, 1) 1.0
    ```
    """
    if channels not in (1, 3):
        raise ValueError(f"`channels` must be 1 or 3, got {channels!r}.")
    frames = tf.convert_to_tensor(frames, tf.uint8)
    source_channels = frames.shape[-1]
    frames = resize_short_side(frames, size)
    crop_seed = None if seed is None else tf.cast(seed, tf.int64) + [0, 11]
    clip = tf.cast(crop_square(frames, size, crop_seed), tf.float32)
    if channels == 1 and source_channels == 3:
        clip = tf.image.rgb_to_grayscale(clip)
    elif channels == 3 and source_channels == 1:
        clip = tf.repeat(clip, 3, axis=-1)
    elif source_channels not in (None, channels):
        raise ValueError(f"Frames with {source_channels} channels cannot become {channels}.")
    if flip and seed is not None:
        coin = tf.random.stateless_uniform([], seed=tf.cast(seed, tf.int64) + [0, 23])
        clip = tf.cond(coin < 0.5, lambda: tf.reverse(clip, axis=[2]), lambda: clip)
    clip = clip / 127.5 - 1.0
    return tf.ensure_shape(clip, [frames.shape[0], size, size, channels])
