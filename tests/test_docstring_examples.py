"""Runs the `Example:` blocks in the docstrings of keras_vidgan's public classes and functions.

Every fenced python block runs in its own copy of a small working folder
that holds what a user of the example would have: a folder of videos
(`UCF-101`, `my_videos`), one video (`clip.mp4`), folders of frames
(`frames`), TFRecord shards (`ucf_shards`) and an exported generator
(`exports/vgan/1`). A `print(...)` followed by a `# comment` (on its line,
or alone on the next) must print what the comment says: the comment may go
on after the value (`# True: the means differ`), and a number matches to the
decimals the comment shows.
"""

import ast
import importlib
import inspect
import os
import pkgutil
import re
import shutil
import sys

import numpy as np
import pytest

import keras_vidgan

# What is checked is that each example runs as written and prints what it says, not its graph:
# tf.functions run eagerly (tests/conftest.py). Export and serving are traced in tests/export.
pytestmark = pytest.mark.eager_functions

NEEDS_CLUSTER = "needs a TF_CONFIG cluster of worker processes (tests/training starts one)"
SKIPPED = {
    "keras_vidgan.training.cluster_config.multi_worker_strategy": NEEDS_CLUSTER,
    "keras_vidgan.training.data_service.start_local_service": NEEDS_CLUSTER,
    "keras_vidgan.training.data_service.distribute_through_service": NEEDS_CLUSTER,
    "keras_vidgan.training.multi_worker_trainer.MultiWorkerTrainer": NEEDS_CLUSTER,
}
# Examples that make one of the user's files themselves, run without it.
MAKES = {"keras_vidgan.export.saved_model_export.export_saved_model": "exports"}
FENCED_PYTHON = re.compile(r"```python\n(.*?)```", re.DOTALL)


def _documented_objects():
    """`(qualified name, docstring)` of every module, public class, function and method."""
    for info in pkgutil.walk_packages(keras_vidgan.__path__, "keras_vidgan."):
        module = importlib.import_module(info.name)
        yield info.name, module.__doc__
        for name, value in vars(module).items():
            defined_here = getattr(value, "__module__", None) == module.__name__
            if name.startswith("_") or not defined_here:
                continue
            if inspect.isfunction(value):
                yield f"{info.name}.{name}", inspect.getdoc(value)
            elif inspect.isclass(value):
                yield f"{info.name}.{name}", inspect.getdoc(value)
                for member_name, member in vars(value).items():
                    if not member_name.startswith("_"):
                        member = getattr(member, "fget", None) or getattr(
                            member, "__func__", member
                        )
                        yield f"{info.name}.{name}.{member_name}", inspect.getdoc(member)


def _examples():
    examples = []
    for name, docstring in _documented_objects():
        for index, code in enumerate(FENCED_PYTHON.findall(docstring or "")):
            examples.append(pytest.param(name, code, id=name if index == 0 else f"{name}[{index}]"))
    return examples


EXAMPLES = _examples()


def _expected_prints(code):
    """`{line: expected text}` for every `print(...)` the example comments on."""
    lines = code.splitlines()
    expected = {}
    for node in ast.walk(ast.parse(code)):
        is_print = (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and getattr(node.value.func, "id", None) == "print"
        )
        if not is_print:
            continue
        last = lines[node.end_lineno - 1]
        comment = last[node.end_col_offset :].strip()
        if not comment and node.end_lineno < len(lines):
            comment = lines[node.end_lineno].strip()
        if comment.startswith("#"):
            for line in range(node.lineno, node.end_lineno + 1):
                expected[line] = comment[1:].strip()
    return expected


def _normalized(text):
    text = re.sub(r"\s+", " ", text.strip())
    return re.sub(r"\[ ", "[", re.sub(r" \]", "]", text))


def _agrees(printed, comment):
    printed, comment = _normalized(printed), _normalized(comment)
    if comment == printed or re.match(re.escape(printed) + r"[\s:,(]", comment):
        return True
    number = re.match(r"-?\d+\.(\d+)", comment)
    try:
        return number is not None and round(float(printed), len(number[1])) == float(number[0])
    except ValueError:
        return False


