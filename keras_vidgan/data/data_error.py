"""The error every reader raises when the data cannot be used as asked."""


class DataError(ValueError):
    """The data cannot be used: a missing path, a bad option, or no usable video left.

    Its message is one line that names the path and says what to do. The
    command line turns it into a `UserError`.

    Example:

    ```python
    import keras_vidgan

    try:
        keras_vidgan.data.from_path("no/such/folder", frames=16, size=64, channels=3)
    except keras_vidgan.data.DataError as error:
        print(error)
    ```
    """
