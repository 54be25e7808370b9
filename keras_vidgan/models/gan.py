import keras
import numpy as np
import tensorflow as tf

from keras_vidgan.losses import (
    GANLoss,
    auxiliary_classifier_discriminator_loss,
    auxiliary_classifier_generator_loss,
    gradient_penalty,
    r1_penalty,
)
from keras_vidgan.models.model_blocks import stateless_frame_picks

# The clips a discriminator call scores, in the order of their frame-pick streams.
_CLIP_KINDS = ("real", "generated", "interpolated", "real_r1")


@keras.saving.register_keras_serializable(package="keras_vidgan")
class GAN(keras.Model):
    """Trains a video generator against one or several discriminators with `fit()`.

    Each `train_step` makes `d_steps` discriminator updates, then one
    generator update. By default the objective is binary cross-entropy with
    the non-saturating generator loss (Goodfellow et al., 2014): the
    discriminator learns to tell real clips (target 1) from generated ones
    (target 0), the generator learns to make the discriminator say 1. Other
    objectives (hinge, least squares, Wasserstein) and the gradient penalty
    or R1 penalty are chosen in `compile()`.

    Several discriminators (a list or a dict, for example MoCoGAN's image and
    video discriminators) are trained together with one optimizer: their
    losses are summed. A discriminator may score a clip several times
    (`[B, K]` logits, for example one per frame); a clip's loss is the mean
    over its `K` scores.

    Conditioning is read from the generator:

    - a generator with an integer `num_classes` attribute takes
      `[noise, labels]`; the dataset must yield `(clip, label)` pairs (int
      labels `[B]`, or `[B, D]` whose first column is used). A generator
      whose `labels_per_clip` attribute is `L > 1` takes labels `[B, L]`
      (one per digit of a Moving MNIST clip), and the dataset must yield
      that many per clip. Generated clips
      get the labels of the real batch, so the class mix follows the data.
      Discriminators with `num_classes` receive `[clips, labels]` too
      (projection discriminators); the others only see clips. A
      discriminator that returns `[logits, class_logits]` (an auxiliary
      classifier, as in AC-GAN) also learns the real clips' classes, and
      the generator is asked to make the classes it was given readable
      (`keras_vidgan.losses.auxiliary_classifier_*`, added to `d_loss` and
      `g_loss`).
    - a text-conditioned generator (one with a `text_encoder` attribute, see
      `keras_vidgan.layers.TextEncoder`) takes `[noise, texts]`; the dataset
      must yield `(clip, caption)` pairs (tf.string `[B]`). Generated clips
      get the captions of the real batch. Discriminators with a
      `text_encoder` receive `[clips, texts]` and are trained as Reed et
      al.'s (2016, "Generative Adversarial Text to Image Synthesis")
      matching-aware discriminator (GAN-CLS): real clips with the captions
      of other clips of the batch (rolled by one) are negatives too, and the
      loss is the real term plus half of each of the two negative terms.
      Each network's text encoder is trained by that network's loss.
    - a generator whose `condition_on_first_frame` attribute is true takes
      the first frame of each real clip as its last input (image-to-video).

    Sparse frames, as in StyleGAN-V (Skorokhodov et al., 2022): a
    discriminator with a method `sample_times(seed, count) -> int32 [count, K]`
    scores `K` frames of a clip at sorted times, and takes `[frames, times]`
    (float times, labels last). For it, each step draws frame indices with
    that method, the real frames are gathered at them and the generator
    renders frames at the same times with its method
    `render(inputs, times, training)` (real and generated frames of an
    example share their times, so the gradient penalty interpolates frames
    of equal times); the generator then never renders the whole clip in
    training unless another discriminator needs it.

    It logs `d_loss`, `g_loss`, `real_probability` and `fake_probability`
    (the mean sigmoid of the discriminators' logits on real, resp. generated,
    clips: a probability for the cross-entropy objectives, a squashed score
    for the others), and `loss`, the sum `d_loss + g_loss`. That sum is not an
    objective anyone minimises; it is there so that callbacks that watch
    `loss`, such as `keras.callbacks.TerminateOnNaN`, see a diverged run.

    Noise, the gradient penalty's interpolation weights, the frames that
    `FrameSampler`s pick (MoCoGAN's image discriminator, DVD-GAN's spatial
    one) and the times of sparse discriminators are drawn with stateless
    random numbers from `(seed, step)` for the whole global batch, and each
    replica takes its own slice. Training is therefore reproducible, resumes
    exactly from a checkpoint, and does not depend on how many replicas
    share the batch.

    With `ema_decay`, the GAN keeps an exponential moving average of the
    generator's weights (Yazici et al., 2019, "The Unusual Effectiveness of
    Averaging in GAN Training"; used by BigGAN and DVD-GAN) in a second
    generator, `sampling_generator`, which `generate()`, the sample writer
    and the exporter use and which is saved with the model.

    After `compile()`, `model.optimizer` is a `keras.optimizers.MultiOptimizer`
    whose `optimizers` are `[g_optimizer, d_optimizer]`. Keras'
    `LearningRateScheduler` and `ReduceLROnPlateau` act on each of them, so a
    schedule scales both learning rates together; TensorBoard logs both. Its
    `iterations` counts GAN steps.

    Args:
        generator: a `keras.Model` mapping `[B, latent_dim]` noise (plus
            labels and/or first frames, above) to clips `[B, T, H, W, C]` in
            [-1, 1]. If it has a method
            `regularized_call(inputs, training) -> (clips, penalty)`, as
            `VGANGenerator` has for its mask, the penalty is added to the
            generator loss.
        discriminator: a `keras.Model` mapping clips to logits `[B, K]`, or a
            list or dict of them.
        latent_dim: int. Size of the generator's noise input; read from the
            generator when omitted.
        seed: int. Seed of the training noise; drawn at random when omitted
            and then stored in the config, so a reloaded model continues with
            the same noise stream.
        ema_decay: float in (0, 1), or None for no moving average. The decay
            actually used at step `n` is `min(ema_decay, (1 + n) / (10 + n))`,
            as in `tf.train.ExponentialMovingAverage` with `num_updates`, so
            that the average forgets the random initial weights quickly.
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
    gan = keras_vidgan.GAN(generator, discriminator, seed=1, ema_decay=0.999)
    gan.compile(loss="hinge", d_steps=2)
    clips = keras_vidgan.datasets.moving_mnist(
        num_clips=16, frames=8, size=32, digits=1
    ).batch(8, drop_remainder=True)
    history = gan.fit(clips, epochs=1, verbose=0)
    print(sorted(history.history))
    # ['d_loss', 'fake_probability', 'g_loss', 'loss', 'real_probability']
    ```
    """

    def __init__(
        self, generator, discriminator, latent_dim=None, seed=None, ema_decay=None, **kwargs
    ):
        super().__init__(**kwargs)
        generator_inputs = getattr(generator, "inputs", None) or []
        generator_latent = generator_inputs[0].shape[-1] if generator_inputs else None
        if latent_dim is None:
            latent_dim = generator_latent or getattr(generator, "latent_dim", None)
        if latent_dim is None:
            raise ValueError("Pass `latent_dim`: it cannot be read from the generator.")
        if generator_latent is not None and generator_latent != latent_dim:
            raise ValueError(
                f"`latent_dim`={latent_dim} does not match the generator's input size "
                f"{generator_latent}."
            )
        if ema_decay is not None and not 0.0 < float(ema_decay) < 1.0:
            raise ValueError(f"`ema_decay` must be in (0, 1) or None, got {ema_decay!r}.")
        if seed is None:
            seed = int(np.random.randint(0, 2**31 - 1))
        self.generator = generator
        self.discriminator = discriminator
        self._discriminator_list = _as_named_list(discriminator)
        if self._sparse_indices() and not hasattr(generator, "render"):
            raise ValueError(
                "A discriminator scores frames at sampled times (it has `sample_times`): the "
                "generator must render frames at given times (a `render` method, as "
                "`StyleGANVGenerator` has)."
            )
        self.latent_dim = int(latent_dim)
        self.seed = int(seed)
        self.ema_decay = None if ema_decay is None else float(ema_decay)
        self.num_classes = getattr(generator, "num_classes", None)
        self.labels_per_clip = getattr(generator, "labels_per_clip", 1)
        self.text_conditional = getattr(generator, "text_encoder", None) is not None
        self.condition_on_first_frame = bool(getattr(generator, "condition_on_first_frame", False))
        self.ema_generator = _copy_model(generator) if ema_decay is not None else None
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.real_probability_tracker = keras.metrics.Mean(name="real_probability")
        self.fake_probability_tracker = keras.metrics.Mean(name="fake_probability")
        self.d_optimizer = None
        self.g_optimizer = None
        self.loss_fn = None
        self.gan_loss = None
        self.d_steps = 1
        self.gradient_penalty_weight = 0.0
        self.r1_weight = 0.0
        self.r1_interval = 1
        if generator.built and all(d.built for _, d in self._discriminator_list):
            # `fit()` under a strategy insists that every layer is built.
            self.built = True

    @property
    def discriminators(self):
        """`{name: model}` of every discriminator (`"discriminator"` for a single one)."""
        return dict(self._discriminator_list)

    @property
    def sampling_generator(self):
        """The generator used for sampling and export: the moving average when there is one."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    @property
    def clip_shape(self):
        """The `(T, H, W, C)` shape of one generated clip."""
        outputs = getattr(self.generator, "outputs", None)
        if outputs:
            return tuple(outputs[0].shape[1:])
        return tuple(self.generator.compute_output_shape((None, self.latent_dim))[1:])

    def call(self, inputs, training=False):
        """Generates clips: `gan(inputs)` equals `gan.generator(inputs)`."""
        return self.generator(inputs, training=training)

    def compile(
        self,
        d_optimizer=None,
        g_optimizer=None,
        loss_fn=None,
        loss=None,
        d_steps=1,
        gradient_penalty=0.0,
        r1=0.0,
        r1_interval=1,
        auto_scale_loss=True,
        **kwargs,
    ):
        """Sets the optimizers, the objective and its penalties, and builds the optimizers.

        When the generator or a discriminator computes in float16 (built
        with `dtype="mixed_float16"`, or under that global policy), each
        optimizer is wrapped in a `keras.optimizers.LossScaleOptimizer`, as
        `keras.Model.compile` does for a single model: the steps multiply
        each loss by the optimizer's dynamic loss scale before taking
        gradients, so that small float16 gradients do not underflow to zero,
        and a step whose gradients overflow is skipped. `d_optimizer` and
        `g_optimizer` are then the wrappers.

        Args:
            d_optimizer: optimizer of the discriminator(s); default
                `Adam(2e-4, beta_1=0.5)` as in DCGAN and VGAN.
            g_optimizer: optimizer of the generator; the same default.
            loss_fn: a `keras.losses.Loss` comparing logits with 0/1 targets,
                used with the non-saturating generator objective; default
                `BinaryCrossentropy(from_logits=True)`. Leave it out when
                passing `loss`.
            loss: the objective instead of `loss_fn`: a
                `keras_vidgan.losses.GANLoss` or its name (`"bce"`,
                `"minimax"`, `"hinge"`, `"lsgan"`, `"wgan"`).
            d_steps: int. Discriminator updates per generator update (5 in
                WGAN-GP). Each uses the step's real batch with fresh noise.
            gradient_penalty: float. Weight of the WGAN-GP penalty
                (Gulrajani et al., 2017; 10 in the paper); 0 for none.
            r1: float. R1 weight gamma (Mescheder et al., 2018): `gamma / 2`
                times the mean squared gradient norm on real clips; 0 for none.
            r1_interval: int. Lazy regularization (Karras et al., 2020,
                StyleGAN2, section 3.1): the R1 term is computed on every
                `r1_interval`-th GAN step only (the first included),
                multiplied by `r1_interval` so that its weight per step stays
                `r1`. Its double backward pass is a fifth of a step's cost on
                a CPU; 1 (the default) computes it every step.
            auto_scale_loss: bool. Wrap the optimizers in loss scaling when a
                network computes in float16 (above); optimizers passed as
                `LossScaleOptimizer`s are kept as they are.
            **kwargs: passed to `keras.Model.compile` (for example
                `steps_per_execution`, or `jit_compile=True` to compile the
                training step with XLA; "auto", Keras' default, compiles it
                on GPUs. On CPUs XLA takes minutes to compile 3D convolutions).
        """
        if loss_fn is not None and loss is not None:
            raise ValueError("Pass either `loss_fn` (a Keras loss) or `loss`, not both.")
        if isinstance(d_steps, bool) or not isinstance(d_steps, int) or d_steps < 1:
            raise ValueError(f"`d_steps` must be a positive integer, got {d_steps!r}.")
        if gradient_penalty < 0 or r1 < 0:
            raise ValueError("`gradient_penalty` and `r1` are weights and cannot be negative.")
        if isinstance(r1_interval, bool) or not isinstance(r1_interval, int) or r1_interval < 1:
            raise ValueError(f"`r1_interval` must be a positive integer, got {r1_interval!r}.")
        d_optimizer = d_optimizer or keras.optimizers.Adam(
            2e-4, beta_1=0.5, name="discriminator_adam"
        )
        g_optimizer = g_optimizer or keras.optimizers.Adam(2e-4, beta_1=0.5, name="generator_adam")
        if d_optimizer is g_optimizer:
            raise ValueError("Pass two optimizer instances: each is built for one network.")
        if auto_scale_loss and self.computes_in_float16():
            d_optimizer = _with_loss_scaling(d_optimizer)
            g_optimizer = _with_loss_scaling(g_optimizer)
        if loss is not None:
            self.gan_loss = loss if isinstance(loss, GANLoss) else GANLoss(loss)
            self.loss_fn = None
        else:
            self.gan_loss = None
            self.loss_fn = loss_fn or keras.losses.BinaryCrossentropy(from_logits=True)
        self.d_steps = d_steps
        self.gradient_penalty_weight = float(gradient_penalty)
        self.r1_weight = float(r1)
        self.r1_interval = r1_interval
        discriminator_variables = self._discriminator_variables()
        discriminator_variable_ids = {id(v) for v in discriminator_variables}
        # Keras' callbacks change `model.optimizer.optimizers`; the GAN step applies
        # `g_optimizer` and `d_optimizer` itself. A MultiOptimizer cannot hold loss
        # scaling wrappers: it holds what they wrap (whose learning rates they share).
        inner_d, inner_g = _without_loss_scaling(d_optimizer), _without_loss_scaling(g_optimizer)
        joint_optimizer = keras.optimizers.MultiOptimizer(
            lambda variable: inner_d if id(variable) in discriminator_variable_ids else inner_g,
            name="gan_optimizers",
        )
        # Loss scaling is the GAN's own (above): not around the joint optimizer, even
        # when the GAN itself was built under the global mixed_float16 policy.
        super().compile(optimizer=joint_optimizer, auto_scale_loss=False, **kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        # Built here, not lazily: MirroredStrategy cannot create optimizer slots
        # while tracing the first step (keras-team/keras#23085).
        joint_optimizer.build(self.generator.trainable_variables + discriminator_variables)
        for optimizer, variables in (
            (g_optimizer, self.generator.trainable_variables),
            (d_optimizer, discriminator_variables),
        ):
            if optimizer is not _without_loss_scaling(optimizer):
                # Its loss scale and growth counter; saved as `d_optimizer`/`g_optimizer`.
                optimizer.build(variables)

    def computes_in_float16(self):
        """Whether the generator or a discriminator has float16 layers (`mixed_float16`)."""
        networks = [self.generator] + [model for _, model in self._discriminator_list]
        return any(_has_float16_layers(network) for network in networks)

    def get_compile_config(self):
        if self.d_optimizer is None:
            return None
        config = {
            "d_optimizer": keras.saving.serialize_keras_object(self.d_optimizer),
            "g_optimizer": keras.saving.serialize_keras_object(self.g_optimizer),
            "loss_fn": keras.saving.serialize_keras_object(self.loss_fn),
        }
        if self.gan_loss is not None:
            config["loss"] = keras.saving.serialize_keras_object(self.gan_loss)
        if self.d_steps != 1:
            config["d_steps"] = self.d_steps
        if self.gradient_penalty_weight:
            config["gradient_penalty"] = self.gradient_penalty_weight
        if self.r1_weight:
            config["r1"] = self.r1_weight
        if self.r1_interval != 1:
            config["r1_interval"] = self.r1_interval
        return config

    def compile_from_config(self, config):
        loss = config.get("loss")
        self.compile(
            d_optimizer=keras.saving.deserialize_keras_object(config["d_optimizer"]),
            g_optimizer=keras.saving.deserialize_keras_object(config["g_optimizer"]),
            loss_fn=keras.saving.deserialize_keras_object(config["loss_fn"]),
            loss=None if loss is None else keras.saving.deserialize_keras_object(loss),
            d_steps=config.get("d_steps", 1),
            gradient_penalty=config.get("gradient_penalty", 0.0),
            r1=config.get("r1", 0.0),
            r1_interval=config.get("r1_interval", 1),
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

    def _discriminator_variables(self):
        variables, seen = [], set()
        for _, discriminator in self._discriminator_list:
            for variable in discriminator.trainable_variables:
                if id(variable) not in seen:
                    seen.add(id(variable))
                    variables.append(variable)
        return variables

    def _sparse_indices(self):
        """Positions of the discriminators that score frames at sampled times."""
        return [
            index
            for index, (_, discriminator) in enumerate(self._discriminator_list)
            if hasattr(discriminator, "sample_times")
        ]

    def _stream_seed(self, offset):
        """The stateless seed of draw `offset` of the current step.

        Draws `0 .. d_steps - 1` feed the discriminator updates and draw
        `d_steps` the generator update (with one discriminator step: 0 and 1).
        """
        step = tf.cast(self.optimizer.iterations, tf.int64)
        return tf.stack([tf.constant(self.seed, tf.int64), step * (self.d_steps + 1) + offset])

    def _replica_slice(self, draw, batch_size):
        """This replica's rows of `draw(global_batch_size)`."""
        context = tf.distribute.get_replica_context()
        num_replicas = context.num_replicas_in_sync if context else 1
        replica_id = tf.cast(context.replica_id_in_sync_group if context else 0, tf.int32)
        values = draw(batch_size * num_replicas)
        return values[replica_id * batch_size : (replica_id + 1) * batch_size]

    def frame_picks(self, offset, discriminator_index, clips):
        """A context in which discriminator calls pick their frames from `(seed, step)`.

        Every discriminator call of a step has its own stream of frame picks,
        folded from the seed of draw `offset` (whose noise uses the seed
        itself and interpolation weights its fold-in 1): fold in 2, then
        `discriminator_index * 4 + k`, where `k` is the index of `clips` in
        `("real", "generated", "interpolated", "real_r1")`, the clips of the
        adversarial terms, of the gradient penalty and of the R1 penalty.

        Args:
            offset: which draw of the step (`0 .. d_steps - 1` for the
                discriminator updates, `d_steps` for the generator).
            discriminator_index: position in `discriminators`.
            clips: one of the four names above.
        """
        if clips not in _CLIP_KINDS:
            raise ValueError(f"`clips` must be one of {_CLIP_KINDS}, got {clips!r}.")
        fold_in = tf.random.experimental.stateless_fold_in
        seed = fold_in(self._stream_seed(offset), 2)
        seed = fold_in(seed, discriminator_index * len(_CLIP_KINDS) + _CLIP_KINDS.index(clips))
        return stateless_frame_picks(seed, self._replica_slice)

    def sample_noise(self, batch_size, offset=0):
        """Noise for this replica's part of the global batch at the current step.

        Args:
            batch_size: this replica's batch size.
            offset: which of the step's independent draws (`0 .. d_steps - 1`
                for the discriminator updates, `d_steps` for the generator).
        """
        seed = self._stream_seed(offset)
        return self._replica_slice(
            lambda n: tf.random.stateless_normal([n, self.latent_dim], seed=seed), batch_size
        )

    def sample_frame_times(self, batch_size, offset=0, discriminator_index=0):
        """The int32 frame indices `[B, K]` a sparse discriminator scores, for draw `offset`.

        Drawn by that discriminator's `sample_times` for the global batch
        from the seed of draw `offset` folded with 3, then with
        `discriminator_index` (noise uses the seed itself, interpolation
        weights fold in 1, frame picks 2); this replica takes its rows.
        """
        _, discriminator = self._discriminator_list[discriminator_index]
        fold_in = tf.random.experimental.stateless_fold_in
        seed = fold_in(fold_in(self._stream_seed(offset), 3), discriminator_index)
        return self._replica_slice(lambda n: discriminator.sample_times(seed, n), batch_size)

    def sample_interpolation_weights(self, batch_size, offset=0):
        """The gradient penalty's `epsilon ~ U[0, 1]`, one per example, for draw `offset`."""
        # Folded, so that the weights are independent of the same draw's noise.
        seed = tf.random.experimental.stateless_fold_in(self._stream_seed(offset), 1)
        return self._replica_slice(
            lambda n: tf.random.stateless_uniform([n], seed=seed), batch_size
        )

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

    def _labels_from(self, labels):
        if self.text_conditional:
            if labels is None or tf.as_dtype(labels.dtype) != tf.string:
                raise ValueError(
                    "The generator is text-conditioned: the dataset must yield (clip, caption) "
                    "pairs with string captions."
                )
            return tf.reshape(labels, [-1])
        if self.num_classes is None:
            return None
        if labels is None:
            raise ValueError(
                f"The generator is class-conditional ({self.num_classes} classes): the "
                "dataset must yield (clip, label) pairs."
            )
        labels = tf.convert_to_tensor(labels)
        if self.labels_per_clip > 1:
            if labels.shape.rank != 2 or labels.shape[1] != self.labels_per_clip:
                raise ValueError(
                    f"The generator takes {self.labels_per_clip} labels per clip: the dataset "
                    f"must yield labels of shape [{self.labels_per_clip}] with each clip, not "
                    f"{labels.shape[1:]}."
                )
        elif labels.shape.rank == 2:
            # Moving MNIST yields one label per digit; the first names the clip.
            labels = labels[:, 0]
        return tf.cast(labels, tf.int32)

    def generator_inputs(self, noise, labels=None, first_frames=None):
        """The generator's input structure: noise, then labels, then first frames, as it needs."""
        inputs = [noise]
        if self.num_classes is not None or self.text_conditional:
            inputs.append(labels)
        if self.condition_on_first_frame:
            if first_frames is None:
                raise ValueError("The generator is conditioned on a first frame: pass one.")
            inputs.append(first_frames)
        return inputs[0] if len(inputs) == 1 else inputs

    def train_step(self, data):
        real, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
        if isinstance(real, (tuple, list)):
            real, labels = real[0], (real[1] if len(real) > 1 else labels)
        self._check_clip_shape(real)
        # Clips and losses stay float32 whatever the networks compute in.
        real = tf.cast(real, tf.float32)
        labels = self._labels_from(labels)
        first_frames = real[:, 0] if self.condition_on_first_frame else None
        batch_size = tf.shape(real)[0]
        for offset in range(self.d_steps):
            d_per_example, real_logits, fake_logits = self.discriminator_step(
                real, labels=labels, first_frames=first_frames, offset=offset
            )
            self.d_loss_tracker.update_state(d_per_example)
        g_per_example = self.generator_step(batch_size, labels=labels, first_frames=first_frames)
        if self.ema_generator is not None:
            self.update_moving_average()
        self.optimizer.iterations.assign_add(1)

        # Trackers take per-example values: Keras sums their totals and counts over
        # replicas, so the logs show global means whatever the number of replicas.
        self.loss_tracker.update_state(d_per_example + g_per_example)
        self.g_loss_tracker.update_state(g_per_example)
        self.real_probability_tracker.update_state(tf.sigmoid(real_logits))
        self.fake_probability_tracker.update_state(tf.sigmoid(fake_logits))
        return {metric.name: metric.result() for metric in self.metrics}

    def score(self, discriminator, clips, labels=None, training=True, times=None):
        """float32 logits `[B, K]` of one discriminator, with times and labels (or texts) if it
        takes them."""
        return self.score_and_classify(discriminator, clips, labels, training, times)[0]

    def score_and_classify(self, discriminator, clips, labels=None, training=True, times=None):
        """`(logits [B, K], class_logits [B, classes] or None)` of one discriminator.

        The class logits come from a discriminator with an auxiliary
        classifier (it returns two outputs), None from any other.
        """
        inputs = [clips] + ([times] if times is not None else [])
        if _takes_condition(discriminator):
            inputs.append(labels)
        outputs = discriminator(inputs[0] if len(inputs) == 1 else inputs, training=training)
        logits, class_logits = (
            outputs if isinstance(outputs, (list, tuple)) else (outputs, None)
        )
        logits = tf.cast(logits, tf.float32)
        if class_logits is not None:
            class_logits = tf.cast(class_logits, tf.float32)
        return tf.reshape(logits, [tf.shape(logits)[0], -1]), class_logits

    def discriminator_step(self, real, labels=None, first_frames=None, offset=0):
        """One discriminator update: real clips towards "real", generated clips towards "fake".

        Args:
            real: this replica's real clips.
            labels: int32 `[B]` classes, or string `[B]` captions, for a
                conditional generator.
            first_frames: `[B, H, W, C]`, for a first-frame-conditioned generator.
            offset: which discriminator update of the step this is.

        Returns:
            `(per_example_loss, real_logits, fake_logits)` for this replica's
            batch; the logits of all discriminators side by side, `[B, sum K]`.
        """
        batch_size = tf.shape(real)[0]
        noise = self.sample_noise(batch_size, offset=offset)
        inputs = self.generator_inputs(noise, labels, first_frames)
        sparse = self._sparse_indices()
        fake = None
        if len(sparse) < len(self._discriminator_list):
            fake = tf.cast(self.generator(inputs, training=True), real.dtype)
        # What each discriminator scores: whole clips, or frames at sampled times.
        views = []
        for index in range(len(self._discriminator_list)):
            if index in sparse:
                indices = self.sample_frame_times(batch_size, offset, index)
                times = tf.cast(indices, tf.float32)
                rendered = self.generator.render(inputs, times, training=True)
                views.append(
                    (tf.gather(real, indices, batch_dims=1), tf.cast(rendered, real.dtype), times)
                )
            else:
                views.append((real, fake, None))
        if self.gradient_penalty_weight:
            epsilon = self.sample_interpolation_weights(batch_size, offset=offset)
        # GAN-CLS's mismatched pairs: each real clip with the caption of its neighbour.
        mismatched = tf.roll(labels, 1, axis=0) if self.text_conditional else None
        with tf.GradientTape() as tape:
            per_example = tf.zeros([batch_size], tf.float32)
            all_real, all_fake = [], []
            for index, (_, discriminator) in enumerate(self._discriminator_list):
                real_view, fake_view, times = views[index]
                with self.frame_picks(offset, index, "real"):
                    real_logits, real_classes = self.score_and_classify(
                        discriminator, real_view, labels, times=times
                    )
                if real_classes is not None:
                    per_example += auxiliary_classifier_discriminator_loss(labels, real_classes)
                with self.frame_picks(offset, index, "generated"):
                    fake_logits = self.score(discriminator, fake_view, labels, times=times)
                if mismatched is not None and _takes_condition(discriminator):
                    # The same frames of the same clips: only the caption differs.
                    with self.frame_picks(offset, index, "real"):
                        mismatched_logits = self.score(
                            discriminator, real_view, mismatched, times=times
                        )
                    per_example += 0.5 * (
                        self.discriminator_loss(real_logits, fake_logits)
                        + self.discriminator_loss(real_logits, mismatched_logits)
                    )
                else:
                    per_example += self.discriminator_loss(real_logits, fake_logits)

                def critic(clips, d=discriminator, times=times):
                    return self.score(d, clips, labels, times=times)

                if self.gradient_penalty_weight:
                    with self.frame_picks(offset, index, "interpolated"):
                        per_example += self.gradient_penalty_weight * gradient_penalty(
                            critic, real_view, fake_view, epsilon
                        )
                if self.r1_weight:
                    per_example += self.lazy_r1_penalty(critic, real_view, offset, index)
                all_real.append(real_logits)
                all_fake.append(fake_logits)
            loss = tf.nn.compute_average_loss(per_example)
            # Multiplied by the loss scale under float16 (a `LossScaleOptimizer`, which
            # divides the gradients by it again), unchanged otherwise.
            scaled_loss = self.d_optimizer.scale_loss(loss)
        variables = self._discriminator_variables()
        self.d_optimizer.apply(tape.gradient(scaled_loss, variables), variables)
        return per_example, tf.concat(all_real, axis=1), tf.concat(all_fake, axis=1)

    def lazy_r1_penalty(self, critic, real_view, offset, index):
        """`r1 / 2` times the R1 penalty, `[B]`: every step, or scaled on every `r1_interval`-th."""

        def penalty():
            with self.frame_picks(offset, index, "real_r1"):
                return (0.5 * self.r1_weight * self.r1_interval) * r1_penalty(critic, real_view)

        if self.r1_interval == 1:
            return penalty()
        step = tf.cast(self.optimizer.iterations, tf.int64)
        # A cond, not a 0/1 factor: the point is to skip the double backward pass.
        return tf.cond(
            tf.equal(step % self.r1_interval, 0),
            penalty,
            lambda: tf.zeros([tf.shape(real_view)[0]], tf.float32),
        )

    def generator_step(self, batch_size, labels=None, first_frames=None):
        """One generator update: make generated clips look real to every discriminator.

        The generator's own losses (VGAN's mask penalty) are added, averaged
        over replicas like the adversarial term.

        Returns:
            The per-example generator loss, regularisation included.
        """
        noise = self.sample_noise(batch_size, offset=self.d_steps)
        inputs = self.generator_inputs(noise, labels, first_frames)
        num_replicas = tf.distribute.get_strategy().num_replicas_in_sync
        sparse = self._sparse_indices()
        with tf.GradientTape() as tape:
            fake, regularization = None, tf.constant(0.0)
            if len(sparse) < len(self._discriminator_list):
                fake, regularization = self.generate_with_regularization(inputs)
            adversarial = tf.zeros([batch_size], tf.float32)
            for index, (_, discriminator) in enumerate(self._discriminator_list):
                clips, times = fake, None
                if index in sparse:
                    times = tf.cast(
                        self.sample_frame_times(batch_size, self.d_steps, index), tf.float32
                    )
                    clips = self.generator.render(inputs, times, training=True)
                with self.frame_picks(self.d_steps, index, "generated"):
                    logits, classes = self.score_and_classify(
                        discriminator, clips, labels, times=times
                    )
                    adversarial += self.generator_loss(logits)
                if classes is not None:
                    adversarial += auxiliary_classifier_generator_loss(labels, classes)
            loss = tf.nn.compute_average_loss(adversarial) + regularization / num_replicas
            scaled_loss = self.g_optimizer.scale_loss(loss)
        variables = self.generator.trainable_variables
        self.g_optimizer.apply(tape.gradient(scaled_loss, variables), variables)
        return adversarial + regularization

    def update_moving_average(self):
        """Moves every weight of `ema_generator` towards the generator's by the decay."""
        step = tf.cast(self.optimizer.iterations, tf.float32)
        decay = tf.minimum(self.ema_decay, (1.0 + step) / (10.0 + step))
        pairs = [
            (average.value, current.value)
            for average, current in zip(self.ema_generator.weights, self.generator.weights)
            if current.dtype.startswith("float")
        ]

        # The averages are mirrored variables: update every copy in cross-replica
        # context, the way Keras' optimizers apply their updates.
        def apply(strategy, pairs):
            for average, current in pairs:
                strategy.extended.update(
                    average,
                    lambda a, c: a.assign(decay * a + (1.0 - decay) * tf.cast(c, a.dtype)),
                    args=(current,),
                    group=False,
                )

        tf.__internal__.distribute.interim.maybe_merge_call(
            apply, tf.distribute.get_strategy(), pairs
        )

    def generate_with_regularization(self, inputs):
        """Training-mode clips and the generator's own penalty for this batch (0 if none)."""
        if hasattr(self.generator, "regularized_call"):
            fake, penalty = self.generator.regularized_call(inputs, training=True)
            return fake, tf.cast(penalty, tf.float32)
        return self.generator(inputs, training=True), tf.constant(0.0)

    def discriminator_loss(self, real_logits, fake_logits):
        """Per-example discriminator loss `[B]` of the compiled objective."""
        if self.gan_loss is not None:
            return self.gan_loss.discriminator_loss(real_logits, fake_logits)
        return self.per_example_loss(1.0, real_logits) + self.per_example_loss(0.0, fake_logits)

    def generator_loss(self, fake_logits):
        """Per-example generator loss `[B]` of the compiled objective."""
        if self.gan_loss is not None:
            return self.gan_loss.generator_loss(fake_logits)
        return self.per_example_loss(1.0, fake_logits)

    def per_example_loss(self, target, logits):
        """`loss_fn` between a constant target and `[B, K]` logits, one value per example."""
        logits = tf.cast(logits, tf.float32)
        logits = tf.reshape(logits, [tf.shape(logits)[0], -1])
        targets = tf.fill(tf.shape(logits), target)
        # `call` skips the reduction (and its division by the replica count); Keras
        # losses already average over the last axis, the K scores of a clip.
        per_example = self.loss_fn.call(targets, logits)
        return tf.reduce_mean(tf.reshape(per_example, [tf.shape(logits)[0], -1]), axis=1)

    def generate(
        self, num_videos, seed=0, batch_size=32, labels=None, first_frames=None, prompts=None
    ):
        """Generates clips as a NumPy array in [-1, 1], reproducibly for a seed.

        Uses `sampling_generator` (the moving average of the weights when
        there is one).

        Args:
            num_videos: int.
            seed: int; video `i` gets the noise of seed `seed + i` under
                `keras_vidgan.export.noise_from_seeds`, the mapping that
                `keras-vidgan sample --seed` and the exported
                `generate_from_seed` signature use, so all three agree.
            batch_size: clips per generator call.
            labels: int class of every clip, or `num_videos` ints, for a
                class-conditional generator (with `labels_per_clip` L > 1:
                L ints for every clip, or `[num_videos, L]`). None gives
                video `i` the classes of its seed
                (`keras_vidgan.models.seeds.labels_for_seeds`), as the
                sample grids and `keras-vidgan sample` do.
            first_frames: `[num_videos, H, W, C]` frames for a
                first-frame-conditioned generator.
            prompts: one string for every clip, or `num_videos` strings, for
                a text-conditioned generator.
        """
        from keras_vidgan.models.seeds import labels_for_seeds, noise_from_seeds

        seeds = np.arange(seed, seed + num_videos)
        noise = noise_from_seeds(seeds, self.latent_dim)
        inputs = [noise]
        if self.num_classes is not None:
            if labels is None:
                labels = labels_for_seeds(seeds, self.num_classes, self.labels_per_clip)
            shape = (num_videos,) + ((self.labels_per_clip,) if self.labels_per_clip > 1 else ())
            labels = np.asarray(labels, np.int32)
            if labels.shape not in {(), shape, shape[1:]}:
                raise ValueError(
                    f"`labels` has shape {labels.shape}; pass one class for every clip, or "
                    f"an array of shape {shape}."
                )
            if labels.min(initial=0) < 0 or labels.max(initial=0) >= self.num_classes:
                raise ValueError(f"`labels` must be in [0, {self.num_classes}).")
            inputs.append(tf.constant(np.broadcast_to(labels, shape)))
        if self.text_conditional:
            if prompts is None:
                raise ValueError("Pass `prompts`: the generator is text-conditioned.")
            prompts = np.broadcast_to(np.asarray(prompts, object), (num_videos,))
            # Called batch by batch: `predict` cannot batch string inputs beside floats.
            return np.concatenate([
                keras.ops.convert_to_numpy(self.sampling_generator(
                    [noise[start : start + batch_size],
                     tf.constant(list(prompts[start : start + batch_size]), tf.string)],
                    training=False,
                ))
                for start in range(0, num_videos, batch_size)
            ])
        if self.condition_on_first_frame:
            if first_frames is None:
                raise ValueError("Pass `first_frames`: the generator starts from given frames.")
            inputs.append(tf.cast(first_frames, tf.float32))
        inputs = inputs[0] if len(inputs) == 1 else inputs
        return self.sampling_generator.predict(inputs, batch_size=batch_size, verbose=0)

    @classmethod
    def from_preset(cls, preset, load_weights=True):
        """A trained GAN that ships with the package, or one saved as a preset folder.

        Loads offline: the weights are files of the installed package. The GAN
        is not compiled; `compile()` it to fine-tune. Its generator and its
        moving average both start from the preset's generator weights (the
        moving average of the run that trained it).

        Args:
            preset: a name from `keras_vidgan.presets.list_presets()`, such as
                `"moving_mnist_64"` (two moving digits, 16 frames of 64x64), or
                a folder written by `keras_vidgan.presets.save_gan_preset`.
            load_weights: False for the architecture with fresh weights.

        Raises:
            ValueError: `preset` is neither a preset name nor a preset folder.

        Example:

        ```python
        import keras_vidgan

        gan = keras_vidgan.GAN.from_preset("moving_mnist_64")
        clips = gan.generate(4, seed=0)  # float32 [4, 16, 64, 64, 1] in [-1, 1]
        ```
        """
        from keras_vidgan.presets import load_gan_preset

        gan = load_gan_preset(preset, load_weights=load_weights)
        if not isinstance(gan, cls):
            raise ValueError(
                f"The preset {preset!r} holds a {type(gan).__name__}, not a {cls.__name__}."
            )
        return gan

    def get_config(self):
        if isinstance(self.discriminator, dict):
            discriminator = {
                key: keras.saving.serialize_keras_object(model)
                for key, model in self.discriminator.items()
            }
        elif isinstance(self.discriminator, (list, tuple)):
            discriminator = [keras.saving.serialize_keras_object(m) for m in self.discriminator]
        else:
            discriminator = keras.saving.serialize_keras_object(self.discriminator)
        config = {
            **super().get_config(),
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": discriminator,
            "latent_dim": self.latent_dim,
            "seed": self.seed,
        }
        if self.ema_decay is not None:
            config["ema_decay"] = self.ema_decay
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["generator"] = keras.saving.deserialize_keras_object(config["generator"])
        discriminator = config["discriminator"]
        if isinstance(discriminator, dict) and "class_name" not in discriminator:
            discriminator = {
                key: keras.saving.deserialize_keras_object(value)
                for key, value in discriminator.items()
            }
        elif isinstance(discriminator, (list, tuple)):
            discriminator = [keras.saving.deserialize_keras_object(v) for v in discriminator]
        else:
            discriminator = keras.saving.deserialize_keras_object(discriminator)
        config["discriminator"] = discriminator
        return cls(**config)


