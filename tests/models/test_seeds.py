import numpy as np
import pytest

from keras_vidgan.models.seeds import noise_from_seeds, slerp


def test_noise_depends_on_the_seed_only():
    batch = noise_from_seeds([3, 4, 3], 16).numpy()
    assert batch.shape == (3, 16) and batch.dtype == np.float32
    np.testing.assert_array_equal(batch[0], batch[2])
    np.testing.assert_array_equal(noise_from_seeds([4], 16).numpy()[0], batch[1])
    assert not np.array_equal(batch[0], batch[1])


def test_slerp_keeps_the_norm_and_hits_both_ends():
    start, end = noise_from_seeds([1, 2], 64).numpy()
    start = start / np.linalg.norm(start) * 8.0
    end = end / np.linalg.norm(end) * 8.0
    path = slerp(start, end, np.linspace(0, 1, 7))
    np.testing.assert_allclose(np.linalg.norm(path, axis=1), 8.0, rtol=1e-5)
    np.testing.assert_array_equal(path[0], start.astype(np.float32))
    np.testing.assert_array_equal(path[-1], end.astype(np.float32))
    # A straight line would dip towards the origin half way.
    assert np.linalg.norm((start + end) / 2) < 7.9


@pytest.mark.parametrize("end_sign", [1.0, -1.0])
def test_slerp_of_parallel_and_opposite_vectors_is_finite(end_sign):
    start = np.array([1.0, 2.0, 3.0])
    path = slerp(start, end_sign * start, np.linspace(0, 1, 5))
    assert np.isfinite(path).all()
    np.testing.assert_allclose(path[-1], end_sign * start)


def test_labels_for_seeds_cycle_through_the_classes():
    from keras_vidgan.models.seeds import labels_for_seeds

    seeds = np.arange(20)
    one = labels_for_seeds(seeds, 10)
    assert one.dtype == np.int32 and one.shape == (20,)
    np.testing.assert_array_equal(one, seeds % 10)
    pairs = labels_for_seeds(seeds, 10, labels_per_clip=2)
    assert pairs.shape == (20, 2)
    np.testing.assert_array_equal(pairs[:, 0], seeds % 10)
    np.testing.assert_array_equal(pairs[:, 1], (3 * seeds + 7) % 10)
    # Ten seeds in a row ask for every class once in each place, never one class twice.
    assert sorted(pairs[:10, 1]) == list(range(10))
    assert (pairs[:, 0] != pairs[:, 1]).all()
    # A seed's labels do not depend on the other seeds of the request.
    np.testing.assert_array_equal(labels_for_seeds([13], 10, 2)[0], pairs[13])
