"""SavedModel export of a video generator, laid out for TensorFlow Serving.

`export_saved_model` writes `EXPORT_BASE/<version>/` with:

- `saved_model.pb`, `variables/`: the generator and these signatures
  (`B` is the batch, `T, H, W, C` the clip shape):

  | signature | inputs | outputs |
  |---|---|---|
  | `serving_default` | `noise` float32 `[B, latent_dim]` | `video` uint8 `[B, T, H, W, C]` |
  | `generate_from_seed` | `seed` int64 `[B]` | `video` |
  | `metadata` | none | int32 scalars and `config_json` (string), below |

  `metadata` returns `fps`, `frames`, `height`, `width`, `channels`,
  `latent_dim`, `num_classes` (0 when unconditional), `labels_per_clip` and
  `config_json`.

  A class-conditional generator (one with a `num_classes` attribute that
  takes `[noise, labels]`) gets `generate_conditional` (`noise`, `labels`
  int32 `[B]`) instead; `serving_default` is then the same function and
  `generate_from_seed` takes `seed` and `labels`. A generator with several
  labels per clip (`labels_per_clip` L > 1, one per digit) takes `labels`
  int32 `[B, L]` in both.

  A text-conditioned generator (one with a `text_encoder` attribute that
  takes `[noise, texts]`, see `keras_vidgan.layers.TextEncoder`) gets
  `generate_from_text` (`text` string `[B]`, raw UTF-8 prompts, and `seed`
  int64 `[B]`), which is also `serving_default`; `generate_conditional`
  (`noise`, `text`) and `generate_from_seed` (`seed`, `text`) take the same
  strings. The vocabulary lives inside the SavedModel, so clients send plain
  text. `metadata` then has `text_conditional` 1 and `max_words`, the
  encoder's limit. Every text must be valid UTF-8, hold at least one word,
  at most `max_words` words, and at least one word of the vocabulary.
- `assets.extra/keras_vidgan.json`: the same metadata as a file, for tools
  that read the directory (TF Serving copies but never loads `assets.extra`).

Inputs are checked inside the graph, so every client (TF Serving, `saved_model_cli`,
`tf.saved_model.load`) gets an `InvalidArgumentError` naming the problem
instead of a shape error deep in the network or silently wrong videos.
"""

import json
import os
import re
import shutil
import tempfile

import keras
import tensorflow as tf

from keras_vidgan.models.seeds import SEED_STREAM, noise_from_seeds
from keras_vidgan.utils.output_folder import unwritable_reason
from keras_vidgan.utils.pixels import video_to_uint8
from keras_vidgan.utils.write_failed import WriteFailed, write_error_reason
from keras_vidgan.version import __version__

# Bumped whenever the signatures or the seed mapping change meaning.
FORMAT_VERSION = 1
FORMAT_NAME = "keras_vidgan.video_generator"
METADATA_FILE = os.path.join("assets.extra", "keras_vidgan.json")
DEFAULT_FPS = 8
# Run-config keys that name paths on the training machine: they stay out of the export.
PRIVATE_RUN_KEYS = ("out", "data")
_VERSION_NAME = re.compile(r"^[0-9]+$")