def _takes_condition(discriminator):
    """Whether a discriminator takes `[clips, labels or texts]` rather than clips alone."""
    return (
        getattr(discriminator, "num_classes", None) is not None
        or getattr(discriminator, "text_encoder", None) is not None
    )


def _as_named_list(discriminator):
    if isinstance(discriminator, dict):
        if not discriminator:
            raise ValueError("Pass at least one discriminator.")
        return [(str(key), model) for key, model in discriminator.items()]
    if isinstance(discriminator, (list, tuple)):
        if not discriminator:
            raise ValueError("Pass at least one discriminator.")
        return [(f"discriminator_{index}", model) for index, model in enumerate(discriminator)]
    return [("discriminator", discriminator)]


def _has_float16_layers(layer):
    if layer.compute_dtype == "float16":
        return True
    return any(_has_float16_layers(inner) for inner in getattr(layer, "layers", []))


def _with_loss_scaling(optimizer):
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return optimizer
    return keras.optimizers.LossScaleOptimizer(optimizer, name=f"{optimizer.name}_loss_scale")


def _without_loss_scaling(optimizer):
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return optimizer.inner_optimizer
    return optimizer


def _copy_model(model):
    """A frozen model with the same architecture and (copied) weights."""
    copy = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(model))
    copy.set_weights(model.get_weights())
    # Only the moving average changes it: no optimizer (nor `fit()`'s final
    # `finalize_variable_values`) may treat its weights as trainable.
    copy.trainable = False
    return copy
