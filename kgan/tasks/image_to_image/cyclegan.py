"""`CycleGAN` and `ImagePool`: unpaired image-to-image translation (Zhu et al. 2017).

Two generators, G: A -> B and F: B -> A, and two discriminators, D_B (is
this image a real B or G's?) and D_A (a real A or F's?), trained by `fit`
on batches `(a, b)` of unpaired images. The generators minimise

    adversarial_weight * (L_adv(D_B(G(a))) + L_adv(D_A(F(b))))
    + cycle_weight * L_cyc                 (kgan.losses.cycle_consistency_loss)
    + cycle_weight * identity_weight * L_identity     (kgan.losses.identity_loss)

and each discriminator minimises its adversarial loss on real images and on
fakes drawn from a history of the generator's past outputs (`ImagePool`,
Shrivastava et al. 2017, arXiv:1612.07828), which keeps the discriminators
from forgetting what earlier generators did.
"""

import types

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from kgan import losses as losses_lib
from kgan.models import GAN
from kgan.models import step as step_lib
from kgan.validation import check_int, check_non_negative

__all__ = ["CycleGAN", "ImagePool", "DIRECTIONS"]

# `translate` directions: G (A -> B) and F (B -> A).
DIRECTIONS = ("a2b", "b2a")


def check_direction(direction, name="direction"):
    """`direction` if it is "a2b" or "b2a", else a `ValueError` naming `name`."""
    if direction not in DIRECTIONS:
        raise ValueError(f"`{name}` must be 'a2b' or 'b2a'; got {direction!r}.")
    return direction


@keras.saving.register_keras_serializable(package="kgan")
class ImagePool(keras.layers.Layer):
    """A history of generated images for the discriminator (Shrivastava et al. 2017).

    Called on a batch of fakes, it returns a batch of the same shape: while
    the pool has room, the images themselves (each is also stored); once
    it holds `capacity` images, each image is, with probability 1/2,
    swapped for a random stored one (which it replaces), else returned
    as is. CycleGAN uses a pool of 50.

    The stored images and the pool's random state are variables of the
    layer, so they are saved in `.keras` files and training backups: a
    resumed run continues with the history it had (at `(capacity + 1) * H *
    W * C * 4` bytes a pool: CycleGAN's two of 50 take 0.4 MB at 32 px grey,
    80 MB at 256 px RGB). Everything is graph ops of fixed shape (XLA compiles
    it); images picked for the same slot in one batch overwrite it in an
    unspecified order.

    Args:
        image_shape: `(height, width, channels)` of the images.
        capacity: how many images the pool keeps; 0 returns every batch
            unchanged.
        seed: seed of the pool's random choices (`None`: Keras' global seed).

    Example:

    ```python
    pool = ImagePool((32, 32, 1), capacity=50, seed=0)
    seen = pool(fake_images)  # what the discriminator trains on
    ```
    """

    def __init__(self, image_shape, capacity=50, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.image_shape = tuple(check_int(d, "image_shape") for d in image_shape)
        if len(self.image_shape) != 3:
            raise ValueError(f"`image_shape` must be (height, width, channels); got "
                             f"{image_shape!r}.")
        self.capacity = check_int(capacity, "capacity", minimum=0)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        # One slot more than the capacity: images that are not stored are written there.
        # Under several replicas each keeps the first replica's history.
        self.images = self.add_weight(shape=(self.capacity + 1, *self.image_shape),
                                      initializer="zeros", dtype="float32", trainable=False,
                                      aggregation="only_first_replica", name="images")
        self.count = self.add_weight(shape=(), initializer="zeros", dtype="int32",
                                     trainable=False, aggregation="only_first_replica",
                                     name="count")
        self.built = True

    def call(self, images):
        images = ops.cast(images, "float32")
        if self.capacity == 0:
            return images
        batch = ops.shape(images)[0]
        count = ops.convert_to_tensor(self.count)
        index = ops.arange(batch, dtype="int32")
        # While there is room, an image goes into the next free slot and is returned.
        stored = index < self.capacity - count
        # Once full, a coin flip: swap it for a random stored image, or return it.
        swap = ops.logical_and(ops.logical_not(stored),
                               keras.random.uniform((batch,), seed=self.seed_generator) < 0.5)
        slot = keras.random.randint((batch,), 0, self.capacity, seed=self.seed_generator,
                                    dtype="int32")
        history = ops.take(self.images, slot, axis=0)
        outputs = ops.where(swap[:, None, None, None], history, images)
        target = ops.where(stored, count + index,
                           ops.where(swap, slot, ops.full_like(slot, self.capacity)))
        self.images.assign(tf.tensor_scatter_nd_update(self.images, target[:, None], images))
        self.count.assign(ops.minimum(count + batch, self.capacity))
        return outputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "image_shape": list(self.image_shape),
                "capacity": self.capacity, "seed": self.seed}


