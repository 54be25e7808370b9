"""A text-conditioned export: plain strings in, the vocabulary inside, bad text refused in-graph."""

import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_vidgan
from keras_vidgan.export import export_saved_model, noise_from_seeds, read_export_metadata
from keras_vidgan.layers import TextEncoder
from keras_vidgan.utils.pixels import video_to_uint8_numpy
from keras_vidgan_cli.main import main

CAPTIONS = ["the digit 2 moves up and down", "the digit 3 moves left and right"]
TEXT_ENCODER = {"vocabulary": TextEncoder.vocabulary_from(CAPTIONS), "sequence_length": 8,
                "embedding_dim": 4, "code_dim": 8}
PROMPT = "the digit 2 moves up and down"


@pytest.fixture(scope="module")
def generator():
    keras.utils.set_random_seed(4)
    return keras_vidgan.models.VGANGenerator(
        latent_dim=8, frames=8, size=32, channels=1, width=4, text_encoder=TEXT_ENCODER)


@pytest.fixture(scope="module")
def gan_file(generator, tmp_path_factory):
    discriminator = keras_vidgan.models.VideoDiscriminator(
        frames=8, size=32, channels=1, width=4, text_encoder=TEXT_ENCODER)
    path = str(tmp_path_factory.mktemp("text_gan") / "gan.keras")
    keras_vidgan.GAN(generator, discriminator, seed=0).save(path)
    return path


@pytest.fixture(scope="module")
def export_dir(generator, tmp_path_factory):
    return export_saved_model(generator, str(tmp_path_factory.mktemp("text_export")))


@pytest.fixture(scope="module")
def loaded(export_dir):
    return tf.saved_model.load(export_dir)


def expected_videos(generator, seeds, texts):
    noise = noise_from_seeds(seeds, 8)
    return video_to_uint8_numpy(np.asarray(generator([noise, tf.constant(texts)])))


def test_signatures_take_strings(loaded, export_dir):
    signatures = loaded.signatures
    assert set(signatures) == {"serving_default", "generate_from_text", "generate_conditional",
                               "generate_from_seed", "metadata"}
    for name in ("serving_default", "generate_from_text"):
        inputs = signatures[name].structured_input_signature[1]
        assert {key: (spec.dtype, tuple(spec.shape)) for key, spec in inputs.items()} == {
            "text": (tf.string, (None,)), "seed": (tf.int64, (None,))}
    metadata = signatures["metadata"]()
    assert int(metadata["text_conditional"]) == 1 and int(metadata["max_words"]) == 8
    assert int(metadata["num_classes"]) == 0
    info = read_export_metadata(export_dir)
    assert info["text_conditional"] is True and info["max_words"] == 8
    assert info["generator_config"]["text_encoder"]["vocabulary"] == TEXT_ENCODER["vocabulary"]


def test_generate_from_text_reproduces_the_generator(loaded, generator):
    texts = [PROMPT, "The digit 3 moves LEFT and right!"]
    video = loaded.signatures["generate_from_text"](
        text=tf.constant(texts), seed=tf.constant([7, 8], tf.int64))["video"].numpy()
    np.testing.assert_array_equal(video, expected_videos(generator, [7, 8], texts))
    noise = noise_from_seeds([7, 8], 8)
    conditional = loaded.signatures["generate_conditional"](
        noise=noise, text=tf.constant(texts))["video"].numpy()
    np.testing.assert_array_equal(conditional, video)


@pytest.mark.parametrize("text, message", [
    ("", "must hold a word; one is empty"),
    ("a cat sat", "must use words of the vocabulary"),
    ("the digit " * 5, "must have at most 8 words"),
    (b"the digit \xff", "must be UTF-8 text"),
])
def test_bad_text_is_an_invalid_argument(loaded, text, message):
    generate = loaded.signatures["generate_from_text"]
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        generate(text=tf.constant([PROMPT, text]), seed=tf.constant([1, 2], tf.int64))


def test_one_text_per_seed(loaded):
    with pytest.raises(tf.errors.InvalidArgumentError, match="one text per video"):
        loaded.signatures["generate_from_text"](
            text=tf.constant([PROMPT]), seed=tf.constant([1, 2], tf.int64))


# A serving process: TensorFlow only, keras_vidgan blocked, plain strings in.
FRESH_PROCESS_SCRIPT = textwrap.dedent(
    """
    import importlib.abc
    import sys

    class BlockKerasVidgan(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "keras_vidgan" or name.startswith("keras_vidgan."):
                raise ImportError("keras_vidgan is blocked in this process")
            return None

    sys.meta_path.insert(0, BlockKerasVidgan())
    import numpy as np
    import tensorflow as tf

    export_dir, prompt, outputs_path = sys.argv[1:]
    loaded = tf.saved_model.load(export_dir)
    video = loaded.signatures["serving_default"](
        text=tf.constant([prompt]), seed=tf.constant([3], tf.int64))["video"]
    try:
        loaded.signatures["serving_default"](text=tf.constant(["a cat"]),
                                             seed=tf.constant([3], tf.int64))
        refused = ""
    except tf.errors.InvalidArgumentError as error:
        refused = error.message
    assert not [name for name in sys.modules if name.startswith("keras_vidgan")]
    np.savez(outputs_path, video=video.numpy(), refused=refused)
    """
)


