"""The auxiliary classifier's losses of AC-GAN, one value per example.

Odena, Olah & Shlens, 2017, "Conditional Image Synthesis with Auxiliary
Classifier GANs", eqs. 2-3: beside its real/fake logit the discriminator
predicts the class of what it sees; the class log-likelihood `L_C` is
maximised by both networks, so the generator is pushed towards clips whose
class the discriminator can read. Here the discriminator learns `L_C` on
real clips only, not on generated ones as in the paper: a classifier that
also learns the classes of early, shapeless samples rewards the generator
for drawing those shapes.

A clip with several labels (the two digits of a Moving MNIST clip, `[B, L]`)
has as its target the mix of its classes, each label weighing `1 / L` (two
digits of one class: that class alone), and the loss is the cross-entropy
between that mix and the softmax of the class logits, as Mahajan et al.
(2018, "Exploring the Limits of Weakly Supervised Pretraining", section
2.1) train on images with several hashtags. It is least when the
classifier gives each of the clip's classes its share and does not depend
on the order of the labels; with one label it is the loss above.

Example:

```python
import numpy as np
from keras_vidgan import losses

labels = np.array([3, 0], "int32")
class_logits = np.zeros((2, 10), "float32")
loss = losses.auxiliary_classifier_generator_loss(labels, class_logits)
print(loss.numpy().round(4))  # [2.3026 2.3026], log(10): no class preferred

# Two digits per clip: a 3 and a 7, then two 5s.
pairs = np.array([[3, 7], [5, 5]], "int32")
class_logits = np.zeros((2, 10), "float32")
class_logits[0, [3, 7]] = 10.0
class_logits[1, 5] = 10.0
loss = losses.auxiliary_classifier_generator_loss(pairs, class_logits)
print([round(float(value), 3) for value in loss])  # [0.693, 0.0]: log 2 for a 50/50 mix, 0 for one
```
"""

import tensorflow as tf


def _cross_entropy(labels, class_logits):
    class_logits = tf.cast(tf.convert_to_tensor(class_logits), tf.float32)
    labels = tf.cast(tf.convert_to_tensor(labels), tf.int32)
    if labels.shape.rank == 2 and labels.shape[1] != 1:
        # The clip's classes as a distribution: each label weighs 1 / L.
        mix = tf.reduce_mean(tf.one_hot(labels, tf.shape(class_logits)[-1]), axis=1)
        return tf.nn.softmax_cross_entropy_with_logits(labels=mix, logits=class_logits)
    labels = tf.reshape(labels, [-1])
    return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=class_logits)


def auxiliary_classifier_discriminator_loss(labels, real_class_logits):
    """The discriminator's class loss on real clips: `-log P(C = c | x)`.

    Odena et al., 2017, eq. 3 (`L_C`), its real term.

    Args:
        labels: int `[B]`, the classes of the real clips, or `[B, L]` for
            several classes per clip.
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
        labels: int `[B]`, the classes the generator was given, or `[B, L]`
            for several classes per clip.
        fake_class_logits: `[B, num_classes]`, the discriminator's class
            logits of the generated clips.

    Returns:
        float32 `[B]`.
    """
    return _cross_entropy(labels, fake_class_logits)
