"""Loading what training wrote (run directories, `.keras` files) for export and sampling.

`keras_vidgan.export` takes models in memory only; these functions are the
path-taking front doors:

- `load_generator(path)`: the generator to export or sample from, with its
  run's `config.json`.
- `export_run(path, export_base)`: `export_saved_model` for a path.
- `open_video_source(path)`: a `VideoSource` for a run directory, a `.keras`
  file or an export.
- `load_preset_generator`, `export_preset`, `open_preset_source`: the same
  for a preset (`keras_vidgan.GAN.from_preset`).

They replace the path handling that `keras_vidgan.export` used to do:
`export_saved_model(path, ...)` is now `export_run(path, ...)`,
`keras_vidgan.export.saved_model_export.resolve_generator(path)` is now
`load_generator(path)`, and `keras_vidgan.export.video_source.open_video_source`
is now `keras_vidgan.training.open_video_source`.
"""

import os

from keras_vidgan.export.saved_model_export import (
    DEFAULT_FPS,
    check_export_base,
    export_saved_model,
    generator_of,
    resolve_export_dir,
)
from keras_vidgan.export.video_source import KerasVideoSource, open_export
from keras_vidgan.training.run_directory import load_gan, read_run_config


def load_generator(path):
    """The generator of a run directory (newest checkpoint) or `.keras` file, and its run's config.

    Args:
        path: a run directory written by `keras-vidgan train`, one of its
            checkpoints, or a `.keras` file saved with `GAN.save`.

    Returns:
        `(generator, run_config)`: the GAN's `sampling_generator` (the moving
        average of the weights when it keeps one), and the run's
        `config.json` as a dict (empty for a `.keras` file outside a run).

    Raises:
        FileNotFoundError: nothing loadable is at `path`.
        ValueError: the file is not a keras_vidgan GAN or cannot be read, or
            the run's `config.json` is damaged.

    Example:

    ```python
    from keras_vidgan.training import load_generator

    generator, run_config = load_generator("runs/moving_mnist_vgan")
    print(run_config.get("fps"), generator.output_shape)
    ```
    """
    path = os.fspath(path)
    run_config = run_config_for(path)  # first: a damaged config.json fails before the load
    return generator_of(load_gan(path, compile=False)), run_config


def run_config_for(path):
    """The `config.json` of the run `path` belongs to, as a dict (empty when there is none).

    Args:
        path: a run directory, a checkpoint inside one
            (`RUN/checkpoints/epoch_NNNN.keras`), or any other file.
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        return read_run_config(path)
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.basename(folder) == "checkpoints":
        return read_run_config(os.path.dirname(folder))
    return {}


def export_run(path, export_base, version=None, overwrite=False, fps=None):
    """Exports the generator of a run directory or `.keras` file for TF Serving.

    `export_saved_model` with the model loaded from `path`: the run's
    `config.json` goes into the export's metadata (without the keys that name
    paths of the training machine) and its "fps" is the default frame rate.

    Args:
        path: a run directory (newest checkpoint), one of its checkpoints, or
            a `.keras` file.
        export_base: the model's base directory for TF Serving.
        version: positive int. Default: one more than the highest existing one.
        overwrite: replace an existing version instead of refusing.
        fps: frame rate recorded with the export. Default: the run's, else 8.

    Returns:
        The path of the version directory written.

    Raises:
        FileNotFoundError: nothing loadable is at `path`.
        FileExistsError: the version exists and `overwrite` is False.
        ValueError: `export_base` cannot be written (checked before the model
            is loaded), or the model cannot be loaded or exported.
        keras_vidgan.utils.WriteFailed: writing the version failed part-way
            (a full disk); the existing versions are as they were.

    Example:

    ```python
    from keras_vidgan.training import export_run

    export_dir = export_run("runs/moving_mnist_vgan", "exports/vgan")  # exports/vgan/1
    ```
    """
    source = os.path.basename(os.path.normpath(os.fspath(path)))
    return _export_loaded(
        lambda: load_generator(path), source, export_base, version, overwrite, fps
    )


def load_preset_generator(preset):
    """The generator of a preset and the config of the run that trained it.

    Args:
        preset: a name from `keras_vidgan.presets.list_presets()` or a preset
            folder.

    Returns:
        `(generator, run_config)`, as `load_generator` returns them; the
        run config is the `"run_config"` entry of the preset's metadata.
    """
    from keras_vidgan.models import GAN
    from keras_vidgan.presets import read_preset_metadata

    gan = GAN.from_preset(preset)
    return gan.sampling_generator, read_preset_metadata(preset).get("run_config", {})


def export_preset(preset, export_base, version=None, overwrite=False, fps=None):
    """Exports the generator of a preset for TF Serving; `export_run` for a preset.

    Example:

    ```python
    import tempfile

    from keras_vidgan.training import export_preset

    export_dir = export_preset("moving_mnist_64", tempfile.mkdtemp() + "/mnist")
    ```
    """
    source = f"preset {os.path.basename(os.path.normpath(os.fspath(preset)))}"
    return _export_loaded(
        lambda: load_preset_generator(preset), source, export_base, version, overwrite, fps
    )


def _export_loaded(load, source, export_base, version, overwrite, fps):
    """`export_saved_model` of what `load()` returns; the export base is checked first."""
    check_export_base(export_base)
    generator, run_config = load()
    return export_saved_model(
        generator,
        export_base,
        version=version,
        overwrite=overwrite,
        fps=fps,
        run_config=run_config,
        source=source,
    )


def open_preset_source(preset):
    """A `KerasVideoSource` for a preset, at the frame rate it was trained with.

    Example:

    ```python
    from keras_vidgan.training import open_preset_source

    source = open_preset_source("moving_mnist_64")
    videos = source.generate_from_seeds([0, 1])  # uint8; seed s asks for s and 3s + 7 mod 10
    print(videos.shape)  # (2, 16, 64, 64, 1)
    threes_and_sevens = source.generate_from_seeds([0, 1], labels=[3, 7])
    ```
    """
    generator, run_config = load_preset_generator(preset)
    return KerasVideoSource(
        generator, fps=run_config.get("fps", DEFAULT_FPS), description=f"preset {preset}"
    )


def open_video_source(path):
    """Opens a run directory, a `.keras` file, an export version or an export base.

    Args:
        path: a run directory written by `keras-vidgan train`, a `.keras` GAN
            file, a SavedModel version directory written by
            `keras-vidgan export`, or its export base (newest version is used).

    Returns:
        A `keras_vidgan.export.VideoSource`: a `SavedModelVideoSource` for an
        export, else a `KerasVideoSource` at the run's frame rate.

    Raises:
        FileNotFoundError: nothing loadable is at `path`.
        ValueError: something is there but cannot be loaded; the message is one line.

    Example:

    ```python
    from keras_vidgan.training import open_video_source

    source = open_video_source("runs/moving_mnist_vgan")
    videos = source.generate_from_seeds([0, 1, 2, 3])  # uint8 [4, T, H, W, C]
    ```
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(
            f"{path} does not exist; pass a run directory, a .keras file or an export "
            "directory."
        )
    if os.path.isdir(path) and resolve_export_dir(path) is not None:
        return open_export(path)
    generator, run_config = load_generator(path)
    return KerasVideoSource(generator, fps=run_config.get("fps", DEFAULT_FPS), description=path)
