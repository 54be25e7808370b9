"""Reading video files with PyAV: probing, decoding chosen frames, streaming all frames.

`probe_video` demuxes a file without decoding it (plus one frame, to prove
the codec works) and returns its frame timestamps; `read_video_frames`
decodes only the frames a clip needs, seeking to the nearest keyframe;
`iter_video_frames` streams every frame for `prepare`. Only the first video
stream is read: audio and subtitle streams are ignored. Problems raise
`BadFile` with the reason the user sees.
"""

import dataclasses
import fractions

import numpy as np

from keras_vidgan.data.bad_file_report import (
    EMPTY,
    NOT_A_VIDEO,
    TRUNCATED,
    UNSUPPORTED_CODEC,
    BadFile,
)
from keras_vidgan.data.clip_geometry import short_side_shape
from keras_vidgan.data.file_access import readable_size

VIDEO_EXTENSIONS = (
    ".mp4", ".m4v", ".mov", ".avi", ".webm", ".mkv", ".gif",
    ".mpg", ".mpeg", ".wmv", ".flv", ".ogv", ".3gp", ".ts",
)


@dataclasses.dataclass
class VideoInfo:
    """What `probe_video` learnt about a file.

    Attributes:
        path: the file.
        width, height: frame size in pixels.
        codec: the decoder's name.
        pts: presentation timestamps of the frames in stream time-base
            units, sorted, or None when the container gives none (frames
            are then counted in decoding order).
        timestamps: int64 microseconds of each frame from the first one.
        fps: the stream's average frame rate (informational).
    """

    path: str
    width: int
    height: int
    codec: str
    pts: np.ndarray | None
    timestamps: np.ndarray
    fps: float

    @property
    def frame_count(self):
        return len(self.timestamps)


