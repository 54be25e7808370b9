"""The auxiliary classifier's losses of AC-GAN, one value per example.

Odena, Olah & Shlens, 2017, "Conditional Image Synthesis with Auxiliary
Classifier GANs", eqs. 2-3: beside its real/fake logit the discriminator
predicts the class of what it sees; the class log-likelihood `L_C` is
maximised by both networks, so the generator is pushed towards clips whose
class the discriminator can read. Here the discriminator learns `L_C` on
real clips only, not on generated ones as in the paper: a classifier that
also learns the classes of early, shapeless samples rewards the generator
for drawing those shapes.

Example:

```python
import numpy as np
from keras_vidgan import losses

labels = np.array([3, 0], "int32")
class_logits = np.zeros((2, 10), "float32")
loss = losses.auxiliary_classifier_generator_loss(labels, class_logits)
print(loss.numpy().round(4))  # [2.3026 2.3026], log(10): no class preferred
```
"""

import tensorflow as tf


def _cross_entropy(labels, class_logits):
    labels = tf.reshape(tf.cast(labels, tf.int32), [-1])
    class_logits = tf.cast(tf.convert_to_tensor(class_logits), tf.float32)
    return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=class_logits)


def auxiliary_classifier_discriminator_loss(labels, real_class_logits):
    """The discriminator's class loss on real clips: `-log P(C = c | x)`.

    Odena et al., 2017, eq. 3 (`L_C`), its real term.

    Args:
        labels: int `[B]`, the classes of the real clips.
        real_class_logits: `[B, num_classes]`, the discriminator's class
            logits of those clips.

    Returns:
        float32 `[B]`.
    """
    return _cross_entropy(labels, real_class_logits)


def auxiliary_classifier_generator_loss(labels, fake_class_logits):
    """The generator's class loss: `-log P(C = c | G(z, c))` for the class it was asked for.

    Odena et al., 2017, eq. 3 (`L_C`), its generated term, which the
    generator minimises beside its adversarial loss.

    Args:
        labels: int `[B]`, the classes the generator was given.
        fake_class_logits: `[B, num_classes]`, the discriminator's class
            logits of the generated clips.

    Returns:
        float32 `[B]`.
    """
    return _cross_entropy(labels, fake_class_logits)
