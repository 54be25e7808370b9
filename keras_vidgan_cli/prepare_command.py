"""`keras-vidgan prepare`: convert videos or frame folders once into TFRecord shards.

Training then reads the shards inside the TensorFlow graph (`train --data
OUT`), fast enough for many workers. Bad files are skipped and listed with
their reason in OUT/manifest.json; an interrupted run resumes when rerun
with the same options.
"""


from keras_vidgan_cli.argument_types import positive_float, positive_int
from keras_vidgan_cli.user_error import CommandFailed, UserError


def add_arguments(parser):
    parser.add_argument("src", metavar="SRC",
                        help="a folder of videos (one sub-folder per class for labels; a "
                             "<video stem>.txt beside each video or one captions.csv for "
                             "captions), a glob of videos, or a root of frame folders")
    parser.add_argument("out", metavar="OUT", help="output folder for the shards and manifest.json")
    parser.add_argument("--shards", type=positive_int, default=None,
                        help="number of shards (default: one per 64 videos); use at least as "
                             "many as training workers")
    parser.add_argument("--frames", type=positive_int, default=16,
                        help="clip length the data is for: shorter videos are skipped "
                             "(default: %(default)s)")
    parser.add_argument("--size", type=positive_int, default=128,
                        help="short side of the stored frames, aspect ratio kept; train at this "
                             "size or smaller (default: %(default)s)")
    parser.add_argument("--format", choices=["jpeg", "png"], default="jpeg",
                        help="frame encoding: jpeg (small) or png (lossless) "
                             "(default: %(default)s)")
    parser.add_argument("--quality", type=positive_int, default=95,
                        help="JPEG quality (default: %(default)s)")
    parser.add_argument("--fps", type=positive_float, default=None,
                        help="store frames resampled to this frame rate by their timestamps "
                             "(default: every frame)")
    parser.add_argument("--frame-rate", type=positive_float, default=25.0,
                        help="frames per second of frame folders (default: %(default)s)")
    parser.add_argument("--short-policy", choices=["skip", "loop", "pad"], default="skip",
                        help="videos shorter than --frames: skip them, or keep them for readers "
                             "that loop or pad (default: %(default)s)")
    parser.add_argument("--strict", action="store_true",
                        help="stop at the first bad file instead of skipping it")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the assignment of videos to shards (default: %(default)s)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def run(args):
    import logging

    from keras_vidgan.data import DataError, prepare_shards
    from keras_vidgan.utils import WriteFailed

    logging.basicConfig(format="%(message)s")
    if args.size > 4096:
        raise UserError(f"--size {args.size} is larger than any sensible frame; use at most 4096.")
    try:
        manifest = prepare_shards(
            args.src,
            args.out,
            shards=args.shards,
            frames=args.frames,
            size=args.size,
            image_format=args.format,
            fps=args.fps,
            frame_rate=args.frame_rate,
            quality=args.quality,
            short_policy=args.short_policy,
            strict=args.strict,
            seed=args.seed,
            progress=not args.quiet,
        )
    except DataError as error:
        raise UserError(str(error)) from None
    except WriteFailed as error:
        raise CommandFailed(str(error)) from None
    counts = manifest["counts"]
    line = (
        f"Wrote {counts['written']} of {counts['candidates']} {manifest['options']['source_kind']} "
        f"{'with their captions ' if manifest.get('captioned') else ''}"
        f"into {len(manifest['shards'])} shards in {args.out}"
    )
    if counts["skipped"]:
        reasons = ", ".join(f"{n} {r}" for r, n in sorted(counts["skipped_by_reason"].items()))
        line += f"; skipped {counts['skipped']} ({reasons}), listed in manifest.json"
    print(line + ".")
    return 0
