"""`kgan.GAN`: a Keras model that trains a generator against a discriminator."""

import re
import warnings

import numpy as np
import keras
import tensorflow as tf
from keras import ops

from kgan import augment as augment_lib
from kgan import losses as losses_lib
from kgan.models import step as step_lib
from kgan.models.step import StepRecord
from kgan.tfdata import steps_in_whole_calls, without_autotune_wait
from kgan.validation import check_bool, check_int, check_non_negative, check_seed, is_int

# Real data may sit this far outside [-1, 1] (resampling round-off) before it is rejected.
RANGE_TOLERANCE = 1e-3


def _is_xla_unsupported(error):
    """Whether a TensorFlow error says XLA could not compile an op."""
    message = str(error)
    return "XLA" in message and (
        "unsupported operations" in message
        or "No registered" in message
        or "not implemented" in message  # also "not yet implemented"
    )


def _xla_unsupported_ops(error):
    """Op names from a "No registered 'OP' OpKernel for XLA_..." message, in order."""
    return list(dict.fromkeys(re.findall(r"No registered '(\w+)' OpKernel for XLA", str(error))))


def infer_latent_dim(generator):
    """The noise size of a generator whose (first) input is `(batch, latent_dim)`, else None."""
    try:
        inputs = generator.inputs
        shape = tuple(inputs[0].shape) if inputs else None
    except (AttributeError, IndexError, TypeError, ValueError):
        shape = None
    if shape is None or len(shape) != 2 or shape[1] is None:
        return None
    return int(shape[1])


