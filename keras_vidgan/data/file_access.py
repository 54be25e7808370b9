"""Whether an entry of the user's folders can be read at all, before any decoder touches it.

A folder may hold entries that look like videos or frames but cannot be
read: a link whose target is gone, a link that leads back to itself, a file
without read permission, a named pipe (opening one blocks until a writer
appears), a socket or a device. Each becomes a `BadFile` with the reason
`UNREADABLE`, so it is skipped and reported like any other bad file instead
of ending the run with a traceback.
"""

import errno
import os
import stat

from keras_vidgan.data.bad_file_report import UNREADABLE, BadFile

_NOT_REGULAR = (
    (stat.S_ISDIR, "a folder where a file was expected"),
    (stat.S_ISFIFO, "a named pipe (FIFO), not a regular file"),
    (stat.S_ISSOCK, "a socket, not a regular file"),
    (stat.S_ISCHR, "a character device, not a regular file"),
    (stat.S_ISBLK, "a block device, not a regular file"),
)


def unreadable_detail(path, error):
    """What an `OSError` met while opening or listing `path` means, in words for the user."""
    if isinstance(error, FileNotFoundError):
        if os.path.islink(path):
            return f"a broken link: its target {os.readlink(path)} does not exist"
        return "it no longer exists"
    if error.errno == errno.ELOOP:
        return "a link that leads back to itself"
    if isinstance(error, PermissionError):
        if os.path.isdir(path):
            return "no permission to list this folder"
        return "no permission to read it"
    return error.strerror or str(error)


def readable_size(path):
    """The size in bytes of the regular file at `path` (links followed), checked readable.

    Raises:
        BadFile: `UNREADABLE` with what is wrong, when `path` is not a
            regular file this process may read.

    Example:

    ```python
    from keras_vidgan.data.file_access import readable_size

    print(readable_size("clip.mp4") > 0)  # True
    ```
    """
    path = str(path)
    try:
        status = os.stat(path)
        for is_kind, detail in _NOT_REGULAR:
            if is_kind(status.st_mode):
                raise BadFile(UNREADABLE, detail)
        # Permission bits do not say what the process may read (root, ACLs); opening does.
        with open(path, "rb"):
            pass
    except OSError as error:
        raise BadFile(UNREADABLE, unreadable_detail(path, error)) from None
    return status.st_size
