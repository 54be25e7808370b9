"""SampleWriter's TensorBoard images: the epoch's strip of frames and its animated grid."""

import glob
import io
import os

import numpy as np
import tensorflow as tf
from helpers.gan_fixtures import tiny_gan
from PIL import Image

from keras_vidgan.training import SampleWriter
from keras_vidgan.training.sample_writer import FRAMES_TAG, VIDEO_TAG


def run_epochs(writer, epochs):
    """Drives the callback as fit() would, without training: the images are what is tested."""
    writer.set_model(tiny_gan(compile=False))
    writer.set_params({"epochs": epochs})
    writer.on_train_begin()
    for epoch in range(epochs):
        writer.on_epoch_end(epoch)
    writer.on_train_end()


def image_summaries(log_dir):
    """`{(tag, step): (plugin name, [width, height, encoded image bytes])}` from the event files."""
    found = {}
    for path in sorted(glob.glob(os.path.join(log_dir, "events.out.tfevents.*"))):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                plugin = value.metadata.plugin_data.plugin_name
                found[(value.tag, event.step)] = (plugin, list(tf.make_ndarray(value.tensor)))
    return found


def test_epochs_written_to_files_are_logged_as_images(tmp_path):
    samples, logs = str(tmp_path / "samples"), str(tmp_path / "logs")
    run_epochs(SampleWriter(samples, num_videos=4, fps=8, every=2, log_dir=logs), epochs=3)

    summaries = image_summaries(logs)
    # Epochs 2 and 3 (every=2, and the last), at Keras' epoch steps 1 and 2.
    assert sorted(summaries) == [(FRAMES_TAG, 1), (FRAMES_TAG, 2), (VIDEO_TAG, 1), (VIDEO_TAG, 2)]
    for (tag, step), (plugin, (width, height, data)) in summaries.items():
        assert plugin == "images", tag
        stem = os.path.join(samples, f"epoch_{step + 1:04d}")
        if tag == FRAMES_TAG:
            # Four 32x32 videos in one column with 2-pixel borders, 8 frames across.
            strip = tf.io.decode_png(data).numpy()
            assert strip.shape == (4 * 34 + 2, 8 * 36, 3)
            assert (int(width), int(height)) == (8 * 36, 4 * 34 + 2)
            np.testing.assert_array_equal(strip, np.asarray(Image.open(stem + ".png")))
        else:
            gif = Image.open(io.BytesIO(data))
            assert gif.format == "GIF" and gif.n_frames == 8
            assert gif.size == (int(width), int(height)) == (2 * 34 + 2, 2 * 34 + 2)
            with open(stem + ".gif", "rb") as handle:
                assert handle.read() == data


def test_without_log_dir_no_events_are_written(tmp_path):
    run_epochs(SampleWriter(str(tmp_path / "samples"), num_videos=4), epochs=1)
    assert sorted(os.listdir(tmp_path / "samples")) == [
        "epoch_0001.gif", "epoch_0001.mp4", "epoch_0001.png", "latest.gif"]
    assert not glob.glob(str(tmp_path / "**" / "events.out.*"), recursive=True)
