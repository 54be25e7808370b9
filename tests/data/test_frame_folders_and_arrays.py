"""Frame folders (natural order, labels) and uint8 arrays through the same clip pipeline."""

import numpy as np
import pytest

import keras_vidgan.data as data


def write_frames(folder, count, extension=".png", offset=0, content=None):
    from PIL import Image

    from_index = content or (lambda i: np.full((24, 40, 3), 16 + 8 * (i + offset), np.uint8))
    folder.mkdir(parents=True)
    for i in range(count):
        # Unpadded numbers: "frame10" must come after "frame9".
        Image.fromarray(from_index(i)).save(folder / f"frame{i}{extension}", quality=95)


def test_frames_in_natural_order_with_labels(tmp_path, content_tools):
    index_of = content_tools["index_of"]
    write_frames(tmp_path / "walk" / "clip1", 12)
    write_frames(tmp_path / "walk" / "clip2", 12, extension=".jpg", offset=5)
    write_frames(tmp_path / "run" / "clip3", 12, offset=10)
    assert data.detect_kind(tmp_path) == "frame_folders"
    clips = data.from_path(tmp_path, frames=5, size=24, channels=3, training=False, stride=2,
                           with_labels=True, class_mapping_path=tmp_path / "out")
    assert clips.source_kind == "frame_folders" and clips.class_names == ["run", "walk"]
    got = [([index_of(f) for f in clip.numpy()], int(label)) for clip, label in clips]
    assert [label for _, label in got] == [0, 1, 1]  # run/clip3, walk/clip1, walk/clip2
    expected = [[10, 12, 14, 16, 18], [0, 2, 4, 6, 8], [5, 7, 9, 11, 13]]
    assert np.allclose([indices for indices, _ in got], expected, atol=0.3)
    assert data.load_class_mapping(tmp_path / "out") == ["run", "walk"]


def test_frame_folder_crop_geometry_is_exact(tmp_path):
    # A 24x40 (H x W) ramp, already at the clip's short side: the centre crop keeps
    # source columns 8..31 exactly.
    row = np.arange(40, dtype=np.uint8) * 5

    def ramp(i):
        return np.repeat(np.broadcast_to(row[None, :, None], (24, 40, 1)), 3, axis=2).copy()

    write_frames(tmp_path / "ramp", 4, content=ramp)
    clip = next(iter(data.frame_folders(tmp_path, frames=2, size=24, channels=1,
                                        training=False)))
    pixels = np.round((clip.numpy()[0, :, :, 0] + 1) * 127.5)
    np.testing.assert_array_equal(pixels, np.broadcast_to(row[8:32], (24, 24)))


def test_frame_folders_need_a_frame_rate_for_fps(tmp_path):
    write_frames(tmp_path / "a", 8)
    with pytest.raises(data.DataError, match="frame_rate"):
        data.frame_folders(tmp_path, frames=4, size=24, channels=1, fps=5)
    clips = data.frame_folders(tmp_path, frames=4, size=24, channels=1, fps=5, frame_rate=10,
                               training=False)
    values = [(np.median(f) + 1) * 127.5 for f in next(iter(clips)).numpy()]
    assert np.allclose(values, [16, 32, 48, 64], atol=1)


def test_from_arrays_samples_and_resizes(content_tools):
    index_of = content_tools["index_of"]
    videos = np.stack([
        np.stack([np.full((30, 40, 1), 16 + 8 * (i + k), np.uint8) for i in range(10)])
        for k in range(3)
    ])
    clips = data.from_arrays(videos, frames=4, size=16, channels=3, training=False, stride=3,
                             labels=[2, 0, 1], with_labels=True)
    got = [(clip.numpy(), int(label)) for clip, label in clips]
    assert [label for _, label in got] == [2, 0, 1]
    for k, (clip, _) in enumerate(got):
        assert clip.shape == (4, 16, 16, 3)
        assert np.allclose([index_of(f) for f in clip], np.array([0, 3, 6, 9]) + k, atol=0.1)
    default = data.from_arrays(videos)
    assert default.element_spec.shape == (10, 30, 30, 1)


def test_from_arrays_streams_a_memory_map(tmp_path):
    path = tmp_path / "videos.npy"
    videos = np.lib.format.open_memmap(path, mode="w+", dtype=np.uint8, shape=(4, 8, 16, 16, 3))
    videos[:] = 200
    videos.flush()
    clips = data.from_path(path, frames=8, size=16, channels=1, training=True)
    assert clips.source_kind == "array"
    assert len(list(clips)) == 4


def test_from_arrays_rejects_wrong_input():
    with pytest.raises(data.DataError, match="uint8"):
        data.from_arrays(np.zeros((2, 4, 8, 8, 3), np.float32))
    with pytest.raises(data.DataError, match=r"\[N, T, H, W, C\]"):
        data.from_arrays(np.zeros((4, 8, 8, 3), np.uint8))
    with pytest.raises(data.DataError, match="2 labels for 3 videos"):
        data.from_arrays(np.zeros((3, 4, 8, 8, 3), np.uint8), labels=[0, 1])
