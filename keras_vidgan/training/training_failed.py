"""The error a training run ends with when it cannot finish: a failed write, a divergence."""

import os

from keras_vidgan.training.run_directory import list_resume_points
from keras_vidgan.utils.write_failed import write_error_reason


class TrainingFailed(RuntimeError):
    """Training stopped before its end; what it saved before is intact.

    Raised by `keras_vidgan.training.train` when a write into the run
    directory fails (a full disk) and, as its subclass `TrainingDiverged`,
    when a loss diverges. Its message is one line: what failed, the newest
    intact checkpoint and what to do. The command line prints it and exits
    with status 1.

    Example:

    ```python
    from keras_vidgan.training import TrainConfig, TrainingFailed, train

    config = TrainConfig(model="vgan", frames=8, width=4, latent_dim=8, batch_size=2,
                         steps_per_epoch=1, epochs=1, num_samples=1, verbose=0,
                         out="runs/moving_mnist_vgan")
    try:
        train(config, log=lambda line: None)
    except TrainingFailed as error:
        print(error)  # such as: could not write ... (No space left on device); ...
    ```
    """

    @classmethod
    def from_write_error(cls, path, error, run_dir):
        """The failure of a write into `run_dir`: names the file, the error and where to resume.

        Args:
            path: the file that could not be written, or None when unknown.
            error: the `OSError` (or `tf.errors.OpError`) of the write.
            run_dir: the run directory.
        """
        what = "into"
        if path is not None:
            path = os.fspath(path)
            inside = os.path.abspath(path).startswith(os.path.join(os.path.abspath(run_dir), ""))
            what = os.path.relpath(path, run_dir) + " in" if inside else f"{path} for"
        points = list_resume_points(run_dir)
        if points:
            resume = (f"the newest intact checkpoint is {points[-1][2]}; free space and run the "
                      "same command again to resume from it")
        else:
            resume = ("no checkpoint was written yet; free space and run the same command again "
                      "to start the run")
        return cls(f"could not write {what} {run_dir} ({write_error_reason(error)}); {resume}.")
