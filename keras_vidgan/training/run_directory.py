"""Finding and loading what `keras-vidgan train` writes into its output directory.

A run directory holds `config.json`, `checkpoints/epoch_NNNN.keras` (and,
inside an epoch, `epoch_NNNN_step_SSSSSS.keras`), `samples/`, `logs/` and
`loss.png`. Checkpoints are written under a temporary name
(`*.incomplete.keras`, which the listings here ignore) and renamed when
complete; one damaged later (a full disk, a copy) is moved to
`checkpoints/corrupt/` when the run resumes.
"""

import json
import os
import re

CHECKPOINT_PATTERN = re.compile(r"^epoch_(\d+)\.keras$")
# Taken inside an epoch (`--checkpoint-every`): epoch in progress, counted from 1, and the
# steps of it already trained.
PARTIAL_CHECKPOINT_PATTERN = re.compile(r"^epoch_(\d+)_step_(\d+)\.keras$")
CONFIG_FILE = "config.json"


def checkpoint_path(run_dir, epoch):
    """Where the checkpoint taken after `epoch` (counted from 1) lives."""
    return os.path.join(run_dir, "checkpoints", f"epoch_{epoch:04d}.keras")


def partial_checkpoint_path(run_dir, epoch, steps_done):
    """Where the checkpoint taken after `steps_done` steps of `epoch` (from 1) lives."""
    return os.path.join(run_dir, "checkpoints", f"epoch_{epoch:04d}_step_{steps_done:06d}.keras")


def list_partial_checkpoints(run_dir):
    """`[(epoch, steps_done, path), ...]` of the checkpoints taken inside epochs, oldest first."""
    folder = os.path.join(run_dir, "checkpoints")
    if not os.path.isdir(folder):
        return []
    found = []
    for name in os.listdir(folder):
        match = PARTIAL_CHECKPOINT_PATTERN.match(name)
        if match:
            found.append((int(match.group(1)), int(match.group(2)), os.path.join(folder, name)))
    return sorted(found)


def list_resume_points(run_dir):
    """`[(finished_epochs, steps_done, path), ...]` of every checkpoint, oldest first.

    An end-of-epoch checkpoint `epoch_0003.keras` is `(3, 0, path)`; one
    taken 50 steps into the fourth epoch, `epoch_0004_step_000050.keras`, is
    `(3, 50, path)` and comes after it.
    """
    points = [(epoch, 0, path) for epoch, path in list_checkpoints(run_dir)]
    points += [(epoch - 1, steps, path) for epoch, steps, path in list_partial_checkpoints(run_dir)]
    return sorted(points)


def list_checkpoints(run_dir):
    """`[(epoch, path), ...]` of the run's complete checkpoints, oldest first."""
    folder = os.path.join(run_dir, "checkpoints")
    if not os.path.isdir(folder):
        return []
    found = []
    for name in os.listdir(folder):
        match = CHECKPOINT_PATTERN.match(name)
        if match:
            found.append((int(match.group(1)), os.path.join(folder, name)))
    return sorted(found)


def latest_checkpoint(run_dir):
    """`(epoch, path)` of the newest checkpoint, or `(0, None)` when there is none."""
    checkpoints = list_checkpoints(run_dir)
    return checkpoints[-1] if checkpoints else (0, None)


def read_run_config(run_dir):
    """The `config.json` of a run directory as a dict (empty when absent).

    Raises:
        ValueError: the file is damaged (cut short, not JSON, not a JSON
            object); the message is one line saying what to do.
    """
    path = os.path.join(run_dir, CONFIG_FILE)
    if not os.path.exists(path):
        return {}
    try:
        with open(path, "rb") as handle:
            values = json.loads(handle.read().decode("utf-8"))
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        values, reason = None, str(error).splitlines()[0]
    else:
        reason = "not a JSON object"
    if not isinstance(values, dict):
        raise ValueError(
            f"{path} is damaged ({reason}); restore it from a copy, or delete it to use the "
            "run's checkpoints without its settings (a resumed `keras-vidgan train` writes it "
            "again)."
        )
    return values


def resolve_model_path(path):
    """The `.keras` file that `path` (a run directory or a `.keras` file) stands for.

    Raises:
        FileNotFoundError: with a one-line explanation when nothing loadable is there.
    """
    if os.path.isdir(path):
        _, checkpoint = latest_checkpoint(path)
        if checkpoint is None:
            raise FileNotFoundError(
                f"{path} is a directory without checkpoints/epoch_*.keras; pass a run "
                "directory written by `keras-vidgan train` (after at least one epoch) or a "
                ".keras file."
            )
        return checkpoint
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path} does not exist; pass a run directory or a .keras file.")
    if not path.endswith(".keras"):
        raise FileNotFoundError(f"{path} is not a .keras file or a run directory.")
    return path


def load_gan(path, compile=True):
    """Loads a `keras_vidgan.GAN` from a run directory (newest checkpoint) or a `.keras` file.

    Args:
        path: a run directory written by `keras-vidgan train`, or a `.keras`
            file saved with `GAN.save`.
        compile: whether to restore the optimizers (needed to continue
            training, not to generate).

    Returns:
        The GAN, with `gan.generator`, `gan.discriminator` and `gan.latent_dim`.

    Raises:
        FileNotFoundError: when nothing loadable is at `path`.
        ValueError: when the file is not a keras_vidgan GAN or cannot be read.
    """
    import keras

    import keras_vidgan.models  # noqa: F401  (registers the serializable classes)
    from keras_vidgan.models.gan import GAN

    model_path = resolve_model_path(path)
    try:
        model = keras.saving.load_model(model_path, compile=compile)
    except Exception as error:  # Keras raises many types for damaged archives.
        raise ValueError(f"Cannot load {model_path}: {error}") from error
    if not isinstance(model, GAN):
        raise ValueError(f"{model_path} holds a {type(model).__name__}, not a keras_vidgan GAN.")
    return model
