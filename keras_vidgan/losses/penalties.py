"""Gradient penalties on the discriminator, one value per example.

Both take the discriminator as a callable from clips to logits (`[B]` or
`[B, K]`; a clip's score is the mean of its `K` logits), so that the caller can
bind labels or `training=True`. They are differentiable with respect to the
discriminator's weights: call them inside the discriminator's
`tf.GradientTape`.
"""

import tensorflow as tf

from keras_vidgan.losses.adversarial import _per_example


def _input_gradient_norms(discriminator_fn, clips):
    """Squared norm of `d score / d clip` for every clip: float32 `[B]`."""
    clips = tf.convert_to_tensor(clips)
    with tf.GradientTape() as tape:
        tape.watch(clips)
        scores = _per_example(discriminator_fn(clips))
        # Clips are scored independently (no batch statistics in the
        # discriminators), so the gradient of the sum holds each clip's own gradient.
        total = tf.reduce_sum(scores)
    gradients = tf.cast(tape.gradient(total, clips), tf.float32)
    flat = tf.reshape(gradients, [tf.shape(gradients)[0], -1])
    return tf.reduce_sum(tf.square(flat), axis=1)


def interpolates(real, fake, epsilon):
    """Points on the segments between real and generated clips: `e * real + (1 - e) * fake`.

    Gulrajani et al., 2017, "Improved Training of Wasserstein GANs",
    algorithm 1, with one `e ~ U[0, 1]` per example.

    Args:
        real: clips `[B, T, H, W, C]`.
        fake: clips of the same shape.
        epsilon: `[B]` mixing weights in [0, 1].

    Returns:
        Clips of the same shape and dtype as `real`.

    Example:

    ```python
    import numpy as np
    from keras_vidgan.losses import interpolates

    mixed = interpolates(np.ones((2, 1, 1, 1, 1)), np.zeros((2, 1, 1, 1, 1)), [0.25, 1.0])
    print(mixed.numpy().ravel())  # [0.25 1.  ]
    ```
    """
    real = tf.convert_to_tensor(real)
    fake = tf.cast(fake, real.dtype)
    epsilon = tf.cast(tf.reshape(epsilon, [-1] + [1] * (real.shape.rank - 1)), real.dtype)
    return epsilon * real + (1.0 - epsilon) * fake


def gradient_penalty(discriminator_fn, real, fake, epsilon):
    """The WGAN-GP penalty `(||grad D(x_hat)|| - 1)^2` at interpolates `x_hat`.

    Gulrajani et al., 2017, "Improved Training of Wasserstein GANs", eq. 3.
    `GAN` draws `epsilon` uniformly in [0, 1] per example from its stateless
    noise stream and multiplies the mean penalty by its weight (10 in the
    paper).

    Args:
        discriminator_fn: callable, clips -> logits.
        real: real clips `[B, T, H, W, C]`.
        fake: generated clips of the same shape.
        epsilon: `[B]` mixing weights in [0, 1] (see `interpolates`).

    Returns:
        float32 `[B]`.

    Example:

    ```python
    import numpy as np
    import tensorflow as tf
    from keras_vidgan.losses import gradient_penalty

    # A linear critic has gradient w everywhere: the penalty is (|w| - 1)^2.
    critic = lambda clips: 3.0 * tf.reduce_sum(clips, axis=[1, 2, 3, 4])
    real = np.ones((2, 1, 1, 1, 1), "float32")
    print(gradient_penalty(critic, real, -real, [0.3, 0.9]).numpy())  # [4. 4.]
    ```
    """
    points = interpolates(real, fake, epsilon)
    norms = tf.sqrt(_input_gradient_norms(discriminator_fn, points) + 1e-12)
    return tf.square(norms - 1.0)


def r1_penalty(discriminator_fn, real):
    """The R1 penalty `||grad D(x)||^2` on real clips.

    Mescheder et al., 2018, "Which Training Methods for GANs do actually
    Converge?", eq. 9. `GAN.compile(r1=gamma)` adds `gamma / 2` times its mean
    to the discriminator loss, as in the paper.

    Args:
        discriminator_fn: callable, clips -> logits.
        real: real clips `[B, T, H, W, C]`.

    Returns:
        float32 `[B]`.

    Example:

    ```python
    import numpy as np
    import tensorflow as tf
    from keras_vidgan.losses import r1_penalty

    critic = lambda clips: 3.0 * tf.reduce_sum(clips, axis=[1, 2, 3, 4])
    print(r1_penalty(critic, np.ones((1, 2, 1, 1, 1), "float32")).numpy())  # [18.]
    ```
    """
    return _input_gradient_norms(discriminator_fn, real)
