"""Captions of Moving MNIST clips, from the true digits and the axis each one travels along.

The motion vocabulary is what a viewer can check by eye: a digit goes up and
down, left and right, or diagonally. Bounces reverse a velocity component but
never swap the axes, so one word holds for the whole clip. Captions of this
kind follow the text-to-video benchmarks of Mittal et al. (2017, "Sync-DRAW")
and Li et al. (2018, "Video Generation From Text").
"""

import math

import numpy as np

MOTIONS = ("up and down", "left and right", "diagonally")

# A travel direction within this angle of an axis is said to follow the axis:
# the digit's sideways drift is then under half its travel along the axis.
AXIS_TOLERANCE_DEGREES = math.degrees(math.atan(0.5))

# Several phrasings, so that a text encoder learns the words, not one sentence.
ONE_DIGIT = (
    "the digit {digit} moves {motion}",
    "{digit} is moving {motion}",
    "digit {digit} bouncing {motion}",
    "number {digit} moving {motion}",
)
TWO_DIGITS_ALIKE = (
    "the digits {first} and {second} move {motion}",
    "{first} and {second} are moving {motion}",
    "digits {first} and {second} bouncing {motion}",
)
TWO_DIGITS_APART = (
    "the digit {first} moves {first_motion} and the digit {second} moves {second_motion}",
    "{first} is moving {first_motion} while {second} is moving {second_motion}",
    "digit {first} bouncing {first_motion} and digit {second} bouncing {second_motion}",
)


def motion_class(velocity):
    """Index in `MOTIONS` of a velocity `(vertical, horizontal)`."""
    vertical, horizontal = abs(float(velocity[0])), abs(float(velocity[1]))
    angle_from_vertical = math.degrees(math.atan2(horizontal, vertical))
    if angle_from_vertical <= AXIS_TOLERANCE_DEGREES:
        return 0
    if angle_from_vertical >= 90.0 - AXIS_TOLERANCE_DEGREES:
        return 1
    return 2


def caption(digits, motions, rng):
    """A caption for digit classes `digits` moving as `motions` (indices in `MOTIONS`).

    `rng` (a `numpy.random.Generator`) picks the phrasing. Clips of one or two
    digits have their own phrasings; more digits are listed with their motions.
    """
    words = [MOTIONS[index] for index in motions]
    if len(digits) == 1:
        template = ONE_DIGIT[rng.integers(len(ONE_DIGIT))]
        return template.format(digit=digits[0], motion=words[0])
    if len(digits) == 2 and words[0] == words[1]:
        template = TWO_DIGITS_ALIKE[rng.integers(len(TWO_DIGITS_ALIKE))]
        return template.format(first=digits[0], second=digits[1], motion=words[0])
    if len(digits) == 2:
        template = TWO_DIGITS_APART[rng.integers(len(TWO_DIGITS_APART))]
        return template.format(
            first=digits[0], second=digits[1], first_motion=words[0], second_motion=words[1]
        )
    return " and ".join(f"{digit} moves {word}" for digit, word in zip(digits, words))


def caption_rng(seed, split_code, index):
    """The phrasing's own random stream, so that captions never change the clips' draws."""
    return np.random.default_rng([seed, split_code, int(index), 1])


def every_caption():
    """Every caption of clips of one or two digits: the text a caption vocabulary is built from.

    Clips of more digits use the words of these too.
    """
    captions = []
    for motion in MOTIONS:
        for digit in range(10):
            captions += [template.format(digit=digit, motion=motion) for template in ONE_DIGIT]
            for second in range(10):
                captions += [template.format(first=digit, second=second, motion=motion)
                             for template in TWO_DIGITS_ALIKE]
                captions += [template.format(first=digit, second=second, first_motion=motion,
                                             second_motion=other)
                             for other in MOTIONS for template in TWO_DIGITS_APART]
    return captions


def fixed_prompts(num, digits=1):
    """`num` prompts that sample grids show: every digit in turn, the motions cycling.

    Prompt `i` names digit `i % 10` (and `(i + 3) % 10` for two or more
    digits) moving as `MOTIONS[(i + i // 10) % 3]`, in the first phrasing.

    Example:

    ```python
    from keras_vidgan.datasets.motion_captions import fixed_prompts

    print(fixed_prompts(2))  # ['the digit 0 moves up and down', 'the digit 1 moves left and right']
    ```
    """
    prompts = []
    for index in range(num):
        motion = MOTIONS[(index + index // 10) % len(MOTIONS)]
        if digits == 1:
            prompts.append(ONE_DIGIT[0].format(digit=index % 10, motion=motion))
        else:
            prompts.append(TWO_DIGITS_ALIKE[0].format(
                first=index % 10, second=(index + 3) % 10, motion=motion))
    return prompts
