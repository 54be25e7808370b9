"""Captions of the user's videos: sidecars and captions.csv, paired with the right clip, through
prepare into shards and back, and every mistake in a caption file as one line."""

import json
import sys

import numpy as np
import pytest
import tensorflow as tf

import keras_vidgan.data as data
from keras_vidgan.data.source_listing import list_videos
from keras_vidgan.data.video_captions import read_captions
from keras_vidgan.data.video_record import parse_video_record, video_record_bytes

# Each video is one flat grey, so a clip tells which video it came from.
SHADES = {"dark.mp4": 40, "grey.mp4": 128, "sub/bright.mp4": 215}
CAPTIONS = {"dark.mp4": "a dark, quiet night", "grey.mp4": "fog over the sea",
            "sub/bright.mp4": "snow in the sun, café"}


def _shade_of(clip):
    """The uint8 grey a float clip in [-1, 1] shows."""
    return (float(np.mean(clip)) + 1.0) * 127.5


def _video_of(clip):
    return min(SHADES, key=lambda name: abs(SHADES[name] - _shade_of(clip)))


@pytest.fixture(scope="module")
def plain_videos(tmp_path_factory, video_writer):
    """Three flat grey videos without captions; tests copy them and add captions."""
    root = tmp_path_factory.mktemp("plain")
    for name, shade in SHADES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        video_writer(root / name, num_frames=10, width=40, height=32,
                     content=lambda i, h, w, shade=shade: np.full((h, w, 3), shade, np.uint8))
    return root


def _copy(source, destination):
    for path in source.rglob("*"):
        if path.is_file():
            target = destination / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    return destination


def _write_sidecars(root, captions=CAPTIONS):
    for name, caption in captions.items():
        (root / name).with_suffix(".txt").write_text(caption, encoding="utf-8")


def _write_csv(root, text):
    (root / "captions.csv").write_text(text, encoding="utf-8")


def _csv_of(captions):
    rows = "".join(f'{name},"{caption}"\n' for name, caption in captions.items())
    return "video,caption\n" + rows


@pytest.fixture(scope="module")
def sidecar_videos(plain_videos, tmp_path_factory):
    root = _copy(plain_videos, tmp_path_factory.mktemp("sidecars"))
    _write_sidecars(root)
    return root


@pytest.fixture(scope="module")
def csv_videos(plain_videos, tmp_path_factory):
    root = _copy(plain_videos, tmp_path_factory.mktemp("csv"))
    _write_csv(root, _csv_of(CAPTIONS))
    return root


def _pairs(dataset):
    return [(clip.numpy(), caption.numpy().decode("utf-8")) for clip, caption in dataset]


@pytest.mark.parametrize("layout", ["sidecar_videos", "csv_videos"])
def test_each_clip_comes_with_its_own_videos_caption(layout, request):
    root = request.getfixturevalue(layout)
    clips = data.from_path(root, frames=8, size=32, channels=1, training=True, seed=3,
                           captions=True)
    assert clips.element_spec[1] == tf.TensorSpec([], tf.string)
    assert list(clips.captions.items()) == list(CAPTIONS.items())  # in the folder's order
    pairs = _pairs(clips.repeat(2))
    assert len(pairs) == 6
    for clip, caption in pairs:
        assert CAPTIONS[_video_of(clip)] == caption
        assert abs(_shade_of(clip) - SHADES[_video_of(clip)]) < 4


def test_sidecars_and_a_csv_mix_when_they_agree(plain_videos, tmp_path):
    root = _copy(plain_videos, tmp_path / "mixed")
    _write_sidecars(root, {"dark.mp4": "  a dark,\n quiet   night \n"})
    # A byte-order mark, columns in another order, an extra column, "./" and a blank line.
    _write_csv(root, '\ufeffnotes,caption,video\n\nx,fog over the sea,./grey.mp4\n'
                     'y,"snow in the sun, café",sub/bright.mp4\nz,"a dark, quiet night",dark.mp4\n')
    videos = list_videos(str(root)).items
    assert read_captions(str(root), videos) == [CAPTIONS[name] for name in
                                                ("dark.mp4", "grey.mp4", "sub/bright.mp4")]


def test_a_glob_may_leave_rows_of_the_csv_out(csv_videos):
    pattern = str(csv_videos / "*.mp4")
    assert read_captions(pattern, list_videos(pattern).items) == [CAPTIONS["dark.mp4"],
                                                                  CAPTIONS["grey.mp4"]]


def test_a_bad_video_is_skipped_with_its_caption(sidecar_videos, tmp_path):
    root = _copy(sidecar_videos, tmp_path / "with_bad")
    (root / "broken.mp4").write_bytes(b"not a video at all" * 10)
    (root / "broken.txt").write_text("a caption of nothing")
    clips = data.video_files(root, frames=8, size=32, channels=1, training=False,
                             with_captions=True)
    assert clips.captions == CAPTIONS and clips.bad_files.counts() == {"not a video": 1}
    pairs = _pairs(clips)
    assert sorted(caption for _, caption in pairs) == sorted(CAPTIONS.values())
    assert all(CAPTIONS[_video_of(clip)] == caption for clip, caption in pairs)


