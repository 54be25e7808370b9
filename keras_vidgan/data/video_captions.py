"""The caption of each of the user's videos, from sidecar `.txt` files or one `captions.csv`.

Two layouts, which may be mixed:

    videos/                       videos/
      walk.mp4                      captions.csv    video,caption
      walk.txt   a dog walks          walk.mp4      walk.mp4,a dog walks
      run/fast.mp4                    run/fast.mp4  run/fast.mp4,"a dog runs, fast"
      run/fast.txt a dog runs, fast

A sidecar is `<video stem>.txt` beside the video. `captions.csv` lies at the
root of the data (the folder given, the leading folders of a glob, or the
folder of a single file); its header names the columns `video` and `caption`
(others are ignored), and `video` is the path relative to that root,
`/`-separated. A video captioned both ways must get the same caption from
both. Captions are UTF-8 (a byte-order mark is allowed); surrounding
whitespace is stripped and inner runs of whitespace, line breaks included,
become one space.

Everything is checked when the captions are read, before a clip is decoded
or a shard written: every problem is a `DataError` with one line that names
the file and says what to fix.
"""

import csv
import io
import os

from keras_vidgan.data.data_error import DataError
from keras_vidgan.data.source_listing import listing_root

CAPTIONS_FILE = "captions.csv"
SIDECAR_SUFFIX = ".txt"
# Names shown when listing videos without a caption; the count says how many more.
NAMED = 3


def sidecar_path(video):
    """The sidecar caption file of `video`: `<video stem>.txt` beside it."""
    return os.path.splitext(str(video))[0] + SIDECAR_SUFFIX


def relative_name(root, video):
    """`video`'s name in `captions.csv`: its path relative to `root`, `/`-separated."""
    return os.path.relpath(str(video), str(root)).replace(os.sep, "/")


def has_captions(path, videos):
    """Whether the data at `path` comes with captions: a `captions.csv` or any sidecar.

    Args:
        path: the folder, glob or file the videos were listed from.
        videos: the listed video paths.
    """
    root = listing_root(path)
    if os.path.lexists(os.path.join(root, CAPTIONS_FILE)):
        return True
    return any(os.path.lexists(sidecar_path(video)) for video in videos)


def read_captions(path, videos):
    """The caption of every video, checked: each video has exactly one, and nothing is left over.

    Args:
        path: the folder, glob pattern or file the videos were listed from
            (it decides where `captions.csv` is looked for).
        videos: the listed video paths (`SourceListing.items`).

    Returns:
        A list of captions (str), one per video, in the order of `videos`.

    Raises:
        DataError: no captions at all; videos without a caption (the first
            few named, and how many); `captions.csv` rows naming videos that
            are not there, or the same video twice; an empty caption; a file
            that is not UTF-8, cannot be read, or (the csv) lacks its header
            or has rows of the wrong length; a sidecar and a csv row that
            disagree.

    Example:

    ```python
    import pathlib
    from keras_vidgan.data.source_listing import list_videos
    from keras_vidgan.data.video_captions import read_captions

    listing = list_videos("my_videos")
    for video in listing.items:  # a sidecar beside each video
        pathlib.Path(video).with_suffix(".txt").write_text("a dog walks")
    print(read_captions("my_videos", listing.items)[0])  # a dog walks
    ```
    """
    path, videos = str(path), [str(video) for video in videos]
    root = listing_root(path)
    csv_path = os.path.join(root, CAPTIONS_FILE)
    rows = _read_csv(csv_path) if os.path.lexists(csv_path) else {}
    names = [relative_name(root, video) for video in videos]
    known = set(names)
    # Rows of files that a glob or a single file leaves out are fine; in a folder every
    # video is listed, so a row naming no listed video is a mistake.
    listed_all = os.path.isdir(path)
    extra = [(line, name) for name, (_, line) in rows.items()
             if name not in known and (listed_all or not os.path.isfile(os.path.join(root, name)))]
    if extra:
        line, name = min(extra)
        more = f" ({len(extra)} such rows)" if len(extra) > 1 else ""
        raise DataError(
            f"{csv_path} line {line} captions {name}, which is not a video in {root}{more}; "
            "remove the row or correct its path (relative to the folder, `/`-separated)."
        )
    captions, missing = [], []
    for video, name in zip(videos, names):
        sidecar = sidecar_path(video)
        from_sidecar = _read_sidecar(sidecar, video) if os.path.lexists(sidecar) else None
        from_csv = rows[name][0] if name in rows else None
        if from_sidecar is not None and from_csv is not None and from_sidecar != from_csv:
            raise DataError(
                f"{sidecar} and {csv_path} line {rows[name][1]} give {name} different captions "
                f"({from_sidecar!r} and {from_csv!r}); keep one of them, or make them agree."
            )
        caption = from_sidecar if from_sidecar is not None else from_csv
        if caption is None:
            missing.append(name)
        captions.append(caption)
    if missing and len(missing) == len(videos) and not rows:
        raise DataError(
            f"The videos in {root} have no captions; put a caption in <video stem>.txt beside "
            f"each video, or write {csv_path} with the header video,caption."
        )
    if missing:
        named = ", ".join(missing[:NAMED])
        more = f" and {len(missing) - NAMED} more" if len(missing) > NAMED else ""
        raise DataError(
            f"{len(missing)} of {len(videos)} videos in {root} have no caption ({named}{more}); "
            f"put a <video stem>.txt beside each, or add their rows to {csv_path}."
        )
    return captions


