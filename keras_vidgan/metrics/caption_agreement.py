"""Does a clip show what its caption says? Digit and direction agreement on Moving MNIST."""

import dataclasses
import re

import numpy as np

from keras_vidgan.datasets.motion_captions import AXIS_TOLERANCE_DEGREES, MOTIONS
from keras_vidgan.metrics.digit_legibility import DigitLegibility

# Ink whose centre stays within this share of the frame's width over the clip stands still.
STILL_SHARE_OF_WIDTH = 0.1


def parse_caption(caption):
    """`(digit, motion index)` named by a one-digit caption of `motion_captions`.

    Raises:
        ValueError: the caption names no digit, several, or no motion.
    """
    text = caption.decode("utf-8") if isinstance(caption, bytes) else str(caption)
    digits = re.findall(r"\b\d\b", text)
    motions = [index for index, words in enumerate(MOTIONS) if words in text]
    if len(digits) != 1 or len(motions) != 1:
        raise ValueError(
            f"Caption {text!r} does not name one digit and one motion "
            f"({', '.join(MOTIONS)}); caption agreement reads one-digit captions."
        )
    return int(digits[0]), motions[0]


def read_direction(clips):
    """Motion class (index in `MOTIONS`) of the ink in each clip, by tracking its centre.

    The centre of the bright pixels is followed from frame to frame; the
    summed absolute vertical and horizontal steps give the axis of travel,
    split at the captions' own tolerance. Bounces reverse a step's sign,
    not its size, so the sums hold over the whole clip. A clip whose ink
    does not travel (or has none) reads as -1: a Moving MNIST digit travels
    about 5.6% of the frame's width per frame, so its centre covers a good
    part of the frame in a clip, while the centre of ink that only flickers
    in place (noise, a still digit under noise) stays within 10% of it.

    Args:
        clips: float `[N, T, H, W, C]` in [-1, 1].

    Returns:
        int `[N]`.
    """
    clips = np.asarray(clips, np.float32)
    ink = np.clip(clips.mean(axis=-1), -1.0, 1.0) + 1.0  # [N, T, H, W], 0 where black
    # Only pixels brighter than mid-grey count: faint haze and noise would pull the centre.
    ink = np.where(ink > 1.0, ink, 0.0)
    total = ink.sum(axis=(2, 3))
    rows = np.arange(clips.shape[2], dtype=np.float32)
    columns = np.arange(clips.shape[3], dtype=np.float32)
    safe_total = np.maximum(total, 1e-6)
    centre_row = (ink.sum(axis=3) * rows).sum(axis=2) / safe_total
    centre_column = (ink.sum(axis=2) * columns).sum(axis=2) / safe_total
    vertical = np.abs(np.diff(centre_row, axis=1)).sum(axis=1)
    horizontal = np.abs(np.diff(centre_column, axis=1)).sum(axis=1)
    angle = np.degrees(np.arctan2(horizontal, vertical))
    directions = np.where(
        angle <= AXIS_TOLERANCE_DEGREES, 0, np.where(angle >= 90 - AXIS_TOLERANCE_DEGREES, 1, 2)
    )
    reach = np.maximum(np.ptp(centre_row, axis=1), np.ptp(centre_column, axis=1))
    still = reach < STILL_SHARE_OF_WIDTH * clips.shape[3]
    empty = np.any(total <= 0, axis=1)
    return np.where(still | empty, -1, directions)


@dataclasses.dataclass
class CaptionAgreementResult:
    """How often clips show the digit and the direction their captions name.

    Attributes:
        digit_accuracy: float in [0, 1]. Clips whose legible frames read the
            caption's digit in the majority (a clip with no legible frame
            counts as a miss).
        direction_accuracy: float in [0, 1]. Clips whose ink travels along
            the caption's axis.
        both_accuracy: float in [0, 1]. Clips right on both.
        num_clips: int.

    Example:

    ```python
    from keras_vidgan.metrics.caption_agreement import CaptionAgreementResult

    result = CaptionAgreementResult(0.9, 0.8, 0.75, 256)
    print(result.summary())  # digit 90.0%, direction 80.0%, both 75.0% (N=256)
    ```
    """

    digit_accuracy: float
    direction_accuracy: float
    both_accuracy: float
    num_clips: int

    def to_dict(self):
        return dataclasses.asdict(self)

    def summary(self):
        return (
            f"digit {self.digit_accuracy:.1%}, direction {self.direction_accuracy:.1%}, "
            f"both {self.both_accuracy:.1%} (N={self.num_clips})"
        )


class CaptionAgreement:
    """Reads one-digit clips and compares what they show with their captions.

    The digit is read by the digit classifier of `DigitLegibility` (trained
    on the training digits only), frame by frame: the clip's digit is the one
    most of its legible frames read. The direction is read by tracking the
    centre of the ink (`read_direction`) rather than by a trained network, so
    that it cannot be fooled by texture and needs no training; on real clips
    it agrees with the captions almost always (the ceiling printed beside
    generated figures). Chance is about 10% for the digit and 33% for the
    direction; real clips read against shuffled captions measure it.

    Args:
        legibility: a `DigitLegibility` for one digit; a default one when
            omitted.

    Example:

    ```python
    import numpy as np
    import keras_vidgan
    from keras_vidgan.metrics.caption_agreement import CaptionAgreement

    pairs = keras_vidgan.datasets.moving_mnist(
        num_clips=16, frames=16, size=32, digits=1, split="test", captions=True
    )
    clips, captions = (np.stack(part) for part in zip(*pairs.as_numpy_iterator()))
    result = CaptionAgreement().evaluate(clips, captions)
    print(result.direction_accuracy > 0.8)  # True
    ```
    """

    def __init__(self, legibility=None):
        self.legibility = legibility or DigitLegibility(digits=1)
        if self.legibility.digits != 1:
            raise ValueError("Caption agreement reads one-digit clips: pass DigitLegibility(1).")

    def read_digits(self, clips):
        """int `[N]`: the digit most legible frames of each clip read, -1 where none is legible."""
        read = []
        batch_size = self.legibility.batch_size
        for start in range(0, len(clips), batch_size):
            legible, reading = self.legibility.read(clips[start : start + batch_size])
            single = legible & (reading.sum(axis=-1) == 1)
            votes = (reading & single[..., None]).sum(axis=1)  # [B, 10]
            read.extend(np.where(votes.max(axis=1) > 0, votes.argmax(axis=1), -1).tolist())
        return np.asarray(read, np.int64)

    def evaluate(self, clips, captions):
        """The `CaptionAgreementResult` of clips `[N, T, H, W, C]` in [-1, 1] against N captions."""
        clips = np.asarray(clips, np.float32)
        if len(clips) != len(captions) or len(clips) == 0:
            raise ValueError(
                f"Pass one caption per clip: got {len(clips)} clips and {len(captions)} captions."
            )
        wanted = np.array([parse_caption(caption) for caption in captions])
        digit_right = self.read_digits(clips) == wanted[:, 0]
        direction_right = read_direction(clips) == wanted[:, 1]
        count = len(clips)
        return CaptionAgreementResult(
            digit_accuracy=float(digit_right.mean()),
            direction_accuracy=float(direction_right.mean()),
            both_accuracy=float((digit_right & direction_right).mean()),
            num_clips=count,
        )


def chance_captions(captions, seed=0):
    """The captions in a seeded random order: real clips read against them give chance."""
    order = np.random.default_rng(seed).permutation(len(captions))
    return [captions[index] for index in order]

