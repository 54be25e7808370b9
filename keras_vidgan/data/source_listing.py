"""Finding the user's videos and frame folders on disk, with class labels from sub-folders.

Layouts (UCF-101 style): `ROOT/<class>/<video>.mp4` or `ROOT/<video>.mp4`
for video files, `ROOT/<class>/<video>/<frame>.jpg` or
`ROOT/<video>/<frame>.jpg` for frame folders. The class of an item is the
first sub-folder of ROOT on its path; class indices follow the sorted class
names, so the mapping does not depend on which files turn out bad. For a
glob pattern the class is the name of each file's parent folder.

Links are followed. An entry with a video extension is listed even when it
cannot be read (a broken link, a named pipe): the reader then skips and
reports it. What cannot be an item at all, a folder that cannot be listed or
an extensionless link that leads nowhere (a folder that went missing), is
returned in `unreadable` for the reader to report the same way.
"""

import dataclasses
import glob
import os
import re

from keras_vidgan.data.bad_file_report import UNREADABLE, BadFile
from keras_vidgan.data.data_error import DataError
from keras_vidgan.data.file_access import unreadable_detail
from keras_vidgan.data.video_reader import VIDEO_EXTENSIONS

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png")
GLOB_CHARACTERS = "*?["


@dataclasses.dataclass
class SourceListing:
    """The items found under a path.

    Attributes:
        root: the folder (or pattern) that was searched.
        items: sorted paths: video files, or frame folders.
        frames: for frame folders, each folder's frame files in natural order.
        classes: sorted class names ([] when items are not in class folders).
        labels: each item's class index, or None without classes.
        ignored: how many files were passed over for their extension.
        unreadable: `(path, BadFile)` for each folder that could not be
            listed and each extensionless link that leads nowhere.
    """

    root: str
    items: list
    classes: list
    labels: list | None
    frames: list | None = None
    ignored: int = 0
    unreadable: list = dataclasses.field(default_factory=list)

    @property
    def total(self):
        """How many entries a reader accounts for: the items and the unreadable entries."""
        return len(self.items) + len(self.unreadable)

    def report_unreadable(self, report):
        """Hands every unreadable entry to `report` (a `BadFileReport`; strict ones raise)."""
        for path, bad in self.unreadable:
            report.skip(path, bad)


