"""One evaluation's numbers together with the protocol they were measured under."""

import dataclasses
import json


@dataclasses.dataclass
class EvaluationResult:
    """FVD and KVD (or their proxies) with the protocol, as stored and printed.

    A distance means little without its protocol (N, frames, resize, reference
    data), so a result never travels without it: `to_dict()` and `to_json()`
    always include it.

    Attributes:
        metrics: dict of metric name to value: `{"fvd": ..., "kvd": ...}`, or
            `{"fvd_proxy": ..., "kvd_proxy": ...}` for the proxy features.
        protocol: dict, `EvaluationProtocol.to_dict()`.
        real_identity: str. Identifies the real data.
        real_from_cache: bool. The real statistics came from the cache.
        seconds: dict of wall times: `"real"`, `"generated"`, `"distances"`.

    Example:

    ```python
    from keras_vidgan.metrics import EvaluationProtocol, EvaluationResult

    result = EvaluationResult(
        metrics={"fvd": 120.5, "kvd": 3.2},
        protocol=EvaluationProtocol(num_clips=256).to_dict(),
        real_identity="moving_mnist(split='test')",
    )
    print(result["fvd"], result.to_dict()["protocol"]["num_clips"])  # 120.5 256
    ```
    """

    metrics: dict
    protocol: dict
    real_identity: str = ""
    real_from_cache: bool = False
    seconds: dict = dataclasses.field(default_factory=dict)

    def __getitem__(self, name):
        return self.metrics[name]

    def to_dict(self):
        """Everything, JSON-able."""
        return dataclasses.asdict(self)

    def to_json(self, indent=2):
        """`to_dict()` as a JSON string."""
        return json.dumps(self.to_dict(), indent=indent, sort_keys=True)

    def summary(self):
        """A few lines for humans: the metrics, then the protocol."""
        names = {"fvd": "FVD", "kvd": "KVD", "fvd_proxy": "FVD proxy", "kvd_proxy": "KVD proxy"}
        lines = [f"{names.get(name, name)}: {value:.4f}" for name, value in self.metrics.items()]
        if any(name.endswith("_proxy") for name in self.metrics):
            lines.append("(proxy values: I3D at 112x112; not comparable with FVD or KVD)")
        from keras_vidgan.metrics.evaluation_protocol import EvaluationProtocol

        lines.append("protocol: " + EvaluationProtocol.from_dict(self.protocol).describe())
        lines.append(
            f"real data: {self.real_identity}" + (" (cached)" if self.real_from_cache else "")
        )
        return "\n".join(lines)
