"""Stock Keras callbacks and the package's own callbacks inside `GAN.fit()`.

The GANs train eagerly: callbacks see the same epochs, steps and logs, and tracing
the step would cost more than the few steps each test takes.
"""

import csv
import os

import keras
import numpy as np
import pytest
from helpers.gan_fixtures import batches, moving_square_clips, tiny_gan
from PIL import Image

from keras_vidgan.models import GAN
from keras_vidgan.training import LossPlot, SafeCheckpoint, SampleWriter
from keras_vidgan.training.run_directory import list_checkpoints, load_gan


@pytest.fixture(scope="module")
def data():
    return batches(moving_square_clips(8, seed=1), 4)


def _poison_discriminator(gan):
    """Makes the next discriminator update produce NaN losses."""
    kernel = gan.discriminator.get_layer("logits").kernel
    kernel.assign(np.full(kernel.shape, np.nan, np.float32))


class _PoisonAfterEpoch(keras.callbacks.Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.epoch:
            _poison_discriminator(self.model)


def test_model_checkpoint_saves_loadable_gans(tmp_path, data):
    gan = tiny_gan(run_eagerly=True)
    pattern = str(tmp_path / "gan_{epoch}.keras")
    gan.fit(data, epochs=2, verbose=0, callbacks=[keras.callbacks.ModelCheckpoint(pattern)])
    restored = keras.saving.load_model(str(tmp_path / "gan_2.keras"))
    assert isinstance(restored, GAN)
    for expected, actual in zip(gan.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(expected, actual)


def test_backup_and_restore_resumes_an_interrupted_fit(tmp_path, data):
    backup_dir = str(tmp_path / "backup")

    class Interrupt(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 1:
                raise RuntimeError("simulated crash")

    gan = tiny_gan(run_eagerly=True)
    with pytest.raises(RuntimeError, match="simulated crash"):
        gan.fit(
            data,
            epochs=3,
            verbose=0,
            callbacks=[keras.callbacks.BackupAndRestore(backup_dir), Interrupt()],
        )
    resumed = tiny_gan(run_eagerly=True)
    seen_epochs = []
    record = keras.callbacks.LambdaCallback(on_epoch_begin=lambda e, logs: seen_epochs.append(e))
    resumed.fit(
        data, epochs=3, verbose=0, callbacks=[keras.callbacks.BackupAndRestore(backup_dir), record]
    )
    assert seen_epochs == [1, 2]
    # Both optimizers' steps continue from the backup (2 steps an epoch).
    assert int(resumed.g_optimizer.iterations) == 6
    assert int(resumed.d_optimizer.iterations) == 6


def test_tensorboard_writes_event_files(tmp_path, data):
    gan = tiny_gan(run_eagerly=True)
    gan.fit(data, epochs=1, verbose=0, callbacks=[keras.callbacks.TensorBoard(str(tmp_path))])
    events = [name for _, _, files in os.walk(tmp_path) for name in files if "tfevents" in name]
    assert events


def test_csv_logger_records_gan_metrics(tmp_path, data):
    gan = tiny_gan(run_eagerly=True)
    path = str(tmp_path / "log.csv")
    gan.fit(data, epochs=2, verbose=0, callbacks=[keras.callbacks.CSVLogger(path)])
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2
    for key in ("d_loss", "g_loss", "real_probability", "fake_probability"):
        assert np.isfinite(float(rows[1][key]))


def test_nan_stops_training_and_keeps_the_last_good_checkpoints(tmp_path, data):
    gan = tiny_gan(run_eagerly=True)
    run_dir = str(tmp_path / "run")
    stock_pattern = str(tmp_path / "stock_{epoch}.keras")
    with pytest.warns(UserWarning, match="Not saving epoch 3"):
        history = gan.fit(
            data,
            epochs=5,
            verbose=0,
            callbacks=[
                keras.callbacks.TerminateOnNaN(),
                SafeCheckpoint(run_dir, keep_last=None),
                keras.callbacks.ModelCheckpoint(stock_pattern),
                _PoisonAfterEpoch(2),
            ],
        )
    assert len(history.history["d_loss"]) == 3  # stopped during the third epoch
    assert [epoch for epoch, _ in list_checkpoints(run_dir)] == [1, 2]
    restored = load_gan(run_dir)
    assert all(np.all(np.isfinite(w)) for w in restored.get_weights())
    # The stock callback's earlier file is also untouched and loadable.
    stock = keras.saving.load_model(str(tmp_path / "stock_2.keras"))
    assert all(np.all(np.isfinite(w)) for w in stock.get_weights())


def test_safe_checkpoint_keeps_only_the_newest(tmp_path, data):
    gan = tiny_gan(run_eagerly=True)
    run_dir = str(tmp_path / "run")
    gan.fit(data, epochs=3, verbose=0, callbacks=[SafeCheckpoint(run_dir, keep_last=2)])
    assert [epoch for epoch, _ in list_checkpoints(run_dir)] == [2, 3]
    assert not [n for n in os.listdir(os.path.join(run_dir, "checkpoints")) if "partial" in n]


def test_sample_writer_writes_gif_mp4_and_png(tmp_path, data):
    import av

    gan = tiny_gan(run_eagerly=True)
    writer = SampleWriter(str(tmp_path), num_videos=4, seed=0, fps=8)
    gan.fit(data, epochs=1, verbose=0, callbacks=[writer])
    gif = Image.open(tmp_path / "epoch_0001.gif")
    assert gif.n_frames == 8
    # A 2x2 grid of 32-pixel clips with 2-pixel borders.
    assert gif.size == (2 * 34 + 2, 2 * 34 + 2)
    with av.open(str(tmp_path / "epoch_0001.mp4")) as container:
        frames = list(container.decode(video=0))
    assert len(frames) == 8
    strip = Image.open(tmp_path / "epoch_0001.png")
    assert strip.size == (8 * (32 + 4), 4 * 34 + 2)  # one row per video, one column per frame
    assert os.path.exists(tmp_path / "latest.gif")
    # The same fixed noise gives the same samples each time.
    np.testing.assert_array_equal(writer.generate(), writer.generate())


def test_sample_writer_png_has_a_row_for_every_video_of_the_grid(tmp_path, data):
    gan = tiny_gan(run_eagerly=True)
    writer = SampleWriter(str(tmp_path), num_videos=10, seed=3, fps=8)
    gan.fit(data, epochs=1, verbose=0, callbacks=[writer])
    strip = Image.open(tmp_path / "epoch_0001.png")
    assert strip.size == (8 * (32 + 4), 10 * 34 + 2)
    # Video i of the samples is the video of seed 3 + i in GAN.generate and `sample --seed`.
    np.testing.assert_allclose(writer.generate(), gan.generate(10, seed=3), atol=1e-6)


def test_loss_plot_draws_a_png_from_logs_and_from_csv(tmp_path, data):
    gan = tiny_gan(run_eagerly=True)
    csv_path = str(tmp_path / "log.csv")
    plot_path = str(tmp_path / "loss.png")
    gan.fit(
        data,
        epochs=2,
        verbose=0,
        callbacks=[keras.callbacks.CSVLogger(csv_path), LossPlot(plot_path, csv_path)],
    )
    image = Image.open(plot_path)
    assert image.size[0] > 500 and image.size[1] > 200
    os.remove(plot_path)
    LossPlot(plot_path, history_csv=csv_path).draw()
    assert os.path.exists(plot_path)
