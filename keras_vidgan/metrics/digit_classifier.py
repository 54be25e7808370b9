"""A small frame classifier for Moving MNIST: which digits a frame shows, and how many."""

import os

import keras
import numpy as np
from keras import layers

# Every frame is read at this size (32x32 holds a 14-pixel digit, as the default run's clips).
FRAME_SIZE = 32
MAX_COUNT = 2
NUM_CLASSES = 10
WEIGHTS_VERSION = 1
WEIGHTS_FILE = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "weights",
    f"digit_classifier_v{WEIGHTS_VERSION}.npz",
)


@keras.saving.register_keras_serializable(package="keras_vidgan")
class DigitClassifier(keras.Model):
    """Reads one Moving MNIST frame: the digit classes present and the digit count.

    A small convolutional network (batch-normalised 3x3 convolutions, three
    of them halving the frame) on `32x32` grey frames in [0, 1]. The final
    4x4 grid is pooled (maximum and mean) into one shared dense layer with two
    heads: `"digits"`, ten logits of independent sigmoids (is a digit of
    class c in the frame?), and `"count"`, logits of a softmax over 0, 1 or
    2 digits. Frames with no digit (blank, noise, scribbles, blurred blobs)
    are trained to count 0 with every class absent, so that garbage is not
    read as a digit with confidence. `load_digit_classifier()` returns it with
    the weights that ship with keras_vidgan; `DigitLegibility` turns its
    outputs into legibility figures.

    Args:
        width: int. Channels of the first convolution; later stages have 2x
            and 4x and 8x as many.
        **kwargs: passed to `keras.Model`.

    Input: float32 `[B, 32, 32, 1]` in [0, 1] (0 is background).

    Output: a dict of float32 logits, `"digits"` `[B, 10]` and `"count"`
    `[B, 3]`.

    Example:

    ```python
    import numpy as np
    from keras_vidgan.metrics import DigitClassifier

    classifier = DigitClassifier(width=4)
    outputs = classifier(np.zeros((2, 32, 32, 1), "float32"))
    print(outputs["digits"].shape, outputs["count"].shape)  # (2, 10) (2, 3)
    ```
    """

    def __init__(self, width=16, **kwargs):
        frame = keras.Input(shape=(FRAME_SIZE, FRAME_SIZE, 1), name="frame")
        x = _unit(frame, width, 1, "conv0")
        x = _unit(x, width * 2, 2, "down0")
        x = _unit(x, width * 2, 1, "conv1")
        x = _unit(x, width * 4, 2, "down1")
        x = _unit(x, width * 4, 1, "conv2")
        x = _unit(x, width * 4, 1, "conv3")
        y = _unit(x, width * 8, 2, "down2")
        pooled = layers.Concatenate(name="pooled")(
            [layers.GlobalMaxPooling2D()(y), layers.GlobalAveragePooling2D()(y)]
        )
        hidden = layers.Dense(width * 8, activation="relu", name="hidden")(pooled)
        count = layers.Dense(MAX_COUNT + 1, name="count", dtype="float32")(hidden)
        digits = layers.Dense(NUM_CLASSES, name="digits", dtype="float32")(hidden)
        super().__init__(frame, {"digits": digits, "count": count}, **kwargs)
        self.width = width

    def get_config(self):
        return {"width": self.width, "name": self.name, "trainable": self.trainable}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _unit(x, channels, stride, name):
    x = layers.Conv2D(
        channels, 3, strides=stride, padding="same", use_bias=False, name=name
    )(x)
    x = layers.BatchNormalization(name=f"{name}_norm")(x)
    return layers.ReLU()(x)


def save_digit_classifier(classifier, path):
    """Writes the classifier's weights as float16 arrays in a compressed `.npz`.

    float16 keeps the shipped file small; the readings it gives differ from
    float32 weights by far less than the thresholds' margins.
    """
    arrays = {
        f"{index:03d}:{weight.path}": keras.ops.convert_to_numpy(weight).astype(np.float16)
        for index, weight in enumerate(classifier.weights)
    }
    arrays["width"] = np.array(classifier.width)
    arrays["version"] = np.array(WEIGHTS_VERSION)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    np.savez_compressed(path, **arrays)


def load_digit_classifier(path=None):
    """The `DigitClassifier` with the weights that ship with keras_vidgan (or those at `path`).

    Args:
        path: str. A file written by `save_digit_classifier`; the shipped
            weights when omitted.

    Returns:
        A `DigitClassifier`.

    Example:

    ```python
    from keras_vidgan.metrics import load_digit_classifier

    classifier = load_digit_classifier()
    print(classifier.count_params() < 250_000)  # True
    ```
    """
    path = path or WEIGHTS_FILE
    if not os.path.exists(path):
        raise FileNotFoundError(
            f"No digit classifier weights at {path}; write them with "
            "`python -m keras_vidgan.metrics.digit_classifier_training`."
        )
    with np.load(path) as stored:
        width = int(stored["width"])
        names = sorted(name for name in stored.files if ":" in name)
        arrays = [stored[name] for name in names]
    classifier = DigitClassifier(width=width)
    if len(arrays) != len(classifier.weights):
        raise ValueError(
            f"{path} holds {len(arrays)} arrays; a DigitClassifier of width {width} has "
            f"{len(classifier.weights)} weights."
        )
    for weight, array in zip(classifier.weights, arrays):
        if tuple(weight.shape) != array.shape:
            raise ValueError(
                f"{path}: {weight.path} has shape {tuple(weight.shape)}, the file {array.shape}."
            )
        weight.assign(array.astype(np.float32))
    return classifier
