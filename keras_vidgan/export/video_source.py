"""Generating videos from a Keras generator or from an export, one interface for both.

A `VideoSource`'s `generate` and `generate_from_seeds` return uint8 clips
`[B, T, H, W, C]`. A Keras model (`KerasVideoSource`) and its SavedModel
export (`SavedModelVideoSource`, or `open_export(path)`) give identical bytes
for the same noise or seeds, so `keras-vidgan sample` writes the same files
from either. Run directories and `.keras` files are opened by
`keras_vidgan.training.open_video_source`, which also opens exports.
"""

import abc
import json
import os
import re

import keras
import numpy as np

from keras_vidgan.export.saved_model_export import (
    DEFAULT_FPS,
    FORMAT_NAME,
    describe_generator,
    generator_of,
    resolve_export_dir,
)
from keras_vidgan.models.seeds import labels_for_seeds, noise_from_seeds
from keras_vidgan.utils.pixels import video_to_uint8_numpy


class VideoSource(abc.ABC):
    """Generates uint8 videos from noise or integer seeds.

    Attributes:
        latent_dim: int. Size of one noise vector.
        clip_shape: `(frames, height, width, channels)`.
        fps: int. Frame rate the model was trained for.
        num_classes: int, or None for an unconditional model.
        labels_per_clip: int. Class labels per video: 1, or several (one
            per digit), passed as `[B, labels_per_clip]`.
        text_conditional: bool. The model takes a text prompt per video
            (passed as `labels`: strings, or UTF-8 bytes).
        max_words: int, the text encoder's limit, or None without text.
        description: short text naming what was loaded.
    """

    latent_dim = None
    clip_shape = None
    fps = DEFAULT_FPS
    num_classes = None
    labels_per_clip = 1
    text_conditional = False
    max_words = None
    description = ""

    @abc.abstractmethod
    def generate(self, noise, labels=None):
        """Videos for a float32 noise batch `[B, latent_dim]`: uint8 `[B, T, H, W, C]`."""

    def generate_from_seeds(self, seeds, labels=None):
        """Videos for int64 seeds `[B]`, mapped to noise by `noise_from_seeds`.

        A class-conditional source without `labels` gives the video of seed
        `s` the classes of `labels_for_seeds`, as `GAN.generate` does.
        """
        labels = self._seed_labels(seeds, labels)
        return self.generate(noise_from_seeds(seeds, self.latent_dim).numpy(), labels)

    def _seed_labels(self, seeds, labels):
        if labels is not None or self.num_classes is None or self.text_conditional:
            return labels
        return labels_for_seeds(seeds, self.num_classes, self.labels_per_clip)

    def _check_labels(self, labels, batch_size):
        if self.text_conditional:
            if labels is None:
                raise ValueError(f"{self.description} is text-conditioned; give a prompt per "
                                 "video.")
            texts = [labels] if isinstance(labels, (str, bytes)) else list(labels)
            if len(texts) == 1:
                texts = texts * batch_size
            if len(texts) != batch_size:
                raise ValueError(f"Got {len(texts)} prompts for {batch_size} videos.")
            # Bytes go through as they are, so that the model itself judges their encoding.
            return [text if isinstance(text, bytes)
                    else str(text).encode("utf-8", "surrogateescape") for text in texts]
        if self.num_classes is None:
            if labels is not None:
                raise ValueError(f"{self.description} is unconditional; it takes no labels.")
            return None
        per_clip = self.labels_per_clip
        if labels is None:
            what = "a label" if per_clip == 1 else f"{per_clip} labels"
            raise ValueError(
                f"{self.description} is class-conditional ({self.num_classes} classes); "
                f"give {what} per video."
            )
        shape = (batch_size,) + ((per_clip,) if per_clip > 1 else ())
        labels = np.asarray(labels, np.int32)
        if labels.shape not in {(), shape, shape[1:]}:
            raise ValueError(
                f"Got labels of shape {labels.shape} for {batch_size} videos; give one class, "
                f"or labels of shape {shape}."
            )
        labels = np.broadcast_to(labels, shape)
        if labels.min(initial=0) < 0 or labels.max(initial=0) >= self.num_classes:
            raise ValueError(f"labels must be in [0, {self.num_classes}).")
        return labels


