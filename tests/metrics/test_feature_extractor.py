import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_vidgan.metrics import EvaluationProtocol, FeatureExtractor


def _identity_model(size, frames):
    """Returns the preprocessed clip flattened, to look at exactly what I3D would get."""
    video = keras.Input(shape=(None, size, size, 3))
    return keras.Model(video, keras.layers.Reshape((frames * size * size * 3,))(video))


def legacy_bilinear(image, out_size):
    """TF1 resize_bilinear (align_corners=False, no half-pixel centres), written out in numpy."""
    in_h, in_w = image.shape[:2]
    out = np.zeros((out_size, out_size, image.shape[2]))
    for i in range(out_size):
        y = i * in_h / out_size
        y0 = int(np.floor(y))
        y1, dy = min(y0 + 1, in_h - 1), y - y0
        for j in range(out_size):
            x = j * in_w / out_size
            x0 = int(np.floor(x))
            x1, dx = min(x0 + 1, in_w - 1), x - x0
            top = image[y0, x0] * (1 - dx) + image[y0, x1] * dx
            bottom = image[y1, x0] * (1 - dx) + image[y1, x1] * dx
            out[i, j] = top * (1 - dy) + bottom * dy
    return out


def test_resize_is_the_reference_bilinear_and_repeats_one_channel():
    protocol = EvaluationProtocol(num_clips=2, frames=9)
    extractor = FeatureExtractor(protocol, model=_identity_model(224, 9))
    rng = np.random.default_rng(0)
    clips = rng.uniform(-1, 1, size=(2, 10, 12, 20, 1)).astype(np.float32)
    videos = extractor.preprocess(clips).numpy()
    assert videos.shape == (2, 9, 224, 224, 3)
    np.testing.assert_array_equal(videos[..., 0], videos[..., 2])
    expected = legacy_bilinear(clips[1, 4].astype(np.float64), 224)[..., 0]
    np.testing.assert_allclose(videos[1, 4, ..., 1], expected, atol=1e-5)
    # TF2's default resize (half-pixel centres) is measurably different: the test can fail.
    modern = tf.image.resize(clips[1, 4], (224, 224)).numpy()[..., 0]
    assert np.abs(modern - expected).max() > 0.05


def test_frame_choice_first_stride_and_random():
    clips = np.broadcast_to(
        (np.arange(30, dtype=np.float32) / 30)[None, :, None, None, None], (3, 30, 224, 224, 1)
    )

    def chosen(protocol, indices=None):
        extractor = FeatureExtractor(protocol, model=_identity_model(224, protocol.frames))
        batch = clips if indices is None else clips[: len(indices)]
        videos = extractor.preprocess(batch, indices).numpy()
        return np.rint(videos[:, :, 0, 0, 0] * 30).astype(int)

    first = chosen(EvaluationProtocol(num_clips=3, frames=10, stride=2))
    np.testing.assert_array_equal(first, np.tile(np.arange(0, 20, 2), (3, 1)))
    random = chosen(EvaluationProtocol(num_clips=3, frames=10, clip_start="random", seed=4))
    starts = random[:, 0]
    np.testing.assert_array_equal(random, starts[:, None] + np.arange(10))
    assert starts.max() <= 20 and len(set(starts)) > 1
    # A clip's start depends on its index and the seed, not on its batch.
    again = chosen(EvaluationProtocol(num_clips=3, frames=10, clip_start="random", seed=4), [2])
    np.testing.assert_array_equal(again[0, :1], random[2, :1])


def test_streaming_equals_one_batch_and_accepts_every_source(tiny_model):
    protocol = EvaluationProtocol(num_clips=5, frames=9)
    rng = np.random.default_rng(1)
    clips = rng.uniform(-1, 1, size=(7, 9, 32, 32, 1)).astype(np.float32)
    one_batch = FeatureExtractor(protocol, model=tiny_model, batch_size=16).extract(
        clips, verbose=0
    )
    streamed = FeatureExtractor(protocol, model=tiny_model, batch_size=2)
    for source in [
        clips,
        tf.data.Dataset.from_tensor_slices(clips),
        tf.data.Dataset.from_tensor_slices(clips).batch(3),
        tf.data.Dataset.from_tensor_slices((clips, np.zeros(7))),
    ]:
        stats = streamed.extract(source, verbose=0)
        assert stats.count == 5
        np.testing.assert_allclose(stats.features, one_batch.features, atol=1e-6)


def test_generated_clips_do_not_depend_on_the_batch_size(tiny_model):
    from keras_vidgan.models import VGANGenerator

    generator = VGANGenerator(latent_dim=4, frames=16, size=32, channels=1, width=4)
    protocol = EvaluationProtocol(num_clips=5, seed=7)
    a = FeatureExtractor(protocol, model=tiny_model, batch_size=2).extract(generator, verbose=0)
    b = FeatureExtractor(protocol, model=tiny_model, batch_size=5).extract(generator, verbose=0)
    np.testing.assert_allclose(a.features, b.features, atol=1e-5)
    c = FeatureExtractor(protocol.replace(seed=8), model=tiny_model).extract(generator, verbose=0)
    assert np.abs(c.features - a.features).max() > 1e-4


def test_clear_errors(tiny_model):
    extractor = FeatureExtractor(EvaluationProtocol(num_clips=4), model=tiny_model)
    short = np.zeros((4, 12, 32, 32, 1), np.float32)
    with pytest.raises(ValueError, match="12 frames.*needs 16"):
        extractor.extract(short, verbose=0)
    with pytest.raises(ValueError, match="only 3 clips"):
        extractor.extract(np.zeros((3, 16, 32, 32, 1), np.float32), verbose=0)
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        extractor.extract(np.full((4, 16, 32, 32, 3), 255.0, np.float32), verbose=0)
    with pytest.raises(ValueError, match="1 or 3 channels"):
        extractor.extract(np.zeros((4, 16, 32, 32, 2), np.float32), verbose=0)


def test_identity_follows_the_weights(make_tiny_model):
    protocol = EvaluationProtocol(num_clips=2)
    same = FeatureExtractor(protocol, model=make_tiny_model(seed=0)).identity
    assert FeatureExtractor(protocol, model=make_tiny_model(seed=0)).identity == same
    assert FeatureExtractor(protocol, model=make_tiny_model(seed=1)).identity != same
