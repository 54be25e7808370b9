"""Adversarial losses as functions of discriminator logits, one value per example.

Every function takes logits of shape `[B]` or `[B, K]` (a discriminator may
score a clip several times, for example once per frame) and returns a float32
`[B]` tensor: the loss of each example, averaged over its `K` scores. Nothing
is averaged over the batch, so that `GAN` can divide by the *global* batch
size under `tf.distribute` (`tf.nn.compute_average_loss`), as the TF-GAN
losses leave the reduction to the caller.

Conventions: a logit is the discriminator's unbounded score, "real" is
positive. `softplus(x) = log(1 + exp(x))`, so `-log(sigmoid(x)) = softplus(-x)`
and `-log(1 - sigmoid(x)) = softplus(x)`, which stays finite for large logits.

Example:

```python
import numpy as np
from keras_vidgan import losses

real = np.array([2.0, -1.0], "float32")
fake = np.array([-3.0, 0.5], "float32")
print(losses.hinge_discriminator_loss(real, fake).numpy())  # [0.  3.5]
print(losses.hinge_generator_loss(fake).numpy())  # [ 3.  -0.5]
```
"""

import tensorflow as tf


def _per_example(values):
    """Float32 `[B]` from `[B]` or `[B, K, ...]`: the mean over everything but the batch."""
    values = tf.cast(values, tf.float32)
    if values.shape.rank == 1:
        return values
    return tf.reduce_mean(tf.reshape(values, [tf.shape(values)[0], -1]), axis=1)


def _logits(logits):
    return tf.cast(tf.convert_to_tensor(logits), tf.float32)


def minimax_discriminator_loss(real_logits, fake_logits):
    """Binary cross-entropy of the discriminator: `-log D(x) - log(1 - D(G(z)))`.

    Goodfellow et al., 2014, "Generative Adversarial Nets", eq. 1.

    Args:
        real_logits: logits of real clips, `[B]` or `[B, K]`.
        fake_logits: logits of generated clips, the same shape.

    Returns:
        float32 `[B]`.

    Example:

    ```python
    from keras_vidgan.losses import minimax_discriminator_loss

    print(float(minimax_discriminator_loss([0.0], [0.0])[0]))  # 1.386 (2 log 2)
    ```
    """
    real_logits, fake_logits = _logits(real_logits), _logits(fake_logits)
    return _per_example(tf.nn.softplus(-real_logits) + tf.nn.softplus(fake_logits))


def minimax_generator_loss(fake_logits):
    """The generator's side of the minimax game: `log(1 - D(G(z)))`, to be minimised.

    Goodfellow et al., 2014, "Generative Adversarial Nets", eq. 1. Its gradient
    vanishes when the discriminator rejects the samples confidently, which is
    why the non-saturating form is the default.

    Args:
        fake_logits: logits of generated clips, `[B]` or `[B, K]`.

    Returns:
        float32 `[B]`.

    Example:

    ```python
    from keras_vidgan.losses import minimax_generator_loss

    print(float(minimax_generator_loss([0.0])[0]))  # -0.693 (log 1/2)
    ```
    """
    return _per_example(-tf.nn.softplus(_logits(fake_logits)))


def non_saturating_discriminator_loss(real_logits, fake_logits):
    """The discriminator loss paired with the non-saturating generator loss.

    It is the minimax discriminator loss (Goodfellow et al., 2014, sec. 3);
    only the generator's objective differs.

    Args:
        real_logits: logits of real clips, `[B]` or `[B, K]`.
        fake_logits: logits of generated clips, the same shape.

    Returns:
        float32 `[B]`.

    Example:

    ```python
    from keras_vidgan.losses import non_saturating_discriminator_loss

    print(float(non_saturating_discriminator_loss([0.0], [0.0])[0]))  # 1.386
    ```
    """
    return minimax_discriminator_loss(real_logits, fake_logits)


def non_saturating_generator_loss(fake_logits):
    """The non-saturating generator loss `-log D(G(z))`.

    Goodfellow et al., 2014, "Generative Adversarial Nets", sec. 3: instead of
    minimising `log(1 - D(G(z)))` the generator maximises `log D(G(z))`, which
    has strong gradients early in training. Binary cross-entropy of the fake
    logits against the target 1; the package's default.

    Args:
        fake_logits: logits of generated clips, `[B]` or `[B, K]`.

    Returns:
        float32 `[B]`.

    Example:

    ```python
    from keras_vidgan.losses import non_saturating_generator_loss

    print(float(non_saturating_generator_loss([0.0])[0]))  # 0.693
    ```
    """
    return _per_example(tf.nn.softplus(-_logits(fake_logits)))


