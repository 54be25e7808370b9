"""`keras-vidgan evaluate`: FVD and KVD of a trained generator under the pinned protocol.

    keras-vidgan evaluate runs/mnist --data moving_mnist --num 256

prints FVD, KVD and the protocol they were measured under. Real statistics are
cached on disk (see `keras_vidgan.metrics.StatisticsCache`), so evaluating
further checkpoints against the same data only runs I3D on generated clips.
With `--legibility` (Moving MNIST only) it also prints the share of frames a
digit classifier reads with confidence and of clips that keep their digits,
for generated and for real test clips; `--no-fvd` skips FVD and KVD. A
class-conditional generator draws every class equally often (clip i asks for
class i mod K), and on one-digit clips `--legibility` also prints the share of
legible frames that show the digit asked for.
"""

import json
import os

from keras_vidgan_cli.argument_types import model_or_preset, positive_int, preset_name
from keras_vidgan_cli.user_error import UserError

# Built-in reference data: name -> (options a SPEC may set, their defaults).
BUILT_IN = {
    "moving_mnist": {"digits": 2, "seed": 0},
    "bouncing_balls": {"balls": 3, "seed": 0},
}


def add_arguments(parser):
    parser.add_argument(
        "model",
        metavar="MODEL",
        nargs="?",
        help="run directory written by `keras-vidgan train` (newest checkpoint) or a .keras file",
    )
    parser.add_argument(
        "--preset",
        type=preset_name,
        default=None,
        metavar="NAME",
        help="instead of MODEL, a trained model that ships with keras_vidgan: moving_mnist_64",
    )
    parser.add_argument(
        "--data",
        required=True,
        metavar="SPEC",
        help="reference data: moving_mnist (its test split), bouncing_balls, optionally with "
        "options as in moving_mnist:digits=1,seed=3; or a path of videos or frame folders",
    )
    parser.add_argument(
        "--num",
        type=positive_int,
        required=True,
        metavar="N",
        help="clips from each side; compare FVDs only at equal N (2048 is common)",
    )
    parser.add_argument(
        "--frames", type=positive_int, default=16, help="frames per clip fed to I3D (default: 16)"
    )
    parser.add_argument(
        "--stride", type=positive_int, default=1, help="step between frames (default: 1)"
    )
    parser.add_argument(
        "--clip-start",
        choices=("first", "random"),
        default="first",
        help="take the first frames of each clip, or start at a seeded random frame "
        "(default: first)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the generator's noise (default: 0)"
    )
    parser.add_argument(
        "--proxy",
        action="store_true",
        help="cheap proxy: I3D at 112x112, about 4x faster; reported as fvd_proxy, not FVD",
    )
    parser.add_argument(
        "--batch-size", type=positive_int, default=16, help="clips per I3D call (default: 16)"
    )
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        default=None,
        help="where real statistics are cached (default: $KERAS_VIDGAN_CACHE/fvd_statistics "
        "or ~/.cache/keras_vidgan/fvd_statistics)",
    )
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    parser.add_argument(
        "--output", metavar="FILE", default=None, help="also write the result and protocol as JSON"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.add_argument(
        "--legibility",
        action="store_true",
        help="Moving MNIST only: also report the share of legible frames and of clips that "
        "keep their digits, for generated and real test clips (seconds on a CPU)",
    )
    parser.add_argument(
        "--prompts",
        action="store_true",
        help="for a text-conditioned run: generate one clip per caption of --num real test "
        "clips and report how often the clip shows the caption's digit and direction, beside "
        "real clips (the ceiling) and real clips under shuffled captions (chance)",
    )
    parser.add_argument(
        "--no-fvd",
        action="store_true",
        help="skip FVD and KVD (minutes on a CPU); use with --legibility",
    )


def run(args):
    from keras_vidgan.metrics.checkpoint_unpickler import find_i3d_weights

    model_or_preset(args, "a run directory or a .keras file")
    if args.model is not None and not os.path.exists(args.model):
        raise UserError(f"{args.model} does not exist; pass a run directory or a .keras file.")
    if args.output and os.path.isdir(args.output):
        raise UserError(f"--output {args.output} is a directory; pass a file name.")
    if args.no_fvd and not (args.legibility or args.prompts):
        raise UserError("--no-fvd leaves nothing to measure; add --legibility or --prompts.")
    for flag, wanted in (("--legibility", args.legibility), ("--prompts", args.prompts)):
        if wanted and args.data.partition(":")[0] != "moving_mnist":
            raise UserError(
                f"{flag} reads Moving MNIST digits; --data {args.data} is not moving_mnist."
            )
    if not args.no_fvd:
        try:
            find_i3d_weights()
        except ImportError as error:
            raise UserError(str(error)) from None
    if args.preset is not None:
        from keras_vidgan import GAN

        gan = GAN.from_preset(args.preset)
        args.model = f"preset {args.preset}"
    else:
        gan = _load(args.model)
    frames, size, _, channels = _clip_shape(gan, args.model)
    if args.prompts and not gan.text_conditional:
        raise UserError(
            f"--prompts needs a text-conditioned model; {args.model} was not trained with "
            "--conditional text."
        )
    if gan.text_conditional and args.data.partition(":")[0] != "moving_mnist":
        raise UserError(
            f"{args.model} is text-conditioned: it is evaluated on the captions of Moving MNIST "
            f"test clips (--data moving_mnist), not {args.data}."
        )

    features = "i3d-kinetics-400-logits-112-proxy" if args.proxy else "i3d-kinetics-400-logits"
    needed = (args.frames - 1) * args.stride + 1
    # Legibility reads every frame; only I3D needs enough of them.
    if not args.no_fvd and args.frames < 9:
        raise UserError(
            f"--frames {args.frames} is too few: I3D needs at least 9 (16 is standard)."
        )
    if not args.no_fvd and frames < needed:
        raise UserError(
            f"{args.model} makes clips of {frames} frames; --frames {args.frames} with --stride "
            f"{args.stride} needs {needed}. Lower --frames or --stride (I3D needs at least 9)."
        )
    spec = with_training_digits(args.data, args.model, preset=args.preset)
    if spec != args.data:
        print(f"Reference data: {spec} (the digits per clip the run was trained on).")
    real, identity = reference_data(spec, args.num, frames, size, channels)
    # A text-conditioned generator draws one clip for the caption of each real test clip;
    # FVD, legibility and caption agreement all read those clips.
    generated, captioned, labels = gan, None, None
    if gan.num_classes is not None:
        import numpy as np

        from keras_vidgan.models.seeds import labels_for_seeds

        labels = labels_for_seeds(np.arange(args.num), gan.num_classes, gan.labels_per_clip)
        if not args.quiet:
            asked = (f"class i mod {gan.num_classes}" if gan.labels_per_clip == 1
                     else "the classes of seed i (as `keras-vidgan sample` gives them)")
            print(f"Generating {args.num} clips, clip i of {asked}")
        generated = gan.generate(
            args.num, seed=args.seed, batch_size=args.batch_size, labels=labels
        )
    elif gan.text_conditional:
        captioned = _captioned_test_clips(args, spec, frames, size)
        if not args.quiet:
            print(f"Generating {args.num} clips from the captions of real test clips")
        generated = gan.generate(
            args.num, seed=args.seed, batch_size=args.batch_size, prompts=captioned[1]
        )
    report = {}
    if not args.no_fvd:
        result = _fvd(args, generated, real, identity, features)
        print(result.summary())
        report = result.to_dict()
    if args.legibility:
        generated_legibility, real_legibility, requested = _legibility(
            args, generated, real, spec, labels
        )
        print(generated_legibility.summary(real=real_legibility))
        if requested is not None and requested != requested:  # NaN: nothing was legible
            print("requested digit: no legible frame to read")
            requested = None
        elif requested is not None:
            print(f"requested digit: {requested:.1%} of legible frames show the class asked for")
        print(f"real test clips: {identity}")
        report["legibility"] = {
            "generated": generated_legibility.to_dict(),
            "real": real_legibility.to_dict(),
            "real_identity": identity,
        }
        if labels is not None:
            report["legibility"]["requested_digit"] = requested
    if args.prompts:
        report["prompts"] = _prompts(generated, *captioned)
    if args.output:
        folder = os.path.dirname(os.path.abspath(args.output))
        os.makedirs(folder, exist_ok=True)
        with open(args.output, "w") as file:
            file.write(json.dumps(report, indent=2, sort_keys=True) + "\n")
        print(f"Wrote {args.output}.")
    return 0


def _fvd(args, gan, real, identity, features):
    from keras_vidgan.metrics import FVD, EvaluationProtocol

    protocol = EvaluationProtocol(
        num_clips=args.num,
        frames=args.frames,
        stride=args.stride,
        clip_start=args.clip_start,
        features=features,
        reference=identity,
        seed=args.seed,
    )
    cache = None if args.no_cache else (args.cache_dir or True)
    evaluator = FVD(
        protocol, cache=cache, batch_size=args.batch_size, verbose=0 if args.quiet else 1
    )
    try:
        return evaluator.evaluate(real, gan, real_identity=identity)
    except ValueError as error:
        raise UserError(str(error).splitlines()[0]) from None


def _legibility(args, gan, real, spec, labels=None):
    """`(generated, real, requested)`: `LegibilityResult`s of `--num` clips of each.

    `requested` is the share of legible generated frames showing the class asked
    for (`labels`), or None where it has no meaning (see `_requested_digit_share`).
    """
    from keras_vidgan.metrics import DigitLegibility

    digits = _spec_digits(spec)
    if digits not in (1, 2):
        raise UserError(
            f"--legibility reads clips of 1 or 2 digits; --data {spec} has {digits}."
        )
    legibility = DigitLegibility(digits=digits, batch_size=args.batch_size, seed=args.seed)
    verbose = 0 if args.quiet else 1
    try:
        generated = legibility.evaluate(
            gan, num_clips=args.num, verbose=verbose, description="generated clips"
        )
        real_result = legibility.evaluate(
            real, num_clips=args.num, verbose=verbose, description="real test clips"
        )
    except ValueError as error:
        raise UserError(str(error).splitlines()[0]) from None
    return generated, real_result, _requested_digit_share(legibility, gan, labels, digits)


def _requested_digit_share(legibility, clips, labels, digits):
    """The share of legible frames that read the classes asked for.

    NaN where no frame is legible. None without labels, or on clips of
    several digits whose generator takes one label (the first digit's): that
    label does not name every digit a frame shows. A generator with a label
    per digit (`[N, digits]`) is read against all of them.
    """
    if labels is None:
        return None
    labels = labels[:, None] if labels.ndim == 1 else labels
    if labels.shape[1] != digits:
        return None
    return legibility.reading_accuracy(clips, labels)


def _captioned_test_clips(args, spec, frames, size):
    """`(clips, captions)`: `--num` one-digit Moving MNIST test clips and their captions."""
    import numpy as np

    from keras_vidgan.datasets import moving_mnist

    if _spec_digits(spec) != 1:
        raise UserError(
            f"Text-conditioned runs are evaluated on one-digit captions; --data {spec} has more "
            "digits."
        )
    pairs = moving_mnist(
        num_clips=args.num, frames=frames, size=size, digits=1, split="test",
        seed=_spec_seed(spec), captions=True,
    )
    clips, captions = zip(*pairs.as_numpy_iterator())
    return np.stack(clips), [caption.decode("utf-8") for caption in captions]


def _prompts(generated, real, captions):
    """Caption agreement of generated clips, real clips and chance, printed and returned."""
    from keras_vidgan.metrics import CaptionAgreement
    from keras_vidgan.metrics.caption_agreement import chance_captions

    agreement = CaptionAgreement()
    results = {
        "generated": agreement.evaluate(generated, captions),
        "real": agreement.evaluate(real, captions),
        "chance": agreement.evaluate(real, chance_captions(captions)),
    }
    print("caption agreement (digit read by the digit classifier, direction by tracking ink):")
    for name, label in (("generated", "generated clips"), ("real", "real test clips"),
                        ("chance", "real clips, shuffled captions")):
        print(f"  {label}: {results[name].summary()}")
    return {name: result.to_dict() for name, result in results.items()}


def _spec_seed(spec):
    _, _, options_text = spec.partition(":")
    for item in filter(None, options_text.split(",")):
        key, _, value = item.partition("=")
        if key == "seed":
            return int(value)
    return BUILT_IN["moving_mnist"]["seed"]


def _spec_digits(spec):
    _, _, options_text = spec.partition(":")
    for item in filter(None, options_text.split(",")):
        key, _, value = item.partition("=")
        if key == "digits":
            return int(value)
    return BUILT_IN["moving_mnist"]["digits"]


def with_training_digits(spec, model_path, preset=None):
    """`--data moving_mnist` for a run trained on Moving MNIST: the run's digits per clip.

    Scoring a one-digit run against two-digit references measures the digit count, not
    the model; an explicit `digits=` in SPEC is kept as given. MODEL may be the run
    directory or one of its checkpoints; for a preset, its metadata names the run.
    """
    name, _, options_text = spec.partition(":")
    if name != "moving_mnist" or "digits=" in options_text:
        return spec
    from keras_vidgan.presets import read_preset_metadata
    from keras_vidgan.training.run_loading import run_config_for

    try:
        if preset is not None:
            config = read_preset_metadata(preset).get("run_config", {})
        else:
            config = run_config_for(model_path)
    except ValueError as error:  # a damaged config.json
        raise UserError(str(error)) from None
    if config.get("dataset") != "moving_mnist" or config.get("data") or "digits" not in config:
        return spec
    options = [item for item in options_text.split(",") if item] + [f"digits={config['digits']}"]
    return f"{name}:{','.join(options)}"


def reference_data(spec, num_clips, frames, size, channels):
    """The real clips named by `--data SPEC` and a string identifying them.

    A built-in name gives its dataset at the model's frames and size (Moving
    MNIST from its test split); anything else is read as a path with
    `keras_vidgan.data.from_path`, identified by its files' names, sizes and
    modification times.

    Returns:
        `(dataset, identity)`.
    """
    name, _, options_text = spec.partition(":")
    if name in BUILT_IN:
        options = dict(BUILT_IN[name])
        for item in filter(None, options_text.split(",")):
            key, _, value = item.partition("=")
            if key not in options:
                raise UserError(
                    f"--data {spec}: unknown option {key!r}; {name} takes {sorted(options)}."
                )
            try:
                options[key] = int(value)
            except ValueError:
                raise UserError(
                    f"--data {spec}: {key} must be an integer, got {value!r}."
                ) from None
        if channels != 1:
            raise UserError(
                f"--data {name} has 1 channel, the model makes {channels}; pass a path of "
                "colour videos instead."
            )
        import keras_vidgan

        try:
            if name == "moving_mnist":
                dataset = keras_vidgan.datasets.moving_mnist(
                    num_clips=num_clips, frames=frames, size=size, split="test", **options
                )
                options = {"split": "test", **options}
            else:
                dataset = keras_vidgan.datasets.bouncing_balls(
                    num_clips=num_clips, frames=frames, size=size, **options
                )
        except (ValueError, ImportError) as error:
            raise UserError(f"--data {spec}: {error}") from None
        described = ", ".join(f"{key}={value!r}" for key, value in options.items())
        return dataset, f"{name}(frames={frames}, size={size}, {described})"
    if not os.path.exists(spec):
        raise UserError(
            f"--data {spec} is neither a built-in dataset ({', '.join(BUILT_IN)}) nor an "
            "existing path."
        )
    try:
        from keras_vidgan.data import from_path
    except ImportError:
        raise UserError(
            "reading videos from a path needs keras_vidgan.data.from_path, which this "
            "installation lacks; use a built-in --data."
        ) from None
    from keras_vidgan.metrics.statistics_cache import path_identity

    try:
        dataset = from_path(spec, frames=frames, size=size, channels=channels, training=False)
    except (ValueError, OSError) as error:
        raise UserError(f"--data {spec}: {str(error).splitlines()[0]}") from None
    return dataset, path_identity(spec)


def _load(path):
    from keras_vidgan.training.run_directory import load_gan

    try:
        return load_gan(path, compile=False)
    except (FileNotFoundError, ValueError) as error:
        raise UserError(str(error).splitlines()[0]) from None


def _clip_shape(gan, path):
    generator = gan.sampling_generator
    if len(generator.inputs) != 1 and gan.num_classes is None and not gan.text_conditional:
        raise UserError(
            f"{path} has a generator with {len(generator.inputs)} inputs; evaluate takes "
            "unconditional, class-conditional and text-conditioned generators."
        )
    shape = tuple(generator.output_shape[1:])
    if len(shape) != 4 or None in shape:
        raise UserError(f"{path} makes outputs of shape {shape}, not clips [T, H, W, C].")
    return shape
