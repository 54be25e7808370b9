import os
import warnings

import keras
import numpy as np
import tensorflow as tf

from keras_vidgan.models.seeds import labels_for_seeds, noise_from_seeds
from keras_vidgan.utils.video_files import (
    captioned_strips,
    encode_gif,
    frame_strip,
    video_grid,
    write_mp4,
    write_png_strip,
)

# TensorBoard tags of the samples; `/` groups them under "samples" in the dashboard.
FRAMES_TAG = "samples/frames"
VIDEO_TAG = "samples/video"


class SampleWriter(keras.callbacks.Callback):
    """Writes videos generated from fixed noise after every epoch, as files and to TensorBoard.

    The same noise is used at every epoch, so the files show how the same
    latent points evolve during training. Each epoch writes
    `epoch_NNNN.gif` (an animated grid), `epoch_NNNN.mp4` (the same grid,
    H.264) and `epoch_NNNN.png` (one row of frames per video), and
    refreshes `latest.gif`. An epoch whose generator output is not finite (a
    diverged run) writes nothing, with a warning.

    With `log_dir`, each of those epochs also goes to TensorBoard's Images
    dashboard: `samples/frames`, the PNG's strip of frames, and
    `samples/video`, the animated GIF grid, which the dashboard plays (an
    image summary may hold any encoded image; TensorBoard serves GIFs as
    such). Their step is the epoch counted from 0, the step Keras'
    `TensorBoard` callback gives its `epoch_*` scalars, so samples and loss
    curves line up; `epoch_0001.gif` is step 0.

    A text-conditioned generator draws video `i` for `prompts[i]` (the
    prompts cycle when there are fewer than videos), and the PNG then
    shows each prompt under its row of frames.

    Args:
        directory: where the files go (created if needed).
        num_videos: videos in the grid.
        seed: seed of the fixed noise.
        fps: frame rate of the GIF and MP4.
        every: write every `every` epochs (the last epoch is always written).
        log_dir: directory for TensorBoard event files, such as the run's
            `logs/samples`; None writes no summaries.
        prompts: list of strings, for a text-conditioned generator.

    Example:

    ```python
    import keras_vidgan

    writer = keras_vidgan.training.SampleWriter("samples", num_videos=4, log_dir="logs/samples")
    # gan.fit(dataset, epochs=3, callbacks=[writer])
    # tensorboard --logdir logs
    ```
    """

    def __init__(
        self, directory, num_videos=16, seed=0, fps=8, every=1, log_dir=None, prompts=None
    ):
        super().__init__()
        self.directory = directory
        self.num_videos = num_videos
        self.seed = seed
        self.fps = fps
        self.every = every
        self.log_dir = log_dir
        self.prompts = None if prompts is None else [str(prompt) for prompt in prompts]
        if self.prompts is not None and not self.prompts:
            raise ValueError("`prompts` must hold at least one prompt, or be None.")
        self._epochs = None
        self._summary_writer = None

    def on_train_begin(self, logs=None):
        self._epochs = self.params.get("epochs") if self.params else None

    def generate(self):
        """The current samples for the fixed noise: uint8-ready float clips `[N, T, H, W, C]`."""
        model = self.model
        # The mapping of `GAN.generate` and `keras-vidgan sample --seed`: video i of the grid
        # is the video of seed `seed + i` there too.
        noise = noise_from_seeds(np.arange(self.seed, self.seed + self.num_videos),
                                 model.latent_dim)
        generator = getattr(model, "sampling_generator", model.generator)
        num_classes = getattr(generator, "num_classes", None)
        if getattr(generator, "text_encoder", None) is not None:
            if self.prompts is None:
                raise ValueError("The generator is text-conditioned: pass `prompts`.")
            texts = tf.constant(self.video_prompts(), tf.string)
            return np.asarray(generator([noise, texts], training=False))
        if num_classes is not None:
            # A class-conditional generator: video i asks for the classes of seed i, so the
            # videos cycle through the classes.
            labels = labels_for_seeds(
                np.arange(self.num_videos), num_classes, getattr(generator, "labels_per_clip", 1)
            )
            return np.asarray(generator([noise, tf.constant(labels)], training=False))
        return np.asarray(generator(noise, training=False))

    def video_prompts(self):
        """The prompt of each video of the grid, or None without prompts."""
        if self.prompts is None:
            return None
        return [self.prompts[index % len(self.prompts)] for index in range(self.num_videos)]

    def on_epoch_end(self, epoch, logs=None):
        last = self._epochs is not None and epoch + 1 == self._epochs
        if (epoch + 1) % self.every and not last:
            return
        clips = self.generate()
        if not np.all(np.isfinite(clips)):
            # A diverged generator: pictures of NaN would only hide the last good samples.
            warnings.warn(
                f"Not writing samples for epoch {epoch + 1}: the generator's output is not "
                "finite.",
                stacklevel=2,
            )
            return
        os.makedirs(self.directory, exist_ok=True)
        grid = video_grid(clips)
        gif = encode_gif(grid, fps=self.fps)
        # A one-column grid, laid out frame after frame: rows are videos, columns time.
        column = video_grid(clips, columns=1)
        stem = os.path.join(self.directory, f"epoch_{epoch + 1:04d}")
        _write_bytes(stem + ".gif", gif)
        write_mp4(stem + ".mp4", grid, fps=self.fps)
        prompts = self.video_prompts() if self._text_conditioned() else None
        if prompts is not None:
            strip = captioned_strips(clips, prompts)
            _write_png(stem + ".png", strip)
        else:
            strip = frame_strip(column)
            write_png_strip(stem + ".png", column)
        _write_bytes(os.path.join(self.directory, "latest.gif"), gif)
        if self.log_dir is not None:
            self._log_images(strip, gif, grid.shape, step=epoch)

    def _text_conditioned(self):
        generator = getattr(self.model, "sampling_generator", self.model.generator)
        return getattr(generator, "text_encoder", None) is not None

    def on_train_end(self, logs=None):
        if self._summary_writer is not None:
            self._summary_writer.close()
            self._summary_writer = None

    def _log_images(self, strip, gif, grid_shape, step):
        from tensorboard.plugins.image import metadata

        if self._summary_writer is None:
            self._summary_writer = tf.summary.create_file_writer(self.log_dir)
        _, height, width, _ = grid_shape
        with self._summary_writer.as_default():
            tf.summary.image(
                FRAMES_TAG,
                strip[np.newaxis],
                step=step,
                description="Fixed-noise samples: one row per video, frames left to right.",
            )
            # tf.summary.image would re-encode as PNG and keep one frame, so the GIF
            # goes in as the image plugin's own tensor: [width, height, encoded image].
            tf.summary.write(
                VIDEO_TAG,
                tf.constant([str(width), str(height), gif]),
                step=step,
                metadata=metadata.create_summary_metadata(
                    display_name=VIDEO_TAG,
                    description="Fixed-noise samples, animated: the grid of every video.",
                ),
            )
        # Flushed each time, so TensorBoard shows the epoch while training goes on.
        self._summary_writer.flush()


def _write_png(path, image):
    from PIL import Image

    Image.fromarray(image).save(path)


def _write_bytes(path, data):
    with open(path, "wb") as handle:
        handle.write(data)
