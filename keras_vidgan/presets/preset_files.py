"""Reading and writing preset folders: a trained GAN as config, weights and metadata.

The layout follows keras-hub's presets, so that a preset is readable without
this package's code:

    config.json                 the GAN's Keras config (networks, latent size, EMA decay)
    generator.weights.h5        the generator's weights
    discriminator.weights.h5    the discriminator's weights (one file per
                                discriminator, `discriminator_NAME.weights.h5`, for
                                a GAN with several)
    metadata.json               what the model is, how it was trained, what it measures

Only the weights that generate are stored for the generator: the moving average
when the GAN keeps one, since that is what samples and exports come from. A GAN
loaded from a preset starts both its generator and its moving average from
them, so fine-tuning continues from the model that was measured. Optimizer
state is not stored; it is what would double the size of a preset.
"""

import json
import os

import keras

PRESETS_DIR = os.path.dirname(os.path.abspath(__file__))
CONFIG_FILE = "config.json"
METADATA_FILE = "metadata.json"
GENERATOR_WEIGHTS = "generator.weights.h5"


def list_presets():
    """Names of the presets that ship with the package, sorted.

    Example:

    ```python
    import keras_vidgan

    print(keras_vidgan.presets.list_presets())  # ['moving_mnist_64']
    ```
    """
    return sorted(
        name
        for name in os.listdir(PRESETS_DIR)
        if os.path.isfile(os.path.join(PRESETS_DIR, name, CONFIG_FILE))
    )


def preset_directory(preset):
    """The folder of `preset`: a built-in preset's name, or a folder written by `save_gan_preset`.

    Raises:
        ValueError: `preset` is neither; the message lists the built-in names.
    """
    preset = os.fspath(preset)
    if preset in list_presets():
        return os.path.join(PRESETS_DIR, preset)
    if os.path.isfile(os.path.join(preset, CONFIG_FILE)):
        return preset
    raise ValueError(
        f"Unknown preset {preset!r}: the presets that ship with keras_vidgan are "
        f"{', '.join(list_presets()) or 'none'}; a folder written by "
        "`keras_vidgan.presets.save_gan_preset` works too."
    )


def read_preset_metadata(preset):
    """The `metadata.json` of `preset` as a dict (empty when the folder has none)."""
    path = os.path.join(preset_directory(preset), METADATA_FILE)
    if not os.path.exists(path):
        return {}
    with open(path) as handle:
        return json.load(handle)


def save_gan_preset(gan, directory, metadata=None):
    """Writes `gan` as a preset folder that `GAN.from_preset(directory)` loads.

    Args:
        gan: a `keras_vidgan.GAN`.
        directory: the folder to write; created if needed, and refused if it
            already holds a preset.
        metadata: a JSON-serializable dict stored as `metadata.json`: a
            description, the training command, measured figures, and under
            `"run_config"` the run's `config.json` (whose `"fps"` is the
            frame rate of samples and exports).

    Example:

    ```python
    import tempfile

    import keras_vidgan

    gan = keras_vidgan.GAN.from_preset("moving_mnist_64")
    # ... gan.compile(); gan.fit(your_clips) to fine-tune it, then:
    folder = tempfile.mkdtemp() + "/my_preset"
    keras_vidgan.presets.save_gan_preset(gan, folder, {"description": "fine-tuned"})
    restored = keras_vidgan.GAN.from_preset(folder)
    ```
    """
    directory = os.fspath(directory)
    if os.path.exists(os.path.join(directory, CONFIG_FILE)):
        raise FileExistsError(f"{directory} already holds a preset; pick another folder.")
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, CONFIG_FILE), "w") as handle:
        json.dump(keras.saving.serialize_keras_object(gan), handle, indent=2, sort_keys=True)
    gan.sampling_generator.save_weights(os.path.join(directory, GENERATOR_WEIGHTS))
    for file_name, discriminator in _discriminator_files(gan):
        discriminator.save_weights(os.path.join(directory, file_name))
    with open(os.path.join(directory, METADATA_FILE), "w") as handle:
        json.dump(metadata or {}, handle, indent=2, sort_keys=True)
        handle.write("\n")


def load_gan_preset(preset, load_weights=True):
    """The GAN of `preset`, uncompiled; see `keras_vidgan.GAN.from_preset`."""
    directory = preset_directory(preset)
    with open(os.path.join(directory, CONFIG_FILE)) as handle:
        gan = keras.saving.deserialize_keras_object(json.load(handle))
    if not load_weights:
        return gan
    generator_weights = os.path.join(directory, GENERATOR_WEIGHTS)
    gan.generator.load_weights(generator_weights)
    if gan.ema_generator is not None:
        gan.ema_generator.load_weights(generator_weights)
    for file_name, discriminator in _discriminator_files(gan):
        discriminator.load_weights(os.path.join(directory, file_name))
    return gan


def _discriminator_files(gan):
    discriminators = gan.discriminators
    if len(discriminators) == 1:
        return [("discriminator.weights.h5", next(iter(discriminators.values())))]
    return [(f"discriminator_{name}.weights.h5", model) for name, model in discriminators.items()]
