import functools
import inspect

import keras
from keras import layers

from keras_vidgan.layers.text_encoder import TextEncoder
from keras_vidgan.models.config_checks import check_clip_shape, check_positive_int

# Every zoo model spells these arguments the same way, so they are checked by
# name, once, for all of them.
POSITIVE_ARGUMENTS = ("latent_dim", "width", "frame_latent_dim", "content_dim", "motion_dim")
OPTIONAL_POSITIVE_ARGUMENTS = ("num_classes", "recurrent_stages", "frames_per_clip")


class VideoModel(keras.Model):
    """Base class of the model zoo: a functional network defined by its constructor arguments.

    A subclass builds its layers in `__init__` from plain arguments (ints,
    floats, strings, bools, None) and ends with
    `super().__init__(inputs, outputs, **kwargs)`. The base class then

    - checks the arguments every zoo model shares before the subclass builds
      anything: `frames`, `size` and `channels` must form a supported clip
      shape, `latent_dim`, `width`, `frame_latent_dim`, `content_dim` and
      `motion_dim` must be positive integers, and `num_classes`,
      `recurrent_stages` and `frames_per_clip` positive integers or None;
    - stores every constructor argument, defaults included, as an attribute
      of the same name (a subclass may overwrite one after
      `super().__init__` with the value it actually used);
    - returns those attributes from `get_config`, with `name`, `trainable`
      and `dtype`, and rebuilds the model from them in `from_config`, so a
      saved model is its constructor call plus its weights;
    - builds the subclass's layers under the `dtype` policy it is given
      (for example `dtype="mixed_bfloat16"`), not under the global one, so
      that a model reloaded in a process with another global policy
      computes exactly as it did when saved. Layers created with an explicit
      `dtype`, such as float32 output layers, keep theirs.

    `inputs` may hold None for an input the model does not take (for
    example `labels` without classes); a single remaining input is passed
    alone, so the model is called with one tensor rather than a list of one.

    Args:
        inputs: list of `keras.Input` tensors, or None for absent ones.
        outputs: the output tensor.
        **kwargs: passed to `keras.Model` (for example `name`, `dtype`).

    Example:

    ```python
    import keras
    import numpy as np
    import keras_vidgan


    class ClipScore(keras_vidgan.models.VideoModel):
        # The mean pixel of each channel, plus a learned offset per class.

        def __init__(self, frames=8, size=32, channels=1, num_classes=None, **kwargs):
            clips = keras.Input((frames, size, size, channels), name="video")
            labels = self.labels_input(num_classes)
            score = keras.layers.GlobalAveragePooling3D()(clips)
            offset = self.label_embedding(labels, num_classes, channels)
            if offset is not None:
                score = keras.layers.Add()([score, offset])
            super().__init__([clips, labels], score, **kwargs)


    model = ClipScore(frames=8, channels=3, num_classes=4)
    clips = np.ones((2, 8, 32, 32, 3), "float32")
    print(model([clips, np.array([0, 3])]).shape)  # (2, 3)
    print(model.frames, model.num_classes)  # 8 4
    clone = ClipScore.from_config(model.get_config())
    print(clone.get_config() == model.get_config())  # True
    ```
    """

    def __new__(cls, *args, **kwargs):
        # The constructor call, defaults included, is recorded before the subclass's
        # `__init__` runs, as Keras records a layer's auto-config. Keras also calls
        # `cls.__new__(cls)` with no arguments when it makes a model functional;
        # the defaults then bind.
        model = super().__new__(cls, *args, **kwargs)
        try:
            call = inspect.signature(cls.__init__).bind(None, *args, **kwargs)
        except TypeError:
            # Wrong arguments: `__init__` raises the same error in Python's words.
            return model
        call.apply_defaults()
        arguments = {name: call.arguments[name] for name in cls._argument_names()}
        # Checked here, before the subclass's `__init__` builds any layer, so that a
        # bad value fails with one readable error instead of inside a layer.
        _check_shared_arguments(arguments)
        # A plain attribute, outside Keras' tracking: `__init__` takes it back.
        object.__setattr__(model, "_constructor_arguments", arguments)
        return model

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__init__" in vars(cls):
            cls.__init__ = _under_own_dtype_policy(vars(cls)["__init__"])

    def __init__(self, inputs, outputs, **kwargs):
        if type(self) is VideoModel:
            raise TypeError("`VideoModel` is a base class: subclass it and build layers there.")
        present = [tensor for tensor in inputs if tensor is not None]
        super().__init__(
            inputs=present[0] if len(present) == 1 else present, outputs=outputs, **kwargs
        )
        for name, value in vars(self).pop("_constructor_arguments").items():
            setattr(self, name, value)

    @classmethod
    def _argument_names(cls):
        """The subclass's own constructor arguments (not `self`, not `**kwargs`)."""
        parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
        plain = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        return [parameter.name for parameter in parameters if parameter.kind in plain]

    @staticmethod
    def labels_input(num_classes, labels_per_clip=1):
        """The int labels input of a class-conditional model; None without classes.

        `[B]` for one label per clip, `[B, labels_per_clip]` for several (one
        per digit of a Moving MNIST clip, say).
        """
        if num_classes is None:
            return None
        shape = () if labels_per_clip == 1 else (labels_per_clip,)
        return keras.Input(shape, dtype="int32", name="labels")

    @staticmethod
    def label_embedding(labels, num_classes, dim):
        """A learned `[B, dim]` embedding of `labels`; None when there are no labels."""
        if labels is None:
            return None
        return layers.Embedding(num_classes, dim, name="label_embedding")(labels)

    @staticmethod
    def condition_input(num_classes, text_encoder=None, labels_per_clip=1):
        """The condition input: string texts `[B]` with `text_encoder`, else `labels_input`.

        A model is conditioned on classes or on text, not both.
        """
        check_positive_int("labels_per_clip", labels_per_clip)
        if labels_per_clip > 1 and num_classes is None:
            raise ValueError(
                f"`labels_per_clip` ({labels_per_clip}) counts class labels: pass `num_classes` "
                "too."
            )
        if text_encoder is None:
            return VideoModel.labels_input(num_classes, labels_per_clip)
        if num_classes is not None:
            raise ValueError("Pass `num_classes` or `text_encoder`, not both.")
        if not isinstance(text_encoder, dict) or "vocabulary" not in text_encoder:
            raise ValueError(
                "`text_encoder` must be a dict of `keras_vidgan.layers.TextEncoder` arguments "
                f"with a `vocabulary`, got {text_encoder!r}."
            )
        return keras.Input((), dtype="string", name="text")

    @staticmethod
    def text_code(text, text_encoder):
        """The `[B, code_dim]` code of a `TextEncoder` built from `text_encoder`; None without."""
        if text is None or text_encoder is None:
            return None
        return TextEncoder(**text_encoder, name="text_encoder")(text)

    @staticmethod
    def condition_embedding(condition, num_classes, text_encoder, dim):
        """A learned `[B, dim]` code of the condition (class or text); None without one.

        Text goes through the model's own `TextEncoder` and a linear map to
        `dim`, trained with the model; labels through `label_embedding`.
        """
        if text_encoder is None:
            return VideoModel.label_embedding(condition, num_classes, dim)
        code = VideoModel.text_code(condition, text_encoder)
        if code is None:
            return None
        return layers.Dense(dim, name="text_projection")(code)

    @staticmethod
    def join_codes(codes):
        """Concatenates the codes that are not None (one alone is returned as it is)."""
        present = [code for code in codes if code is not None]
        return present[0] if len(present) == 1 else layers.Concatenate()(present)

    def get_config(self):
        # Not `super().get_config()`: a functional config lists layers, which the
        # subclass's constructor does not take.
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": keras.dtype_policies.serialize(self.dtype_policy),
            **{name: getattr(self, name) for name in self._argument_names()},
        }

    @classmethod
    def from_config(cls, config):
        # Keras' default would revive a plain functional `keras.Model`.
        return cls(**config)


