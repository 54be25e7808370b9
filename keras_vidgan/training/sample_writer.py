import os

import keras
import numpy as np
import tensorflow as tf

from keras_vidgan.utils.video_files import video_grid, write_gif, write_mp4, write_png_strip


class SampleWriter(keras.callbacks.Callback):
    """Writes videos generated from fixed noise after every epoch.

    The same noise is used at every epoch, so the files show how the same
    latent points evolve during training. Each epoch writes
    `epoch_NNNN.gif` (an animated grid), `epoch_NNNN.mp4` (the same grid,
    H.264) and `epoch_NNNN.png` (one row of frames per video), and refreshes
    `latest.gif`.

    Args:
        directory: where the files go (created if needed).
        num_videos: videos in the grid.
        seed: seed of the fixed noise.
        fps: frame rate of the GIF and MP4.
        every: write every `every` epochs (the last epoch is always written).

    Example:

    ```python
    import keras_vidgan

    writer = keras_vidgan.training.SampleWriter("samples", num_videos=4)
    # gan.fit(dataset, epochs=3, callbacks=[writer])
    ```
    """

    def __init__(self, directory, num_videos=16, seed=0, fps=8, every=1):
        super().__init__()
        self.directory = directory
        self.num_videos = num_videos
        self.seed = seed
        self.fps = fps
        self.every = every
        self._epochs = None

    def on_train_begin(self, logs=None):
        self._epochs = self.params.get("epochs") if self.params else None

    def generate(self):
        """The current samples for the fixed noise: uint8-ready float clips `[N, T, H, W, C]`."""
        model = self.model
        noise = tf.random.stateless_normal([self.num_videos, model.latent_dim], seed=[self.seed, 1])
        generator = getattr(model, "sampling_generator", model.generator)
        num_classes = getattr(generator, "num_classes", None)
        if num_classes is not None:
            # A class-conditional generator: the videos cycle through the classes.
            labels = tf.range(self.num_videos, dtype=tf.int32) % num_classes
            return np.asarray(generator([noise, labels], training=False))
        return np.asarray(generator(noise, training=False))

    def on_epoch_end(self, epoch, logs=None):
        last = self._epochs is not None and epoch + 1 == self._epochs
        if (epoch + 1) % self.every and not last:
            return
        os.makedirs(self.directory, exist_ok=True)
        clips = self.generate()
        grid = video_grid(clips)
        stem = os.path.join(self.directory, f"epoch_{epoch + 1:04d}")
        write_gif(stem + ".gif", grid, fps=self.fps)
        write_mp4(stem + ".mp4", grid, fps=self.fps)
        # A one-column grid, laid out frame after frame: rows are videos, columns time.
        write_png_strip(stem + ".png", video_grid(clips[:8], columns=1))
        write_gif(os.path.join(self.directory, "latest.gif"), grid, fps=self.fps)
