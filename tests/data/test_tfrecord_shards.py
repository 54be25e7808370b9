"""TFRecord shards: round trip equals direct decoding; graph-native reading, sharding, resume."""

import json
import os

import numpy as np
import pytest
import tensorflow as tf

import keras_vidgan.data as data


@pytest.fixture(scope="module")
def distinct_videos(tmp_path_factory, video_writer, content_tools):
    """Six videos in two classes; video k's first frame shows index k."""
    frame_content = content_tools["frame_content"]
    root = tmp_path_factory.mktemp("distinct")
    formats = [".mp4", ".avi", ".gif", ".webm", ".mov", ".avi"]
    for k, extension in enumerate(formats):
        folder = root / ("even" if k % 2 == 0 else "odd")
        folder.mkdir(exist_ok=True)
        video_writer(folder / f"v{k}{extension}", num_frames=14,
                     content=lambda i, h, w, k=k: frame_content(i + k, h, w))
    return root


def collect(dataset):
    return [tuple(np.asarray(t) for t in element) if isinstance(element, tuple)
            else np.asarray(element) for element in dataset]


@pytest.mark.parametrize("image_format, tolerance", [("png", 0.0), ("jpeg", 6 / 127.5)])
def test_round_trip_equals_direct_decoding(distinct_videos, tmp_path, image_format, tolerance):
    out = tmp_path / image_format
    data.prepare_shards(distinct_videos, out, shards=1, frames=4, size=32,
                        image_format=image_format, progress=False)
    options = dict(frames=4, size=32, channels=3, training=False, stride=3, clips_per_video=2,
                   with_labels=True)
    direct = collect(data.from_path(distinct_videos, **options))
    shards = data.from_path(out, **options)
    assert shards.source_kind == "tfrecord" and shards.class_names == ["even", "odd"]
    stored = collect(shards)
    assert len(direct) == len(stored) == 12
    for (clip_a, label_a), (clip_b, label_b) in zip(direct, stored):
        assert label_a == label_b
        if tolerance == 0:
            np.testing.assert_array_equal(clip_a, clip_b)
        else:
            assert np.abs(clip_a - clip_b).mean() < tolerance / 3
            assert np.abs(clip_a - clip_b).max() < 4 * tolerance


def test_reader_is_graph_native_and_samples_like_the_sampler(distinct_videos, tmp_path,
                                                            content_tools):
    index_of = content_tools["index_of"]
    out = tmp_path / "shards"
    data.prepare_shards(distinct_videos, out, shards=2, frames=4, size=32, image_format="png",
                        progress=False)
    clips = data.tfrecord_shards(out, frames=4, size=32, channels=1, training=True, fps=4,
                                 seed=1)
    graph = clips._as_serialized_graph().numpy()
    assert b"PyFunc" not in graph and b"NumpyFunction" not in graph
    assert b"DecodePng" in graph
    assert (clips.options().experimental_distribute.auto_shard_policy
            == tf.data.experimental.AutoShardPolicy.FILE)
    epochs = []
    for _ in range(2):
        starts = []
        for clip in clips:
            shown = [index_of(frame) for frame in clip.numpy()]
            first = round(shown[0])
            # 10 fps source at 4 fps: times +0, .25, .5, .75 s -> frames +0, +2, +5, +7.
            relative = np.array(shown) - first
            assert np.allclose(relative, [0, 2, 5, 7], atol=0.4), shown
            starts.append(first)
        epochs.append(starts)
    assert len(epochs[0]) == 6 and epochs[0] != epochs[1]


def test_prepare_can_resample_to_a_frame_rate(distinct_videos, tmp_path, content_tools):
    out = tmp_path / "fps5"
    manifest = data.prepare_shards(distinct_videos, out, shards=1, frames=4, size=32, fps=5,
                                   image_format="png", progress=False)
    assert {video["frames"] for video in manifest["videos"]} == {7}
    clip = next(iter(data.from_path(out, frames=4, size=32, channels=1, training=False)))
    assert np.allclose([content_tools["index_of"](f) for f in clip.numpy()], [0, 2, 4, 6],
                       atol=0.4)


