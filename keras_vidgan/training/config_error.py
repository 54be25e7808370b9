"""The error a training recipe raises for settings that cannot work or do not fit the run."""


class ConfigError(ValueError):
    """A setting is invalid, or does not match the run directory it would resume.

    Its message is one line that names the setting, the values involved and
    what to do. The command line prints it without a traceback.

    Example:

    ```python
    from keras_vidgan.training import ConfigError, TrainConfig

    try:
        TrainConfig(model="vgann").validate()
    except ConfigError as error:
        print(error)  # model must be one of vgan, tgan, mocogan, dvdgan, styleganv; got 'vgann'.
    ```
    """
