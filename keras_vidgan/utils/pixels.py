"""The one mapping from generator output in [-1, 1] to uint8 pixels, in TensorFlow and NumPy.

    pixel = clip(round_half_to_even((float64(x) + 1) * 127.5), 0, 255)

It is computed in float64 on purpose. In float32, TensorFlow's graph optimizer
merges the `+ 1` into the generator's last additions (VGAN's
`m * f + (1 - m) * b`) and reorders them, so an export and an eager call
disagreed by one grey level on a few pixels per batch (measured: 4 of 2,097,152
pixels for 256 clips of 8x32x32). A cast to float64 in between keeps the
optimizer from merging, and in float64 `(x + 1) * 127.5` is exact for every
float32 `x` that is not vanishingly small, so both implementations round
the same value the same way.
"""

import numpy as np
import tensorflow as tf


def video_to_uint8(video):
    """TensorFlow version: a float tensor in [-1, 1] to a uint8 tensor (works in graphs).

    Example:

    ```python
    import tensorflow as tf
    from keras_vidgan.utils.pixels import video_to_uint8

    print(video_to_uint8(tf.constant([-1.0, 0.0, 1.0])).numpy())  # [  0 128 255]
    ```
    """
    scaled = (tf.cast(video, tf.float64) + 1.0) * 127.5
    return tf.cast(tf.clip_by_value(tf.round(scaled), 0.0, 255.0), tf.uint8)


def video_to_uint8_numpy(video):
    """NumPy version of `video_to_uint8`, bit for bit.

    Example:

    ```python
    import numpy as np
    from keras_vidgan.utils.pixels import video_to_uint8_numpy

    print(video_to_uint8_numpy(np.array([-1.0, 0.0, 1.0])))  # [  0 128 255]
    ```
    """
    scaled = (np.asarray(video).astype(np.float64) + 1.0) * 127.5
    return np.clip(np.round(scaled), 0, 255).astype(np.uint8)
