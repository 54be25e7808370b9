"""`keras-vidgan export`: write a trained generator as a TF Serving model version."""


from keras_vidgan_cli.argument_types import model_or_preset, positive_int, preset_name
from keras_vidgan_cli.user_error import CommandFailed, UserError


def add_arguments(parser):
    parser.add_argument("model", metavar="MODEL", nargs="?",
                        help="run directory written by `keras-vidgan train` (newest checkpoint) "
                             "or a .keras file")
    parser.add_argument("export_base", metavar="EXPORT_BASE", nargs="?",
                        help="model base directory for TF Serving; the export goes to "
                             "EXPORT_BASE/VERSION/")
    parser.add_argument("--preset", type=preset_name, default=None, metavar="NAME",
                        help="instead of MODEL, a trained model that ships with keras_vidgan: "
                             "moving_mnist_64 (`export --preset moving_mnist_64 EXPORT_BASE`)")
    parser.add_argument("--version", type=positive_int, default=None,
                        help="version number (default: one more than the highest existing one)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace EXPORT_BASE/VERSION if it exists")
    parser.add_argument("--fps", type=positive_int, default=None,
                        help="frame rate recorded in the export (default: the run's, else 8)")
    parser.add_argument("--onnx", action="store_true",
                        help="also write EXPORT_BASE/VERSION.onnx (needs tf2onnx and onnx)")


def run(args):
    import os

    from keras_vidgan_cli.sample_command import check_model_path

    if args.preset is not None and args.export_base is None:
        # `export --preset NAME BASE`: the one positional is the export base.
        args.model, args.export_base = None, args.model
    model_or_preset(args, "a run directory or a .keras file")
    if args.export_base is None:
        raise UserError("pass EXPORT_BASE, the model base directory for TF Serving.")
    if args.model is not None:
        check_model_path(args.model, accepted="a run directory or a .keras file")
    if os.path.exists(args.export_base) and not os.path.isdir(args.export_base):
        raise UserError(f"{args.export_base} is a file; EXPORT_BASE must be a directory.")

    from keras_vidgan.export import read_export_metadata
    from keras_vidgan.training import export_preset, export_run
    from keras_vidgan.utils import WriteFailed

    options = dict(version=args.version, overwrite=args.overwrite, fps=args.fps)
    try:
        if args.preset is not None:
            export_dir = export_preset(args.preset, args.export_base, **options)
            args.model = f"preset {args.preset}"
        else:
            export_dir = export_run(args.model, args.export_base, **options)
    except FileExistsError as error:
        raise UserError(
            f"{error.export_dir} already exists; pass --overwrite to replace it, or another "
            "--version."
        ) from None
    except (FileNotFoundError, ValueError) as error:
        raise UserError(_first_line(error)) from None
    except WriteFailed as error:  # a full disk: the work was done, only its writing failed
        raise CommandFailed(str(error)) from None
    except OSError as error:  # permissions
        raise UserError(f"cannot write the export into {args.export_base}: "
                        f"{error.strerror or error}; pick another EXPORT_BASE.") from None
    info = read_export_metadata(export_dir)
    print(f"Exported {args.model} to {export_dir}: clips of {info['frames']} frames, "
          f"{info['height']}x{info['width']}x{info['channels']}, {info['fps']} fps, "
          f"latent_dim {info['latent_dim']}.")
    if info.get("text_conditional"):
        print(f"Signatures: serving_default = generate_from_text (text string [B], at most "
              f"{info['max_words']} words, seed int64 [B] -> video uint8 [B, T, H, W, C]), "
              "generate_conditional (noise, text -> video), generate_from_seed (seed, text -> "
              "video), metadata.")
    elif info["num_classes"] is None:
        print("Signatures: serving_default (noise float32 [B, latent_dim] -> video uint8 "
              "[B, T, H, W, C]), generate_from_seed (seed int64 [B] -> video), metadata.")
    else:
        per_clip = info.get("labels_per_clip", 1)
        shape = "[B]" if per_clip == 1 else f"[B, {per_clip}] (a class per digit)"
        print(f"Signatures: serving_default = generate_conditional (noise float32 [B, latent_dim]"
              f", labels int32 {shape} in [0, {info['num_classes']}) -> video uint8 "
              "[B, T, H, W, C]), generate_from_seed (seed int64 [B], labels -> video), metadata.")
    if args.onnx:
        from keras_vidgan.export.onnx_export import export_onnx

        onnx_path = os.path.normpath(export_dir) + ".onnx"
        try:
            export_onnx(export_dir, onnx_path)
        except ImportError as error:
            raise UserError(f"ONNX export needs tf2onnx and onnx ({error}); install them "
                            "with pip, or drop --onnx.") from None
        except OSError as error:
            raise CommandFailed(
                f"Writing {onnx_path} failed ({error.strerror or error}); the SavedModel "
                f"{export_dir} is complete. Free space and export again with --version "
                f"{os.path.basename(os.path.normpath(export_dir))} --overwrite --onnx."
            ) from None
        print(f"ONNX model (noise -> video): {onnx_path}")
    return 0


def _first_line(error):
    lines = [line for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__