def test_uncaptionable_sources_are_refused(tmp_path):
    folder = tmp_path / "frames" / "video_0"
    folder.mkdir(parents=True)
    for index in range(3):
        (folder / f"{index}.png").write_bytes(
            tf.io.encode_png(np.zeros([8, 8, 3], np.uint8)).numpy())
    with pytest.raises(data.DataError, match="a root of frame folders, which has no captions"):
        data.from_path(tmp_path / "frames", frames=2, size=8, channels=1, captions=True)


def _mistake(tmp_path, files):
    """The one-line DataError of reading captions of a folder of empty `*.mp4` entries."""
    root = tmp_path / "videos"
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    with pytest.raises(data.DataError) as raised:
        read_captions(str(root), list_videos(str(root)).items)
    message = str(raised.value)
    assert len(message.splitlines()) == 1
    return message.replace(str(root) + "/", "")


FIVE = {f"v{index}.mp4": "" for index in range(5)}


@pytest.mark.parametrize("files, expected", [
    (FIVE, "have no captions; put a caption in <video stem>.txt beside each video, or write"),
    ({**FIVE, "v0.txt": "one"},
     "4 of 5 videos in * have no caption (v1.mp4, v2.mp4, v3.mp4 and 1 more); put a "
     "<video stem>.txt beside each, or add their rows to captions.csv"),
    ({**FIVE, "captions.csv": "video,caption\nv0.mp4,a\nv1.mp4,b\nv2.mp4,c\nv3.mp4,d\n"},
     "1 of 5 videos in * have no caption (v4.mp4)"),
    ({"a.mp4": "", "captions.csv": "video,caption\na.mp4,one\nghost.mp4,two\nb/c.mp4,three\n"},
     "captions.csv line 3 captions ghost.mp4, which is not a video in * (2 such rows); remove "
     "the row or correct its path"),
    ({"a.mp4": "", "captions.csv": "video,caption\na.mp4,one\n./a.mp4,two\n"},
     "captions.csv lines 2 and 3 both caption a.mp4; keep one row per video."),
    ({"a.mp4": "", "captions.csv": "video,caption\na.mp4,  \n"},
     "captions.csv line 2: the caption of a.mp4 is empty (no word); write one."),
    ({"a.mp4": "", "captions.csv": "video,caption\na.mp4,...\n"},
     "captions.csv line 2: the caption of a.mp4 is empty (no word)"),
    ({"a.mp4": "", "a.txt": " \n\t"},
     "a.txt is empty (no word); write the caption of a.mp4 in it."),
    ({"a.mp4": "", "a.txt": b"caf\xe9 au lait"},
     "a.txt is not UTF-8 text (byte 0xe9 at offset 3); save it as UTF-8."),
    ({"a.mp4": "", "captions.csv": b"video,caption\na.mp4,\xff\n"},
     "captions.csv is not UTF-8 text (byte 0xff at offset 20); save it as UTF-8."),
    ({"a.mp4": "", "captions.csv": "a.mp4,one\n"},
     "captions.csv has no `video` and `caption` columns in its header ('a.mp4,one'); the first "
     "line must be the header video,caption."),
    ({"a.mp4": "", "captions.csv": "video,text\na.mp4,one\n"},
     "has no `video` and `caption` columns"),
    ({"a.mp4": "", "captions.csv": "\n\n"}, "captions.csv is empty; the first line must be"),
    ({"a.mp4": "", "captions.csv": "video,caption\na.mp4,a dog, running\n"},
     'captions.csv line 2 has 3 fields, the header 2; put a caption that holds a comma in '
     'double quotes: "a dog, running".'),
    ({"a.mp4": "", "captions.csv": "video,caption\na.mp4,\"unclosed\n"},
     "captions.csv line 2 is not valid CSV (unexpected end of data)"),
    ({"a.mp4": "", "captions.csv": "video,caption\n,one\n"},
     "captions.csv line 2 names no video"),
    ({"a.mp4": "", "a.txt": "a cat", "captions.csv": "video,caption\na.mp4,a dog\n"},
     "a.txt and * line 2 give a.mp4 different captions ('a cat' and 'a dog'); keep one of "
     "them, or make them agree."),
])
def test_every_caption_file_mistake_is_one_line(tmp_path, files, expected):
    message = _mistake(tmp_path, files)
    # `*` stands for the folder, named in full in the message.
    pieces = expected.split("*")
    assert all(piece in message for piece in pieces), message


