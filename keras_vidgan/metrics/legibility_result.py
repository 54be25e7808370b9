"""The legibility figures of one set of clips, with the rules they were measured by."""

import dataclasses


@dataclasses.dataclass
class LegibilityResult:
    """Shares of legible frames and of identity-keeping clips, as `DigitLegibility` reports them.

    Attributes:
        legible_frames: float in [0, 1]. Frames whose digits the classifier
            reads with confidence, over all frames.
        identity_clips: float in [0, 1]. Clips whose legible frames all read
            the same digits, with enough of their frames legible.
        num_clips: int. Clips read.
        frames: int. Frames per clip.
        digits: int. Digits per clip (1 or 2).
        threshold: float. The confidence every decision needs.
        min_legible_share: float. The share of a clip's frames that must be
            legible for its identity to count as kept.
        classifier: str. Names the classifier weights.

    Example:

    ```python
    from keras_vidgan.metrics import LegibilityResult

    result = LegibilityResult(
        legible_frames=0.93, identity_clips=0.9, num_clips=256, frames=16, digits=1,
        threshold=0.9, min_legible_share=0.75, classifier="digit classifier v1",
    )
    print(result.summary().splitlines()[0])  # legible frames: 93.0%
    ```
    """

    legible_frames: float
    identity_clips: float
    num_clips: int
    frames: int
    digits: int
    threshold: float
    min_legible_share: float
    classifier: str

    def to_dict(self):
        """Everything, JSON-able."""
        return dataclasses.asdict(self)

    def describe_rules(self):
        """One line: what legible and identity-keeping mean for these figures."""
        per_clip = "1 digit per clip" if self.digits == 1 else f"{self.digits} digits per clip"
        return (
            f"{per_clip}; a frame is legible when the {self.classifier} is at least "
            f"{self.threshold:.0%} sure of the digit count and of every digit class; a clip "
            f"keeps its identity when at least {self.min_legible_share:.0%} of its "
            f"{self.frames} frames are legible and all of those read the same digits"
        )

    def summary(self, real=None):
        """Lines for humans; with `real` (the `LegibilityResult` of real clips) beside it.

        Args:
            real: the figures of real clips read the same way, the ceiling.
        """

        def beside(name):
            if real is None:
                return ""
            return f"  (real test clips: {getattr(real, name):.1%})"

        return "\n".join(
            [
                f"legible frames: {self.legible_frames:.1%}" + beside("legible_frames"),
                f"identity-keeping clips: {self.identity_clips:.1%}" + beside("identity_clips"),
                f"legibility: N={self.num_clips}, {self.describe_rules()}",
            ]
        )