def natural_sort_key(text):
    """Sorts "frame2.png" before "frame10.png": digit runs compare as numbers."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part.lower())
            for part in re.split(r"(\d+)", str(text)) if part]


def is_glob(path):
    return any(character in str(path) for character in GLOB_CHARACTERS)


def _has_extension(name, extensions):
    return os.path.splitext(name)[1].lower() in extensions


def walk_folders(root, unreadable):
    """`(folder, files)` under `root` in natural order, links followed.

    Folders that cannot be listed go to `unreadable`. A link back to a folder
    on the way down is not entered: followed, it would list the same videos
    again at every level until the path became too long.

    Raises:
        DataError: when `root` itself cannot be listed.
    """
    def failed(error):
        bad = BadFile(UNREADABLE, unreadable_detail(error.filename, error))
        if os.path.abspath(error.filename) == os.path.abspath(root):
            raise DataError(f"Cannot read {root}: {bad.detail}; fix its permissions or give "
                            "another folder.")
        unreadable.append((error.filename, bad))

    above = {root: {os.path.realpath(root)}}  # real paths of each folder and its ancestors
    for folder, subfolders, files in os.walk(root, onerror=failed, followlinks=True):
        chain = above.pop(folder)
        entered = []
        for name in sorted(subfolders, key=natural_sort_key):
            real = os.path.realpath(os.path.join(folder, name))
            if real not in chain:
                entered.append(name)
                above[os.path.join(folder, name)] = chain | {real}
        subfolders[:] = entered
        kept = []
        for name in files:
            if name.startswith("."):
                continue  # hidden files such as .DS_Store
            bad = _missing_folder(os.path.join(folder, name))
            if bad is None:
                kept.append(name)
            else:
                unreadable.append((os.path.join(folder, name), bad))
        yield folder, kept


def _missing_folder(path):
    """A `BadFile` for an extensionless link that cannot be followed, else None.

    Such a link most likely stood for a folder (a class, a frame folder)
    whose contents are now missing.
    """
    if os.path.splitext(path)[1] or not os.path.islink(path):
        return None
    try:
        os.stat(path)
    except OSError as error:
        return BadFile(UNREADABLE, unreadable_detail(path, error))
    return None


def _labels_for(root, items, by_parent):
    """Classes and labels from folder names; no classes when any item lacks one."""
    if by_parent:
        names = [os.path.basename(os.path.dirname(item)) for item in items]
    else:
        names = []
        for item in items:
            parts = os.path.relpath(item, root).split(os.sep)
            names.append(parts[0] if len(parts) > 1 else None)
    if not items or any(name is None for name in names):
        return [], None
    classes = sorted(set(names))
    index = {name: i for i, name in enumerate(classes)}
    return classes, [index[name] for name in names]


def listing_root(path):
    """The folder that names of a listing's items are relative to.

    A folder is its own root; a glob pattern's root is its leading folders
    without wildcards ("clips/*/*.mp4" -> "clips"); a file's root is its folder.
    """
    path = str(path)
    if os.path.isdir(path):
        return path
    if is_glob(path):
        parts = []
        for part in path.split(os.sep):
            if is_glob(part):
                break
            parts.append(part)
        return os.sep.join(parts) or "."
    return os.path.dirname(path) or "."


def list_videos(path):
    """Video files in a folder (recursively), matching a glob pattern, or one file.

    Args:
        path: a folder, a glob pattern such as "clips/*/*.mp4", or a file.

    Returns:
        A `SourceListing` (it may hold no items).

    Raises:
        DataError: when the path does not exist.

    Example:

    ```python
    from keras_vidgan.data.source_listing import list_videos

    listing = list_videos("UCF-101")
    print(len(listing.items), listing.classes[:3])
    ```
    """
    path = str(path)
    if is_glob(path):
        matches = sorted(glob.glob(path, recursive=True), key=natural_sort_key)
        # Broken links match too and are kept, so that the reader reports them.
        files = [m for m in matches if not os.path.isdir(m)]
        items = [m for m in files if _has_extension(m, VIDEO_EXTENSIONS)]
        ignored = len(files) - len(items)
        classes, labels = _labels_for(path, items, by_parent=True)
        return SourceListing(path, items, classes, labels, ignored=ignored)
    if os.path.isfile(path):
        return SourceListing(path, [path], [], None)
    if not os.path.isdir(path):
        raise DataError(f"{path} does not exist: give a folder of videos, a glob pattern, "
                        "a frame-folder root or TFRecord shards.")
    items, ignored, unreadable = [], 0, []
    for folder, files in walk_folders(path, unreadable):
        for name in files:
            if _has_extension(name, VIDEO_EXTENSIONS):
                items.append(os.path.join(folder, name))
            else:
                ignored += 1
    items.sort(key=natural_sort_key)
    unreadable.sort(key=lambda entry: natural_sort_key(entry[0]))
    classes, labels = _labels_for(path, items, by_parent=False)
    return SourceListing(path, items, classes, labels, ignored=ignored, unreadable=unreadable)


def list_frame_folders(path):
    """Folders of JPEG/PNG frames under `path` (each one video), frames in natural order.

    A folder counts when it directly holds image files. Zero-byte frames are
    kept here and reported by the reader.

    Args:
        path: the root folder.

    Returns:
        A `SourceListing` whose `frames` lists each folder's frame files.

    Example:

    ```python
    from keras_vidgan.data.source_listing import list_frame_folders

    listing = list_frame_folders("frames")
    print(listing.items[0], listing.frames[0][:2])
    ```
    """
    path = str(path)
    if not os.path.isdir(path):
        raise DataError(f"{path} is not a folder: frame folders live in one root folder.")
    items, frames, unreadable = [], [], []
    for folder, files in walk_folders(path, unreadable):
        images = [name for name in files if _has_extension(name, IMAGE_EXTENSIONS)]
        if images and os.path.abspath(folder) != os.path.abspath(path):
            items.append(folder)
            frames.append([os.path.join(folder, n) for n in sorted(images, key=natural_sort_key)])
    order = sorted(range(len(items)), key=lambda i: natural_sort_key(items[i]))
    items = [items[i] for i in order]
    frames = [frames[i] for i in order]
    unreadable.sort(key=lambda entry: natural_sort_key(entry[0]))
    classes, labels = _labels_for(path, items, by_parent=False)
    return SourceListing(path, items, classes, labels, frames=frames, unreadable=unreadable)