def export_saved_model(
    model, export_base, version=None, overwrite=False, fps=None, run_config=None, source=None
):
    """Exports a generator as a TF Serving model version `EXPORT_BASE/<version>/`.

    The version is built in a hidden temporary directory inside `export_base`
    and renamed into place, so a server watching `export_base` never sees a
    half-written version (TF Serving only loads directories named by an
    integer).

    Takes models in memory only. To export a run directory or a `.keras`
    file, use `keras_vidgan.training.export_run(path, export_base)`, which
    loads it and passes its `config.json` as `run_config`.

    Args:
        model: a `keras_vidgan.GAN` or a generator `keras.Model`. From a GAN,
            its `sampling_generator` is exported (the moving average of the
            weights when it keeps one).
        export_base: the model's base directory, as given to TF Serving's
            `--model_base_path`. Created if needed.
        version: positive int. Default: one more than the highest existing
            version, or 1.
        overwrite: replace an existing version instead of refusing.
        fps: frame rate recorded with the export. Default: `run_config`'s
            "fps", else 8.
        run_config: dict, the settings of the training run (its
            `config.json`), recorded in the metadata without the keys that
            name paths of the training machine.
        source: short name of what the model was loaded from, recorded in the
            metadata (None for a model built in this process).

    Returns:
        The path of the version directory written.

    Raises:
        FileExistsError: the version exists and `overwrite` is False.
        ValueError: `model` is not a model, or not one that can be exported,
            or `export_base` cannot be written (checked before any work).
        keras_vidgan.utils.WriteFailed: writing the version failed part-way
            (a full disk); nothing of it is left, and every existing version,
            the one `overwrite` would replace included, is as it was.

    Example:

    ```python
    import keras_vidgan
    from keras_vidgan.export import export_saved_model

    generator = keras_vidgan.models.VGANGenerator(
        latent_dim=8, frames=8, size=32, channels=1, width=4
    )
    path = export_saved_model(generator, "exports/vgan", version=1)
    print(path)  # exports/vgan/1
    ```
    """
    generator = generator_of(model)
    check_export_base(export_base)
    run_config = dict(run_config or {})
    fps = int(fps if fps is not None else run_config.get("fps", DEFAULT_FPS))
    if fps <= 0:
        raise ValueError(f"fps must be positive, got {fps}.")
    spec = describe_generator(generator)
    metadata = _metadata(spec, fps, generator, run_config, source)

    try:
        os.makedirs(export_base, exist_ok=True)
    except OSError as error:
        raise ValueError(f"Cannot create {export_base} ({write_error_reason(error)}); pass "
                         "another export base.") from None
    if version is None:
        version = next_version(export_base)
    if isinstance(version, bool) or not isinstance(version, int) or version <= 0:
        raise ValueError(f"version must be a positive integer, got {version!r}.")
    final_dir = os.path.join(export_base, str(version))
    if os.path.exists(final_dir) and not overwrite:
        error = FileExistsError(
            f"{final_dir} already exists; pass overwrite=True (--overwrite) to replace "
            "it, or another version."
        )
        error.export_dir = final_dir
        raise error
    archive = build_export_archive(generator, spec, metadata)
    replacing = os.path.exists(final_dir)

    build_dir = None
    try:
        # Same filesystem as the target, so the final rename is atomic; the leading
        # dot and the non-integer name keep TF Serving from loading it.
        build_dir = tempfile.mkdtemp(prefix=f".{version}.building-", dir=export_base)
        # mkdtemp makes the directory private (0700); a server running as another
        # user must be able to read the version it is pointed at.
        os.chmod(build_dir, 0o777 & ~_current_umask())
        archive.write_out(build_dir, verbose=False)
        metadata_path = os.path.join(build_dir, METADATA_FILE)
        os.makedirs(os.path.dirname(metadata_path), exist_ok=True)
        with open(metadata_path, "w") as handle:
            json.dump(metadata, handle, indent=2, sort_keys=True)
        _move_into_place(build_dir, final_dir, overwrite)
    except BaseException as error:
        if build_dir is not None:
            shutil.rmtree(build_dir, ignore_errors=True)
        # TensorFlow's writers report a full disk as an OpError, Python's as an OSError.
        if isinstance(error, (OSError, tf.errors.OpError)) and not isinstance(
            error, FileExistsError
        ):
            kept = (f"{final_dir} is left as it was" if replacing
                    else f"nothing was written under {final_dir}")
            raise WriteFailed(
                f"Writing the export {final_dir} failed ({write_error_reason(error)}); {kept}, "
                f"and the other versions in {export_base} are intact. Free space (or fix "
                f"{export_base}) and export again."
            ) from error
        raise
    return final_dir


def check_export_base(export_base):
    """Raises `ValueError` in one line when `export_base` cannot receive an export.

    Runs before any model is loaded or traced, so a typo or a read-only
    folder fails at once.

    Example:

    ```python
    from keras_vidgan.export.saved_model_export import check_export_base

    check_export_base("exports/vgan")  # a writable folder: nothing happens
    ```
    """
    problem = unwritable_reason(export_base)
    if problem:
        raise ValueError(f"Cannot write the export into {export_base}: {problem}; pass another "
                         "export base.")


