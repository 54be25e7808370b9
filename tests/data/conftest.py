"""Real encoded test videos with known content, written with PyAV.

Frame `i` of every test video has a flat grey background of intensity
`16 + 8 * i` (so a decoded frame tells its own index) and a black square
that moves `SQUARE_STEP` pixels to the right per frame.
"""

import fractions
import os

import numpy as np
import pytest

BASE, STEP = 16, 8
SQUARE, SQUARE_TOP, SQUARE_LEFT, SQUARE_STEP = 8, 6, 2, 3

# extension -> (encoder, pixel format, options)
CODECS = {
    ".mp4": ("libx264", "yuv420p", {"crf": "12", "preset": "ultrafast"}),
    ".mov": ("libx264", "yuv420p", {"crf": "12", "preset": "ultrafast"}),
    ".webm": (
        "libvpx-vp9",
        "yuv420p",
        {"crf": "12", "b": "0", "deadline": "realtime", "cpu-used": "8"},
    ),
    ".avi": ("mjpeg", "yuvj420p", {"q:v": "2"}),
    ".gif": ("gif", "pal8", {}),
}


def frame_content(index, height=48, width=64):
    """uint8 RGB frame number `index` of a test video."""
    frame = np.full((height, width, 3), BASE + STEP * index, np.uint8)
    left = SQUARE_LEFT + SQUARE_STEP * index
    frame[SQUARE_TOP : SQUARE_TOP + SQUARE, left : left + SQUARE] = 0
    return frame


def index_of(frame):
    """The frame index a decoded frame shows: its background intensity (float clips in [-1, 1]
    or uint8)."""
    frame = np.asarray(frame, np.float64)
    if frame.max() <= 1.0:
        frame = (frame + 1.0) * 127.5
    return (np.median(frame) - BASE) / STEP


def write_video(path, num_frames=20, width=64, height=48, fps=10, times_ms=None, audio=False,
                content=frame_content):
    """Encodes a test video; the container and codec follow the file extension.

    `times_ms` gives each frame's presentation time (variable frame rate).
    """
    import av

    encoder, pixel_format, options = CODECS[os.path.splitext(path)[1]]
    with av.open(str(path), "w") as container:
        stream = container.add_stream(encoder, rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, pixel_format
        stream.options = dict(options)
        if times_ms is not None:
            stream.time_base = fractions.Fraction(1, 1000)
            stream.codec_context.time_base = fractions.Fraction(1, 1000)
        if audio:
            sound = container.add_stream("aac", rate=16000)
        for i in range(num_frames):
            image = content(i, height, width)
            if pixel_format == "pal8":
                frame = _palette_frame(image)
            else:
                frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            if times_ms is not None:
                frame.pts = int(times_ms[i])
                frame.time_base = fractions.Fraction(1, 1000)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
        if audio:
            samples = np.sin(np.arange(16000 * num_frames // fps) / 5.0).astype(np.float32)
            chunk = 1024
            for start in range(0, len(samples) - chunk, chunk):
                block = av.AudioFrame.from_ndarray(samples[None, start : start + chunk],
                                                   format="fltp", layout="mono")
                block.sample_rate = 16000
                block.pts = start
                for packet in sound.encode(block):
                    container.mux(packet)
            for packet in sound.encode():
                container.mux(packet)
    return str(path)


def _palette_frame(image):
    """An exact palette frame for GIF: the test content has at most 256 colours."""
    import av

    colours, indices = np.unique(image.reshape(-1, 3), axis=0, return_inverse=True)
    palette = np.zeros((256, 4), np.uint8)
    palette[:, 0] = 255  # ARGB: opaque
    palette[: len(colours), 1:] = colours
    return av.VideoFrame.from_ndarray(
        [indices.reshape(image.shape[:2]).astype(np.uint8), palette], format="pal8"
    )


@pytest.fixture(scope="session")
def video_writer():
    return write_video


@pytest.fixture(scope="session")
def content_tools():
    return {"index_of": index_of, "frame_content": frame_content}


@pytest.fixture(scope="session")
def class_folder(tmp_path_factory):
    """UCF-101 style: two classes, one video of each of the five formats spread over them."""
    root = tmp_path_factory.mktemp("videos")
    layout = {
        "Archery": ["a.mp4", "b.webm", "c.gif"],
        "Biking": ["d.avi", "e.mov"],
    }
    for name, files in layout.items():
        (root / name).mkdir()
        for file in files:
            write_video(root / name / file, num_frames=20, fps=10)
    (root / "Archery" / "notes.txt").write_text("not a video, ignored for its extension")
    return root
