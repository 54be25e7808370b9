"""The pinned evaluation protocol: everything that changes an FVD, written down and stored."""

import dataclasses
import hashlib
import json

# Feature extractors by name: frame size fed to I3D, and whether the result may be called FVD.
FEATURES = {
    # The reference: the Kinetics-400 I3D at its own resolution (Unterthiner et al., 2018).
    "i3d-kinetics-400-logits": {"size": 224, "proxy": False},
    # Same weights at 112x112 with the head pooling the whole 4x4 grid: about 4x cheaper.
    # Its values are not FVD and are never reported as FVD.
    "i3d-kinetics-400-logits-112-proxy": {"size": 112, "proxy": True},
}
CLIP_STARTS = ("first", "random")
RESIZE = "bilinear, straight to size x size (no crop), TF1 resize_bilinear sampling grid"
PROTOCOL_VERSION = 1


@dataclasses.dataclass(frozen=True)
class EvaluationProtocol:
    """How FVD and KVD are measured, so that two numbers can be compared.

    Published FVDs disagree mostly because of choices made before the
    distance: how many clips, how many frames and which, how frames are
    resized, which real data are the reference. This object pins all of
    them; every result stores it (`to_dict()`), and cached real statistics
    are keyed by it, so a changed protocol never reuses them.

    Args:
        num_clips: int. Clips from each side (real and generated), N. The
            Fréchet distance is biased upwards at small N: compare at equal N.
        frames: int. Frames fed to I3D per clip (16 in the reference; I3D
            needs at least 9).
        stride: int. Step between the chosen frames (1: consecutive frames).
        clip_start: `"first"` takes frames from the start of each clip;
            `"random"` draws the start uniformly per clip from `seed` and the
            clip's index, among positions where the whole window fits.
        features: `"i3d-kinetics-400-logits"` (FVD) or
            `"i3d-kinetics-400-logits-112-proxy"` (a cheaper proxy, reported
            as `fvd_proxy`, never as FVD).
        reference: str. The real data and split, for example
            `"moving_mnist(split='test', frames=16, size=64, digits=2, seed=0)"`.
        seed: int. Seed of the generator's noise (clip `i` gets noise from
            `(seed, i)`) and of random clip starts.
        kvd_block_size: int. Block size of the kernel distance.

    Example:

    ```python
    from keras_vidgan.metrics import EvaluationProtocol

    protocol = EvaluationProtocol(num_clips=256, reference="moving_mnist(split='test')")
    print(protocol.size, protocol.metric_name)  # 224 fvd
    print(EvaluationProtocol.from_dict(protocol.to_dict()) == protocol)  # True
    ```
    """

    num_clips: int = 2048
    frames: int = 16
    stride: int = 1
    clip_start: str = "first"
    features: str = "i3d-kinetics-400-logits"
    reference: str = ""
    seed: int = 0
    kvd_block_size: int = 1024

    def __post_init__(self):
        for name in ("num_clips", "frames", "stride", "kvd_block_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"`{name}` must be a positive integer, got {value!r}.")
        if self.num_clips < 2:
            raise ValueError(f"`num_clips` must be at least 2, got {self.num_clips}.")
        if self.frames < 9:
            raise ValueError(
                f"`frames` must be at least 9 (I3D reduces time 8-fold before a 2-step "
                f"pooling window), got {self.frames}."
            )
        if self.clip_start not in CLIP_STARTS:
            raise ValueError(f"`clip_start` must be one of {CLIP_STARTS}, got {self.clip_start!r}.")
        if self.features not in FEATURES:
            raise ValueError(
                f"`features` must be one of {sorted(FEATURES)}, got {self.features!r}."
            )
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ValueError(f"`seed` must be an integer, got {self.seed!r}.")
        if not isinstance(self.reference, str):
            raise ValueError(f"`reference` must be a string, got {self.reference!r}.")

    @property
    def size(self):
        """Frame height and width fed to I3D."""
        return FEATURES[self.features]["size"]

    @property
    def is_proxy(self):
        """True for the cheap proxy features, whose distances are not FVD."""
        return FEATURES[self.features]["proxy"]

    @property
    def metric_name(self):
        """`"fvd"`, or `"fvd_proxy"` for the proxy features."""
        return "fvd_proxy" if self.is_proxy else "fvd"

    @property
    def kernel_metric_name(self):
        """`"kvd"`, or `"kvd_proxy"` for the proxy features."""
        return "kvd_proxy" if self.is_proxy else "kvd"

    @property
    def span(self):
        """Frames a clip must have at least: `(frames - 1) * stride + 1`."""
        return (self.frames - 1) * self.stride + 1

    def replace(self, **changes):
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    def to_dict(self):
        """All fields plus the fixed choices (resize, size, version), JSON-able."""
        values = dataclasses.asdict(self)
        values.update(size=self.size, resize=RESIZE, version=PROTOCOL_VERSION)
        return values

    @classmethod
    def from_dict(cls, values):
        """Rebuilds a protocol from `to_dict()`; refuses another protocol version."""
        values = dict(values)
        version = values.pop("version", PROTOCOL_VERSION)
        if version != PROTOCOL_VERSION:
            raise ValueError(
                f"Protocol version {version} is not supported (this is version {PROTOCOL_VERSION})."
            )
        values.pop("size", None)
        values.pop("resize", None)
        return cls(**values)

    def cache_key(self, identity, extractor_identity=""):
        """A key for real-data statistics under this protocol.

        Args:
            identity: str. Identifies the real dataset (its parameters, or a
                digest of its files).
            extractor_identity: str. Identifies the network weights.

        Returns:
            A 32-character hex digest of all of the above.
        """
        payload = json.dumps(
            {"protocol": self.to_dict(), "data": identity, "extractor": extractor_identity},
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:32]

    def describe(self):
        """One line for humans, as printed by `keras-vidgan evaluate`."""
        start = "first frames" if self.clip_start == "first" else f"random start (seed {self.seed})"
        return (
            f"N={self.num_clips}, {self.frames} frames, stride {self.stride}, {start}, "
            f"{self.features} at {self.size}x{self.size} (bilinear, no crop), "
            f"reference {self.reference or 'unspecified'}, seed {self.seed}, "
            f"KVD blocks of {self.kvd_block_size}, protocol v{PROTOCOL_VERSION}"
        )
