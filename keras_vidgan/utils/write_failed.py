"""The error raised when writing output fails part-way (a full disk, a lost mount)."""


class WriteFailed(OSError):
    """Writing output failed after the work had started; earlier output is intact.

    Raised by `keras_vidgan.data.prepare_shards` and
    `keras_vidgan.export.export_saved_model` in place of the raw `OSError`
    or `tf.errors.OpError` (TensorFlow's file writers raise the latter, for
    example `ResourceExhaustedError` on a full disk). Its message is one
    line: what was being written, the error, what was kept, and what to do.
    The original error is its `__cause__`. The command line prints it and
    exits with status 1.

    Example:

    ```python
    import keras_vidgan

    try:
        keras_vidgan.data.prepare_shards("UCF-101", "ucf_shards", shards=32, size=80)
    except keras_vidgan.utils.WriteFailed as error:
        # Such as: Writing ucf_shards/shard-00003-of-00032.tfrecord failed (No space left
        # on device); the shards finished before it are kept. Free space and run ...
        print(error)
    ```
    """


def write_error_reason(error):
    """The cause of a failed write as a short phrase, such as "No space left on device".

    Args:
        error: an `OSError` or a `tf.errors.OpError`.
    """
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    # OpError messages name the file first ("path; No space left on device").
    message = getattr(error, "message", None) or str(error) or type(error).__name__
    return message.strip().splitlines()[0].split("; ")[-1]
