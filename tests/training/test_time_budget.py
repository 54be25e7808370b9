"""`TimeBudget`: stops `fit()` on the clock and logs the minutes and steps of the run.

The GANs train eagerly: callbacks see the same epochs, steps and logs, and tracing
the step would cost more than the few steps each test takes.
"""

import csv

import pytest
from helpers.gan_fixtures import batches, moving_square_clips, tiny_gan

from keras_vidgan.training import TimeBudget
from keras_vidgan.training.time_budget import spent_minutes_from_csv


@pytest.fixture(scope="module")
def data():
    return batches(moving_square_clips(8, seed=2), 4)  # two steps per epoch


def test_without_a_budget_every_epoch_runs_and_is_timed(data):
    gan = tiny_gan(run_eagerly=True)
    history = gan.fit(data, epochs=3, verbose=0, callbacks=[TimeBudget()])
    assert history.history["train_steps"] == [2, 4, 6]
    minutes = history.history["train_minutes"]
    assert 0 < minutes[0] <= minutes[1] <= minutes[2] < 5


def test_a_spent_budget_stops_after_the_current_batch(data):
    gan = tiny_gan(run_eagerly=True)
    budget = TimeBudget(minutes=1e-9)
    history = gan.fit(data, epochs=50, verbose=0, callbacks=[budget])
    assert budget.exhausted
    # The partial epoch still ends normally, so checkpoints and samples see it.
    assert history.history["train_steps"] == [1]
    assert int(gan.optimizer.iterations.numpy()) == 1


def test_minutes_of_earlier_sessions_count_against_the_budget(data):
    gan = tiny_gan(run_eagerly=True)
    budget = TimeBudget(minutes=10, spent_minutes=10)
    history = gan.fit(data, epochs=50, verbose=0, callbacks=[budget])
    assert budget.exhausted and history.history["train_steps"] == [1]
    assert history.history["train_minutes"][0] >= 10

    relaxed = TimeBudget(minutes=60, spent_minutes=10)
    history = tiny_gan(run_eagerly=True).fit(data, epochs=2, verbose=0, callbacks=[relaxed])
    assert not relaxed.exhausted and history.history["train_steps"] == [2, 4]


@pytest.mark.parametrize("kwargs", [{"minutes": 0}, {"minutes": -1}, {"spent_minutes": -2}])
def test_bad_arguments_are_refused(kwargs):
    with pytest.raises(ValueError, match="minutes"):
        TimeBudget(**kwargs)


def test_spent_minutes_come_from_the_last_logged_epoch(tmp_path):
    path = tmp_path / "training.csv"
    assert spent_minutes_from_csv(str(path)) == 0.0
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["epoch", "d_loss", "train_minutes"])
        writer.writerow([0, 1.2, 4.5])
        writer.writerow([1, 1.1, 9.25])
    assert spent_minutes_from_csv(str(path)) == 9.25
