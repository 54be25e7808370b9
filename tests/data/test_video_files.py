"""Video files decoded with PyAV: frame indices, timestamps, labels, geometry, randomness."""

import json
import os

import numpy as np
import pytest

import keras_vidgan.data as data

FORMATS = [".mp4", ".webm", ".avi", ".mov", ".gif"]


def frame_indices(clip, index_of):
    return [index_of(frame) for frame in np.asarray(clip)]


def square_centre_x(frame):
    """Column centre of the dark square in a [-1, 1] frame."""
    pixels = (np.asarray(frame)[..., 0] + 1.0) * 127.5
    background = np.median(pixels)
    rows = pixels[6:14]
    dark = rows < background / 2
    columns = np.nonzero(dark.any(axis=0))[0]
    weights = dark.sum(axis=0)[columns]
    return float((columns * weights).sum() / weights.sum())


@pytest.mark.parametrize("extension", FORMATS)
def test_stride_picks_the_right_frames_in_every_format(tmp_path, video_writer, content_tools,
                                                       extension):
    index_of = content_tools["index_of"]
    video_writer(tmp_path / f"clip{extension}", num_frames=20, fps=10)
    clips = data.video_files(tmp_path, frames=4, size=48, channels=3, training=False,
                             stride=3, clips_per_video=3)
    got = [frame_indices(clip, index_of) for clip in clips]
    # 20 frames, a clip spans 10: evenly spaced starts 0, 5 and 10.
    expected = [[0, 3, 6, 9], [5, 8, 11, 14], [10, 13, 16, 19]]
    assert np.allclose(got, expected, atol=0.4), got
    # The square moves 3 px per frame; the 64-wide frame is centre-cropped to 48 (8 px off).
    for clip, indices in zip(clips, expected):
        for frame, index in zip(np.asarray(clip), indices):
            if 2 <= index <= 15:  # the square is inside the crop
                assert square_centre_x(frame) == pytest.approx(2 + 3 * index + 3.5 - 8, abs=1.0)


@pytest.mark.parametrize("extension", [".mp4", ".avi", ".gif"])
def test_target_fps_samples_by_time(tmp_path, video_writer, content_tools, extension):
    index_of = content_tools["index_of"]
    video_writer(tmp_path / f"clip{extension}", num_frames=20, fps=10)
    halved = data.video_files(tmp_path, frames=4, size=48, channels=1, training=False, fps=5)
    assert np.allclose(frame_indices(next(iter(halved)), index_of), [0, 2, 4, 6], atol=0.4)
    # At 4 fps the clip's times are 0, .25, .5, .75 s: frames shown then are 0, 2, 5, 7.
    uneven = data.video_files(tmp_path, frames=4, size=48, channels=1, training=False, fps=4)
    assert np.allclose(frame_indices(next(iter(uneven)), index_of), [0, 2, 5, 7], atol=0.4)


def test_variable_frame_rate_follows_timestamps(tmp_path, video_writer, content_tools):
    index_of = content_tools["index_of"]
    times_ms = [0, 40, 60, 150, 160, 300, 310, 320, 500, 700, 720, 900, 1000, 1010]
    video_writer(tmp_path / "vfr.mp4", num_frames=len(times_ms), times_ms=times_ms)
    clips = data.video_files(tmp_path, frames=10, size=48, channels=1, training=False, fps=10)
    # Frame on screen at t = 0, 0.1, ... 0.9 s: the last one whose time is <= t.
    expected = [max(i for i, t in enumerate(times_ms) if t <= 100 * k) for k in range(10)]
    assert expected == [0, 2, 4, 5, 7, 8, 8, 9, 10, 11]
    assert np.allclose(frame_indices(next(iter(clips)), index_of), expected, atol=0.4)


def test_audio_streams_are_ignored(tmp_path, video_writer, content_tools):
    import av

    path = video_writer(tmp_path / "talk.mp4", num_frames=12, audio=True)
    with av.open(path) as container:
        assert len(container.streams.audio) == 1
    clips = data.video_files(tmp_path, frames=12, size=48, channels=3, training=False)
    assert np.allclose(frame_indices(next(iter(clips)), content_tools["index_of"]),
                       range(12), atol=0.4)


def test_labels_and_class_mapping(class_folder, tmp_path):
    mapping_dir = tmp_path / "run"
    clips = data.video_files(class_folder, frames=4, size=32, channels=1, training=False,
                             with_labels=True, class_mapping_path=mapping_dir)
    assert clips.class_names == ["Archery", "Biking"]
    labels = [int(label) for _, label in clips]
    # In order: Archery/a.mp4, b.webm, c.gif, then Biking/d.avi, e.mov.
    assert labels == [0, 0, 0, 1, 1]
    saved = json.loads((mapping_dir / "classes.json").read_text())
    assert saved == {"classes": ["Archery", "Biking"],
                     "class_to_index": {"Archery": 0, "Biking": 1}}
    assert data.load_class_mapping(mapping_dir) == ["Archery", "Biking"]
    assert clips.bad_files.skipped == []  # notes.txt is ignored for its extension