def describe_generator(generator):
    """What an export needs to know about a generator, read from the model itself.

    Args:
        generator: a built `keras.Model` taking noise `[B, latent_dim]`, or
            `[noise, labels]` when it has a `num_classes` attribute.

    Returns:
        dict with `latent_dim`, `frames`, `height`, `width`, `channels`,
        `num_classes` (None for an unconditional generator),
        `labels_per_clip` (1 unless the generator takes several),
        `text_conditional` and `max_words` (the text encoder's limit, None
        without text).

    Example:

    ```python
    import keras_vidgan
    from keras_vidgan.export import describe_generator

    generator = keras_vidgan.models.VGANGenerator(
        latent_dim=8, frames=8, size=32, channels=1, width=4
    )
    print(describe_generator(generator)["frames"])  # 8
    ```
    """
    inputs = getattr(generator, "inputs", None) or []
    num_classes = getattr(generator, "num_classes", None)
    text_conditional = getattr(generator, "text_encoder", None) is not None and len(inputs) == 2
    conditional = (num_classes is not None or text_conditional) and len(inputs) == 2
    if not inputs:
        raise ValueError(
            f"Cannot export {type(generator).__name__}: it has no known inputs. Export a "
            "functional keras.Model (such as keras_vidgan.models.VGANGenerator)."
        )
    if len(inputs) != (2 if conditional else 1):
        raise ValueError(
            f"Cannot export {type(generator).__name__}: it takes {len(inputs)} inputs; "
            "expected noise, or [noise, labels] together with a `num_classes` attribute (or "
            "[noise, texts] with a `text_encoder`)."
        )
    latent_dim = inputs[0].shape[-1]
    output_shape = tuple(generator.outputs[0].shape[1:])
    if latent_dim is None or len(output_shape) != 4 or None in output_shape:
        raise ValueError(
            f"Cannot export {type(generator).__name__}: it maps {tuple(inputs[0].shape)} "
            f"to {output_shape}; expected [B, latent_dim] noise to [B, T, H, W, C] clips."
        )
    frames, height, width, channels = (int(d) for d in output_shape)
    return {
        "latent_dim": int(latent_dim),
        "frames": frames,
        "height": height,
        "width": width,
        "channels": channels,
        "num_classes": int(num_classes) if conditional and not text_conditional else None,
        "labels_per_clip": int(getattr(generator, "labels_per_clip", 1)),
        "text_conditional": text_conditional,
        "max_words": (int(generator.get_layer("text_encoder").sequence_length)
                      if text_conditional else None),
    }


def build_export_archive(generator, spec, metadata):
    """The `keras.export.ExportArchive` with every signature (see the module docstring).

    Args:
        generator: the generator model.
        spec: `describe_generator(generator)`.
        metadata: the dict stored as `config_json` (JSON-serializable).

    Returns:
        A `keras.export.ExportArchive`, ready for `write_out`.
    """
    latent_dim = spec["latent_dim"]
    num_classes = spec["num_classes"]
    # No `archive.track(generator)`: the endpoints already capture every variable,
    # and tracking the Keras model as well stores each weight twice (once per
    # Keras variable, once per underlying tf.Variable), doubling the export.
    archive = keras.export.ExportArchive()

    noise_spec = tf.TensorSpec([None, None], tf.float32, name="noise")
    seed_spec = tf.TensorSpec([None], tf.int64, name="seed")
    labels_per_clip = spec.get("labels_per_clip", 1)
    labels_spec = tf.TensorSpec(
        [None] + ([labels_per_clip] if labels_per_clip > 1 else []), tf.int32, name="labels"
    )
    text_spec = tf.TensorSpec([None], tf.string, name="text")

    def videos(noise, *conditions):
        inputs = [noise, *conditions] if conditions else noise
        return {"video": video_to_uint8(generator(inputs, training=False))}

    def seed_noise(seed):
        return check_noise(noise_from_seeds(seed, latent_dim), latent_dim)

    if spec.get("text_conditional"):
        encoder = generator.get_layer("text_encoder")
        # The vocabulary's lookup table is a resource the endpoints capture: it is saved
        # only when tracked (it holds no weights, so nothing is stored twice).
        archive.track(encoder.vectorizer)

        def generate_conditional_text(noise, text):
            noise = check_noise(noise, latent_dim)
            return videos(noise, check_text(encoder, text, tf.shape(noise)[0]))

        def generate_from_text(text, seed):
            return videos(seed_noise(seed), check_text(encoder, text, tf.shape(seed)[0]))

        def generate_from_seed_text(seed, text):
            return generate_from_text(text, seed)

        archive.add_endpoint("serving_default", generate_from_text, [text_spec, seed_spec])
        archive.add_endpoint("generate_from_text", generate_from_text, [text_spec, seed_spec])
        archive.add_endpoint("generate_conditional", generate_conditional_text,
                             [noise_spec, text_spec])
        archive.add_endpoint("generate_from_seed", generate_from_seed_text,
                             [seed_spec, text_spec])
    elif num_classes is None:

        def serving_default(noise):
            return videos(check_noise(noise, latent_dim))

        def generate_from_seed(seed):
            return videos(seed_noise(seed))

        archive.add_endpoint("serving_default", serving_default, [noise_spec])
        archive.add_endpoint("generate_from_seed", generate_from_seed, [seed_spec])
    else:

        def generate_conditional(noise, labels):
            noise = check_noise(noise, latent_dim)
            return videos(
                noise, check_labels(labels, num_classes, tf.shape(noise)[0], labels_per_clip)
            )

        def generate_from_seed(seed, labels):
            return videos(
                seed_noise(seed),
                check_labels(labels, num_classes, tf.shape(seed)[0], labels_per_clip),
            )

        archive.add_endpoint("serving_default", generate_conditional,
                             [noise_spec, labels_spec])
        archive.add_endpoint("generate_conditional", generate_conditional,
                             [noise_spec, labels_spec])
        archive.add_endpoint("generate_from_seed", generate_from_seed,
                             [seed_spec, labels_spec])

    constants = {
        "fps": metadata["fps"],
        "frames": spec["frames"],
        "height": spec["height"],
        "width": spec["width"],
        "channels": spec["channels"],
        "latent_dim": latent_dim,
        "num_classes": num_classes or 0,
        "labels_per_clip": labels_per_clip,
        "text_conditional": int(bool(spec.get("text_conditional"))),
        "max_words": spec.get("max_words") or 0,
    }
    config_json = json.dumps(metadata, sort_keys=True)

    def metadata_signature():
        outputs = {key: tf.constant(value, tf.int32) for key, value in constants.items()}
        outputs["config_json"] = tf.constant(config_json)
        return outputs

    archive.add_endpoint("metadata", metadata_signature, [])
    return archive


