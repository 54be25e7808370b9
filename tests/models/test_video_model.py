"""`VideoModel`, the base class of the zoo: argument checks, attributes and configs for all."""

import inspect

import keras
import numpy as np
import pytest

from keras_vidgan import models
from keras_vidgan.models import VideoModel
from keras_vidgan.models.video_model import OPTIONAL_POSITIVE_ARGUMENTS, POSITIVE_ARGUMENTS

# Every public model built on the base class.
ZOO = tuple(
    model
    for model in map(models.__dict__.get, models.__all__)
    if issubclass(model, VideoModel) and model is not VideoModel
)
SMALL = dict(frames=8, size=32, channels=1, width=2)


def _arguments(model_class):
    return [name for name in inspect.signature(model_class.__init__).parameters][1:-1]


@pytest.mark.parametrize("model_class", ZOO, ids=lambda cls: cls.__name__)
def test_every_constructor_argument_is_an_attribute_and_in_the_config(model_class):
    model = model_class(**SMALL)
    config = model.get_config()
    assert set(config) == {"name", "trainable", "dtype", *_arguments(model_class)}
    for name in _arguments(model_class):
        default = inspect.signature(model_class.__init__).parameters[name].default
        expected = SMALL.get(name, default)
        assert getattr(model, name) == config[name] == expected, name


@pytest.mark.parametrize(
    "model_class,argument",
    [
        (model_class, argument)
        for model_class in ZOO
        for argument in _arguments(model_class)
        if argument in POSITIVE_ARGUMENTS + OPTIONAL_POSITIVE_ARGUMENTS
    ],
    ids=lambda value: getattr(value, "__name__", value),
)
@pytest.mark.parametrize("value", [0, 2.0, True])
def test_shared_arguments_are_checked_by_every_model(model_class, argument, value):
    with pytest.raises(ValueError, match=f"^`{argument}` must be a positive integer, got"):
        model_class(**{**SMALL, argument: value})


@pytest.mark.parametrize("model_class", ZOO, ids=lambda cls: cls.__name__)
def test_clip_shape_is_checked_by_every_model(model_class):
    with pytest.raises(ValueError, match=r"^`size` must be one of \(32, 64, 128\), got 48\."):
        model_class(**{**SMALL, "size": 48})


def test_base_class_is_not_a_model_by_itself():
    noise = keras.Input((4,))
    with pytest.raises(TypeError, match="`VideoModel` is a base class"):
        VideoModel([noise], keras.layers.Dense(2)(noise))


def test_a_subclass_gets_config_attributes_and_a_single_input_without_labels():
    class Scale(VideoModel):
        def __init__(self, frames=8, size=32, channels=1, factor=2.0, num_classes=None, **kwargs):
            clips = keras.Input((frames, size, size, channels))
            labels = self.labels_input(num_classes)
            scaled = keras.layers.Rescaling(factor)(clips)
            super().__init__([clips, labels], scaled, **kwargs)

    model = Scale(factor=3.0, name="scale")
    assert model.factor == 3.0 and model.num_classes is None
    assert not isinstance(model.input, list)
    ones = np.ones((1, 8, 32, 32, 1), "float32")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(model(ones)), 3 * ones)
    assert Scale.from_config(model.get_config()).get_config() == model.get_config()
    with pytest.raises(ValueError, match="`num_classes` must be a positive integer"):
        Scale(num_classes=-1)
