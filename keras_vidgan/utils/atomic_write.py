"""Writing a small text file so that readers see the old file or the new one, never half."""

import json
import os


def write_text_atomically(path, text):
    """Writes `text` under a temporary name beside `path`, then renames it into place.

    A failed write (full disk, a kill) removes the temporary file, and
    `path` keeps what it held before.

    Example:

    ```python
    from keras_vidgan.utils.atomic_write import write_text_atomically

    write_text_atomically("notes.txt", "one\\n")
    print(open("notes.txt").read().strip())  # one
    ```
    """
    path = os.fspath(path)
    partial = f"{path}.partial"
    try:
        with open(partial, "w") as handle:
            handle.write(text)
        os.replace(partial, path)
    except BaseException:
        if os.path.exists(partial):
            os.remove(partial)
        raise


def write_json_atomically(path, content, indent=2):
    """`write_text_atomically` of `content` as JSON."""
    write_text_atomically(path, json.dumps(content, indent=indent))