class KerasVideoSource(VideoSource):
    """A generator `keras.Model` in memory, or the one a `keras_vidgan.GAN` samples with.

    Args:
        generator: the generator model, or a GAN (its `sampling_generator`
            is used).
        fps: frame rate to report.
        description: what was loaded, for messages.
        frames: int, or None for the frames the generator was built for.
            Another count needs a generator that renders frames at any time
            (`latent_dim_for` and `render`, as `StyleGANVGenerator` has); the
            noise then holds the motion codes of that many frames, and a
            seed's noise extends the noise of the trained length.

    Example:

    ```python
    import keras_vidgan
    from keras_vidgan.export.video_source import KerasVideoSource

    generator = keras_vidgan.models.VGANGenerator(
        latent_dim=8, frames=8, size=32, channels=1, width=4
    )
    source = KerasVideoSource(generator)
    print(source.generate_from_seeds([1, 2]).shape)  # (2, 8, 32, 32, 1)
    ```
    """

    def __init__(self, generator, fps=DEFAULT_FPS, description="the generator", frames=None):
        generator = generator_of(generator)
        spec = describe_generator(generator)
        self.generator = generator
        self.latent_dim = spec["latent_dim"]
        self.render_frames = None
        if frames is not None:
            if not hasattr(generator, "render") or not hasattr(generator, "latent_dim_for"):
                raise ValueError(
                    f"{description} renders only its {spec['frames']} frames "
                    f"({type(generator).__name__}); another number of frames needs a model "
                    "that renders any time, such as a styleganv run."
                )
            self.render_frames = int(frames)
            self.latent_dim = generator.latent_dim_for(self.render_frames)
            spec = {**spec, "frames": self.render_frames}
        self.clip_shape = (spec["frames"], spec["height"], spec["width"], spec["channels"])
        self.num_classes = spec["num_classes"]
        self.labels_per_clip = spec["labels_per_clip"]
        self.text_conditional = bool(spec["text_conditional"])
        self.max_words = spec["max_words"]
        self.fps = int(fps)
        self.description = description

    def _check_labels(self, labels, batch_size):
        labels = super()._check_labels(labels, batch_size)
        if self.text_conditional:
            import tensorflow as tf

            encoder = self.generator.get_layer("text_encoder")
            for text, problem in zip(labels, encoder.text_problems(labels)):
                if problem:
                    raise ValueError(f"Cannot use the prompt {_shown(text)}: {problem}.")
            return tf.constant(labels, tf.string)
        return labels

    def generate(self, noise, labels=None):
        noise = np.asarray(noise, np.float32)
        if noise.ndim != 2 or noise.shape[1] != self.latent_dim:
            raise ValueError(
                f"noise must have shape [batch, {self.latent_dim}], got {noise.shape}."
            )
        labels = self._check_labels(labels, len(noise))
        if self.text_conditional:
            # Keras takes a list of inputs either all tensors or none: texts are tensors.
            noise = keras.ops.convert_to_tensor(noise)
        inputs = noise if labels is None else [noise, labels]
        if self.render_frames is not None:
            times = np.arange(self.render_frames, dtype=np.float32)
            video = self.generator.render(inputs, times, training=False)
        else:
            # A direct call, not predict(): no tf.function retracing for each batch
            # size, and the same float32 output as the export's graph (checked in tests).
            video = self.generator(inputs, training=False)
        return video_to_uint8_numpy(np.asarray(video))