def check_noise(noise, latent_dim):
    """Fails in the graph with a message a client can act on unless noise is `[B > 0, latent_dim]`.

    Returns the noise with its static shape set to `[None, latent_dim]`.
    """
    size_check = tf.debugging.assert_equal(
        tf.shape(noise)[1],
        tf.constant(latent_dim, tf.int32),
        message=f"keras_vidgan: `noise` must have shape [batch, {latent_dim}] "
        f"(latent_dim={latent_dim}); got another last dimension",
    )
    # An empty batch would fail deep inside batch normalization with a shape error.
    batch_check = tf.debugging.assert_positive(
        tf.shape(noise)[0], message="keras_vidgan: `noise` must hold at least one vector"
    )
    with tf.control_dependencies([size_check, batch_check]):
        noise = tf.debugging.check_numerics(
            noise, "keras_vidgan: `noise` must be finite; it contains NaN or Inf"
        )
    return tf.ensure_shape(noise, [None, latent_dim])


def check_labels(labels, num_classes, batch_size, labels_per_clip=1):
    """Fails in the graph unless every label is in `[0, num_classes)` and every video has its own.

    `labels` is `[B]`, or `[B, labels_per_clip]` for several labels per video.
    """
    each = "one label" if labels_per_clip == 1 else f"{labels_per_clip} labels"
    checks = [
        tf.debugging.assert_equal(
            tf.shape(labels)[0], batch_size,
            message=f"keras_vidgan: give {each} per video (`labels` and the "
            "noise or seed must have the same batch size)",
        ),
        tf.debugging.assert_greater_equal(
            labels, tf.constant(0, tf.int32),
            message=f"keras_vidgan: `labels` must be in [0, {num_classes}); got a negative label",
        ),
        tf.debugging.assert_less(
            labels, tf.constant(num_classes, tf.int32),
            message=f"keras_vidgan: `labels` must be in [0, {num_classes}) "
            f"(num_classes={num_classes}); got a label >= {num_classes}",
        ),
    ]
    with tf.control_dependencies(checks):
        return tf.identity(labels)


def check_text(encoder, text, batch_size):
    """Fails in the graph unless there is one usable text per video (see `TextEncoder`)."""
    count = tf.debugging.assert_equal(
        tf.shape(text)[0], batch_size,
        message="keras_vidgan: give one text per video (`text` and the noise or seed must "
        "have the same batch size)",
    )
    with tf.control_dependencies([count]):
        return encoder.assert_valid_text(text)


def next_version(export_base):
    """One more than the highest integer-named version in `export_base` (1 when none)."""
    return max(list_versions(export_base), default=0) + 1