def _channels(network, name):
    try:
        channels = network.inputs[0].shape[-1]
    except (AttributeError, IndexError, TypeError, ValueError):
        channels = getattr(network, "channels", None)
    if channels is None:
        raise ValueError(f"`{name}` must take images (batch, H, W, channels) with a known "
                         "number of channels.")
    return int(channels)


def _split(images, batch):
    """`[2n, ...]` -> its first and second `n` rows."""
    return images[:batch], images[batch:]


@keras.saving.register_keras_serializable(package="kgan")
class CycleGAN(GAN):
    """CycleGAN, trained with `fit` on batches `(a, b)` of unpaired images in [-1, 1].

    Why a `kgan.GAN` subclass: its two-player `train_step` is not the game
    here (two generators share one loss, two discriminators see pooled
    fakes), so `train_step` is CycleGAN's own, narrated step; but everything
    around the step is GAN's and is reused unchanged: `compile`'s optimizer
    checks and mixed-precision loss scaling, the EMA copies and their
    warm-up, the noise seed state saved in `.keras` files, the data checks
    and XLA fallback of `fit`, DiffAugment, and the step helpers of
    `kgan.models.step` (loss scaling per replica, gradient application,
    the R1 / WGAN-GP penalties, the EMA update, the metric report). GAN's
    `generator` / `discriminator` / `g_optimizer` / `d_optimizer` are the
    A -> B game (G and D_B), so every tool that knows a GAN sees them as
    they are; the B -> A game (F and D_A) is `inverse_generator` /
    `inverse_discriminator` with `inverse_g_optimizer` /
    `inverse_d_optimizer` (the NaN guard restores and slows all four). All
    four optimizers are saved and restored (`.keras` files and `kgan
    train`'s backups), and so are both `ImagePool`s: a resumed run
    continues with the history of fakes it had.

    With the identity term each generator translates both domains in one
    call (a batch of `2n`): identical to two calls for networks that
    normalize each image alone, as `ResnetGenerator`'s instance norm does
    (a batch-normalized generator would see the two domains' statistics
    mixed).

    The least-squares generator loss of `kgan.losses` is `0.5 * E[(D(G(a)) -
    1)^2]` (LSGAN's 1/2); CycleGAN's code has no 1/2 there, so with
    `adversarial_weight=1` the cycle and identity terms weigh twice as much
    relative to the adversarial one as in the paper's code.

    Args:
        generator: G, images of A -> images of B (same height and width).
        discriminator: D_B, images of B -> logits (one per image or per
            patch).
        inverse_generator: F, images of B -> images of A.
        inverse_discriminator: D_A, images of A -> logits.
        image_size: side of the square training images (both domains have
            the same size and channels; the generators take any size).
        cycle_weight: weight of the cycle-consistency loss (CycleGAN: 10).
        identity_weight: weight of the identity loss as a fraction of
            `cycle_weight` (CycleGAN: 0.5); 0 skips it.
        adversarial_weight: weight of both generators' adversarial losses.
        pool_size: images in each `ImagePool` (CycleGAN: 50; 0: no pool).
        **kwargs: `seed`, `ema_decay` (an EMA copy of both generators,
            used by `translate`, `call`, the samples and the export),
            `ema_warmup`, `augment`, `r1_weight`, `r1_every`, `gp_weight`
            as for `kgan.GAN` (the penalties apply to both discriminators).

    Example:

    ```python
    G, D_B = kgan.networks.get("resnet_generator", image_shape=(32, 32, 1), filters=16, blocks=3)
    F, D_A = kgan.networks.get("resnet_generator", image_shape=(32, 32, 1), filters=16, blocks=3,
                               prefix="inverse_")
    gan = kgan.tasks.image_to_image.CycleGAN(G, D_B, F, D_A, image_size=32)
    gan.compile()  # least squares, four Adam(2e-4, beta_1=0.5)
    gan.fit(kgan.datasets.load_unpaired("fonts", image_size=32, batch_size=4), epochs=2)
    b = gan.translate(a_images)            # numpy, A -> B
    a = gan.translate(b, direction="b2a")  # and back
    ```
    """

    def __init__(self, generator, discriminator, inverse_generator, inverse_discriminator,
                 image_size=32, cycle_weight=10.0, identity_weight=0.5, adversarial_weight=1.0,
                 pool_size=50, latent_dim=None, d_steps=1, **kwargs):
        # Needed by `_check_networks` and `example_generator_inputs`, which `GAN.__init__` calls.
        self.image_size = check_int(image_size, "image_size")
        self.image_shape = (self.image_size, self.image_size, _channels(generator, "generator"))
        self.cycle_weight = check_non_negative(cycle_weight, "cycle_weight")
        self.identity_weight = check_non_negative(identity_weight, "identity_weight")
        self.adversarial_weight = check_non_negative(adversarial_weight, "adversarial_weight")
        self.pool_size = check_int(pool_size, "pool_size", minimum=0)
        if check_int(d_steps, "d_steps") != 1:
            raise ValueError(f"`d_steps` must be 1 for a CycleGAN; got {d_steps!r}.")
        for value, name in ((inverse_generator, "inverse_generator"),
                            (inverse_discriminator, "inverse_discriminator")):
            if not isinstance(value, keras.layers.Layer):
                raise ValueError(f"`{name}` must be a Keras model; got {type(value).__name__}.")
        super().__init__(generator, discriminator, latent_dim=self.image_shape[-1], **kwargs)
        self.inverse_generator = inverse_generator
        self.inverse_discriminator = inverse_discriminator
        self._check_inverse_networks()
        self.ema_inverse_generator = (self._copy_network(inverse_generator)
                                      if self.ema_decay is not None else None)
        seed = self.seed
        self.pool_a = ImagePool(self.image_shape, self.pool_size,
                                seed=None if seed is None else seed + 1, name="pool_a")
        self.pool_b = ImagePool(self.image_shape, self.pool_size,
                                seed=None if seed is None else seed + 2, name="pool_b")
        self.cycle_tracker = keras.metrics.Mean(name="cycle")
        self.identity_tracker = keras.metrics.Mean(name="identity")
        self.d_a_tracker = keras.metrics.Mean(name="d_a_loss")
        self.d_b_tracker = keras.metrics.Mean(name="d_b_loss")

    # ------------------------------------------------------------ networks

    def example_generator_inputs(self, batch_size):
        """Zero images `[batch_size, *image_shape]`."""
        return ops.zeros((batch_size, *self.image_shape))

    def _check_pair(self, generator, discriminator, names):
        try:
            images = generator(self.example_generator_inputs(2), training=False)
        except Exception as error:  # a shape mismatch surfaces as many error types
            raise ValueError(f"`{names[0]}` cannot take images of shape (batch, "
                             f"{', '.join(map(str, self.image_shape))}): {error}") from None
        shape = tuple(int(d) for d in images.shape[1:])
        if shape != self.image_shape:
            raise ValueError(f"`{names[0]}` must keep the image shape {self.image_shape}; it "
                             f"returned {shape}.")
        try:
            logits = discriminator(images, training=False)
        except Exception as error:
            raise ValueError(f"`{names[1]}` cannot take images of shape (batch, "
                             f"{', '.join(map(str, shape))}): {error}") from None
        if logits.shape[0] != 2:
            raise ValueError(f"`{names[1]}` must return logits per example (batch first); got "
                             f"shape {tuple(logits.shape)} for a batch of 2.")
        return shape

    def _check_networks(self):
        return self._check_pair(self.generator, self.discriminator,
                                ("generator", "discriminator"))

    def _check_inverse_networks(self):
        self._check_pair(self.inverse_generator, self.inverse_discriminator,
                         ("inverse_generator", "inverse_discriminator"))

    def _copy_network(self, network):
        """A frozen copy of `network` (same config, same weights): an EMA copy."""
        copy = keras.saving.deserialize_keras_object(
            keras.saving.serialize_keras_object(network))
        if len(copy.weights) != len(network.weights):
            copy(self.example_generator_inputs(1), training=False)
        for target, weight in zip(copy.weights, network.weights):
            target.assign(weight)
        copy.trainable = False
        return copy

    @property
    def sampling_inverse_generator(self):
        """F as `translate(..., "b2a")` and the export use it: the EMA copy when enabled."""
        if self.ema_inverse_generator is not None:
            return self.ema_inverse_generator
        return self.inverse_generator

    def translator(self, direction="a2b"):
        """The sampling generator of `direction`: G for "a2b", F for "b2a"."""
        if check_direction(direction) == "a2b":
            return self.sampling_generator
        return self.sampling_inverse_generator

    def update_ema(self):
        """Moves both EMA generators one step towards G and F (one warm-up count)."""
        average = types.SimpleNamespace(
            weights=[*self.ema_generator.weights, *self.ema_inverse_generator.weights])
        trained = types.SimpleNamespace(
            weights=[*self.generator.weights, *self.inverse_generator.weights])
        step_lib.update_ema(average, trained, self.ema_decay, updates=self.ema_updates,
                            warmup=self.ema_warmup)

    # ------------------------------------------------------------ compile

    def compile(self, g_optimizer=None, d_optimizer=None, inverse_g_optimizer=None,
                inverse_d_optimizer=None, loss="least_squares", **kwargs):
        """Configures the four optimizers and the adversarial loss.

        Args:
            g_optimizer: G's optimizer (instance, name or config); default
                Adam(2e-4, beta_1=0.5) as CycleGAN's.
            d_optimizer: D_B's, same default.
            inverse_g_optimizer: F's, same default.
            inverse_d_optimizer: D_A's, same default.
            loss: the adversarial loss, `"least_squares"` (CycleGAN's) or
                another non-relativistic name of `kgan.losses.names()`, or
                a pair of functions.
            **kwargs: as `GAN.compile` (`jit_compile`, `run_eagerly`, ...).
        """
        super().compile(g_optimizer=g_optimizer, d_optimizer=d_optimizer, loss=loss, **kwargs)
        if losses_lib.is_relativistic(self.generator_loss_fn):
            raise ValueError(f"`loss` {loss!r} is relativistic; a CycleGAN takes a loss of "
                             "fake logits alone, e.g. 'least_squares'.")
        self.inverse_g_optimizer = self._get_optimizer(
            inverse_g_optimizer, "inverse_g_optimizer", self.inverse_generator)
        self.inverse_d_optimizer = self._get_optimizer(
            inverse_d_optimizer, "inverse_d_optimizer", self.inverse_discriminator)
        optimizers = [self.g_optimizer, self.d_optimizer, self.inverse_g_optimizer,
                      self.inverse_d_optimizer]
        if len({id(o) for o in optimizers}) != 4:
            raise ValueError("The four optimizers of a CycleGAN must be four instances.")
        self.inverse_g_optimizer.build(self.inverse_generator.trainable_variables)
        self.inverse_d_optimizer.build(self.inverse_discriminator.trainable_variables)

    def get_compile_config(self):
        config = super().get_compile_config()
        if config:
            config["inverse_g_optimizer"] = keras.saving.serialize_keras_object(
                self.inverse_g_optimizer)
            config["inverse_d_optimizer"] = keras.saving.serialize_keras_object(
                self.inverse_d_optimizer)
        return config

    def compile_from_config(self, config):
        if isinstance(config["loss"], str):
            loss = config["loss"]
        else:
            loss = tuple(keras.saving.deserialize_keras_object(fn) for fn in config["loss"])
        self.compile(**{name: keras.saving.deserialize_keras_object(config[name])
                        for name in ("g_optimizer", "d_optimizer", "inverse_g_optimizer",
                                     "inverse_d_optimizer")}, loss=loss,
                     **self._trainer_compile_kwargs(config))

    @property
    def optimizers(self):
        """The four optimizers: G's, D_B's, F's, D_A's."""
        return [self.g_optimizer, self.d_optimizer, self.inverse_g_optimizer,
                self.inverse_d_optimizer]

    # ------------------------------------------------------------ training

    @property
    def metrics(self):
        trackers = [self.g_loss_tracker, self.d_loss_tracker, self.cycle_tracker,
                    self.identity_tracker, self.d_a_tracker, self.d_b_tracker]
        if self.penalty_tracker is not None:
            trackers.append(self.penalty_tracker)
        return trackers

    def unpack_data(self, data):
        """`(a, b)` -> `(a, b)`: one batch of each domain."""
        if isinstance(data, (tuple, list)) and len(data) == 1 \
                and isinstance(data[0], (tuple, list)):
            data = data[0]
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise ValueError("`x`: a CycleGAN trains on batches (a, b) of the two domains "
                             "(kgan.datasets.load_unpaired).")
        return data[0], data[1]

    def generator_losses(self, real_a, real_b, training=True):
        """The generators' loss on a batch: `(total, cycle, identity, fake_a, fake_b)`.

        `fake_b = G(a)` and `fake_a = F(b)` are returned for the
        discriminators' step.
        """
        # Translate both ways. With the identity term each generator also
        # sees its own output domain, in the same call (one batch of 2n).
        same_a = same_b = None
        if self.identity_weight:
            batch = ops.shape(real_a)[0]
            fake_b, same_b = _split(self.generator(ops.concatenate([real_a, real_b]),
                                                   training=training), batch)
            fake_a, same_a = _split(self.inverse_generator(ops.concatenate([real_b, real_a]),
                                                           training=training), batch)
        else:
            fake_b = self.generator(real_a, training=training)
            fake_a = self.inverse_generator(real_b, training=training)

        # And back.
        cycled_a = self.inverse_generator(fake_b, training=training)
        cycled_b = self.generator(fake_a, training=training)

        # Each generator wants its fakes scored as real by the other domain's discriminator.
        adversarial = (
            self.generator_loss_fn(self.discriminator(self.augment_samples(fake_b),
                                                      training=training))
            + self.generator_loss_fn(self.inverse_discriminator(self.augment_samples(fake_a),
                                                                training=training)))

        # There and back again: the cycle should return the image it started from.
        cycle = losses_lib.cycle_consistency_loss(real_a, cycled_a, real_b, cycled_b)

        # Identity: given an image of its own output domain, a generator leaves it be.
        identity = ops.zeros((), "float32")
        if self.identity_weight:
            identity = losses_lib.identity_loss(real_a, same_a, real_b, same_b)

        total = (self.adversarial_weight * adversarial + self.cycle_weight * cycle
                 + self.cycle_weight * self.identity_weight * identity)
        for network in (self.generator, self.inverse_generator):
            if network.losses:
                total += sum(network.losses)
        return total, cycle, identity, fake_a, fake_b

    def domain_discriminator_loss(self, discriminator, optimizer, real, fake, training=True):
        """One discriminator's loss on real images and (constant) fakes: `(loss, penalty)`."""
        real_seen, fake_seen = self.augment_samples(real), self.augment_samples(fake)
        loss = self.discriminator_loss_fn(discriminator(real_seen, training=training),
                                          discriminator(fake_seen, training=training))
        penalty = 0.0
        if self.gp_weight or self.r1_weight:
            penalty = step_lib.discriminator_penalty(
                discriminator, real_seen, fake_seen, gp_weight=self.gp_weight,
                r1_weight=self.r1_weight, seed=self.seed_generator, r1_every=self.r1_every,
                step=optimizer.iterations)
        regularization = sum(discriminator.losses) if discriminator.losses else 0.0
        return loss + penalty + regularization, penalty

    def train_step(self, data):
        real_a, real_b = self.unpack_data(data)

        # 1. Translate both ways and back, and train the generators together:
        #    one loss (adversarial + cycle + identity), each generator
        #    stepped by its own optimizer (the tape is persistent so that
        #    each optimizer scales the loss for itself under mixed precision).
        with tf.GradientTape(persistent=True) as g_tape:
            g_loss, cycle, identity, fake_a, fake_b = self.generator_losses(real_a, real_b)
            scaled_g = step_lib.scale_loss(g_loss, self.g_optimizer)
            scaled_f = step_lib.scale_loss(g_loss, self.inverse_g_optimizer)
        step_lib.apply_gradients(g_tape, scaled_g, self.g_optimizer, self.generator)
        step_lib.apply_gradients(g_tape, scaled_f, self.inverse_g_optimizer,
                                 self.inverse_generator)
        del g_tape
        if self.ema_generator is not None:
            # The EMA generators follow the new weights.
            self.update_ema()

        # 2. The discriminators see fakes from the history pools: this
        #    step's fakes until a pool is full, then half of them swapped
        #    for older ones.
        pooled_b = self.pool_b(ops.stop_gradient(fake_b))
        pooled_a = self.pool_a(ops.stop_gradient(fake_a))

        # 3. Train the discriminators: real scored real, pooled fakes scored fake.
        with tf.GradientTape() as d_b_tape:
            d_b_loss, penalty_b = self.domain_discriminator_loss(
                self.discriminator, self.d_optimizer, real_b, pooled_b)
            scaled_d_b = step_lib.scale_loss(d_b_loss, self.d_optimizer)
        step_lib.apply_gradients(d_b_tape, scaled_d_b, self.d_optimizer, self.discriminator)
        with tf.GradientTape() as d_a_tape:
            d_a_loss, penalty_a = self.domain_discriminator_loss(
                self.inverse_discriminator, self.inverse_d_optimizer, real_a, pooled_a)
            scaled_d_a = step_lib.scale_loss(d_a_loss, self.inverse_d_optimizer)
        step_lib.apply_gradients(d_a_tape, scaled_d_a, self.inverse_d_optimizer,
                                 self.inverse_discriminator)

        # 4. Report running means for the progress bar and the logs.
        return self._update_cycle_metrics(g_loss, d_a_loss, d_b_loss, cycle, identity,
                                          penalty_a + penalty_b)

    def test_step(self, data):
        # The same losses on held-out data (`evaluate`, `validation_data`): no updates,
        # and the pools are left alone.
        real_a, real_b = self.unpack_data(data)
        g_loss, cycle, identity, fake_a, fake_b = self.generator_losses(
            real_a, real_b, training=False)
        d_b_loss, penalty_b = self.domain_discriminator_loss(
            self.discriminator, self.d_optimizer, real_b, fake_b, training=False)
        d_a_loss, penalty_a = self.domain_discriminator_loss(
            self.inverse_discriminator, self.inverse_d_optimizer, real_a, fake_a,
            training=False)
        return self._update_cycle_metrics(g_loss, d_a_loss, d_b_loss, cycle, identity,
                                          penalty_a + penalty_b)

    def _update_cycle_metrics(self, g_loss, d_a_loss, d_b_loss, cycle, identity, penalty):
        self.g_loss_tracker.update_state(g_loss)
        self.d_loss_tracker.update_state(d_a_loss + d_b_loss)
        self.cycle_tracker.update_state(cycle)
        self.identity_tracker.update_state(identity)
        self.d_a_tracker.update_state(d_a_loss)
        self.d_b_tracker.update_state(d_b_loss)
        if self.penalty_tracker is not None:
            self.penalty_tracker.update_state(penalty)
        return step_lib.report_metrics(self.metrics)

    # --------------------------------------------------------------- data

    def check_data(self, x):
        """Raises `ValueError` unless `x` is a dataset (or arrays) of `(a, b)` image batches."""
        if isinstance(x, tf.data.Dataset):
            spec = x.element_spec
            if not isinstance(spec, (tuple, list)) or len(spec) != 2:
                raise ValueError("`x`: a CycleGAN trains on a dataset of (a, b) batches "
                                 f"(kgan.datasets.load_unpaired); the dataset yields {spec}.")
            for part in spec:
                self._check_shape_dtype(part.shape, part.dtype, batched=True)
            first = next(iter(x.take(1)), None)
            if first is None:
                raise ValueError("`x`: the dataset is empty.")
            for part in first:
                self._check_values(np.asarray(part))
        elif x is None:
            raise ValueError("`x` is required: a dataset of (a, b) image batches.")
        else:
            a, b = self.unpack_data(x)
            for part in (a, b):
                array = np.asarray(part)
                self._check_shape_dtype(array.shape, tf.as_dtype(array.dtype), batched=True)
                self._check_values(array)

    # ----------------------------------------------------------- sampling

    def call(self, images, training=False):
        return self.sampling_generator(images, training=training)

    def translate(self, images, direction="a2b", batch_size=16):
        """Translates images `[n, h, w, C]` (or one `[h, w, C]`) in [-1, 1].

        Uses the EMA generators when the model has `ema_decay`. Any `h`,
        `w` the generator takes (at least `2**downsamplings + 1` for
        `ResnetGenerator`).

        Args:
            images: images of the source domain.
            direction: "a2b" (G) or "b2a" (F).
            batch_size: images per generator call.

        Returns:
            NumPy float32 of the same shape, in [-1, 1].
        """
        generator = self.translator(direction)
        images = np.asarray(images, dtype="float32")
        single = images.ndim == 3
        batch = images[None] if single else images
        channels = self.image_shape[-1]
        if batch.ndim != 4 or batch.shape[-1] != channels or len(batch) == 0:
            raise ValueError(f"`images` must be images (n, h, w, {channels}); got shape "
                             f"{images.shape}.")
        batch_size = check_int(batch_size, "batch_size")
        out = np.concatenate([
            ops.convert_to_numpy(generator(batch[i:i + batch_size], training=False))
            for i in range(0, len(batch), batch_size)])
        return out[0] if single else out

    def generate(self, images, direction="a2b", batch_size=16):
        """`translate`: a CycleGAN generates from images, not noise."""
        return self.translate(images, direction=direction, batch_size=batch_size)

    # ------------------------------------------------------ serialization

    def get_config(self):
        config = super().get_config()
        config.update({
            "inverse_generator": keras.saving.serialize_keras_object(self.inverse_generator),
            "inverse_discriminator": keras.saving.serialize_keras_object(
                self.inverse_discriminator),
            "image_size": self.image_size,
            "cycle_weight": self.cycle_weight,
            "identity_weight": self.identity_weight,
            "adversarial_weight": self.adversarial_weight,
            "pool_size": self.pool_size,
        })
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for key in ("inverse_generator", "inverse_discriminator"):
            config[key] = keras.saving.deserialize_keras_object(
                config[key], custom_objects=custom_objects)
        return super().from_config(config, custom_objects=custom_objects)