class SavedModelVideoSource(VideoSource):
    """An export written by `export_saved_model`, loaded with `tf.saved_model.load`.

    Needs no keras_vidgan classes: only the signatures and the metadata.

    Args:
        export_dir: a version directory holding `saved_model.pb`.

    Example:

    ```python
    from keras_vidgan.export.video_source import SavedModelVideoSource

    source = SavedModelVideoSource("exports/vgan/1")
    print(source.generate_from_seeds([1, 2]).shape)
    ```
    """

    def __init__(self, export_dir):
        import tensorflow as tf

        self.loaded = tf.saved_model.load(export_dir)
        signatures = self.loaded.signatures
        if "metadata" not in signatures or "generate_from_seed" not in signatures:
            raise ValueError(
                f"{export_dir} is a SavedModel but not a keras_vidgan export (it has no "
                "`metadata` and `generate_from_seed` signatures); export it with "
                "`keras-vidgan export`."
            )
        info = {key: value.numpy() for key, value in signatures["metadata"]().items()}
        config = json.loads(info["config_json"].decode("utf-8"))
        if config.get("format") != FORMAT_NAME:
            raise ValueError(
                f"{export_dir} holds an unknown export format {config.get('format')!r}."
            )
        self.config = config
        self.latent_dim = int(info["latent_dim"])
        self.clip_shape = tuple(int(info[k]) for k in ("frames", "height", "width", "channels"))
        self.num_classes = int(info["num_classes"]) or None
        # Exports written before several labels per clip have no entry.
        self.labels_per_clip = int(info.get("labels_per_clip", 1))
        # Exports written before text conditioning have neither entry.
        self.text_conditional = bool(int(info.get("text_conditional", 0)))
        self.max_words = int(info.get("max_words", 0)) or None
        self.fps = int(info["fps"])
        self.description = f"the export {export_dir}"
        self._serving = signatures[
            "generate_conditional" if self.text_conditional else "serving_default"]
        self._from_seed = signatures["generate_from_seed"]

    def _labels_kwargs(self, labels, batch_size):
        import tensorflow as tf

        labels = self._check_labels(labels, batch_size)
        if self.text_conditional:
            return {"text": tf.constant(labels, tf.string)}
        return {} if labels is None else {"labels": tf.constant(labels, tf.int32)}

    def _call(self, signature, **inputs):
        import tensorflow as tf

        try:
            return signature(**inputs)["video"].numpy()
        except tf.errors.InvalidArgumentError as error:
            # The export's own checks say what was wrong on a line of their own.
            # In a graph, TensorFlow prints them as "assertion failed: [message] [...]".
            ours = re.search(r"keras_vidgan: [^\]\n]*", error.message)
            raise ValueError(ours.group(0) if ours else _first_line(error.message)) from None

    def generate(self, noise, labels=None):
        import tensorflow as tf

        noise = np.asarray(noise, np.float32)
        extra = self._labels_kwargs(labels, len(noise))
        return self._call(self._serving, noise=tf.constant(noise), **extra)

    def generate_from_seeds(self, seeds, labels=None):
        import tensorflow as tf

        seeds = np.asarray(seeds, np.int64)
        extra = self._labels_kwargs(self._seed_labels(seeds, labels), len(seeds))
        # The export's own signature, so its seed mapping is what gets used.
        return self._call(self._from_seed, seed=tf.constant(seeds), **extra)


def open_export(path):
    """Opens an export written by `export_saved_model`: a version directory or its base.

    Args:
        path: a SavedModel version directory, or the export base (its newest
            version is used).

    Returns:
        A `SavedModelVideoSource`.

    Raises:
        FileNotFoundError: no SavedModel is at `path`.
        ValueError: a SavedModel is there but cannot be loaded, or is not a
            keras_vidgan export; the message is one line.

    Example:

    ```python
    from keras_vidgan.export.video_source import open_export

    source = open_export("exports/vgan")
    videos = source.generate_from_seeds([0, 1, 2, 3])  # uint8 [4, T, H, W, C]
    ```
    """
    path = os.fspath(path)
    export_dir = resolve_export_dir(path) if os.path.isdir(path) else None
    if export_dir is None:
        raise FileNotFoundError(
            f"{path} holds no SavedModel (no saved_model.pb in it or in a version directory "
            "under it); pass a directory written by `keras-vidgan export`."
        )
    try:
        return SavedModelVideoSource(export_dir)
    except ValueError:
        raise
    except Exception as error:  # a damaged protobuf raises several types
        raise ValueError(
            f"Cannot load the SavedModel {export_dir}: {_first_line(error)}"
        ) from error


def _first_line(error):
    lines = [line for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def _shown(text):
    """A prompt for a one-line message: quoted, invalid bytes escaped, long ones shortened."""
    shown = text.decode("utf-8", "backslashreplace") if isinstance(text, bytes) else str(text)
    return repr(shown if len(shown) <= 60 else shown[:57] + "...")
