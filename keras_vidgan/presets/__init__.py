"""Trained models that ship with the package, in keras-hub's preset layout.

`keras_vidgan.GAN.from_preset("moving_mnist_64")` loads one offline;
`list_presets()` names them; `save_gan_preset` writes your own GAN as a folder
that `from_preset` reads. What each preset is and how it was trained is in its
`metadata.json` (`read_preset_metadata`).
"""

from keras_vidgan.presets.preset_files import (
    list_presets,
    load_gan_preset,
    preset_directory,
    read_preset_metadata,
    save_gan_preset,
)

__all__ = [
    "list_presets",
    "load_gan_preset",
    "preset_directory",
    "read_preset_metadata",
    "save_gan_preset",
]
