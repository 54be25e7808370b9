"""Argument checks shared by the video models.

Models validate their constructor arguments here so that a bad value fails
with one readable `ValueError` before any layer is built.
"""

SUPPORTED_FRAMES = (8, 16, 32)
SUPPORTED_SIZES = (32, 64, 128)
SUPPORTED_CHANNELS = (1, 3)


def check_positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"`{name}` must be a positive integer, got {value!r}.")


def check_frame_subset(name, value, frames):
    """`value` frames of a clip of `frames`: a positive integer no larger than `frames`."""
    check_positive_int(name, value)
    if value > frames:
        raise ValueError(f"`{name}` ({value}) cannot exceed `frames` ({frames}).")


def check_clip_shape(frames, size, channels):
    if frames not in SUPPORTED_FRAMES:
        raise ValueError(f"`frames` must be one of {SUPPORTED_FRAMES}, got {frames!r}.")
    if size not in SUPPORTED_SIZES:
        raise ValueError(f"`size` must be one of {SUPPORTED_SIZES}, got {size!r}.")
    if channels not in SUPPORTED_CHANNELS:
        raise ValueError(f"`channels` must be one of {SUPPORTED_CHANNELS}, got {channels!r}.")


def check_choice(name, value, choices):
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {tuple(choices)}, got {value!r}.")
