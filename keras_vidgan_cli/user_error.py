"""The one exception the command line turns into a single-line message."""


class UserError(Exception):
    """Something the user can fix: a bad flag, a missing file, unusable data.

    The command line prints `keras-vidgan <command>: error: <message>` and
    exits with status 2 instead of showing a traceback.
    """


class CommandFailed(Exception):
    """The command ran but could not finish its work (a diverged run, a failed write).

    The command line prints `keras-vidgan <command>: error: <message>` and
    exits with status 1: scripts and schedulers must not read it as success.
    """
