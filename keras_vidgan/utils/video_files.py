"""Writing clips to disk as animated GIF, MP4 (H.264 through PyAV) and PNG strips.

Clips are float arrays in [-1, 1] or uint8 arrays, shaped `[T, H, W, C]`
with C in {1, 3}. Grids tile several clips into one clip.
"""

import io
import math
import os

import numpy as np

from keras_vidgan.utils.pixels import video_to_uint8_numpy


def to_uint8(clips):
    """uint8 clips: float clips in [-1, 1] mapped by `video_to_uint8_numpy`, uint8 ones as given.

    The exports use the same mapping, so files and served videos agree bit for bit.
    """
    clips = np.asarray(clips)
    return clips if clips.dtype == np.uint8 else video_to_uint8_numpy(clips)


def video_grid(clips, columns=None, padding=2):
    """Tiles `[N, T, H, W, C]` clips into one `[T, H', W', C]` clip with a grey border."""
    clips = to_uint8(clips)
    count, frames, height, width, channels = clips.shape
    columns = columns or math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    grid = np.full(
        (
            frames,
            rows * (height + padding) + padding,
            columns * (width + padding) + padding,
            channels,
        ),
        128,
        np.uint8,
    )
    for index in range(count):
        row, column = divmod(index, columns)
        top = padding + row * (height + padding)
        left = padding + column * (width + padding)
        grid[:, top : top + height, left : left + width] = clips[index]
    return grid


def _rgb(frames):
    frames = to_uint8(frames)
    if frames.shape[-1] == 1:
        frames = np.repeat(frames, 3, axis=-1)
    return frames


def encode_gif(clip, fps=8):
    """One clip `[T, H, W, C]` as the bytes of a looping animated GIF."""
    from PIL import Image

    frames = [Image.fromarray(frame) for frame in _rgb(clip)]
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=max(1, round(1000 / fps)),
        loop=0,
    )
    return buffer.getvalue()


def write_gif(path, clip, fps=8):
    """Writes one clip `[T, H, W, C]` as a looping animated GIF."""
    data = encode_gif(clip, fps=fps)
    with open(path, "wb") as handle:
        handle.write(data)


def write_mp4(path, clip, fps=8):
    """Writes one clip as H.264 MP4 (yuv420p, playable everywhere) with PyAV.

    H.264 with 4:2:0 chroma needs even sizes, so odd heights and widths are
    padded by one pixel.
    """
    import av

    frames = _rgb(clip)
    pad_h, pad_w = frames.shape[1] % 2, frames.shape[2] % 2
    if pad_h or pad_w:
        frames = np.pad(frames, ((0, 0), (0, pad_h), (0, pad_w), (0, 0)), mode="edge")
    with av.open(path, mode="w") as container:
        stream = container.add_stream("libx264", rate=int(fps))
        stream.width, stream.height = frames.shape[2], frames.shape[1]
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": "18"}
        for frame in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def frame_strip(clip, max_frames=16):
    """The frames of one clip side by side: uint8 RGB `[H, W * n, 3]`.

    `n` is the clip's length, or `max_frames` evenly spaced frames of a longer clip.
    """
    frames = _rgb(clip)
    if len(frames) > max_frames:
        frames = frames[np.linspace(0, len(frames) - 1, max_frames).round().astype(int)]
    return np.concatenate(list(frames), axis=1)


def write_png_strip(path, clip, max_frames=16):
    """Writes `frame_strip(clip, max_frames)` as a PNG."""
    from PIL import Image

    Image.fromarray(frame_strip(clip, max_frames)).save(path)


def captioned_strips(clips, captions, max_frames=16, padding=2, band=14):
    """One row of frames per clip, each with its caption written underneath: uint8 RGB.

    Args:
        clips: `[N, T, H, W, C]` clips.
        captions: N strings, the text under each row.
        max_frames: frames per row, evenly spaced in longer clips.
        padding: grey pixels around and between the rows.
        band: height in pixels of the caption's band.
    """
    from PIL import Image, ImageDraw, ImageFont

    if len(clips) != len(captions):
        raise ValueError(f"Got {len(clips)} clips but {len(captions)} captions.")
    strips = [frame_strip(clip, max_frames) for clip in clips]
    height, width = strips[0].shape[:2]
    row_height = height + band + padding
    image = Image.new("RGB", (width + 2 * padding, padding + len(strips) * row_height),
                      (128, 128, 128))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    for index, (strip, caption) in enumerate(zip(strips, captions)):
        top = padding + index * row_height
        image.paste(Image.fromarray(strip), (padding, top))
        draw.rectangle([padding, top + height, padding + width - 1, top + height + band - 1],
                       fill=(255, 255, 255))
        draw.text((padding + 2, top + height + 1), str(caption), fill=(0, 0, 0), font=font)
    return np.asarray(image)


def write_video(path, clip, fps=8):
    """Writes a clip in the format its file extension names: .gif, .mp4, .png or .npy."""
    extension = os.path.splitext(path)[1].lower()
    writers = {".gif": write_gif, ".mp4": write_mp4}
    if extension in writers:
        writers[extension](path, clip, fps=fps)
    elif extension == ".png":
        write_png_strip(path, clip)
    elif extension == ".npy":
        np.save(path, to_uint8(clip))
    else:
        raise ValueError(
            f"Unsupported video extension {extension!r}: use .gif, .mp4, .png or .npy."
        )