def _under_own_dtype_policy(init):
    """`init`, run with the global dtype policy set to its `dtype` argument (if given).

    Keras layers take the global policy when they are created without a
    `dtype`; a functional model's own `dtype` does not reach the layers built
    before it. Keras has no scoped policy, so the global one is set for the
    constructor's duration and restored (it is thread-local state).
    """

    @functools.wraps(init)
    def init_under_policy(self, *args, **kwargs):
        dtype = kwargs.get("dtype")
        if dtype is None:
            return init(self, *args, **kwargs)
        previous = keras.config.dtype_policy()
        keras.config.set_dtype_policy(keras.dtype_policies.get(dtype))
        try:
            return init(self, *args, **kwargs)
        finally:
            keras.config.set_dtype_policy(previous)

    # Keras reads the constructor's arguments with `inspect.getfullargspec`, which
    # ignores `__wrapped__` but honours `__signature__`.
    init_under_policy.__signature__ = inspect.signature(init)
    return init_under_policy


def _check_shared_arguments(arguments):
    if {"frames", "size", "channels"} <= arguments.keys():
        check_clip_shape(arguments["frames"], arguments["size"], arguments["channels"])
    for name in POSITIVE_ARGUMENTS:
        if name in arguments:
            check_positive_int(name, arguments[name])
    for name in OPTIONAL_POSITIVE_ARGUMENTS:
        if arguments.get(name) is not None:
            check_positive_int(name, arguments[name])