def hinge_discriminator_loss(real_logits, fake_logits):
    """Hinge loss of the discriminator: `max(0, 1 - D(x)) + max(0, 1 + D(G(z)))`.

    Lim & Ye, 2017, "Geometric GAN"; used with spectral normalization by
    Miyato et al., 2018, and by DVD-GAN (Clark et al., 2019).

    Args:
        real_logits: scores of real clips, `[B]` or `[B, K]`.
        fake_logits: scores of generated clips, the same shape.

    Returns:
        float32 `[B]`.

    Example:

    ```python
    from keras_vidgan.losses import hinge_discriminator_loss

    print(float(hinge_discriminator_loss([0.5], [-2.0])[0]))  # 0.5
    ```
    """
    real_logits, fake_logits = _logits(real_logits), _logits(fake_logits)
    return _per_example(tf.nn.relu(1.0 - real_logits) + tf.nn.relu(1.0 + fake_logits))


def hinge_generator_loss(fake_logits):
    """Hinge-GAN generator loss `-D(G(z))`.

    Lim & Ye, 2017, "Geometric GAN"; Miyato et al., 2018, "Spectral
    Normalization for Generative Adversarial Networks", eq. 17.

    Args:
        fake_logits: scores of generated clips, `[B]` or `[B, K]`.

    Returns:
        float32 `[B]`.

    Example:

    ```python
    from keras_vidgan.losses import hinge_generator_loss

    print(float(hinge_generator_loss([1.5])[0]))  # -1.5
    ```
    """
    return _per_example(-_logits(fake_logits))


def least_squares_discriminator_loss(real_logits, fake_logits):
    """Least-squares discriminator loss `(D(x) - 1)^2 / 2 + D(G(z))^2 / 2`.

    Mao et al., 2017, "Least Squares Generative Adversarial Networks", eq. 9
    with the 0-1 coding `a = 0, b = c = 1`.

    Args:
        real_logits: scores of real clips, `[B]` or `[B, K]`.
        fake_logits: scores of generated clips, the same shape.

    Returns:
        float32 `[B]`.

    Example:

    ```python
    from keras_vidgan.losses import least_squares_discriminator_loss

    print(float(least_squares_discriminator_loss([0.0], [1.0])[0]))  # 1.0
    ```
    """
    real_logits, fake_logits = _logits(real_logits), _logits(fake_logits)
    return _per_example(0.5 * tf.square(real_logits - 1.0) + 0.5 * tf.square(fake_logits))


def least_squares_generator_loss(fake_logits):
    """Least-squares generator loss `(D(G(z)) - 1)^2 / 2`.

    Mao et al., 2017, "Least Squares Generative Adversarial Networks", eq. 9.

    Args:
        fake_logits: scores of generated clips, `[B]` or `[B, K]`.

    Returns:
        float32 `[B]`.

    Example:

    ```python
    from keras_vidgan.losses import least_squares_generator_loss

    print(float(least_squares_generator_loss([0.0])[0]))  # 0.5
    ```
    """
    return _per_example(0.5 * tf.square(_logits(fake_logits) - 1.0))


def wasserstein_discriminator_loss(real_logits, fake_logits):
    """The critic's loss `D(G(z)) - D(x)` of the Wasserstein GAN.

    Arjovsky et al., 2017, "Wasserstein GAN", eq. 3. The critic must be kept
    (roughly) 1-Lipschitz: pair it with a gradient penalty (Gulrajani et al.,
    2017; `GAN.compile(gradient_penalty=10.0)`) or spectral normalization.

    Args:
        real_logits: critic scores of real clips, `[B]` or `[B, K]`.
        fake_logits: critic scores of generated clips, the same shape.

    Returns:
        float32 `[B]`.

    Example:

    ```python
    from keras_vidgan.losses import wasserstein_discriminator_loss

    print(float(wasserstein_discriminator_loss([3.0], [1.0])[0]))  # -2.0
    ```
    """
    return _per_example(_logits(fake_logits) - _logits(real_logits))


def wasserstein_generator_loss(fake_logits):
    """The Wasserstein GAN generator loss `-D(G(z))`.

    Arjovsky et al., 2017, "Wasserstein GAN", algorithm 1.

    Args:
        fake_logits: critic scores of generated clips, `[B]` or `[B, K]`.

    Returns:
        float32 `[B]`.

    Example:

    ```python
    from keras_vidgan.losses import wasserstein_generator_loss

    print(float(wasserstein_generator_loss([2.0])[0]))  # -2.0
    ```
    """
    return _per_example(-_logits(fake_logits))
