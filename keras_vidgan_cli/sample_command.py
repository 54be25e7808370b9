"""`keras-vidgan sample`: write generated videos from a run directory, a .keras file or an export.

Video `i` of a call with `--seed S` is generated from seed `S + i`, with the
same seed-to-noise mapping as the exported `generate_from_seed` signature, so
the files are the same whichever of the three the videos come from.
"""

import os

from keras_vidgan_cli.argument_types import (
    class_labels,
    model_or_preset,
    positive_int,
    preset_name,
)
from keras_vidgan_cli.user_error import UserError

FORMATS = ("gif", "mp4", "npy", "png")



def add_arguments(parser):
    parser.add_argument("model", metavar="MODEL", nargs="?",
                        help="run directory, .keras file, or export (a version directory "
                             "or its base, newest version)")
    parser.add_argument("--preset", type=preset_name, default=None, metavar="NAME",
                        help="instead of MODEL, a trained model that ships with keras_vidgan: "
                             "moving_mnist_64 (two moving digits, 16 frames of 64x64)")
    parser.add_argument("--num", type=positive_int, default=16,
                        help="videos to generate; with --interpolate, points along the walk "
                             "(default: %(default)s)")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="output directory (created if needed)")
    parser.add_argument("--format", choices=FORMATS, default="gif",
                        help="gif, mp4 (H.264), npy (uint8 [T, H, W, C]) or png (frames side by "
                             "side, at most 16) (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0,
                        help="video i uses seed SEED + i (default: %(default)s)")
    parser.add_argument("--grid", action="store_true",
                        help="write one video tiling all NUM videos instead of NUM files")
    parser.add_argument("--interpolate", type=int, metavar="END_SEED", default=None,
                        help="write one video that walks the latent space from --seed to "
                             "END_SEED in NUM steps, the clips played one after another")
    parser.add_argument("--frames", type=positive_int, default=None,
                        help="frames per video, for a styleganv model (it renders any number; "
                             "other designs and exports make the trained number) (default: "
                             "the trained number)")
    parser.add_argument("--label", type=class_labels, default=None, metavar="K[,K2]",
                        help="class of every video, for a class-conditional model; for a "
                             "model with a label per digit, one class per digit, such as 3,7 "
                             "(default: the video of seed s shows class s mod the number of "
                             "classes; with a second digit, also class (3s + 7) mod it)")
    parser.add_argument("--prompt", default=None, metavar="TEXT",
                        help="what every video shows, for a text-conditioned model (trained "
                             "with --conditional text), e.g. \"the digit 2 moves left and "
                             "right\"")
    parser.add_argument("--fps", type=positive_int, default=None,
                        help="frame rate of gif/mp4 files (default: the model's)")
    parser.add_argument("--batch-size", type=positive_int, default=16,
                        help="videos generated per call (default: %(default)s)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args):
    if args.interpolate is not None and args.num < 2:
        raise UserError("--interpolate needs --num 2 or more (the points along the walk).")
    if args.interpolate is not None and args.grid:
        raise UserError("--grid and --interpolate each write one video; pass one of them.")
    if os.path.exists(args.out) and not os.path.isdir(args.out):
        raise UserError(f"--out {args.out} is a file; pass a directory.")
    model_or_preset(args, "a run directory, .keras file or export")
    if args.preset is not None:
        from keras_vidgan.training import open_preset_source

        source = open_preset_source(args.preset)
        args.model = f"preset {args.preset}"
    else:
        source = _open(args.model)
    if args.frames is not None:
        source = _with_frames(source, args.model, args.frames)
    per_clip = source.labels_per_clip
    if source.num_classes is not None and args.label is None and not args.quiet:
        if per_clip == 1:
            print(f"{args.model} is class-conditional: the video of seed s shows class s mod "
                  f"{source.num_classes}, as in the run's sample grids (--label K for one "
                  "class).")
        else:
            print(f"{args.model} takes a class per digit: the video of seed s shows classes s "
                  f"and 3s + 7 mod {source.num_classes}, as in the run's sample grids (--label "
                  f"{','.join(['K'] * per_clip)} for given ones).")
    if args.label is not None:
        shown = ",".join(map(str, args.label))
        if source.num_classes is None:
            raise UserError(f"{args.model} is not class-conditional; drop --label.")
        if max(args.label) >= source.num_classes:
            raise UserError(f"--label {shown} is out of range; {args.model} has "
                            f"{source.num_classes} classes (0 to {source.num_classes - 1}).")
        if len(args.label) != per_clip:
            wanted = "one class" if per_clip == 1 else f"{per_clip} classes, one per digit"
            raise UserError(f"--label {shown}: {args.model} takes {wanted}; pass "
                            f"--label {','.join(['K'] * per_clip)}.")
        args.label = args.label[0] if per_clip == 1 else args.label
    _check_prompt(source, args)
    fps = args.fps or source.fps
    try:
        os.makedirs(args.out, exist_ok=True)
        if args.interpolate is not None:
            written = [write_interpolation(source, args, fps)]
        else:
            written = write_samples(source, args, fps)
    except OSError as error:  # permissions, a full disk
        raise UserError(f"cannot write videos into {args.out}: {error.strerror or error}; "
                        "pick another --out.") from None
    print(f"Wrote {len(written)} file{'s' if len(written) != 1 else ''} to {args.out}"
          + (f": {os.path.basename(written[0])}" if len(written) == 1 else "") + ".")
    return 0


def _check_prompt(source, args):
    if source.text_conditional and args.prompt is None:
        raise UserError(f"{args.model} is text-conditioned; pass --prompt TEXT, e.g. "
                        "--prompt \"the digit 2 moves left and right\".")
    if args.prompt is None:
        return
    if not source.text_conditional:
        raise UserError(f"{args.model} is not text-conditioned; drop --prompt.")
    # Bytes that are not UTF-8 reach Python as surrogate escapes: hand them over as the
    # bytes they were, so the model's own check names the problem.
    args.label = args.prompt.encode("utf-8", "surrogateescape")
    try:
        source.generate_from_seeds([args.seed], [args.label])
    except ValueError as error:
        message = str(error).removeprefix("keras_vidgan: ")
        if message.startswith("Cannot use the prompt "):
            raise UserError("--prompt " + message.removeprefix("Cannot use the prompt ")) from None
        raise UserError(f"--prompt: {message}") from None


def generate_clips(source, seeds, label=None, batch_size=16, progress=None):
    """uint8 clips `[len(seeds), T, H, W, C]` for `seeds`, generated `batch_size` at a time.

    Args:
        source: a `keras_vidgan.export.VideoSource`.
        seeds: list of ints.
        label: class of every video, for a conditional source (a tuple of
            one class per digit for a source with several labels per
            clip); without one, the video of seed `s` shows the classes of
            `keras_vidgan.models.seeds.labels_for_seeds`, `s mod num_classes`
            for one label.
        batch_size: videos per call.
        progress: a `keras.utils.Progbar`, advanced per batch, or None.

    Example:

    ```python
    from keras_vidgan.training import open_video_source
    from keras_vidgan_cli.sample_command import generate_clips

    clips = generate_clips(open_video_source("runs/moving_mnist_vgan"), [0, 1, 2])
    ```
    """
    import numpy as np

    batches = []
    for start in range(0, len(seeds), batch_size):
        chunk = seeds[start : start + batch_size]
        labels = _labels(source, chunk, label)
        batches.append(source.generate_from_seeds(chunk, labels))
        if progress is not None:
            progress.add(len(chunk))
    return np.concatenate(batches)


def _labels(source, seeds, label):
    if label is not None:
        return [label] * len(seeds)
    if source.num_classes is not None:
        from keras_vidgan.models.seeds import labels_for_seeds

        # The run's sample grids cycle through the classes the same way (video i, seed i).
        return labels_for_seeds(seeds, source.num_classes, source.labels_per_clip)
    return None


def write_samples(source, args, fps):
    import keras

    from keras_vidgan.utils.video_files import video_grid

    seeds = [args.seed + index for index in range(args.num)]
    progress = None
    if not args.quiet and args.num > 1:
        progress = keras.utils.Progbar(args.num, unit_name="video")
    if args.grid:
        clips = generate_clips(source, seeds, args.label, args.batch_size, progress)
        path = os.path.join(args.out, f"grid_seed_{args.seed}_num_{args.num}.{args.format}")
        _write(path, video_grid(clips), args.format, fps)
        return [path]
    written = []
    # Batch by batch, so memory stays flat however many videos are asked for.
    for start in range(0, len(seeds), args.batch_size):
        batch_seeds = seeds[start : start + args.batch_size]
        clips = generate_clips(source, batch_seeds, args.label, args.batch_size)
        for seed, clip in zip(batch_seeds, clips):
            path = os.path.join(args.out, f"seed_{seed}.{args.format}")
            _write(path, clip, args.format, fps)
            written.append(path)
            if progress is not None:
                progress.add(1)
    return written


def write_interpolation(source, args, fps):
    """One clip: the videos at `num` points of the slerp path from --seed to END_SEED, in order."""
    import numpy as np

    from keras_vidgan.models.seeds import noise_from_seeds, slerp

    ends = noise_from_seeds([args.seed, args.interpolate], source.latent_dim).numpy()
    path_noise = slerp(ends[0], ends[1], np.linspace(0.0, 1.0, args.num))
    # The whole walk shows one class: --label, or that of --seed.
    labels = _labels(source, [args.seed] * args.num, args.label)
    clips = np.concatenate([
        source.generate(path_noise[start : start + args.batch_size],
                        None if labels is None else labels[start : start + args.batch_size])
        for start in range(0, args.num, args.batch_size)
    ])
    walk = clips.reshape((-1,) + clips.shape[2:])
    path = os.path.join(
        args.out, f"interpolation_seed_{args.seed}_to_{args.interpolate}.{args.format}"
    )
    _write(path, walk, args.format, fps)
    return path


def _write(path, clip, file_format, fps):
    from keras_vidgan.utils.video_files import write_video

    # Written next to the target and renamed: an interrupted run leaves no
    # truncated video under the final name.
    partial = f"{path}.partial.{file_format}"
    try:
        write_video(partial, clip, fps=fps)
        os.replace(partial, path)
    except BaseException:
        if os.path.exists(partial):
            os.remove(partial)
        raise


def check_model_path(model_path, accepted="a run directory, a .keras file or an export directory"):
    """Raises `UserError` for a missing path or a file that cannot be a `.keras` archive.

    Runs before anything imports TensorFlow, so a typo fails in a blink.

    Args:
        model_path: the MODEL argument.
        accepted: what the command accepts, for the message.
    """
    import zipfile

    if not os.path.exists(model_path):
        raise UserError(f"{model_path} does not exist; pass {accepted}.")
    if os.path.isfile(model_path) and not zipfile.is_zipfile(model_path):
        raise UserError(f"{model_path} is not a .keras archive (not a zip file); pass "
                        f"{accepted}.")


def _with_frames(source, model_path, frames):
    """The source rendering `frames` frames per video; `UserError` where it cannot."""
    from keras_vidgan.export.video_source import KerasVideoSource

    trained = source.clip_shape[0]
    if not isinstance(source, KerasVideoSource):
        raise UserError(f"{model_path} is an export, which makes its trained {trained} frames; "
                        "pass the run directory or .keras file of a styleganv model for "
                        "--frames, or drop --frames.")
    if not hasattr(source.generator, "render"):
        raise UserError(f"{model_path} makes its trained {trained} frames "
                        f"({type(source.generator).__name__}); --frames needs a styleganv "
                        "model, which renders any number: drop --frames.")
    return KerasVideoSource(source.generator, fps=source.fps, description=source.description,
                            frames=frames)


def _open(model_path):
    check_model_path(model_path)
    from keras_vidgan.training import open_video_source

    if os.path.isdir(model_path):
        from keras_vidgan.export import resolve_export_dir
        from keras_vidgan.training.run_directory import latest_checkpoint

        if resolve_export_dir(model_path) is None and latest_checkpoint(model_path)[1] is None:
            raise UserError(f"{model_path} is neither a run directory with checkpoints nor an "
                            "export (no saved_model.pb); pass one of those or a .keras file.")
    try:
        return open_video_source(model_path)
    except (FileNotFoundError, ValueError) as error:
        lines = [line for line in str(error).splitlines() if line.strip()]
        raise UserError(lines[0] if lines else f"cannot load {model_path}.") from None
