"""Small utilities shared by several parts of the package."""

from keras_vidgan.utils.output_folder import unwritable_reason
from keras_vidgan.utils.write_failed import WriteFailed, write_error_reason

__all__ = ["WriteFailed", "unwritable_reason", "write_error_reason"]
