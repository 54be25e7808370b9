"""Moving input decoding off the trainers with the tf.data service.

A dispatcher and any number of tf.data workers (on CPU machines) run the
input pipeline, decoding included; the trainers only receive finished
batches over gRPC. Useful when decoding video is what limits the trainers'
step rate. The pipeline is sent to the service as a graph, so it must be
graph-native: TFRecord shards (`keras_vidgan.data.tfrecord_shards`) are;
readers that decode in Python (`tf.numpy_function`: video files, frame
folders, the generated built-in datasets) are not.
"""

import tensorflow as tf


def start_local_service(num_workers=1, port=0):
    """A dispatcher and `num_workers` tf.data workers inside this process (tests, one machine).

    Args:
        num_workers: tf.data workers to start.
        port: the dispatcher's port (0: any free one).

    Returns:
        `(dispatcher, workers)`; `dispatcher.target` is the address
        ("grpc://localhost:PORT") to pass as `service`. Keep both objects
        alive while training.

    Example:

    ```python
    dispatcher, workers = start_local_service(num_workers=2)
    batches = distribute_through_service(clips, dispatcher.target, strategy, 16)
    ```
    """
    service = tf.data.experimental.service
    dispatcher = service.DispatchServer(service.DispatcherConfig(port=port))
    address = dispatcher.target.split("://")[1]
    workers = [
        service.WorkerServer(service.WorkerConfig(dispatcher_address=address))
        for _ in range(num_workers)
    ]
    return dispatcher, workers


def distribute_through_service(dataset, service, strategy, global_batch_size, job_name=None):
    """Feeds `strategy` from `dataset` run on the tf.data service, each batch to one trainer.

    Every trainer process (every worker of a multi-worker run) registers as a
    consumer of the same job; the dispatcher hands out the dataset's batches
    dynamically (`ShardingPolicy.DYNAMIC`), so each batch goes to exactly one
    replica, and a slow trainer simply takes fewer. The order of batches is
    therefore not fixed: use the plain input path where exact reproducibility
    matters.

    Args:
        dataset: an unbatched dataset of clips (graph-native, see above).
            `.repeat()` it for more than one pass.
        service: the dispatcher's address, "grpc://host:port".
        strategy: the `tf.distribute.Strategy` training.
        global_batch_size: clips per step over all replicas.
        job_name: the name all trainers of one run share, so that they
            split one stream (default "keras_vidgan"; give each concurrent
            run its own).

    Returns:
        A distributed dataset for `MultiWorkerTrainer.fit`.

    Example:

    ```python
    clips = keras_vidgan.data.tfrecord_shards("shards", frames=16, size=64).repeat()
    batches = distribute_through_service(clips, "grpc://input-host:5050", strategy, 16,
                                         job_name="run-42")
    MultiWorkerTrainer(gan).fit(batches, epochs=10, steps_per_epoch=500)
    ```
    """
    job_name = job_name or "keras_vidgan"

    def per_input_pipeline(input_context):
        per_replica = input_context.get_per_replica_batch_size(global_batch_size)
        batches = dataset.batch(per_replica, drop_remainder=True)
        return batches.apply(
            tf.data.experimental.service.distribute(
                processing_mode=tf.data.experimental.service.ShardingPolicy.DYNAMIC,
                service=service,
                job_name=job_name,
            )
        )

    return strategy.distribute_datasets_from_function(per_input_pipeline)
