import csv
import glob
import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_vidgan.metrics import FVD, EvaluationProtocol, FeatureExtractor, FVDCallback
from keras_vidgan.models import GAN, VGANGenerator, VideoDiscriminator


def _tiny_gan():
    generator = VGANGenerator(latent_dim=4, frames=16, size=32, channels=1, width=4)
    discriminator = VideoDiscriminator(frames=16, size=32, channels=1, width=4)
    gan = GAN(generator, discriminator, seed=0)
    gan.compile()
    return gan


def test_logs_fvd_every_k_epochs_to_logs_csv_and_tensorboard(tmp_path, make_tiny_model):
    protocol = EvaluationProtocol(num_clips=4)
    fvd = FVD(protocol, extractor=FeatureExtractor(protocol, model=make_tiny_model()), verbose=0)
    real = np.random.default_rng(0).uniform(-1, 1, size=(8, 16, 32, 32, 1)).astype(np.float32)
    callback = FVDCallback(
        tf.data.Dataset.from_tensor_slices(real),
        every=2,
        protocol=protocol,
        log_dir=str(tmp_path / "logs"),
        csv_path=str(tmp_path / "logs" / "fvd.csv"),
        verbose=0,
        fvd=fvd,
    )
    keras_csv = tmp_path / "training.csv"
    gan = _tiny_gan()
    history = gan.fit(
        tf.data.Dataset.from_tensor_slices(real).batch(4),
        epochs=4,
        verbose=0,
        shuffle=False,
        callbacks=[callback, keras.callbacks.CSVLogger(str(keras_csv))],
    )
    # Measured after epochs 1, 2 and 4 (the first, then every second).
    assert [row["epoch"] for row in callback.history] == [0, 1, 3]
    assert all(np.isfinite(row["fvd"]) and np.isfinite(row["kvd"]) for row in callback.history)
    assert len(history.history["fvd"]) == 3

    with open(tmp_path / "logs" / "fvd.csv") as file:
        rows = list(csv.DictReader(file))
    assert [row["epoch"] for row in rows] == ["1", "2", "4"]
    assert float(rows[0]["fvd"]) == pytest.approx(callback.history[0]["fvd"], rel=1e-5)
    assert rows[0]["num_clips"] == "4"

    with open(keras_csv) as file:
        logged = [row["fvd"] for row in csv.DictReader(file)]
    assert logged[2] == "NA" and float(logged[3]) == pytest.approx(callback.history[2]["fvd"])

    events = glob.glob(os.path.join(tmp_path, "logs", "evaluation", "events.*"))
    assert events
    tags = {
        value.tag
        for event in tf.compat.v1.train.summary_iterator(events[0])
        for value in event.summary.value
    }
    assert {"fvd", "kvd"} <= tags


def test_real_statistics_are_computed_once(make_tiny_model):
    protocol = EvaluationProtocol(num_clips=4)
    fvd = FVD(protocol, extractor=FeatureExtractor(protocol, model=make_tiny_model()), verbose=0)
    calls = []
    original = fvd.real_statistics

    def counting(real, identity=None):
        calls.append(1)
        return original(real, identity)

    fvd.real_statistics = counting
    real = np.zeros((4, 16, 32, 32, 1), np.float32)
    callback = FVDCallback(real, every=1, protocol=protocol, verbose=0, fvd=fvd)
    gan = _tiny_gan()
    gan.fit(
        tf.data.Dataset.from_tensor_slices(real).batch(4),
        epochs=3,
        verbose=0,
        shuffle=False,
        callbacks=[callback],
    )
    assert len(callback.history) == 3 and len(calls) == 1


def test_refuses_bad_every():
    with pytest.raises(ValueError, match="every"):
        FVDCallback(np.zeros((2, 16, 8, 8, 1)), every=0)
