"""Reading and checking `TF_CONFIG`, the cluster description every tf.distribute worker gets.

`MultiWorkerMirroredStrategy` reads `TF_CONFIG` itself, but a missing or
malformed value makes it either train alone on one machine without saying
so (no variable: a one-worker "cluster") or fail deep inside its gRPC set-up.
`read_tf_config` checks the value first and says what is wrong in one line.

`ClusterConfig.is_chief` is the one statement of which process writes the
run directory; `is_chief(strategy)` applies it to a strategy already made.
"""

import json
import os

EXAMPLE = (
    '{"cluster": {"worker": ["host1:12345", "host2:12345"]}, '
    '"task": {"type": "worker", "index": 0}}'
)
# MultiWorkerMirroredStrategy trains on "chief" and "worker" tasks; "evaluator"
# runs a side-car evaluation and takes no part in the collectives.
TRAINING_TASKS = ("chief", "worker")


class ClusterConfigError(ValueError):
    """`TF_CONFIG` is missing or does not describe a multi-worker cluster."""


class ClusterConfig:
    """The parts of `TF_CONFIG` a multi-worker run needs, checked.

    Attributes:
        cluster: `{"chief": [...], "worker": [...]}`, addresses as "host:port".
        task_type: "chief" or "worker".
        task_index: this process's index within its task type.
        num_workers: training processes in the cluster (chief included).
        is_chief: whether this process writes checkpoints, samples and logs:
            the "chief" task, or worker 0 when the cluster has no chief (the
            rule `MultiWorkerMirroredStrategy` applies).
    """

    def __init__(self, cluster, task_type, task_index):
        self.cluster = cluster
        self.task_type = task_type
        self.task_index = task_index

    @property
    def num_workers(self):
        return sum(len(self.cluster.get(kind, [])) for kind in TRAINING_TASKS)

    @property
    def is_chief(self):
        # The rule MultiWorkerMirroredStrategy and Keras follow: the "chief"
        # task if the cluster has one, else worker 0.
        if self.task_type == "chief":
            return True
        return "chief" not in self.cluster and self.task_type == "worker" and self.task_index == 0

    def __repr__(self):
        return (
            f"ClusterConfig(task={self.task_type}:{self.task_index}, "
            f"workers={self.num_workers}, chief={self.is_chief})"
        )


def is_chief(strategy):
    """Whether this process writes checkpoints, samples and logs under `strategy`.

    The chief task, or worker 0 when the cluster has no chief (the rule of
    `ClusterConfig.is_chief`, applied to the strategy's cluster). A strategy
    without a cluster (default, `MirroredStrategy`, ...) runs one process,
    which is the chief.

    Args:
        strategy: a `tf.distribute.Strategy`.

    Example:

    ```python
    import tensorflow as tf
    from keras_vidgan.training.cluster_config import is_chief

    print(is_chief(tf.distribute.get_strategy()))  # True: one process
    ```
    """
    resolver = getattr(strategy, "cluster_resolver", None)
    cluster = resolver.cluster_spec().as_dict() if resolver is not None else {}
    if not cluster:
        return True
    # A resolver that names no task is a worker; TensorFlow numbers it 0 then.
    task_type = resolver.task_type or "worker"
    return ClusterConfig(cluster, task_type, resolver.task_id or 0).is_chief


