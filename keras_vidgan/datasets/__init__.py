"""Built-in datasets, generated offline: Moving MNIST (real digits) and bouncing balls."""

from keras_vidgan.datasets.bouncing_balls import bouncing_balls
from keras_vidgan.datasets.mnist_digits import mnist_digits
from keras_vidgan.datasets.moving_mnist import moving_mnist

__all__ = ["bouncing_balls", "mnist_digits", "moving_mnist"]