def _container_signature(path):
    """The container a file's first bytes announce, or None."""
    with open(path, "rb") as handle:
        head = handle.read(12)
    if head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip"):
        return "mp4/mov"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "matroska/webm"
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return "avi"
    if head.startswith(b"GIF8"):
        return "gif"
    if head.startswith((b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3")):
        return "mpeg"
    if head.startswith((b"FLV", b"OggS", b"\x30\x26\xb2\x75")):
        return "flv/ogg/asf"
    return None


def _open(path):
    import av

    if readable_size(path) == 0:
        raise BadFile(EMPTY, "0 bytes")
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except av.FFmpegError as error:
        signature = _container_signature(path)
        if signature:
            detail = f"a {signature} file FFmpeg cannot open ({error.strerror})"
            raise BadFile(TRUNCATED, detail) from None
        raise BadFile(NOT_A_VIDEO, "not a format FFmpeg recognises") from None
    if not container.streams.video:
        container.close()
        raise BadFile(NOT_A_VIDEO, "no video stream")
    stream = container.streams.video[0]
    if stream.codec_context is None:
        container.close()
        raise BadFile(UNSUPPORTED_CODEC, "this FFmpeg build has no decoder for its video codec")
    return container, stream


def _microseconds(pts, time_base):
    scale = float(time_base) * 1e6
    return np.round((pts - pts[0]) * scale).astype(np.int64)


def probe_video(path):
    """Reads a file's structure: size, codec and every frame's timestamp.

    Demuxes the whole file (cheap: no decoding) and decodes its first
    frame. A file is truncated when it holds fewer frames than its header
    announces, or ends well before its announced duration.

    Args:
        path: a video file.

    Returns:
        A `VideoInfo`.

    Raises:
        BadFile: unreadable, empty, not a video, unsupported codec, or
            truncated/corrupt.

    Example:

    ```python
    from keras_vidgan.data.video_reader import probe_video

    info = probe_video("clip.mp4")
    print(info.frame_count, info.width, info.height)
    ```
    """
    import av

    container, stream = _open(path)
    with container:
        codec = stream.codec_context.name
        try:
            first_frame = None
            stamps = []
            missing_pts = False
            for packet in container.demux(stream):
                if packet.size == 0:
                    continue  # the end-of-stream flush packet
                stamp = packet.pts if packet.pts is not None else packet.dts
                missing_pts = missing_pts or stamp is None
                stamps.append(stamp)
                if first_frame is None:
                    for frame in packet.decode():
                        first_frame = frame
                        break
            if first_frame is None:
                for frame in stream.decode(None):
                    first_frame = frame
                    break
        except (av.FFmpegError, ValueError) as error:
            raise BadFile(TRUNCATED, f"{codec} data ends or breaks ({error})") from None
        if not stamps or first_frame is None:
            raise BadFile(TRUNCATED if stamps else NOT_A_VIDEO, "no decodable video frame")
        declared = stream.frames or 0
        if declared and len(stamps) < declared:
            raise BadFile(TRUNCATED, f"{len(stamps)} of {declared} announced frames present")
        rate = stream.average_rate or stream.guessed_rate or fractions.Fraction(25)
        time_base = stream.time_base or fractions.Fraction(1, 1000000)
        if missing_pts:
            pts = None
            timestamps = np.round(np.arange(len(stamps)) * 1e6 / float(rate)).astype(np.int64)
        else:
            pts = np.sort(np.asarray(stamps, np.int64))
            timestamps = _microseconds(pts, time_base)
        _check_duration(container, stream, timestamps, time_base, rate)
        return VideoInfo(
            path=str(path),
            width=int(stream.codec_context.width or first_frame.width),
            height=int(stream.codec_context.height or first_frame.height),
            codec=codec,
            pts=pts,
            timestamps=timestamps,
            fps=float(rate),
        )


def _check_duration(container, stream, timestamps, time_base, rate):
    """Flags files whose frames stop well before the duration their header announces.

    The frames cover the time up to the last one plus its display interval:
    the mean interval between frames, or for a lone frame one period of the
    stream's frame rate (a valid one-frame file announces exactly that).
    """
    if stream.duration:
        announced = stream.duration * float(time_base) * 1e6
    elif container.duration and len(container.streams) == 1:
        announced = float(container.duration)  # AV_TIME_BASE is microseconds
    else:
        return  # other streams may set the container's duration
    count = len(timestamps)
    interval = timestamps[-1] / (count - 1) if count > 1 else 1e6 / float(rate)
    present = timestamps[-1] + interval
    if announced - present > max(2.5 * interval, 0.1 * announced):
        raise BadFile(
            TRUNCATED,
            f"frames stop at {present / 1e6:.2f} s of an announced {announced / 1e6:.2f} s",
        )


def _to_rgb(frame, shape):
    """A decoded frame as uint8 RGB, scaled to `shape` (height, width) by swscale if given."""
    if shape is None or (frame.height, frame.width) == tuple(shape):
        return frame.to_ndarray(format="rgb24")
    # Scaling during the colour conversion costs about nothing; bilinear swscale widens
    # its filter when shrinking, so it does not alias.
    scaled = frame.reformat(width=shape[1], height=shape[0], format="rgb24",
                            interpolation="BILINEAR")
    return scaled.to_ndarray()


def read_video_frames(info, indices, size=None):
    """Decodes the frames at `indices` (into `info.timestamps`) as uint8 RGB.

    Indices may repeat and come in any order (looped or padded clips). Only
    the span from the keyframe before the first wanted frame to the last
    wanted frame is decoded, and only wanted frames are converted to RGB.

    Args:
        info: the file's `VideoInfo` from `probe_video`.
        indices: int sequence of frame indices.
        size: if given, frames are scaled so that their short side is `size`
            (aspect ratio kept) while they are converted.

    Returns:
        uint8 array `[len(indices), height, width, 3]`.

    Raises:
        BadFile: when the frames cannot be decoded (truncated or corrupt).

    Example:

    ```python
    from keras_vidgan.data.video_reader import probe_video, read_video_frames

    info = probe_video("clip.mp4")
    frames = read_video_frames(info, [0, 2, 4, 6], size=64)  # [4, 64, 85, 3] for 4:3
    ```
    """
    import av

    indices = np.asarray(indices, np.int64)
    wanted = np.unique(indices)
    try:
        shape = None if size is None else short_side_shape(info.height, info.width, size)
        frames = _decode_wanted(info, wanted, shape, seek=info.pts is not None and wanted[0] > 0)
        if frames is None:  # the seek overshot: read from the start instead
            frames = _decode_wanted(info, wanted, shape, seek=False)
    except (av.FFmpegError, ValueError, OSError) as error:
        raise BadFile(TRUNCATED, f"decoding failed ({error})") from None
    missing = [int(i) for i in wanted if int(i) not in frames]
    if missing:
        raise BadFile(TRUNCATED, f"frames {missing[:3]} could not be decoded")
    return np.stack([frames[int(i)] for i in indices])


def _decode_wanted(info, wanted, shape, seek):
    container, stream = _open(info.path)
    last_wanted = int(wanted[-1])
    wanted_set = set(int(i) for i in wanted)
    frames = {}
    with container:
        if info.pts is not None:
            index_of_pts = {int(p): i for i, p in enumerate(info.pts)}
        if seek:
            container.seek(int(info.pts[wanted[0]]), stream=stream, backward=True, any_frame=False)
        position = 0
        for frame in container.decode(stream):
            if info.pts is not None and frame.pts is not None:
                index = index_of_pts.get(int(frame.pts))
                if index is None:
                    continue
                if seek and not frames and index > wanted[0]:
                    return None
            else:
                index = position
            position += 1
            if index in wanted_set and index not in frames:
                frames[index] = _to_rgb(frame, shape)
            if index >= last_wanted and len(frames) == len(wanted_set):
                break
    return frames


def iter_video_frames(info, size=None):
    """Yields `(timestamp_us, uint8 RGB frame)` for every frame, in display order.

    With `size`, frames are scaled as in `read_video_frames`.

    Raises:
        BadFile: when decoding fails part-way.
    """
    import av

    shape = None if size is None else short_side_shape(info.height, info.width, size)
    container, stream = _open(info.path)
    with container:
        index_of_pts = (
            {int(p): i for i, p in enumerate(info.pts)} if info.pts is not None else None
        )
        position = 0
        try:
            for frame in container.decode(stream):
                if index_of_pts is not None and frame.pts is not None:
                    index = index_of_pts.get(int(frame.pts))
                    if index is None:
                        continue
                else:
                    index = position
                position += 1
                if index < len(info.timestamps):
                    yield int(info.timestamps[index]), _to_rgb(frame, shape)
        except (av.FFmpegError, ValueError) as error:
            raise BadFile(TRUNCATED, f"decoding failed ({error})") from None