def read_tf_config(environ=None):
    """Parses and checks `TF_CONFIG` for `MultiWorkerMirroredStrategy`.

    Args:
        environ: the environment to read (default `os.environ`).

    Returns:
        A `ClusterConfig`.

    Raises:
        ClusterConfigError: with one line saying what is missing or wrong and
            an example of a valid value.

    Example:

    ```python
    import os
    from keras_vidgan.training.cluster_config import read_tf_config

    os.environ["TF_CONFIG"] = (
        '{"cluster": {"worker": ["localhost:20001", "localhost:20002"]},'
        ' "task": {"type": "worker", "index": 1}}'
    )
    print(read_tf_config().is_chief)  # False: worker 0 is the chief
    ```
    """
    environ = os.environ if environ is None else environ
    text = environ.get("TF_CONFIG", "").strip()
    if not text:
        _fail(
            "TF_CONFIG is not set; every worker needs it to find the others, e.g. "
            f"TF_CONFIG='{EXAMPLE}' (the same cluster everywhere, its own task index on each)"
        )
    try:
        config = json.loads(text)
    except json.JSONDecodeError as error:
        _fail(f"TF_CONFIG is not valid JSON ({error}); expected e.g. {EXAMPLE}")
    if not isinstance(config, dict):
        _fail(f"TF_CONFIG must be a JSON object, got {type(config).__name__}; e.g. {EXAMPLE}")
    cluster = config.get("cluster")
    if not isinstance(cluster, dict) or not cluster:
        _fail(f'TF_CONFIG has no "cluster" object; e.g. {EXAMPLE}')
    for kind, addresses in cluster.items():
        if kind not in TRAINING_TASKS + ("evaluator",):
            _fail(
                f'TF_CONFIG cluster has a "{kind}" task; multi-worker training uses only '
                '"chief" and "worker" (parameter servers are not supported)'
            )
        if not isinstance(addresses, list) or not addresses:
            _fail(f'TF_CONFIG cluster "{kind}" must be a non-empty list of "host:port" strings')
        for address in addresses:
            if not _is_address(address):
                _fail(
                    f'TF_CONFIG cluster "{kind}" holds {address!r}, not a "host:port" address'
                )
    if not any(cluster.get(kind) for kind in TRAINING_TASKS):
        _fail(f'TF_CONFIG cluster lists no "worker" (or "chief") addresses; e.g. {EXAMPLE}')
    if len(cluster.get("chief", [])) > 1:
        _fail('TF_CONFIG cluster may have at most one "chief"')
    addresses = [a for kind in TRAINING_TASKS for a in cluster.get(kind, [])]
    duplicates = sorted({a for a in addresses if addresses.count(a) > 1})
    if duplicates:
        _fail(f"TF_CONFIG cluster lists {duplicates[0]} twice; each worker needs its own port")
    task = config.get("task")
    if not isinstance(task, dict):
        _fail(
            'TF_CONFIG has no "task" object saying which worker this process is, e.g. '
            '"task": {"type": "worker", "index": 0}'
        )
    task_type = task.get("type")
    task_index = task.get("index", 0)
    if task_type not in TRAINING_TASKS:
        _fail(
            f'TF_CONFIG task type is {task_type!r}; a training process is "worker" '
            '(or "chief")'
        )
    if task_type not in cluster:
        _fail(f'TF_CONFIG task type "{task_type}" is not in the cluster ({sorted(cluster)})')
    if isinstance(task_index, bool) or not isinstance(task_index, int):
        _fail(f"TF_CONFIG task index must be an integer, got {task_index!r}")
    if not 0 <= task_index < len(cluster[task_type]):
        _fail(
            f'TF_CONFIG task index {task_index} is out of range: the cluster has '
            f'{len(cluster[task_type])} "{task_type}" address(es), indices 0 to '
            f"{len(cluster[task_type]) - 1}"
        )
    return ClusterConfig(cluster, task_type, task_index)


def multi_worker_strategy():
    """A `MultiWorkerMirroredStrategy` for the cluster in `TF_CONFIG`, checked first.

    Call it at the start of the program, before any other TensorFlow
    operation: collective ops are configured when the strategy is made.

    Returns:
        `(strategy, cluster_config)`.

    Raises:
        ClusterConfigError: `TF_CONFIG` is missing or malformed.

    Example:

    ```python
    from keras_vidgan.training.cluster_config import multi_worker_strategy

    strategy, cluster = multi_worker_strategy()
    with strategy.scope():
        gan = build_gan()
    ```
    """
    import tensorflow as tf

    cluster = read_tf_config()
    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    return strategy, cluster


def _is_address(address):
    if not isinstance(address, str) or ":" not in address:
        return False
    host, _, port = address.rpartition(":")
    return bool(host) and port.isdigit() and 0 < int(port) < 65536


def _fail(message):
    raise ClusterConfigError(message)