def test_labels_need_class_folders(tmp_path, video_writer):
    video_writer(tmp_path / "alone.mp4", num_frames=8)
    with pytest.raises(data.DataError, match="sub-folder per class"):
        data.video_files(tmp_path, frames=4, size=32, channels=1, with_labels=True)


def test_glob_takes_labels_from_parent_folders(class_folder):
    clips = data.video_files(str(class_folder / "*" / "*.mp4"), frames=4, size=32, channels=1,
                             training=False, with_labels=True)
    assert clips.num_videos == 1
    assert clips.class_names == ["Archery"]


def ramp(index, height, width):
    """A horizontal ramp, 2 intensity levels per pixel, for geometry checks."""
    row = (np.arange(width) * 2 + 20).clip(0, 255).astype(np.uint8)
    return np.repeat(np.broadcast_to(row[None, :, None], (height, width, 1)), 3, axis=2).copy()


def test_resize_keeps_aspect_ratio_then_crops_the_centre(tmp_path, video_writer):
    # 96x48 source -> short side 24 -> 48x24 -> centre crop starts at resized column 12,
    # that is source column 24; each output column spans two source columns.
    video_writer(tmp_path / "wide.avi", num_frames=6, width=96, height=48, content=ramp)
    clip = next(iter(data.video_files(tmp_path, frames=2, size=24, channels=1, training=False)))
    pixels = (clip.numpy()[0, :, :, 0] + 1) * 127.5
    expected = 20 + 2 * (24 + 2 * np.arange(24) + 0.5)
    assert np.allclose(pixels[12], expected, atol=3)
    assert np.allclose(pixels.std(axis=0), 0, atol=1.5)  # rows alike: nothing squeezed


def test_random_crops_and_flips_in_training(tmp_path, video_writer):
    video_writer(tmp_path / "wide.avi", num_frames=6, width=96, height=48, content=ramp)
    clips = data.video_files(tmp_path, frames=2, size=24, channels=1, training=True,
                             clips_per_video=12, flip=True, seed=3)
    starts, directions = set(), set()
    for clip in clips:
        row = (clip.numpy()[0, 12, :, 0] + 1) * 127.5
        slope = np.polyfit(np.arange(24), row, 1)[0]
        assert abs(abs(slope) - 4) < 0.3  # resized by 1/2, never stretched
        directions.add(np.sign(slope))
        starts.add(round((min(row[0], row[-1]) - 21) / 4))
        # One window for the whole clip: a one-pixel shift would move the mean by 4 levels.
        assert abs(np.mean(clip.numpy()[0] - clip.numpy()[1])) * 127.5 < 1.0
    assert directions == {-1.0, 1.0}
    assert len(starts) > 3 and min(starts) >= 0 and max(starts) <= 24


def test_training_offsets_change_every_epoch_and_repeat_with_the_seed(tmp_path, video_writer,
                                                                      content_tools):
    index_of = content_tools["index_of"]
    video_writer(tmp_path / "long.avi", num_frames=30)

    def epochs(seed):
        clips = data.video_files(tmp_path, frames=3, size=32, channels=1, training=True,
                                 stride=2, clips_per_video=4, seed=seed)
        return [[round(index_of(f)) for c in clips for f in c.numpy()[:1]] for _ in range(3)]

    first = epochs(seed=5)
    assert first == epochs(seed=5)
    assert first[0] != first[1] or first[1] != first[2]
    assert all(0 <= start <= 25 for epoch in first for start in epoch)


def test_channels_and_value_range(tmp_path, video_writer):
    def red(index, height, width):
        frame = np.zeros((height, width, 3), np.uint8)
        frame[..., 0] = 200
        return frame

    video_writer(tmp_path / "red.avi", num_frames=4, content=red)
    rgb = next(iter(data.video_files(tmp_path, frames=4, size=32, channels=3, training=False)))
    grey = next(iter(data.video_files(tmp_path, frames=4, size=32, channels=1, training=False)))
    assert rgb.shape == (4, 32, 32, 3) and grey.shape == (4, 32, 32, 1)
    assert rgb.dtype == grey.dtype == np.float32
    red_value = (np.median(rgb.numpy()[..., 0]) + 1) * 127.5
    assert red_value == pytest.approx(200, abs=4)
    assert (np.median(grey.numpy()) + 1) * 127.5 == pytest.approx(0.2989 * red_value, abs=2)
    assert -1.0 <= rgb.numpy().min() and rgb.numpy().max() <= 1.0


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(data.DataError, match="does not exist"):
        data.from_path(os.path.join(tmp_path, "nope"), frames=4, size=32, channels=1)
    with pytest.raises(data.DataError, match="no videos"):
        data.from_path(tmp_path, frames=4, size=32, channels=1)