@pytest.fixture(scope="module")
def user_files(tmp_path_factory):
    """What a user running the examples has at hand, made once for the module."""
    root = tmp_path_factory.mktemp("user_files")
    for class_name, brightness in (("ApplyEyeMakeup", 60), ("ApplyLipstick", 180)):
        for index in range(2):
            _write_video(root / "UCF-101" / class_name / f"v_{index}.mp4", brightness + index)
    shutil.copytree(root / "UCF-101", root / "my_videos")
    shutil.copy(root / "UCF-101" / "ApplyLipstick" / "v_0.mp4", root / "clip.mp4")
    for video in range(2):
        folder = root / "frames" / f"video_{video}"
        folder.mkdir(parents=True)
        for frame in range(20):
            _write_png(folder / f"frame{frame}.png", 10 * frame + video)

    from keras_vidgan.data.prepare_shards import prepare_shards
    from keras_vidgan.export import export_saved_model

    # As the prepare_shards example makes them, which then finds them done.
    prepare_shards(str(root / "UCF-101"), str(root / "ucf_shards"), shards=32, size=80)
    generator = keras_vidgan.models.VGANGenerator(
        latent_dim=100, frames=8, size=32, channels=1, width=4
    )
    export_saved_model(generator, str(root / "exports" / "vgan"), version=1)
    # The run directory `keras-vidgan train --model vgan` writes, one tiny epoch of it.
    from keras_vidgan.training import TrainConfig, train

    train(
        TrainConfig(out=str(root / "runs" / "moving_mnist_vgan"), model="vgan", frames=8, width=4,
                    latent_dim=8,
                    batch_size=2, steps_per_epoch=1, epochs=1, num_samples=1, verbose=0),
        log=lambda line: None,
    )
    return root


@pytest.mark.parametrize("name,code", EXAMPLES)
def test_docstring_example(name, code, user_files, tmp_path, monkeypatch, capsys):
    if name in SKIPPED:
        pytest.skip(SKIPPED[name])
    folder = tmp_path / "work"
    shutil.copytree(user_files, folder)
    if name in MAKES:
        shutil.rmtree(folder / MAKES[name])
    monkeypatch.chdir(folder)
    printed = {}

    def recording_print(*values, **kwargs):
        line = sys._getframe(1).f_lineno
        printed.setdefault(line, []).append(" ".join(str(value) for value in values))
        print(*values, **kwargs)

    environment = dict(os.environ)
    try:
        exec(
            compile(code, f"<example of {name}>", "exec"),
            {"__name__": "__example__", "print": recording_print},
        )
    finally:
        os.environ.clear()
        os.environ.update(environment)
    for line, comment in _expected_prints(code).items():
        for text in printed.get(line, []):
            assert _agrees(text, comment), (
                f"{name}, line {line}: printed {text!r}, says {comment!r}"
            )


def test_every_example_in_the_sources_is_collected():
    """An example in a docstring the walk above misses would silently go untested."""
    package = os.path.dirname(keras_vidgan.__file__)
    in_sources = 0
    for folder, _, files in os.walk(package):
        for file_name in files:
            if file_name.endswith(".py"):
                with open(os.path.join(folder, file_name), encoding="utf-8") as source:
                    in_sources += source.read().count("```python")
    assert len(EXAMPLES) == in_sources
    assert set(SKIPPED) <= {example.values[0] for example in EXAMPLES}


def _write_video(path, brightness, frames=64, width=40, height=32):
    import av

    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=24)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for index in range(frames):
            image = np.full((height, width, 3), brightness, np.uint8)
            image[:8, index : index + 8] = 255  # a square moving right
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def _write_png(path, value):
    import tensorflow as tf

    path.write_bytes(tf.io.encode_png(np.full((24, 24, 3), value, np.uint8)).numpy())
