"""The `keras-vidgan` command line."""
