import keras
import numpy as np
import tensorflow as tf


@keras.saving.register_keras_serializable(package="keras_vidgan")
class GAN(keras.Model):
    """Trains a video generator against a discriminator with `fit()`.

    Each `train_step` makes one discriminator update, then one generator
    update with the non-saturating loss (Goodfellow et al., 2014): the
    discriminator learns to tell real clips (target 1) from generated ones
    (target 0), the generator learns to make the discriminator say 1.

    It logs `d_loss`, `g_loss`, `real_probability` and `fake_probability`
    (the discriminator's mean probability that real, resp. generated, clips
    are real), and `loss`, their sum `d_loss + g_loss`. That sum is not an
    objective anyone minimises; it is there so that callbacks that watch
    `loss`, such as `keras.callbacks.TerminateOnNaN`, see a diverged run.

    Noise is drawn with stateless random numbers from `(seed, step)` for the
    whole global batch, and each replica takes its own slice. Training is
    therefore reproducible, resumes exactly from a checkpoint, and does not
    depend on how many replicas share the batch.

    After `compile()`, `model.optimizer` is a `keras.optimizers.MultiOptimizer`
    whose `optimizers` are `[g_optimizer, d_optimizer]`. Keras'
    `LearningRateScheduler` and `ReduceLROnPlateau` act on each of them, so a
    schedule scales both learning rates together; TensorBoard logs both. Its
    `iterations` counts GAN steps.

    Args:
        generator: a `keras.Model` mapping `[B, latent_dim]` noise to clips
            `[B, T, H, W, C]` in [-1, 1]. If it has a method
            `regularized_call(noise, training) -> (clips, penalty)`, as
            `VGANGenerator` has for its mask, the penalty is added to the
            generator loss.
        discriminator: a `keras.Model` mapping clips to one logit per clip.
        latent_dim: int. Size of the generator's noise input; read from the
            generator when omitted.
        seed: int. Seed of the training noise; drawn at random when omitted
            and then stored in the config, so a reloaded model continues with
            the same noise stream.
        **kwargs: passed to `keras.Model`.

    Example:

    ```python
    import keras_vidgan

    generator = keras_vidgan.models.VGANGenerator(
        latent_dim=32, frames=8, size=32, channels=1, width=8
    )
    discriminator = keras_vidgan.models.VideoDiscriminator(
        frames=8, size=32, channels=1, width=8
    )
    gan = keras_vidgan.GAN(generator, discriminator, seed=1)
    gan.compile()
    clips = keras_vidgan.datasets.moving_mnist(
        num_clips=16, frames=8, size=32, digits=1
    ).batch(8, drop_remainder=True)
    history = gan.fit(clips, epochs=1, verbose=0)
    print(sorted(history.history))
    # ['d_loss', 'fake_probability', 'g_loss', 'loss', 'real_probability']
    ```
    """

    def __init__(self, generator, discriminator, latent_dim=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        generator_latent = generator.inputs[0].shape[-1] if _is_graph_model(generator) else None
        if latent_dim is None:
            latent_dim = generator_latent or getattr(generator, "latent_dim", None)
        if latent_dim is None:
            raise ValueError("Pass `latent_dim`: it cannot be read from the generator.")
        if generator_latent is not None and generator_latent != latent_dim:
            raise ValueError(
                f"`latent_dim`={latent_dim} does not match the generator's input size "
                f"{generator_latent}."
            )
        if seed is None:
            seed = int(np.random.randint(0, 2**31 - 1))
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim)
        self.seed = int(seed)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.real_probability_tracker = keras.metrics.Mean(name="real_probability")
        self.fake_probability_tracker = keras.metrics.Mean(name="fake_probability")
        self.d_optimizer = None
        self.g_optimizer = None
        self.loss_fn = None
        if generator.built and discriminator.built:
            # `fit()` under a strategy insists that every layer is built.
            self.built = True

    @property
    def clip_shape(self):
        """The `(T, H, W, C)` shape of one generated clip."""
        return tuple(self.generator.compute_output_shape((None, self.latent_dim))[1:])

    def call(self, noise, training=False):
        """Generates clips from noise: `gan(noise)` equals `gan.generator(noise)`."""
        return self.generator(noise, training=training)

    def compile(self, d_optimizer=None, g_optimizer=None, loss_fn=None, **kwargs):
        """Sets the optimizers and the loss and builds the optimizers.

        Args:
            d_optimizer: optimizer of the discriminator; default
                `Adam(2e-4, beta_1=0.5)` as in DCGAN and VGAN.
            g_optimizer: optimizer of the generator; the same default.
            loss_fn: a `keras.losses.Loss` comparing logits with 0/1 targets;
                default `BinaryCrossentropy(from_logits=True)`. It is applied
                per example and averaged over the global batch.
            **kwargs: passed to `keras.Model.compile` (for example
                `steps_per_execution`).
        """
        d_optimizer = d_optimizer or keras.optimizers.Adam(
            2e-4, beta_1=0.5, name="discriminator_adam"
        )
        g_optimizer = g_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5, name="generator_adam")
        if d_optimizer is g_optimizer:
            raise ValueError("Pass two optimizer instances: each is built for one network.")
        self.loss_fn = loss_fn or keras.losses.BinaryCrossentropy(from_logits=True)
        discriminator_variable_ids = {id(v) for v in self.discriminator.trainable_variables}
        # Keras' callbacks change `model.optimizer.optimizers`; the GAN step applies
        # `g_optimizer` and `d_optimizer` itself.
        joint_optimizer = keras.optimizers.MultiOptimizer(
            lambda variable: (
                d_optimizer if id(variable) in discriminator_variable_ids else g_optimizer
            ),
            name="gan_optimizers",
        )
        super().compile(optimizer=joint_optimizer, **kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        # Built here, not lazily: MirroredStrategy cannot create optimizer slots
        # while tracing the first step (keras-team/keras#23085).
        joint_optimizer.build(
            self.generator.trainable_variables + self.discriminator.trainable_variables
        )

    def get_compile_config(self):
        if self.d_optimizer is None:
            return None
        return {
            "d_optimizer": keras.saving.serialize_keras_object(self.d_optimizer),
            "g_optimizer": keras.saving.serialize_keras_object(self.g_optimizer),
            "loss_fn": keras.saving.serialize_keras_object(self.loss_fn),
        }

    def compile_from_config(self, config):
        self.compile(
            d_optimizer=keras.saving.deserialize_keras_object(config["d_optimizer"]),
            g_optimizer=keras.saving.deserialize_keras_object(config["g_optimizer"]),
            loss_fn=keras.saving.deserialize_keras_object(config["loss_fn"]),
        )

    def build(self, input_shape=None):
        self.built = True

    @property
    def metrics(self):
        return [
            self.loss_tracker,
            self.d_loss_tracker,
            self.g_loss_tracker,
            self.real_probability_tracker,
            self.fake_probability_tracker,
        ]

    def sample_noise(self, batch_size, offset=0):
        """Noise for this replica's part of the global batch at the current step.

        Args:
            batch_size: this replica's batch size.
            offset: which of the step's independent draws (0 for the
                discriminator update, 1 for the generator update).
        """
        context = tf.distribute.get_replica_context()
        num_replicas = context.num_replicas_in_sync if context else 1
        replica_id = tf.cast(context.replica_id_in_sync_group if context else 0, tf.int32)
        step = tf.cast(self.optimizer.iterations, tf.int64)
        seed = tf.stack([tf.constant(self.seed, tf.int64), step * 2 + offset])
        global_noise = tf.random.stateless_normal(
            [batch_size * num_replicas, self.latent_dim], seed=seed
        )
        return global_noise[replica_id * batch_size : (replica_id + 1) * batch_size]

    def _check_clip_shape(self, real):
        expected = self.clip_shape
        given = tuple(real.shape[1:])
        compatible = len(given) == len(expected) and all(
            g is None or g == e for g, e in zip(given, expected)
        )
        if not compatible:
            raise ValueError(
                f"The dataset yields clips of shape {given} (frames, height, width, "
                f"channels) but the generator makes clips of shape {expected}. Make the "
                "data pipeline produce the generator's shape, or build the models for "
                "the data's shape."
            )

    def train_step(self, data):
        real, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        if isinstance(real, (tuple, list)):
            real = real[0]
        self._check_clip_shape(real)
        real = tf.cast(real, self.compute_dtype)
        batch_size = tf.shape(real)[0]
        d_per_example, real_logits, fake_logits = self.discriminator_step(real)
        g_per_example = self.generator_step(batch_size)
        self.optimizer.iterations.assign_add(1)

        # Trackers take per-example values: Keras sums their totals and counts over
        # replicas, so the logs show global means whatever the number of replicas.
        self.loss_tracker.update_state(d_per_example + g_per_example)
        self.d_loss_tracker.update_state(d_per_example)
        self.g_loss_tracker.update_state(g_per_example)
        self.real_probability_tracker.update_state(tf.sigmoid(real_logits))
        self.fake_probability_tracker.update_state(tf.sigmoid(fake_logits))
        return {metric.name: metric.result() for metric in self.metrics}

    def discriminator_step(self, real):
        """One discriminator update: real clips towards 1, generated clips towards 0.

        Returns:
            `(per_example_loss, real_logits, fake_logits)` for this replica's batch.
        """
        noise = self.sample_noise(tf.shape(real)[0], offset=0)
        fake = self.generator(noise, training=True)
        with tf.GradientTape() as tape:
            real_logits = tf.cast(self.discriminator(real, training=True), tf.float32)
            fake_logits = tf.cast(self.discriminator(fake, training=True), tf.float32)
            per_example = self.per_example_loss(1.0, real_logits) + self.per_example_loss(
                0.0, fake_logits
            )
            loss = tf.nn.compute_average_loss(per_example)
        variables = self.discriminator.trainable_variables
        self.d_optimizer.apply(tape.gradient(loss, variables), variables)
        return per_example, real_logits, fake_logits

    def generator_step(self, batch_size):
        """One generator update with the non-saturating loss: make generated clips look real.

        The generator's own losses (VGAN's mask penalty) are added, averaged
        over replicas like the adversarial term.

        Returns:
            The per-example generator loss, regularisation included.
        """
        noise = self.sample_noise(batch_size, offset=1)
        num_replicas = tf.distribute.get_strategy().num_replicas_in_sync
        with tf.GradientTape() as tape:
            fake, regularization = self.generate_with_regularization(noise)
            fake_logits = tf.cast(self.discriminator(fake, training=True), tf.float32)
            adversarial = self.per_example_loss(1.0, fake_logits)
            loss = tf.nn.compute_average_loss(adversarial) + regularization / num_replicas
        variables = self.generator.trainable_variables
        self.g_optimizer.apply(tape.gradient(loss, variables), variables)
        return adversarial + regularization

    def generate_with_regularization(self, noise):
        """Training-mode clips and the generator's own penalty for this batch (0 if none)."""
        if hasattr(self.generator, "regularized_call"):
            fake, penalty = self.generator.regularized_call(noise, training=True)
            return fake, tf.cast(penalty, tf.float32)
        return self.generator(noise, training=True), tf.constant(0.0)

    def per_example_loss(self, target, logits):
        """`loss_fn` between a constant target and `[B, 1]` logits, one value per example."""
        logits = tf.cast(logits, tf.float32)
        targets = tf.fill(tf.shape(logits), target)
        per_example = self.loss_fn.call(targets, logits)
        return tf.reshape(per_example, [tf.shape(logits)[0], -1])[:, 0]

    def generate(self, num_videos, seed=0, batch_size=32):
        """Generates `num_videos` clips as a NumPy array in [-1, 1], reproducibly for a seed."""
        noise = tf.random.stateless_normal([num_videos, self.latent_dim], seed=[seed, 0])
        return self.generator.predict(noise, batch_size=batch_size, verbose=0)

    def get_config(self):
        return {
            **super().get_config(),
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "latent_dim": self.latent_dim,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["generator"] = keras.saving.deserialize_keras_object(config["generator"])
        config["discriminator"] = keras.saving.deserialize_keras_object(config["discriminator"])
        return cls(**config)


def _is_graph_model(model):
    return bool(getattr(model, "inputs", None)) and len(model.inputs) == 1
