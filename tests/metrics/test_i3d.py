import importlib.util
import os

import numpy as np
import pytest

from keras_vidgan.metrics import I3D

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")


def _reference_module():
    # The script that made the fixture also defines its inputs; it imports JAX only in main().
    spec = importlib.util.spec_from_file_location(
        "make_i3d_reference", os.path.join(FIXTURES, "make_i3d_reference.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_port_matches_the_jax_reference_logits(i3d):
    reference = _reference_module()
    expected = np.load(os.path.join(FIXTURES, "i3d_reference.npz"))
    for name, batch in reference.reference_inputs().items():
        logits = i3d.predict(batch, batch_size=2, verbose=0)
        difference = np.abs(logits - expected[name]).max()
        assert difference < 1e-3, f"{name}: max |keras - jax| = {difference}"
        np.testing.assert_array_equal(logits.argmax(-1), expected[name].argmax(-1))


def test_weights_file_is_the_one_the_reference_used():
    import hashlib

    from keras_vidgan.metrics import find_i3d_weights

    expected = np.load(os.path.join(FIXTURES, "i3d_reference.npz"))
    with open(find_i3d_weights(), "rb") as file:
        digest = hashlib.sha256(file.read()).hexdigest()
    assert digest == str(expected["weights_sha256"])


def test_random_weights_change_the_output(i3d):
    # The fixture comparison must be able to fail: an untrained network is far off.
    clip = _reference_module().structured_clip(16)[None]
    untrained = I3D()
    difference = np.abs(untrained.predict(clip, verbose=0) - i3d.predict(clip, verbose=0)).max()
    assert difference > 0.1


def test_config_round_trip_and_shapes():
    model = I3D(size=64, num_classes=7)
    rebuilt = I3D.from_config(model.get_config())
    assert rebuilt.size == 64 and rebuilt.num_classes == 7
    assert rebuilt.output_shape == (None, 7)
    assert len(model.weights) == 230  # one per array of the checkpoint


def test_proxy_size_runs_with_the_same_weights():
    from keras_vidgan.metrics import load_i3d

    small = load_i3d(size=112)
    logits = small.predict(np.zeros((1, 16, 112, 112, 3), np.float32), verbose=0)
    assert logits.shape == (1, 400) and np.all(np.isfinite(logits))


@pytest.mark.parametrize("kwargs", [{"size": 16}, {"num_classes": 0}, {"size": 224.0}])
def test_refuses_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        I3D(**kwargs)