def list_versions(export_base):
    """The integer versions present in `export_base`, ascending."""
    if not os.path.isdir(export_base):
        return []
    return sorted(
        int(name) for name in os.listdir(export_base)
        if _VERSION_NAME.match(name) and os.path.isdir(os.path.join(export_base, name))
    )


def resolve_export_dir(path):
    """The SavedModel directory `path` stands for: itself, or the newest version under it.

    Args:
        path: a version directory (holding `saved_model.pb`) or an export base.

    Returns:
        The version directory, or None when `path` is neither.
    """
    if os.path.isfile(os.path.join(path, "saved_model.pb")):
        return path
    for version in reversed(list_versions(path)):
        candidate = os.path.join(path, str(version))
        if os.path.isfile(os.path.join(candidate, "saved_model.pb")):
            return candidate
    return None


def read_export_metadata(path):
    """The metadata of an export (`assets.extra/keras_vidgan.json`) as a dict.

    Args:
        path: a version directory or an export base (newest version).

    Example:

    ```python
    from keras_vidgan.export import read_export_metadata

    info = read_export_metadata("exports/vgan")
    print(info["fps"], info["frames"], info["latent_dim"])
    ```
    """
    export_dir = resolve_export_dir(path)
    if export_dir is None:
        raise FileNotFoundError(f"{path} holds no SavedModel (no saved_model.pb).")
    with open(os.path.join(export_dir, METADATA_FILE)) as handle:
        return json.load(handle)


def generator_of(model):
    """The generator that exports and sampling use: a GAN's `sampling_generator`, or `model`.

    Args:
        model: a `keras_vidgan.GAN` (anything with a `generator`) or a
            generator `keras.Model`.

    Raises:
        ValueError: `model` is not a `keras.Model`, for example a path.

    Example:

    ```python
    import keras_vidgan
    from keras_vidgan.export.saved_model_export import generator_of

    generator = keras_vidgan.models.VGANGenerator(
        latent_dim=8, frames=8, size=32, channels=1, width=4
    )
    assert generator_of(generator) is generator
    ```
    """
    if isinstance(model, (str, os.PathLike)):
        raise ValueError(
            f"Got the path {os.fspath(model)!r} where a model was expected; load it first with "
            "keras_vidgan.training.load_generator(path), or export it with "
            "keras_vidgan.training.export_run(path, export_base)."
        )
    if not isinstance(model, keras.Model):
        raise ValueError(
            f"Expected a keras_vidgan GAN or a generator keras.Model, got {type(model).__name__}."
        )
    if hasattr(model, "generator"):
        # Not `model.sampling_generator` directly: a GAN-like model of the
        # user's own may not keep a moving average.
        sampling = getattr(model, "sampling_generator", None)
        return sampling if sampling is not None else model.generator
    return model


def _metadata(spec, fps, generator, run_config, source):
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "keras_vidgan_version": __version__,
        "fps": fps,
        **spec,
        "seed_to_noise": (
            "noise[i] = tf.random.stateless_normal([latent_dim], "
            f"seed=[seed[i], {SEED_STREAM}]), float32"
        ),
        "pixel_mapping": "uint8 = clip(round_half_to_even((float64(x) + 1) * 127.5), 0, 255)",
        "generator_class": keras.saving.get_registered_name(type(generator)),
        "generator_config": _jsonable(generator.get_config()),
        "run_config": {k: v for k, v in run_config.items() if k not in PRIVATE_RUN_KEYS},
        "source": source,
    }


def _current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _jsonable(value):
    # Configs may hold tuples or numpy scalars; a round trip through JSON with a
    # string fallback keeps the metadata file loadable anywhere.
    return json.loads(json.dumps(value, default=str))


def _move_into_place(build_dir, final_dir, overwrite):
    if not os.path.exists(final_dir):
        os.rename(build_dir, final_dir)
        return
    if not overwrite:
        raise FileExistsError(f"{final_dir} appeared while exporting; nothing was replaced.")
    # rename() cannot replace a non-empty directory: move the old version aside
    # first. The version is missing only between the two renames.
    parent, name = os.path.split(final_dir)
    retired = tempfile.mkdtemp(prefix=f".{name}.replaced-", dir=parent)
    old = os.path.join(retired, name)
    os.rename(final_dir, old)
    try:
        os.rename(build_dir, final_dir)
    except BaseException:
        os.rename(old, final_dir)
        raise
    finally:
        shutil.rmtree(retired, ignore_errors=True)
