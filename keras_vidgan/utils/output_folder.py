"""Whether a folder can receive output, checked before any work starts."""

import os


def unwritable_reason(folder):
    """Why files cannot be written into `folder`, or None when they can.

    `folder` need not exist: then its nearest existing parent must be a
    writable folder, so that `os.makedirs` can create it. Nothing is created.

    Args:
        folder: the output folder a command is about to write.

    Returns:
        A clause such as `"runs/x is a file, not a folder"`, or None.

    Example:

    ```python
    from keras_vidgan.utils.output_folder import unwritable_reason

    print(unwritable_reason("runs/new_run"))  # None where the working folder is writable
    ```
    """
    folder = os.fspath(folder)
    if os.path.exists(folder) and not os.path.isdir(folder):
        return f"{folder} is a file, not a folder"
    target = existing = os.path.abspath(folder)
    while not os.path.lexists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        return f"{existing} is a file, so no folder can be created inside it"
    if not os.access(existing, os.W_OK | os.X_OK):
        if existing == target:
            return f"{folder} is not writable"
        return f"{existing} is not writable, so {folder} cannot be created there"
    return None
