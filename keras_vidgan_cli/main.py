"""Entry point of the `keras-vidgan` command.

Each sub-command lives in its own module of this package and provides
`add_arguments(parser)` and `run(args) -> int`. Arguments are parsed before
TensorFlow (and keras_vidgan) is imported, so `--help` and argument errors
are instant.
"""

import argparse
import difflib
import importlib
import os
import signal
import sys

from keras_vidgan_cli.quiet_start import import_keras_vidgan
from keras_vidgan_cli.user_error import CommandFailed, UserError

# name -> (module, one-line help).
COMMANDS = {
    "train": ("keras_vidgan_cli.train_command", "train a video GAN"),
    "sample": ("keras_vidgan_cli.sample_command", "write generated videos (gif, mp4, npy, png)"),
    "export": ("keras_vidgan_cli.export_command", "export a generator as a TF Serving SavedModel"),
    "evaluate": ("keras_vidgan_cli.evaluate_command", "FVD and KVD of a generator, with protocol"),
    "prepare": ("keras_vidgan_cli.prepare_command", "convert videos into TFRecord shards"),
}


def build_parser():
    parser = argparse.ArgumentParser(
        prog="keras-vidgan",
        description="Train, sample, export and evaluate video GANs with Keras.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(module_name)
        subparser = subparsers.add_parser(
            name, help=help_text, description=help_text
        )
        module.add_arguments(subparser)
        subparser.add_argument(
            "--verbose",
            action="store_true",
            help="also show TensorFlow's own start-up and log lines",
        )
        subparser.set_defaults(_module=module, _parser=subparser)
    return parser


def parse_arguments(argv):
    """Parsed arguments; an unknown flag is reported by its sub-command, with a suggestion."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        command_parser = args._parser
        known_flags = [flag for action in command_parser._actions for flag in action.option_strings]
        flag = unknown[0].split("=", 1)[0]
        close = difflib.get_close_matches(flag, known_flags, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        command_parser.error(f"unrecognized arguments: {' '.join(unknown)}{hint}")
    return args


class Terminated(KeyboardInterrupt):
    """SIGTERM, as batch schedulers and Kubernetes send it: handled like Ctrl-C."""


def _raise_terminated(signum, frame):
    raise Terminated()


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_arguments(argv)
    if not args.verbose:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    previous_handler = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        import_keras_vidgan(quiet=not args.verbose)
        return int(args._module.run(args) or 0)
    except UserError as error:
        print(f"keras-vidgan {args.command}: error: {error}", file=sys.stderr)
        return 2
    except CommandFailed as error:
        print(f"keras-vidgan {args.command}: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as interrupt:
        cause, status = ("stopped by SIGTERM", 143) if isinstance(interrupt, Terminated) else (
            "interrupted", 130)
        # Starts a line of its own: a progress bar may have been drawn up to here.
        where = " from the last checkpoint" if args.command == "train" else ""
        print(
            f"\nkeras-vidgan {args.command}: {cause}; run the same command again to resume"
            f"{where}.",
            file=sys.stderr,
        )
        return status
    finally:
        signal.signal(signal.SIGTERM, previous_handler)


if __name__ == "__main__":
    sys.exit(main())
