"""GAN steps under MirroredStrategy on two logical CPUs equal the steps on one device.

Both the default objective and the extended one (two discriminators, hinge
loss, gradient penalty, R1, two discriminator steps, moving average), and
TGAN. The designs that pick random frames (MoCoGAN, DVD-GAN) are in
`test_gan_mirrored_frame_picks.py`, so that the two subprocesses run side by side.
"""

import pytest
from helpers.mirrored_equivalence import assert_same_step, run_mirrored_equivalence

pytestmark = pytest.mark.slow  # most of a minute: started first (tests/conftest.py)


def test_mirrored_step_equals_single_device_step(tmp_path):
    result = run_mirrored_equivalence(["plain", "extended", "tgan"], tmp_path)
    # "plain" is the VGAN design (VGANGenerator against a VideoDiscriminator).
    for name in ("plain", "extended", "tgan"):
        assert_same_step(result[name], name)
    # The moving average is among the weights compared, and it moved.
    assert result["extended"]["ema_changed"] > 0.0
