"""Argument types shared by the sub-commands: argparse turns their errors into one line."""

import argparse


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {value}")
    return value


def class_labels(text):
    """`K` or `K1,K2,...`: one class, or the class of each digit, as a tuple of ints >= 0."""
    try:
        labels = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a class such as 3, or one per digit such as 3,7; got {text!r}"
        ) from None
    if min(labels) < 0:
        raise argparse.ArgumentTypeError(f"classes are 0 or more, got {text!r}")
    return labels


def preset_name(text):
    """A preset that ships with keras_vidgan or a preset folder, checked without TensorFlow."""
    import importlib.util
    import os

    if os.path.isfile(os.path.join(text, "config.json")):
        return text
    spec = importlib.util.find_spec("keras_vidgan")
    presets_dir = os.path.join(spec.submodule_search_locations[0], "presets")
    names = sorted(
        name
        for name in os.listdir(presets_dir)
        if os.path.isfile(os.path.join(presets_dir, name, "config.json"))
    )
    if text not in names:
        raise argparse.ArgumentTypeError(
            f"unknown preset {text!r}; the presets are: {', '.join(names) or 'none'} (or a "
            "folder written by keras_vidgan.presets.save_gan_preset)"
        )
    return text


def model_or_preset(args, model_help):
    """Raises `UserError` unless exactly one of MODEL and --preset is given."""
    from keras_vidgan_cli.user_error import UserError

    if args.preset is not None and args.model is not None:
        raise UserError(f"pass MODEL ({model_help}) or --preset {args.preset}, not both.")
    if args.preset is None and args.model is None:
        raise UserError(f"pass MODEL ({model_help}) or --preset NAME (a model that ships with "
                        "keras_vidgan, such as moving_mnist_64).")