def clean_env():
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    return env


def test_fresh_process_without_keras_vidgan_generates_from_text(
        export_dir, generator, tmp_path):
    script = tmp_path / "serve.py"
    script.write_text(FRESH_PROCESS_SCRIPT)
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    result = subprocess.run(
        [sys.executable, str(script), export_dir, PROMPT, str(tmp_path / "out.npz")],
        capture_output=True, text=True, timeout=180, env=clean_env(), cwd=workdir)
    assert result.returncode == 0, result.stderr[-3000:]
    outputs = np.load(tmp_path / "out.npz")
    np.testing.assert_array_equal(outputs["video"], expected_videos(generator, [3], [PROMPT]))
    assert "must use words of the vocabulary" in str(outputs["refused"])


def test_saved_model_cli_runs_generate_from_text(export_dir, generator, tmp_path):
    executable = os.path.join(os.path.dirname(sys.executable), "saved_model_cli")
    if not os.path.exists(executable):
        pytest.skip("saved_model_cli is not installed next to this Python")
    result = subprocess.run(
        [executable, "run", "--dir", export_dir, "--tag_set", "serve",
         "--signature_def", "generate_from_text",
         "--input_exprs", f"text={[PROMPT]!r};seed=[5]", "--outdir", str(tmp_path),
         "--overwrite"],
        capture_output=True, text=True, timeout=180, env=clean_env())
    assert result.returncode == 0, result.stderr[-2000:]
    np.testing.assert_array_equal(np.load(tmp_path / "video.npy"),
                                  expected_videos(generator, [5], [PROMPT]))


def test_sample_prompt_gives_the_same_files_from_keras_and_export(
        gan_file, export_dir, tmp_path):
    for name, model in (("keras", gan_file), ("export", export_dir)):
        assert main(["sample", model, "--out", str(tmp_path / name), "--quiet", "--num", "2",
                     "--format", "npy", "--prompt", PROMPT]) == 0
    for seed in (0, 1):
        np.testing.assert_array_equal(np.load(tmp_path / "keras" / f"seed_{seed}.npy"),
                                      np.load(tmp_path / "export" / f"seed_{seed}.npy"))


@pytest.mark.parametrize("prompt, message", [
    ("", "the text is empty"),
    ("a cat sat", "it has no word of the vocabulary"),
    ("the digit " * 5, "it has more than 8 words"),
    ("the digit \udcff", "it is not valid UTF-8"),  # byte 0xff as Python decodes argv
])
def test_bad_prompts_are_one_line_errors(gan_file, export_dir, tmp_path, capsys, prompt,
                                         message):
    assert main(["sample", gan_file, "--out", str(tmp_path), "--prompt", prompt]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and message in error, error
    # The export says it in its own words, also on one line.
    assert main(["sample", export_dir, "--out", str(tmp_path), "--prompt", prompt]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and error.startswith(
        "keras-vidgan sample: error: --prompt: every `text` must"), error


def test_prompt_is_required_and_only_for_text_models(gan_file, tmp_path, capsys):
    assert main(["sample", gan_file, "--out", str(tmp_path)]) == 2
    assert "text-conditioned; pass --prompt" in capsys.readouterr().err


def test_a_text_styleganv_exports_and_samples_longer_clips_for_a_prompt(tmp_path):
    """The best design takes text too: served from strings, and `--frames` with `--prompt`."""
    from keras_vidgan.models.model_zoo import build_design

    keras.utils.set_random_seed(5)
    generator, discriminator = build_design(
        "styleganv", frames=8, size=32, channels=1, width=4, latent_dim=8,
        text_encoder=TEXT_ENCODER)
    export = tf.saved_model.load(export_saved_model(generator, str(tmp_path / "export")))
    served = export.signatures["generate_from_text"](
        text=tf.constant([PROMPT, CAPTIONS[1]]), seed=tf.constant([3, 4], tf.int64))["video"]
    noise = noise_from_seeds([3, 4], generator.latent_dim)
    expected = video_to_uint8_numpy(
        np.asarray(generator([noise, tf.constant([PROMPT, CAPTIONS[1]])])))
    # The graph may sum in another order: at most one grey level apart.
    assert np.abs(served.numpy().astype(int) - expected.astype(int)).max() <= 1

    path = str(tmp_path / "gan.keras")
    keras_vidgan.GAN(generator, discriminator, seed=0).save(path)
    for name, frames in (("trained", []), ("longer", ["--frames", "16"])):
        assert main(["sample", path, "--out", str(tmp_path / name), "--quiet", "--num", "1",
                     "--format", "npy", "--prompt", PROMPT, *frames]) == 0
    trained = np.load(tmp_path / "trained" / "seed_0.npy")
    longer = np.load(tmp_path / "longer" / "seed_0.npy")
    assert trained.shape == (8, 32, 32, 1) and longer.shape == (16, 32, 32, 1)
    np.testing.assert_array_equal(longer[:8], trained)
