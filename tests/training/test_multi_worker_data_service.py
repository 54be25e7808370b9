"""The tf.data service decodes TFRecord clips for the trainer (in-process servers)."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from helpers.gan_fixtures import FRAMES, SIZE, moving_square_clips, tiny_gan

from keras_vidgan.training.data_service import distribute_through_service, start_local_service
from keras_vidgan.training.multi_worker_trainer import MultiWorkerTrainer

CLIPS_PER_FILE = 4


@pytest.fixture(scope="module")
def shards(tmp_path_factory):
    """Three TFRecord files of PNG-encoded frames, and the clips they hold."""
    folder = tmp_path_factory.mktemp("shards")
    clips = moving_square_clips(3 * CLIPS_PER_FILE, seed=7)
    files = []
    for file_index in range(3):
        files.append(str(folder / f"clips-{file_index}.tfrecord"))
        with tf.io.TFRecordWriter(files[-1]) as writer:
            for clip_id in range(file_index * CLIPS_PER_FILE, (file_index + 1) * CLIPS_PER_FILE):
                pixels = np.round((clips[clip_id] + 1.0) * 127.5).astype(np.uint8)
                frames = [tf.io.encode_png(frame).numpy() for frame in pixels]
                feature = {
                    "frames": tf.train.Feature(bytes_list=tf.train.BytesList(value=frames)),
                    "id": tf.train.Feature(int64_list=tf.train.Int64List(value=[clip_id])),
                }
                example = tf.train.Example(features=tf.train.Features(feature=feature))
                writer.write(example.SerializeToString())
    return files, clips


def decoded_clips(files, with_ids=False):
    """A graph-only pipeline: read, parse, decode PNG frames, scale to [-1, 1]."""

    def decode(record):
        parsed = tf.io.parse_single_example(record, {
            "frames": tf.io.FixedLenFeature([FRAMES], tf.string),
            "id": tf.io.FixedLenFeature([], tf.int64),
        })
        frames = tf.map_fn(lambda png: tf.io.decode_png(png, channels=1), parsed["frames"],
                           fn_output_signature=tf.TensorSpec([SIZE, SIZE, 1], tf.uint8))
        clip = tf.cast(frames, tf.float32) / 127.5 - 1.0
        return (clip, parsed["id"]) if with_ids else clip

    files = tf.data.Dataset.from_tensor_slices(files)
    return files.interleave(tf.data.TFRecordDataset, cycle_length=1).map(decode)


@pytest.fixture(scope="module")
def service():
    dispatcher, workers = start_local_service(num_workers=2)
    yield dispatcher.target
    for worker in workers:
        worker._stop()
    dispatcher._stop()


def test_service_delivers_every_decoded_clip_once(shards, service):
    files, clips = shards
    strategy = tf.distribute.get_strategy()
    batches = distribute_through_service(decoded_clips(files, with_ids=True), service, strategy,
                                         global_batch_size=4, job_name="every_clip_once")
    seen = {}
    for clip_batch, id_batch in batches:
        for clip, clip_id in zip(np.asarray(clip_batch), np.asarray(id_batch)):
            assert int(clip_id) not in seen
            seen[int(clip_id)] = clip
    assert sorted(seen) == list(range(len(clips)))
    for clip_id, clip in seen.items():
        np.testing.assert_allclose(clip, clips[clip_id], atol=1e-6)


def test_trainer_trains_from_the_service(shards, service):
    files, _ = shards
    strategy = tf.distribute.get_strategy()
    gan = tiny_gan(seed=3)
    before = gan.get_weights()
    batches = distribute_through_service(decoded_clips(files).repeat(), service, strategy,
                                         global_batch_size=4, job_name="trainer")
    history = MultiWorkerTrainer(gan).fit(batches, epochs=1, steps_per_epoch=2, verbose=0,
                                          callbacks=[keras.callbacks.TerminateOnNaN()])
    assert int(gan.optimizer.iterations.numpy()) == 2
    assert np.isfinite(history.history["d_loss"][0])
    assert max(np.max(np.abs(a - b)) for a, b in zip(before, gan.get_weights())) > 1e-5
