import json
import os

import numpy as np
import pytest
import tensorflow as tf

from keras_vidgan.export import (
    export_saved_model,
    noise_from_seeds,
    read_export_metadata,
    resolve_export_dir,
    saved_model_export,
)

LATENT_DIM = 8
CLIP_SHAPE = (8, 32, 32, 1)


def signature_specs(signature):
    inputs = {name: (spec.dtype, tuple(spec.shape))
              for name, spec in signature.structured_input_signature[1].items()}
    outputs = {name: (spec.dtype, tuple(spec.shape))
               for name, spec in signature.structured_outputs.items()}
    return inputs, outputs


# Layout ---------------------------------------------------------------------------------


def test_layout_is_tf_serving_model_base(export_base):
    assert sorted(os.listdir(export_base)) == ["1"]  # no temporary directories left
    version = os.path.join(export_base, "1")
    assert os.path.isfile(os.path.join(version, "saved_model.pb"))
    assert os.path.isfile(os.path.join(version, "variables", "variables.index"))
    assert os.path.isfile(os.path.join(version, "assets.extra", "keras_vidgan.json"))
    # Ordinary permissions, so a server running as another user can read it
    # (mkdtemp alone would leave 0700).
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(version).st_mode & 0o777 == 0o777 & ~umask


def test_weights_are_stored_once(export_dir, reference_generator):
    stored = tf.train.list_variables(os.path.join(export_dir, "variables", "variables"))
    stored = [shape for name, shape in stored if name != "_CHECKPOINTABLE_OBJECT_GRAPH"]
    assert len(stored) == len(reference_generator.weights)
    assert sum(np.prod(shape) for shape in stored) == reference_generator.count_params()


def test_metadata_file_and_signature_agree(export_dir, loaded_export):
    info = read_export_metadata(export_dir)
    assert info["fps"] == 12  # from the run directory's config.json
    assert (info["frames"], info["height"], info["width"], info["channels"]) == CLIP_SHAPE
    assert info["latent_dim"] == LATENT_DIM
    assert info["num_classes"] is None
    assert info["generator_class"] == "keras_vidgan>VGANGenerator"
    assert info["generator_config"]["width"] == 4
    # Paths of the training machine stay out of the artefact.
    assert "out" not in info["run_config"] and "data" not in info["run_config"]
    assert "someone" not in json.dumps(info)

    constants = {k: v.numpy() for k, v in loaded_export.signatures["metadata"]().items()}
    assert json.loads(constants["config_json"].decode()) == info
    assert [int(constants[k]) for k in ("frames", "height", "width", "channels")] == list(
        CLIP_SHAPE)
    assert int(constants["fps"]) == 12
    assert int(constants["latent_dim"]) == LATENT_DIM
    assert int(constants["num_classes"]) == 0


def test_versions_count_up_and_resolve_to_newest(gan, tmp_path):
    base = str(tmp_path / "model")
    assert saved_model_export.next_version(base) == 1
    assert export_saved_model(gan, base, version=9) == os.path.join(base, "9")
    os.makedirs(os.path.join(base, "10-not-a-version"))
    assert export_saved_model(gan, base) == os.path.join(base, "10")
    assert resolve_export_dir(base) == os.path.join(base, "10")
    assert resolve_export_dir(os.path.join(base, "9")) == os.path.join(base, "9")
    assert resolve_export_dir(str(tmp_path)) is None


def test_existing_version_is_refused_then_overwritten(make_gan, tmp_path):
    base = str(tmp_path / "model")
    export_saved_model(make_gan(1), base, version=3, fps=5)
    before = open(os.path.join(base, "3", "saved_model.pb"), "rb").read()

    with pytest.raises(FileExistsError, match="already exists"):
        export_saved_model(make_gan(2), base, version=3, fps=6)
    assert read_export_metadata(base)["fps"] == 5
    assert open(os.path.join(base, "3", "saved_model.pb"), "rb").read() == before

    export_saved_model(make_gan(2), base, version=3, fps=6, overwrite=True)
    assert read_export_metadata(base)["fps"] == 6
    assert sorted(os.listdir(base)) == ["3"]