@keras.saving.register_keras_serializable(package="kgan")
class GAN(keras.Model):
    """A generative adversarial network trained with `fit`.

    Any pair of Keras models works: the generator maps noise
    `[batch, latent_dim]` to samples (e.g. images in [-1, 1]) and the
    discriminator maps samples to logits `[batch]` or `[batch, 1]`. Each
    `fit` step runs the generator once; its output feeds both the
    discriminator loss and the generator loss, each with its own tape and
    optimizer.

    Variants (`kgan.ConditionalGAN`, `kgan.TextGAN`, other tasks' models)
    override the hooks (`unpack_data`, `generator_inputs`, `call_generator`,
    `call_discriminator`, `adversarial_logits`, `generator_loss(step)`,
    `discriminator_loss(step)`), never `train_step`; the loss hooks receive
    a `kgan.models.StepRecord`. `sampling_generator` is the one generator
    that samples: `generate`, `call`, the sample callbacks and the export
    all use it.

    Args:
        generator: Keras model, noise -> samples.
        discriminator: Keras model, samples -> logits.
        latent_dim: size of the noise vector; inferred from the generator's
            input when `None`.
        d_steps: discriminator (critic) updates per generator update; the
            extra updates reuse the same real batch with fresh noise.
        gp_weight: weight of the WGAN-GP gradient penalty (0 disables it).
        r1_weight: weight `gamma` of the R1 penalty, applied as
            `gamma / 2 * E[|grad D(x)|^2]` on real data (0 disables it).
        seed: seed of the noise drawn during training (`None`: drawn from
            Keras' global seed, so `keras.utils.set_random_seed` applies).
        ema_decay: `None`, or a decay in [0, 1) for an exponential moving
            average of the generator's weights (Karras et al. 2018; Yazici et
            al. 2019). After each generator update every EMA weight becomes
            `decay * ema + (1 - decay) * weight` (batch-norm statistics
            included). `generate`, `call`, the sample callbacks and
            `kgan.export_generator` then use `ema_generator`, which `.keras`
            files save and restore.
        augment: `None`, or a DiffAugment policy (Zhao et al. 2020) such as
            "color,translation,cutout" (see `kgan.augment`): during training
            the discriminator sees real and fake samples through the same
            random differentiable transforms, drawn per example. For images.
        ema_warmup: with `ema_decay`, use `min(ema_decay, (1 + t) / (10 + t))`
            at the t-th update (t from 0), so the average forgets the random
            initial weights within the first few hundred steps.
        r1_every: lazy R1 (Karras et al. 2020): the penalty every
            `r1_every`-th discriminator update, `r1_every` times as strong
            (1: every update).

    Example:

    ```python
    generator, discriminator = kgan.networks.get("dcgan", image_shape=(8, 8, 1), latent_dim=32)
    gan = kgan.GAN(generator, discriminator, latent_dim=32)
    gan.compile(loss="non_saturating")
    gan.fit(kgan.datasets.load("digits", batch_size=64), epochs=5)
    images = gan.generate(16, seed=0)  # numpy, [16, 8, 8, 1], in [-1, 1]
    gan.save("digits.keras")
    ```
    """

    def __init__(self, generator, discriminator, latent_dim=None, d_steps=1, gp_weight=0.0,
                 r1_weight=0.0, seed=None, ema_decay=None, ema_warmup=True, augment=None,
                 r1_every=1, **kwargs):
        super().__init__(**kwargs)
        for value, name in ((generator, "generator"), (discriminator, "discriminator")):
            if not isinstance(value, keras.layers.Layer):
                raise ValueError(f"`{name}` must be a Keras model; got {type(value).__name__}.")
        if latent_dim is None:
            latent_dim = self._infer_latent_dim(generator)
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = check_int(latent_dim, "latent_dim")
        self.d_steps = check_int(d_steps, "d_steps")
        self.gp_weight = check_non_negative(gp_weight, "gp_weight")
        self.r1_weight = check_non_negative(r1_weight, "r1_weight")
        self.r1_every = check_int(r1_every, "r1_every")
        self.seed = check_seed(seed)
        self.sample_shape = self._check_networks()
        self.augment = augment_lib.check_policy(augment)
        if self.augment is not None and len(self.sample_shape) != 3:
            raise ValueError(
                f"`augment` needs image samples (height, width, channels); the generator makes "
                f"samples of shape {self.sample_shape}."
            )
        self.ema_decay, self.ema_warmup = self._check_ema(ema_decay, ema_warmup)
        self.ema_generator = self._make_ema_generator() if self.ema_decay is not None else None

        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.d_real_tracker = keras.metrics.Mean(name="d_real")
        self.d_fake_tracker = keras.metrics.Mean(name="d_fake")
        self.penalty_tracker = (
            keras.metrics.Mean(name="penalty") if self.gp_weight or self.r1_weight else None
        )
        # train_step never calls self(...): mark built so saving does not warn.
        self.built = True

    @staticmethod
    def _infer_latent_dim(generator):
        latent_dim = infer_latent_dim(generator)
        if latent_dim is None:
            raise ValueError(
                "`latent_dim` could not be inferred from the generator's input; pass it explicitly."
            )
        return latent_dim

    @staticmethod
    def _check_ema(ema_decay, ema_warmup):
        if ema_decay is not None:
            try:
                ema_decay = float(ema_decay)
            except (TypeError, ValueError):
                ema_decay = -1.0
            if not 0.0 <= ema_decay < 1.0:
                raise ValueError(f"`ema_decay` must be None or a number in [0, 1); got {ema_decay!r}.")
        return ema_decay, check_bool(ema_warmup, "ema_warmup")

    def _make_ema_generator(self):
        """A copy of the generator (same config, same weights), not trained directly."""
        try:
            config = keras.saving.serialize_keras_object(self.generator)
            ema = keras.saving.deserialize_keras_object(config)
        except Exception as error:
            raise ValueError(
                "`ema_decay` needs a generator that `from_config(get_config())` can rebuild "
                f"(a functional, Sequential or kgan network); copying it failed with: {error}"
            ) from None
        if len(ema.weights) != len(self.generator.weights):
            ema(self.example_generator_inputs(1), training=False)
        for copy, weight in zip(ema.weights, self.generator.weights):
            copy.assign(weight)
        ema.trainable = False
        self.ema_updates = self.add_weight(
            shape=(), initializer="zeros", dtype="float32", trainable=False, name="ema_updates"
        )
        return ema

    @property
    def sampling_generator(self):
        """The generator that `generate`, `call` and export use: the EMA copy when enabled."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    def update_ema(self):
        """Moves each EMA generator weight towards the generator's (one step)."""
        step_lib.update_ema(self.ema_generator, self.generator, self.ema_decay,
                            updates=self.ema_updates, warmup=self.ema_warmup)

    def example_generator_inputs(self, batch_size):
        """Inputs the generator network takes, for a batch of `batch_size` (zeros).

        Used to check the networks and to build copies of the generator.
        """
        return ops.zeros((batch_size, self.latent_dim))

    def _check_networks(self):
        """Runs both networks on a tiny batch; returns the sample shape."""
        try:
            samples = self.generator(self.example_generator_inputs(2), training=False)
        except Exception as error:  # a shape mismatch surfaces as many error types
            raise ValueError(
                f"`latent_dim`={self.latent_dim} does not match the generator: calling it on "
                f"noise of shape (batch, {self.latent_dim}) failed with: {error}"
            ) from None
        sample_shape = tuple(int(d) for d in samples.shape[1:])
        try:
            logits = self.discriminator(samples, training=False)
        except Exception as error:
            raise ValueError(
                f"`discriminator` cannot take the generator's output of shape "
                f"(batch, {', '.join(map(str, sample_shape))}): {error}"
            ) from None
        if tuple(logits.shape) not in ((2,), (2, 1)):
            raise ValueError(
                "`discriminator` must return one logit per example, shape (batch,) or "
                f"(batch, 1); got shape (batch, {', '.join(map(str, logits.shape[1:]))})."
            )
        return sample_shape

    # ------------------------------------------------------------------ compile

    def compile(self, g_optimizer=None, d_optimizer=None, loss="non_saturating", **kwargs):
        """Configures the two optimizers and the adversarial loss.

        Args:
            g_optimizer: generator optimizer (instance, name or config);
                default Adam(learning_rate=2e-4, beta_1=0.5) as in DCGAN.
            d_optimizer: discriminator optimizer, same default.
            loss: a name from `kgan.losses.names()` ("non_saturating",
                "minimax", "least_squares", "hinge", "wasserstein") or a pair
                `(generator_loss(fake_logits), discriminator_loss(real_logits, fake_logits))`.
            **kwargs: passed to `keras.Model.compile` (`jit_compile`,
                `run_eagerly`, `steps_per_execution`).
        """
        for name in ("optimizer", "metrics", "loss_weights"):
            if name in kwargs:
                raise ValueError(
                    f"GAN.compile takes `g_optimizer`, `d_optimizer` and `loss`, not `{name}`."
                )
        self.generator_loss_fn, self.discriminator_loss_fn = losses_lib.get(loss)
        self.adversarial_loss = loss
        self.g_optimizer = self._get_optimizer(g_optimizer, "g_optimizer", self.generator)
        self.d_optimizer = self._get_optimizer(d_optimizer, "d_optimizer", self.discriminator)
        if self.g_optimizer is self.d_optimizer:
            raise ValueError("`g_optimizer` and `d_optimizer` must be two optimizer instances.")
        super().compile(optimizer=None, **kwargs)
        # Build the slots now, each over its own network's weights only.
        self.g_optimizer.build(self.generator.trainable_variables)
        self.d_optimizer.build(self.discriminator.trainable_variables)

    @staticmethod
    def _get_optimizer(optimizer, name, network):
        if optimizer is None:
            optimizer = keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)
        try:
            optimizer = keras.optimizers.get(optimizer)
        except ValueError:
            raise ValueError(
                f"`{name}` must be a Keras optimizer, its name or its config; got {optimizer!r}."
            ) from None
        # float16 gradients underflow without loss scaling (bfloat16 needs none).
        computes_in_float16 = any(
            layer.dtype_policy.compute_dtype == "float16" for layer in network._flatten_layers()
        )
        if computes_in_float16 and not isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
            optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
        return optimizer

    def get_compile_config(self):
        if not getattr(self, "compiled", False):
            return {}
        if isinstance(self.adversarial_loss, str):
            loss = self.adversarial_loss
        else:
            loss = [keras.saving.serialize_keras_object(fn) for fn in self.adversarial_loss]
        return {
            "g_optimizer": keras.saving.serialize_keras_object(self.g_optimizer),
            "d_optimizer": keras.saving.serialize_keras_object(self.d_optimizer),
            "loss": loss,
            **self._trainer_compile_config(),
        }

    # What `keras.Model.compile` took besides the optimizers and the loss.
    _TRAINER_COMPILE_KEYS = ("run_eagerly", "steps_per_execution", "jit_compile")

    def _trainer_compile_config(self):
        trainer = getattr(self, "_compile_config", None)
        if trainer is None:
            return {}
        return {key: trainer.config[key] for key in self._TRAINER_COMPILE_KEYS
                if key in trainer.config}

    def _trainer_compile_kwargs(self, config):
        # Files saved before these were recorded compile with Keras' defaults.
        return {key: config[key] for key in self._TRAINER_COMPILE_KEYS if key in config}

    def compile_from_config(self, config):
        if isinstance(config["loss"], str):
            loss = config["loss"]
        else:
            loss = tuple(keras.saving.deserialize_keras_object(fn) for fn in config["loss"])
        self.compile(
            g_optimizer=keras.saving.deserialize_keras_object(config["g_optimizer"]),
            d_optimizer=keras.saving.deserialize_keras_object(config["d_optimizer"]),
            loss=loss,
            **self._trainer_compile_kwargs(config),
        )

    # --------------------------------------------------------------- training

    @property
    def metrics(self):
        trackers = [self.d_loss_tracker, self.g_loss_tracker, self.d_real_tracker,
                    self.d_fake_tracker]
        if self.penalty_tracker is not None:
            trackers.append(self.penalty_tracker)
        return trackers

    def sample_noise(self, batch_size):
        """Draws training noise `[batch_size, latent_dim]` from the model's seed.

        Under a `tf.distribute` strategy each replica draws different noise.
        """
        seed = step_lib.replica_seed(self.seed_generator.next())
        return tf.random.stateless_normal((batch_size, self.latent_dim), seed=seed)

    # ------------------------------------------------------ hooks for variants
    # A variant (conditional, text, image-to-image, ...) overrides these,
    # never `train_step`.

    def unpack_data(self, data):
        """Splits a batch into `(real, condition)`; plain GANs have no condition."""
        if isinstance(data, (tuple, list)):
            data = data[0]
        return data, None

    def generator_inputs(self, real, condition, batch_size):
        """What the generator is called on in a training step: fresh noise here.

        A variant may return an image (the condition), or noise and an image.
        """
        return self.sample_noise(batch_size)

    def call_generator(self, inputs, condition, training=False):
        """Runs the generator on `generator_inputs` (and the condition, in variants)."""
        return self.generator(inputs, training=training)

    def call_discriminator(self, samples, condition, training=False):
        """Runs the discriminator; returns its raw output."""
        return self.discriminator(samples, training=training)

    def adversarial_logits(self, output):
        """The real/fake logits within the discriminator's output."""
        return output

    def augment_samples(self, samples):
        """What the discriminator sees of `samples` in training: the DiffAugment
        transforms when `augment` is set, else `samples` unchanged."""
        if self.augment is None:
            return samples
        return augment_lib.diff_augment(samples, self.augment, seed=self.seed_generator)

    def discriminator_loss(self, step):
        """The discriminator's loss on a `StepRecord`: adversarial term plus penalties.

        Returns `(loss, penalty)`. Variants add terms (e.g. a class loss).
        """
        loss = self.discriminator_loss_fn(
            self.adversarial_logits(step.real_output), self.adversarial_logits(step.fake_output)
        )
        penalty = 0.0
        if self.gp_weight or self.r1_weight:
            def critic(samples, training=True):
                return self.adversarial_logits(
                    self.call_discriminator(samples, step.condition, training=training)
                )

            penalty = step_lib.discriminator_penalty(
                critic, step.real_seen, step.fake_seen, gp_weight=self.gp_weight,
                r1_weight=self.r1_weight, seed=self.seed_generator, r1_every=self.r1_every,
                step=self.d_optimizer.iterations,
            )
        regularization = sum(self.discriminator.losses) if self.discriminator.losses else 0.0
        return loss + penalty + regularization, penalty

    def generator_loss(self, step):
        """The generator's loss on a `StepRecord`. Variants add terms (e.g. L1)."""
        loss = self.generator_loss_fn(self.adversarial_logits(step.fake_output))
        if self.generator.losses:
            loss += sum(self.generator.losses)
        return loss

    def score(self, real, fake, generator_inputs, condition, training=True, augment=True):
        """Runs the discriminator on `real` and `fake`; returns the `StepRecord`."""
        if augment:
            real_seen, fake_seen = self.augment_samples(real), self.augment_samples(fake)
        else:
            real_seen, fake_seen = real, fake
        return StepRecord(
            real=real, fake=fake, real_seen=real_seen, fake_seen=fake_seen,
            generator_inputs=generator_inputs, condition=condition,
            real_output=self.call_discriminator(real_seen, condition, training=training),
            fake_output=self.call_discriminator(fake_seen, condition, training=training),
        )

    # ------------------------------------------------------------ the step

    def train_step(self, data):
        real, condition = self.unpack_data(data)
        batch_size = ops.shape(real)[0]

        # 1. Extra critic updates (d_steps > 1, as in WGAN): the discriminator
        #    alone learns to tell the real batch from fresh fakes.
        for _ in range(self.d_steps - 1):
            inputs = self.generator_inputs(real, condition, batch_size)
            fake = self.call_generator(inputs, condition, training=True)
            with tf.GradientTape() as d_tape:
                step = self.score(real, fake, inputs, condition)
                d_loss, _ = self.discriminator_loss(step)
                scaled_d_loss = step_lib.scale_loss(d_loss, self.d_optimizer)
            step_lib.apply_gradients(d_tape, scaled_d_loss, self.d_optimizer, self.discriminator)

        # 2. One generator forward pass, recorded by both tapes.
        inputs = self.generator_inputs(real, condition, batch_size)
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = self.call_generator(inputs, condition, training=True)

            # 3. The discriminator scores the real batch and the fakes, both
            #    through the same random augmentations when `augment` is set
            #    (differentiable, so the generator's gradient passes through).
            step = self.score(real, fake, inputs, condition)

            # 4. The generator wants its fakes scored as real (plus whatever
            #    terms a variant adds, e.g. a reconstruction loss).
            g_loss = self.generator_loss(step)
            scaled_g_loss = step_lib.scale_loss(g_loss, self.g_optimizer)

            # 5. The discriminator wants real scored real and fake scored fake.
            #    Its penalties see the fakes as constants, so the generator's
            #    tape need not record them.
            with g_tape.stop_recording():
                d_loss, penalty = self.discriminator_loss(
                    step._replace(fake_seen=ops.stop_gradient(step.fake_seen))
                )
                scaled_d_loss = step_lib.scale_loss(d_loss, self.d_optimizer)

        # 6. Both networks step from the same point: each tape's gradient
        #    reaches only its own network's weights.
        g_grads = g_tape.gradient(scaled_g_loss, self.generator.trainable_weights)
        d_grads = d_tape.gradient(scaled_d_loss, self.discriminator.trainable_weights)
        self.g_optimizer.apply(g_grads, self.generator.trainable_weights)
        self.d_optimizer.apply(d_grads, self.discriminator.trainable_weights)
        if self.ema_generator is not None:
            # 6b. The EMA generator follows the generator's new weights.
            self.update_ema()

        # 7. Report running means for the progress bar and the logs.
        return self._update_metrics(d_loss, g_loss, step, penalty)

    def test_step(self, data):
        # The same losses on held-out data (`evaluate`, `validation_data`), no updates.
        real, condition = self.unpack_data(data)
        inputs = self.generator_inputs(real, condition, ops.shape(real)[0])
        fake = self.call_generator(inputs, condition, training=False)
        step = self.score(real, fake, inputs, condition, training=False, augment=False)
        d_loss, penalty = self.discriminator_loss(step)
        g_loss = self.generator_loss(step)
        return self._update_metrics(d_loss, g_loss, step, penalty)

    def _update_metrics(self, d_loss, g_loss, step, penalty):
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        self.d_real_tracker.update_state(ops.mean(self.adversarial_logits(step.real_output)))
        self.d_fake_tracker.update_state(ops.mean(self.adversarial_logits(step.fake_output)))
        if self.penalty_tracker is not None:
            self.penalty_tracker.update_state(penalty)
        return step_lib.report_metrics(self.metrics)

    def fit(self, x=None, *args, **kwargs):
        """`keras.Model.fit`, after checking the data against the networks.

        Arrays are checked whole; for a `tf.data.Dataset` the element spec and
        the first batch are checked (finite values in [-1, 1], shape matching
        the generator's output). Datasets train with tf.data's autotuning off
        unless their options set it (`kgan.tfdata.without_autotune_wait`).
        On an endless dataset with a `steps_per_epoch` that is not a multiple
        of `steps_per_execution`, Keras runs whole calls, so each epoch trains
        more steps than asked: a warning says how many.
        """
        if not getattr(self, "compiled", False):
            raise ValueError("Call `GAN.compile()` before `fit()`.")
        self.check_data(x)
        self._warn_if_epochs_round_up(x, kwargs.get("steps_per_epoch"))
        if isinstance(x, tf.data.Dataset):
            # A dataset shuffles itself; Keras warns when asked to shuffle it.
            kwargs.setdefault("shuffle", False)
        x = without_autotune_wait(x)
        if "validation_data" in kwargs:
            kwargs["validation_data"] = without_autotune_wait(kwargs["validation_data"])
        if self.jit_compile and not self.run_eagerly and self.train_function is None:
            self._fall_back_unless_xla_compiles(x, kwargs.get("batch_size"))
        return super().fit(x, *args, **kwargs)

    def _warn_if_epochs_round_up(self, x, steps_per_epoch):
        endless = (isinstance(x, tf.data.Dataset)
                   and int(x.cardinality()) == int(tf.data.INFINITE_CARDINALITY))
        if not endless or not steps_per_epoch:
            return
        trained = steps_in_whole_calls(steps_per_epoch, self)
        if trained == steps_per_epoch:
            return
        per_call = self.steps_per_execution
        warnings.warn(
            f"`steps_per_epoch`={steps_per_epoch} is not a multiple of `steps_per_execution`="
            f"{per_call}: on endless data Keras runs whole calls of {per_call} steps, so each "
            f"epoch trains {trained} steps. Make `steps_per_epoch` a multiple of {per_call} "
            f"to train exactly that many.", stacklevel=3)

    def _fall_back_unless_xla_compiles(self, x, batch_size):
        """Turns `jit_compile` off, with a warning, if XLA cannot compile the step.

        Some TensorFlow ops have no XLA kernel (e.g. `ResizeBicubic`, or
        `ResizeNearestNeighborGrad` in the gradient of `tf.image.resize`), and
        `jit_compile=True` would fail on the first step. The step is traced
        and converted to XLA's HLO on one batch, without running it; other
        errors are left for `fit` to raise.
        """
        if isinstance(x, tf.data.Dataset):
            batch = next(iter(x.take(1)))
        else:
            batch = tf.nest.map_structure(lambda a: a[: batch_size or 32], x)
        step = tf.function(self.train_step, jit_compile=True)
        try:
            step.experimental_get_compiler_ir(batch)(stage="hlo")
        except Exception as error:  # noqa: BLE001 - only XLA's verdict matters here
            if not _is_xla_unsupported(error):
                return
            unsupported = _xla_unsupported_ops(error)
            warnings.warn(
                "XLA cannot compile this GAN's train step"
                + (f" (no XLA kernel for {', '.join(unsupported)})" if unsupported else "")
                + "; training with `jit_compile=False`.",
                RuntimeWarning, stacklevel=3,
            )
            self.jit_compile = False

    def check_data(self, x):
        """Raises `ValueError` if `x` cannot be the real data of this GAN."""
        if isinstance(x, tf.data.Dataset):
            spec = x.element_spec
            if isinstance(spec, (tuple, list)):
                spec = spec[0]
            if not isinstance(spec, tf.TensorSpec):
                raise ValueError(
                    f"`x`: dataset elements must be a tensor or a tuple (samples, ...); got {spec}."
                )
            self._check_shape_dtype(spec.shape, spec.dtype, batched=True)
            first = next(iter(x.take(1)), None)
            if first is None:
                raise ValueError("`x`: the dataset is empty.")
            self._check_values(np.asarray(self.unpack_data(first)[0]))
        elif isinstance(x, (np.ndarray, tf.Tensor)) or (
            isinstance(x, (tuple, list)) and x and isinstance(x[0], (np.ndarray, tf.Tensor))
        ):
            array = np.asarray(self.unpack_data(x)[0])
            self._check_shape_dtype(array.shape, tf.as_dtype(array.dtype), batched=True)
            if array.shape[0] == 0:
                raise ValueError("`x` is empty.")
            self._check_values(array)
        elif x is None:
            raise ValueError("`x` is required: real samples as an array or a tf.data.Dataset.")

    def _check_shape_dtype(self, shape, dtype, batched):
        expected = (None,) + self.sample_shape
        shape = tf.TensorShape(shape)
        if shape.rank != len(expected) or not shape.is_compatible_with(expected):
            raise ValueError(
                f"`x`: expected real samples of shape (batch, "
                f"{', '.join(map(str, self.sample_shape))}) like the generator's output; "
                f"got shape {tuple(shape.as_list())}."
            )
        if not dtype.is_floating:
            raise ValueError(
                f"`x`: expected floating-point samples scaled to [-1, 1]; got dtype "
                f"{dtype.name} (scale uint8 images with x / 127.5 - 1)."
            )

    @staticmethod
    def _check_values(array):
        if array.size == 0:
            raise ValueError("`x`: the first batch is empty.")
        if not np.all(np.isfinite(array)):
            raise ValueError("`x`: the real samples contain NaN or infinite values.")
        low, high = float(array.min()), float(array.max())
        if low < -1 - RANGE_TOLERANCE or high > 1 + RANGE_TOLERANCE:
            raise ValueError(
                f"`x`: expected real samples in [-1, 1]; got values in [{low:g}, {high:g}] "
                "(scale uint8 images with x / 127.5 - 1)."
            )

    # --------------------------------------------------------------- sampling

    def call(self, z, training=False):
        return self.sampling_generator(z, training=training)

    def generate(self, n_or_z, seed=None, batch_size=256):
        """Generates samples as a NumPy array, in the generator's range.

        Uses the EMA generator when the GAN has `ema_decay`.

        Args:
            n_or_z: a number of samples, or noise `[n, latent_dim]`.
            seed: int seed for the noise when `n_or_z` is a number.
            batch_size: samples per generator call.

        Returns:
            `np.ndarray` `[n, *sample_shape]`.
        """
        if is_int(n_or_z):
            n = check_int(n_or_z, "n")
            z = ops.convert_to_numpy(keras.random.normal((n, self.latent_dim), seed=seed))
        else:
            z = np.asarray(n_or_z, dtype="float32")
            if z.ndim != 2 or z.shape[1] != self.latent_dim or z.shape[0] < 1:
                raise ValueError(
                    f"`z` must have shape (n, {self.latent_dim}) with n >= 1; got {z.shape}."
                )
        batch_size = check_int(batch_size, "batch_size")
        chunks = [
            ops.convert_to_numpy(self.sampling_generator(z[i:i + batch_size], training=False))
            for i in range(0, len(z), batch_size)
        ]
        return np.concatenate(chunks)

    # ---------------------------------------------------------- serialization

    def get_config(self):
        config = super().get_config()
        config.update({
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "latent_dim": self.latent_dim,
            "d_steps": self.d_steps,
            "gp_weight": self.gp_weight,
            "r1_weight": self.r1_weight,
            "r1_every": self.r1_every,
            "seed": self.seed,
            "ema_decay": self.ema_decay,
            "ema_warmup": self.ema_warmup,
            "augment": self.augment,
        })
        return config

    def save_own_variables(self, store):
        super().save_own_variables(store)
        # Saved so a reloaded GAN continues the same noise stream.
        store["seed_generator_state"] = self.seed_generator.state

    def load_own_variables(self, store):
        if "seed_generator_state" in store:
            self.seed_generator.state.assign(store["seed_generator_state"])
        own = self._trainable_variables + self._non_trainable_variables
        for i, variable in enumerate(own):
            variable.assign(store[str(i)])

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(
                config[key], custom_objects=custom_objects
            )
        return cls(**config)