def test_captions_are_checked_before_any_video_is_opened(tmp_path, monkeypatch):
    # The package exports the function under the module's name.
    video_files_module = sys.modules["keras_vidgan.data.video_files"]
    (tmp_path / "a.mp4").write_bytes(b"")

    def opened(*args):
        raise AssertionError("a video was probed before the captions were checked")

    monkeypatch.setattr(video_files_module, "probe_videos", opened)
    with pytest.raises(data.DataError, match="have no captions"):
        data.video_files(tmp_path, frames=8, size=32, channels=1, with_captions=True)


def test_prepare_carries_captions_into_the_shards_and_back(sidecar_videos, tmp_path):
    out = tmp_path / "shards"
    manifest = data.prepare_shards(sidecar_videos, out, shards=2, frames=8, size=32,
                                   image_format="png", progress=False)
    assert manifest["captioned"] is True
    assert {video["source"]: video["caption"] for video in manifest["videos"]} == CAPTIONS
    assert json.loads((out / "manifest.json").read_text())["captioned"] is True
    stored = {}
    for shard in sorted(out.glob("*.tfrecord")):
        for record in tf.data.TFRecordDataset(str(shard)):
            video = parse_video_record(record)
            stored[video["source"].numpy().decode()] = video["caption"].numpy().decode("utf-8")
    assert stored == CAPTIONS
    clips = data.from_path(out, frames=8, size=32, channels=1, training=True, captions=True)
    assert clips.source_kind == "tfrecord"
    assert list(clips.captions.items()) == list(CAPTIONS.items())
    pairs = _pairs(clips)
    assert len(pairs) == 3
    assert all(CAPTIONS[_video_of(clip)] == caption for clip, caption in pairs)
    # The same shards read without captions give clips alone.
    assert data.from_path(out, frames=8, size=32, channels=1).element_spec.shape == [8, 32, 32, 1]


def test_shards_without_captions_are_refused_for_captions(plain_videos, tmp_path):
    out = tmp_path / "plain_shards"
    manifest = data.prepare_shards(plain_videos, out, frames=8, size=32, progress=False)
    assert manifest["captioned"] is False and "captions" not in manifest["options"]
    with pytest.raises(data.DataError, match="was prepared without captions; put a <video "
                                             "stem>.txt beside each video"):
        data.tfrecord_shards(out, frames=8, size=32, channels=1, with_captions=True)
    bare = tmp_path / "bare"
    bare.mkdir()
    for shard in out.glob("*.tfrecord"):
        (bare / shard.name).write_bytes(shard.read_bytes())
    with pytest.raises(data.DataError, match="has no manifest.json beside its shards"):
        data.tfrecord_shards(str(bare / "*.tfrecord"), frames=8, size=32, channels=1,
                             with_captions=True)


def test_records_without_a_caption_still_parse():
    png = tf.io.encode_png(tf.zeros([8, 8, 3], tf.uint8)).numpy()
    record = video_record_bytes([png], [0], label=-1, class_name="", source="a.mp4", fps=25.0,
                                height=8, width=8, image_format="png")
    assert parse_video_record(record)["caption"].numpy() == b""


def test_bad_captions_stop_prepare_before_it_writes(plain_videos, tmp_path):
    root = _copy(plain_videos, tmp_path / "half")
    _write_sidecars(root, {"dark.mp4": "only one"})
    out = tmp_path / "never"
    with pytest.raises(data.DataError, match="2 of 3 videos .* have no caption"):
        data.prepare_shards(root, out, frames=8, size=32, progress=False)
    assert not out.exists()


def test_a_rerun_with_other_captions_does_not_mix_shards(sidecar_videos, tmp_path):
    root = _copy(sidecar_videos, tmp_path / "changing")
    out = tmp_path / "shards"
    data.prepare_shards(root, out, frames=8, size=32, progress=False)
    (root / "grey.txt").write_text("a new caption")
    with pytest.raises(data.DataError, match=r"other options \(captions differ\)"):
        data.prepare_shards(root, out, frames=8, size=32, progress=False)


def test_the_prepare_command_says_captions_and_refuses_bad_ones_in_one_line(
        sidecar_videos, plain_videos, tmp_path, capsys):
    from keras_vidgan_cli.main import main

    out = tmp_path / "shards"
    assert main(["prepare", str(sidecar_videos), str(out), "--frames", "8", "--size", "32",
                 "--quiet"]) == 0
    assert capsys.readouterr().out.startswith("Wrote 3 of 3 videos with their captions into")
    root = _copy(plain_videos, tmp_path / "extra")
    _write_csv(root, _csv_of({**CAPTIONS, "gone.mp4": "a video that was deleted"}))
    assert main(["prepare", str(root), str(tmp_path / "never"), "--frames", "8", "--quiet"]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and error[0].startswith("keras-vidgan prepare: error: ")
    assert "captions.csv line 5 captions gone.mp4, which is not a video in" in error[0]
    assert not (tmp_path / "never").exists()