def test_failed_export_leaves_nothing_and_keeps_old_version(gan, tmp_path, monkeypatch):
    base = str(tmp_path / "model")
    export_saved_model(gan, base, version=1, fps=5)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(saved_model_export, "build_export_archive", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        export_saved_model(gan, base, version=2)
    with pytest.raises(RuntimeError, match="disk full"):
        export_saved_model(gan, base, version=1, overwrite=True, fps=9)
    assert sorted(os.listdir(base)) == ["1"]
    assert read_export_metadata(base)["fps"] == 5


@pytest.mark.parametrize("version", [0, -1, "2", True])
def test_bad_version_is_rejected(gan, tmp_path, version):
    with pytest.raises(ValueError, match="version"):
        export_saved_model(gan, str(tmp_path / "model"), version=version)


def test_a_path_is_refused_with_the_function_that_takes_it(run_dir, tmp_path):
    with pytest.raises(ValueError, match=r"keras_vidgan\.training\.export_run\(path"):
        export_saved_model(run_dir, str(tmp_path / "model"))
    assert not os.path.exists(tmp_path / "model")


def test_run_config_and_source_are_recorded_without_private_paths(gan, tmp_path):
    base = str(tmp_path / "model")
    run_config = {"fps": 5, "digits": 1, "out": "/home/someone/runs", "data": "/data"}
    export_saved_model(gan, base, run_config=run_config, source="epoch_0003.keras")
    info = read_export_metadata(base)
    assert info["fps"] == 5  # the run's frame rate when none is given
    assert info["run_config"] == {"fps": 5, "digits": 1}
    assert info["source"] == "epoch_0003.keras"
    assert run_config["out"] == "/home/someone/runs"  # the caller's dict is left alone


# Signatures -----------------------------------------------------------------------------


def test_signature_dtypes_and_shapes(loaded_export):
    signatures = loaded_export.signatures
    assert set(signatures) == {"serving_default", "generate_from_seed", "metadata"}
    video = {"video": (tf.uint8, (None,) + CLIP_SHAPE)}
    assert signature_specs(signatures["serving_default"]) == (
        {"noise": (tf.float32, (None, None))}, video)
    assert signature_specs(signatures["generate_from_seed"]) == (
        {"seed": (tf.int64, (None,))}, video)
    inputs, outputs = signature_specs(signatures["metadata"])
    assert inputs == {}
    assert outputs["config_json"] == (tf.string, ())
    assert outputs["fps"] == (tf.int32, ())


def test_serving_default_reproduces_generator_exactly(loaded_export, reference, test_noise):
    video = loaded_export.signatures["serving_default"](noise=tf.constant(test_noise))["video"]
    video = video.numpy()
    assert video.dtype == np.uint8 and video.shape == (3,) + CLIP_SHAPE
    np.testing.assert_array_equal(video, reference(test_noise))
    assert video.min() < video.max()  # not a constant clip


def test_generate_from_seed_is_deterministic_and_documented(loaded_export, reference):
    from_seed = loaded_export.signatures["generate_from_seed"]
    seeds = tf.constant([5, 6, 5, -7, 2**40], tf.int64)
    first = from_seed(seed=seeds)["video"].numpy()
    again = from_seed(seed=seeds)["video"].numpy()
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(first[0], first[2])  # same seed, same video
    assert not np.array_equal(first[0], first[1])
    # A video depends on its seed only, not on the rest of the request.
    alone = from_seed(seed=tf.constant([6], tf.int64))["video"].numpy()
    np.testing.assert_array_equal(alone[0], first[1])
    # The documented mapping, computed in Python, gives the same videos.
    np.testing.assert_array_equal(first, reference(noise_from_seeds(seeds, LATENT_DIM)))


def test_seed_mapping_is_the_documented_formula():
    seeds = [0, 3, -1]
    expected = np.stack([
        tf.random.stateless_normal([LATENT_DIM], seed=[seed, 0]).numpy() for seed in seeds
    ])
    np.testing.assert_array_equal(noise_from_seeds(seeds, LATENT_DIM).numpy(), expected)
    assert noise_from_seeds([], LATENT_DIM).shape == (0, LATENT_DIM)


def test_exports_sampling_generator_when_present(make_gan, tmp_path, test_noise):
    from keras_vidgan.utils.pixels import video_to_uint8_numpy as to_uint8

    gan = make_gan(1)
    averaged = make_gan(2).generator
    gan.ema_generator = averaged  # what GAN(..., ema_decay=...) keeps
    loaded = tf.saved_model.load(export_saved_model(gan, str(tmp_path / "model")))
    video = loaded.signatures["serving_default"](noise=tf.constant(test_noise))["video"].numpy()
    np.testing.assert_array_equal(video, to_uint8(np.asarray(averaged(test_noise))))
    assert not np.array_equal(video, to_uint8(np.asarray(gan.generator(test_noise))))


# In-graph input checks ------------------------------------------------------------------


@pytest.mark.parametrize("noise, message", [
    (np.zeros((2, 9), np.float32), r"`noise` must have shape \[batch, 8\]"),
    (np.zeros((2, 1), np.float32), r"`noise` must have shape \[batch, 8\]"),
    (np.full((1, 8), np.nan, np.float32), "must be finite"),
    (np.array([[0, 0, 0, 0, 0, 0, 0, np.inf]], np.float32), "must be finite"),
])
def test_bad_noise_fails_inside_the_graph(loaded_export, noise, message):
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        loaded_export.signatures["serving_default"](noise=tf.constant(noise))


def test_empty_batch_fails_inside_the_graph(loaded_export):
    with pytest.raises(tf.errors.InvalidArgumentError, match="at least one vector"):
        loaded_export.signatures["serving_default"](noise=tf.zeros([0, 8]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="at least one vector"):
        loaded_export.signatures["generate_from_seed"](seed=tf.zeros([0], tf.int64))


# Class-conditional generators -----------------------------------------------------------


@pytest.fixture(scope="module")
def conditional_export(conditional_generator, tmp_path_factory):
    base = str(tmp_path_factory.mktemp("conditional"))
    return tf.saved_model.load(export_saved_model(conditional_generator, base))


def test_conditional_signatures(conditional_export, conditional_generator, test_noise):
    from keras_vidgan.utils.pixels import video_to_uint8_numpy as to_uint8

    signatures = conditional_export.signatures
    assert set(signatures) == {
        "serving_default", "generate_conditional", "generate_from_seed", "metadata"}
    video = {"video": (tf.uint8, (None, 8, 8, 8, 1))}
    noise_and_labels = {"noise": (tf.float32, (None, None)), "labels": (tf.int32, (None,))}
    assert signature_specs(signatures["generate_conditional"]) == (noise_and_labels, video)
    assert signature_specs(signatures["serving_default"]) == (noise_and_labels, video)
    assert signature_specs(signatures["generate_from_seed"]) == (
        {"seed": (tf.int64, (None,)), "labels": (tf.int32, (None,))}, video)
    assert int(signatures["metadata"]()["num_classes"]) == 3

    labels = np.array([0, 2, 1], np.int32)
    out = signatures["generate_conditional"](noise=tf.constant(test_noise),
                                             labels=tf.constant(labels))["video"].numpy()
    expected = to_uint8(np.asarray(conditional_generator([test_noise, labels])))
    np.testing.assert_array_equal(out, expected)
    seeded = signatures["generate_from_seed"](seed=tf.constant([4, 5, 6], tf.int64),
                                              labels=tf.constant(labels))["video"].numpy()
    expected = to_uint8(np.asarray(conditional_generator(
        [noise_from_seeds([4, 5, 6], LATENT_DIM).numpy(), labels])))
    np.testing.assert_array_equal(seeded, expected)


@pytest.mark.parametrize("labels, message", [
    ([0, 3], r"`labels` must be in \[0, 3\)"),
    ([-1, 0], r"`labels` must be in \[0, 3\)"),
    ([0], "one label per video"),
])
def test_bad_labels_fail_inside_the_graph(conditional_export, labels, message):
    generate = conditional_export.signatures["generate_conditional"]
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        generate(noise=tf.zeros([2, 8]), labels=tf.constant(labels, tf.int32))
    from_seed = conditional_export.signatures["generate_from_seed"]
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        from_seed(seed=tf.constant([1, 2], tf.int64), labels=tf.constant(labels, tf.int32))


# A class per digit ----------------------------------------------------------------------


def test_a_class_per_digit_takes_a_label_matrix(pair_export, pair_generator):
    from keras_vidgan.export import KerasVideoSource, open_export
    from keras_vidgan.utils.pixels import video_to_uint8_numpy as to_uint8

    signatures = tf.saved_model.load(pair_export).signatures
    video = {"video": (tf.uint8, (None, 8, 32, 32, 1))}
    labels_spec = (tf.int32, (None, 2))
    assert signature_specs(signatures["generate_from_seed"]) == (
        {"seed": (tf.int64, (None,)), "labels": labels_spec}, video)
    assert signature_specs(signatures["serving_default"]) == (
        {"noise": (tf.float32, (None, None)), "labels": labels_spec}, video)
    metadata = signatures["metadata"]()
    assert int(metadata["labels_per_clip"]) == 2 and int(metadata["num_classes"]) == 3
    assert read_export_metadata(pair_export)["labels_per_clip"] == 2

    labels = np.array([[0, 2], [1, 1]], np.int32)
    seeded = signatures["generate_from_seed"](
        seed=tf.constant([4, 5], tf.int64), labels=tf.constant(labels))["video"].numpy()
    noise = noise_from_seeds([4, 5], pair_generator.latent_dim).numpy()
    np.testing.assert_array_equal(seeded, to_uint8(np.asarray(pair_generator([noise, labels]))))

    # Both video sources read the layout and give the same bytes; one pair serves all videos.
    source = open_export(pair_export)
    assert source.labels_per_clip == 2
    np.testing.assert_array_equal(source.generate_from_seeds([4, 5], labels), seeded)
    same_pair = source.generate_from_seeds([4, 5], [1, 1])
    np.testing.assert_array_equal(same_pair[1], seeded[1])
    np.testing.assert_array_equal(
        KerasVideoSource(pair_generator).generate_from_seeds([4, 5], [1, 1]), same_pair
    )
    with pytest.raises(ValueError, match=r"give one class, or labels of shape \(2, 2\)"):
        source.generate_from_seeds([4, 5], [0, 1, 2])
    # Seeds without labels ask for the classes the library gives those seeds; noise has none.
    from keras_vidgan.models.seeds import labels_for_seeds

    np.testing.assert_array_equal(
        source.generate_from_seeds([4, 5]),
        source.generate_from_seeds([4, 5], labels_for_seeds([4, 5], 3, labels_per_clip=2)),
    )
    with pytest.raises(ValueError, match="give 2 labels per video"):
        source.generate(noise)
    with pytest.raises(tf.errors.InvalidArgumentError, match="give 2 labels per video"):
        signatures["generate_from_seed"](
            seed=tf.constant([1, 2], tf.int64), labels=tf.constant([[0, 1]], tf.int32))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"must be in \[0, 3\)"):
        signatures["generate_from_seed"](
            seed=tf.constant([1, 2], tf.int64), labels=tf.constant([[0, 1], [3, 0]], tf.int32))
