"""Entry point of the `keras-vidgan` command.

Each sub-command lives in its own module of this package and provides
`HELP` (one line), `add_arguments(parser)` and `run(args) -> int`. Modules are
imported only when their command runs, so `keras-vidgan --help` is quick and a
command never pays for another's imports.
"""

import argparse
import importlib
import os
import sys

from keras_vidgan_cli.user_error import UserError

# name -> (module, one-line help). Help text lives here so `--help` needs no imports.
COMMANDS = {
    "train": ("keras_vidgan_cli.train_command", "train a video GAN"),
    "sample": ("keras_vidgan_cli.sample_command", "write generated videos (gif, mp4, npy, png)"),
    "export": ("keras_vidgan_cli.export_command", "export a generator as a TF Serving SavedModel"),
    "evaluate": ("keras_vidgan_cli.evaluate_command", "FVD and KVD of a generator, with protocol"),
    "prepare": ("keras_vidgan_cli.prepare_command", "convert videos into TFRecord shards"),
}


def build_parser(command_names=None):
    parser = argparse.ArgumentParser(
        prog="keras-vidgan",
        description="Train, sample, export and evaluate video GANs with Keras.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name, (module_name, help_text) in COMMANDS.items():
        if command_names is not None and name not in command_names:
            subparsers.add_parser(name, help=help_text, add_help=False)
            continue
        module = importlib.import_module(module_name)
        subparser = subparsers.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(subparser)
        subparser.set_defaults(_module=module)
    return parser


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # Only the chosen command's module is imported; TensorFlow is heavy.
    chosen = [a for a in argv if a in COMMANDS][:1]
    parser = build_parser(command_names=chosen)
    args = parser.parse_args(argv)
    try:
        return int(args._module.run(args) or 0)
    except UserError as error:
        print(f"keras-vidgan {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            f"keras-vidgan {args.command}: interrupted; run the same command again to resume.",
            file=sys.stderr,
        )
        return 130


if __name__ == "__main__":
    sys.exit(main())