def clean_caption(text):
    """`text` with surrounding whitespace stripped and inner whitespace runs made one space."""
    return " ".join(text.split())


def _has_word(caption):
    # Punctuation alone leaves the text encoder nothing to read.
    return any(character.isalnum() for character in caption)


def _read_text(path, what):
    """The UTF-8 text of a caption file (a byte-order mark dropped); DataError when it is not."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        reason = error.strerror or str(error)
        raise DataError(f"Cannot read {path} ({reason}); fix it or remove it: {what}.") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(
            f"{path} is not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "save it as UTF-8."
        ) from None


def _read_sidecar(path, video):
    caption = clean_caption(_read_text(path, f"it is the caption of {video}"))
    if not _has_word(caption):
        raise DataError(f"{path} is empty (no word); write the caption of "
                        f"{os.path.basename(video)} in it.")
    return caption


def _read_csv(path):
    """`{video name: (caption, line)}` of `captions.csv`, every row checked."""
    text = _read_text(path, "it holds the captions of the videos")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    hint = "the first line must be the header video,caption"
    try:
        header = next((row for row in reader if row), None)
        if header is None:
            raise DataError(f"{path} is empty; {hint}, then one row per video.")
        columns = [name.strip().lower() for name in header]
        if "video" not in columns or "caption" not in columns:
            raise DataError(f"{path} has no `video` and `caption` columns in its header "
                            f"({','.join(header)!r}); {hint}.")
        video_column, caption_column = columns.index("video"), columns.index("caption")
        rows = {}
        for row in reader:
            if not any(field.strip() for field in row):
                continue  # blank lines
            line = reader.line_num
            if len(row) != len(columns):
                raise DataError(
                    f"{path} line {line} has {len(row)} fields, the header {len(columns)}; "
                    'put a caption that holds a comma in double quotes: "a dog, running".'
                )
            name = _video_name(row[video_column])
            caption = clean_caption(row[caption_column])
            if not name:
                raise DataError(f"{path} line {line} names no video; give the video's path "
                                "relative to the folder.")
            if name in rows:
                raise DataError(f"{path} lines {rows[name][1]} and {line} both caption {name}; "
                                "keep one row per video.")
            if not _has_word(caption):
                raise DataError(f"{path} line {line}: the caption of {name} is empty (no word); "
                                "write one.")
            rows[name] = (caption, line)
    except csv.Error as error:
        raise DataError(f"{path} line {reader.line_num} is not valid CSV ({error}); "
                        f"{hint}, then one row per video.") from None
    return rows


def _video_name(text):
    """A `video` field as the relative, `/`-separated name `relative_name` gives."""
    name = text.strip().replace("\\", "/")
    while name.startswith("./"):
        name = name[2:]
    return name