def test_two_workers_get_every_shard_exactly_once(distinct_videos, tmp_path, content_tools):
    from tensorflow.python.data.experimental.ops import distribute as tf_distribute

    index_of = content_tools["index_of"]
    out = tmp_path / "shards"
    manifest = data.prepare_shards(distinct_videos, out, shards=3, frames=4, size=32,
                                   progress=False)
    videos_of_shard = {}
    for video in manifest["videos"]:
        first_index = int(video["source"].split("/")[-1][1])  # v<k>.ext starts at index k
        videos_of_shard.setdefault(video["shard"], set()).add(first_index)
    assert len(videos_of_shard) == 3

    def first_frames(dataset):
        return sorted(round(index_of(clip.numpy()[0])) for clip in dataset)

    evaluation = data.from_path(out, frames=4, size=32, channels=1, training=False)
    training = data.from_path(out, frames=4, size=32, channels=1, training=True, stride=2)
    seen = []
    for worker in range(2):
        # The rewrite tf.distribute applies on each worker under AutoShardPolicy.FILE.
        part = tf_distribute._AutoShardDataset(evaluation, 2, worker)
        got = first_frames(part)
        seen.append(set(got))
        assert len(got) == len(set(got))
        # Whole shards: a shard's videos all go to one worker.
        for shard_videos in videos_of_shard.values():
            assert shard_videos <= seen[-1] or not shard_videos & seen[-1]
        assert len(list(tf_distribute._AutoShardDataset(training, 2, worker))) == len(got)
        context = tf.distribute.InputContext(num_input_pipelines=2, input_pipeline_id=worker)
        by_context = data.tfrecord_shards(out, frames=4, size=32, channels=1, training=False,
                                          input_context=context)
        assert set(first_frames(by_context)) == seen[-1]
    assert not seen[0] & seen[1]
    assert seen[0] | seen[1] == set(range(6))


def test_interrupted_prepare_resumes(distinct_videos, tmp_path):
    out = tmp_path / "shards"
    data.prepare_shards(distinct_videos, out, shards=3, frames=4, size=32, progress=False)
    names = [f"shard-{i:05d}-of-00003" for i in range(3)]
    kept = {n: os.stat(out / f"{n}.tfrecord").st_mtime_ns for n in (names[0], names[2])}
    # A run killed while writing shard 1: its shard never got its final name.
    os.remove(out / f"{names[1]}.tfrecord")
    (out / f"{names[1]}.tfrecord.tmp").write_bytes(b"half a record")
    os.remove(out / "manifest.json")
    # Without a manifest the finished shards still read (5 videos, not 6: shard 1 is gone).
    assert len(list(data.from_path(str(out / "*.tfrecord"), frames=4, size=32, channels=1))) < 6
    manifest = data.prepare_shards(distinct_videos, out, shards=3, frames=4, size=32,
                                   progress=False)
    assert manifest["counts"]["written"] == 6
    assert not [name for name in os.listdir(out) if name.endswith(".tmp")]
    for name, mtime in kept.items():
        assert os.stat(out / f"{name}.tfrecord").st_mtime_ns == mtime
    assert len(list(data.from_path(out, frames=4, size=32, channels=1))) == 6
    with pytest.raises(data.DataError, match="other options .*size"):
        data.prepare_shards(distinct_videos, out, shards=3, frames=4, size=48, progress=False)


def test_shard_files_and_globs_are_recognised(distinct_videos, tmp_path):
    out = tmp_path / "shards"
    data.prepare_shards(distinct_videos, out, shards=2, frames=4, size=32, progress=False)
    assert data.detect_kind(out) == "tfrecord"
    assert data.detect_kind(str(out / "*.tfrecord")) == "tfrecord"
    one = data.from_path(out / "shard-00000-of-00002.tfrecord", frames=4, size=32, channels=1,
                         training=False)
    both = data.from_path(str(out / "shard-*.tfrecord"), frames=4, size=32, channels=1,
                          training=False, with_labels=True)
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(list(one)) == manifest["shards"][0]["videos"]
    assert sorted(int(label) for _, label in both) == [0, 0, 0, 1, 1, 1]
    assert json.loads((out / "classes.json").read_text())["classes"] == ["even", "odd"]


def test_prepare_from_a_glob_names_sources_relative_to_its_folder(distinct_videos, tmp_path):
    manifest = data.prepare_shards(str(distinct_videos / "*" / "*.avi"), tmp_path / "avi",
                                   frames=4, size=32, progress=False)
    assert [video["source"] for video in manifest["videos"]] == ["odd/v1.avi", "odd/v5.avi"]
    assert manifest["classes"] == ["odd"]  # a glob labels by parent folder
