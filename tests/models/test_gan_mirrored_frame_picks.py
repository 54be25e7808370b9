"""Designs that pick random frames take the same step under MirroredStrategy as on one device.

MoCoGAN's image discriminator and DVD-GAN's spatial one score a random choice
of frames; the picks must come from the GAN's `(seed, step)` for the global
batch, like its noise, or each replica would pick its own.
"""

import pytest
from helpers.mirrored_equivalence import assert_same_step, run_mirrored_equivalence

pytestmark = pytest.mark.slow  # most of a minute: started first (tests/conftest.py)


def test_frame_picking_designs_take_the_same_mirrored_step(tmp_path):
    result = run_mirrored_equivalence(["mocogan", "dvdgan"], tmp_path)
    for name in ("mocogan", "dvdgan"):
        assert_same_step(result[name], name)
