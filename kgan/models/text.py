"""`kgan.TextGAN`: the GAN train step on one-hot text, plus an MLE warm start."""

import math
import time
import weakref

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from kgan import losses as losses_lib
from kgan import text as text_lib
from kgan.models.gan import GAN, _check_positive_int

__all__ = ["TextGAN", "fit_mle", "sequence_nll"]


def _beta_schedule(step, beta_max, anneal_steps):
    """RelGAN's exponential schedule: `beta_max ** min(step / anneal_steps, 1)` (1 -> beta_max)."""
    progress = ops.minimum(ops.cast(step, "float32") / float(anneal_steps), 1.0)
    return ops.power(float(beta_max), progress)


@keras.saving.register_keras_serializable(package="kgan")
class TextGAN(GAN):
    """A GAN over character sequences (one-hots `[batch, length, vocab_size]`).

    The same `fit` step as `kgan.GAN`; this subclass only

    - anneals the generator's Gumbel-softmax inverse temperature `beta`
      (a weight of the generator, so it is saved) from 1 to `beta_max`,
      exponentially over `anneal_steps` generator updates, read from the
      generator optimizer's step counter (saved with the optimizer);
    - passes the real logits to the generator loss when it is relativistic
      (the default, `loss="relativistic"`);
    - defaults to Adam(1e-4) with gradient clipping (norm 5) for both
      networks, as RelGAN;
    - adds `pretrain`, a maximum-likelihood warm start of the generator, and
      `generate_text`, which decodes samples to strings with `vocabulary`.

    Args:
        generator: maps noise `[batch, latent_dim]` to soft one-hots
            `[batch, length, vocab_size]` (`kgan.networks.TextGenerator` or
            `ConvTextGenerator`).
        discriminator: maps one-hots to one logit each.
        vocabulary: `vocabulary[i]` is the string of token `i`;
            `vocabulary[0] == ""` is the end token.
        latent_dim: size of the noise; default the generator's `noise_dim`
            (or its input size).
        beta_max: final inverse temperature (1 disables annealing).
        anneal_steps: generator updates over which `beta` grows to
            `beta_max`.
        **kwargs: `d_steps`, `gp_weight`, `r1_weight`, `seed` as in `kgan.GAN`.

    Example:

    ```python
    data = kgan.datasets.load_text("surnames", batch_size=64)
    generator, discriminator = kgan.networks.get("textgan", image_shape=data.sample_shape)
    gan = kgan.TextGAN(generator, discriminator, vocabulary=data.vocabulary, anneal_steps=2000)
    gan.compile()  # relativistic loss, Adam(1e-4, clipnorm=5)
    gan.pretrain(data.train, epochs=1)  # MLE warm start
    gan.fit(data.train.repeat(), steps_per_epoch=100, epochs=20)
    gan.generate_text(5, seed=0)  # ['MARTEN', ...]
    ```
    """

    def __init__(self, generator, discriminator, vocabulary=None, latent_dim=None,
                 beta_max=100.0, anneal_steps=1000, **kwargs):
        if vocabulary is None:
            raise ValueError("`vocabulary` is required: the strings of the token ids.")
        self.vocabulary = text_lib.check_vocabulary(vocabulary)
        if latent_dim is None:
            latent_dim = getattr(generator, "noise_dim", None)
        try:
            beta_max = float(beta_max)
        except (TypeError, ValueError):
            beta_max = float("nan")
        if not (math.isfinite(beta_max) and beta_max >= 1.0):
            raise ValueError(f"`beta_max` must be a number >= 1; got {beta_max!r}.")
        self.beta_max = beta_max
        self.anneal_steps = _check_positive_int(anneal_steps, "anneal_steps")
        super().__init__(generator, discriminator, latent_dim=latent_dim, **kwargs)
        if self.sample_shape[-1] != len(self.vocabulary) or len(self.sample_shape) != 2:
            raise ValueError(
                f"The generator's output {self.sample_shape} must be (length, vocab_size) with "
                f"vocab_size = len(vocabulary) = {len(self.vocabulary)}."
            )

    # ---------------------------------------------------------- compile

    def compile(self, g_optimizer=None, d_optimizer=None, loss="relativistic", **kwargs):
        """As `GAN.compile`, with `loss="relativistic"` and RelGAN's optimizers by default.

        Args:
            g_optimizer: default Adam(1e-4, clipnorm=5.0).
            d_optimizer: default Adam(1e-4, clipnorm=5.0).
            loss: `"relativistic"` (the relativistic standard loss,
                `kgan.losses.relativistic_*`) or any `GAN.compile` loss.
            **kwargs: as `GAN.compile`.
        """
        if g_optimizer is None:
            g_optimizer = keras.optimizers.Adam(1e-4, clipnorm=5.0)
        if d_optimizer is None:
            d_optimizer = keras.optimizers.Adam(1e-4, clipnorm=5.0)
        name = loss.strip().lower() if isinstance(loss, str) else None
        pair = losses_lib.RELATIVISTIC_LOSSES.get(name, loss)
        super().compile(g_optimizer=g_optimizer, d_optimizer=d_optimizer, loss=pair, **kwargs)
        self.adversarial_loss = name if name in losses_lib.RELATIVISTIC_LOSSES else loss

    @property
    def relativistic(self):
        return self.generator_loss_fn in {
            g for g, _ in losses_lib.RELATIVISTIC_LOSSES.values()
        }

    # ------------------------------------------------------------ hooks

    def call_generator(self, z, condition, training=False):
        if training and hasattr(self.generator, "beta") and self.beta_max > 1.0:
            self.generator.beta.assign(_beta_schedule(
                self.g_optimizer.iterations, self.beta_max, self.anneal_steps))
        return self.generator(z, training=training)

    def generator_loss(self, real_output, fake_output, condition):
        if not self.relativistic:
            return super().generator_loss(real_output, fake_output, condition)
        loss = self.generator_loss_fn(
            self.adversarial_logits(real_output), self.adversarial_logits(fake_output)
        )
        if self.generator.losses:
            loss += sum(self.generator.losses)
        return loss

    # ------------------------------------------------------- warm start

    def pretrain(self, data, epochs=1, steps_per_epoch=None, learning_rate=5e-3,
                 validation_data=None, patience=None, time_limit=None, verbose=1):
        """Maximum-likelihood warm start of the generator (teacher forcing).

        Trains only the generator, with its own Adam optimizer, to maximise
        the likelihood of the real text; see `fit_mle` for the arguments.
        The time it takes belongs to the training budget of the GAN.

        Returns:
            The `fit_mle` history: a dict of per-epoch lists (`nll`,
            `val_nll` with validation data, `seconds`).
        """
        return fit_mle(self.generator, data, epochs=epochs, steps_per_epoch=steps_per_epoch,
                       learning_rate=learning_rate, validation_data=validation_data,
                       patience=patience, time_limit=time_limit, seed=self.seed,
                       verbose=verbose)

    # --------------------------------------------------------- sampling

    def generate_text(self, n_or_z, seed=None, sample=False, batch_size=256):
        """Generates strings.

        Args:
            n_or_z: a number of samples, or noise `[n, latent_dim]`.
            seed: int seed for the noise when `n_or_z` is a number.
            sample: decode by sampling each position's distribution instead
                of its argmax (for per-position softmax generators such as
                `ConvTextGenerator`; a Gumbel generator has already sampled).
            batch_size: samples per generator call.

        Returns:
            A list of str.
        """
        return text_lib.decode(self.generate(n_or_z, seed=seed, batch_size=batch_size),
                               self.vocabulary, sample=sample, seed=seed)

    def get_config(self):
        config = super().get_config()
        config.update({"vocabulary": list(self.vocabulary), "beta_max": self.beta_max,
                       "anneal_steps": self.anneal_steps})
        return config


# ---------------------------------------------------------------- MLE


def _as_ids(batch):
    if isinstance(batch, (tuple, list)):
        batch = batch[0]
    batch = tf.convert_to_tensor(batch)
    if batch.shape.rank == 3:
        return tf.argmax(batch, axis=-1, output_type=tf.int32)
    return tf.cast(batch, tf.int32)


def _masked_log_prob(generator, z, ids, training=False):
    log_probs = generator.log_prob(z, ids, training=training)
    ended_before = tf.cumsum(tf.cast(ids == text_lib.END_ID, tf.float32), axis=1, exclusive=True)
    mask = tf.cast(ended_before == 0, tf.float32)
    return tf.reduce_sum(log_probs * mask, axis=1), tf.reduce_sum(mask, axis=1)


# One traced scorer per generator, so repeated evaluations do not retrace.
_SCORERS = weakref.WeakKeyDictionary()


def sequence_nll(generator, ids, batch_size=512, seed=0):
    """Mean negative log-likelihood per sequence (nats), and per scored token.

    The sequence's characters and its end token are scored (positions after
    the end token are not). The generator's `log_prob` conditions on noise
    `z ~ N(0, 1)` (drawn from `seed`): the result is `E_z[-log p(x | z)]`,
    which equals `-log p(x)` when the generator ignores `z` and bounds it
    from above otherwise (Jensen).

    Args:
        generator: a model with `log_prob(z, ids)` and `noise_dim`
            (`kgan.networks.TextGenerator`).
        ids: int array `[n, length]` (e.g. `TextData.encode(held_out_texts)`).
        batch_size: sequences per call.
        seed: seed of `z`.

    Returns:
        `(nll_per_sequence, nll_per_token)` as floats.
    """
    ids = np.asarray(ids, dtype=np.int32)
    if ids.ndim != 2 or len(ids) == 0:
        raise ValueError(f"`ids` must be a non-empty (n, length) array; got shape {ids.shape}.")
    rng = np.random.default_rng(seed)
    total, tokens = 0.0, 0.0
    score = _SCORERS.get(generator)
    if score is None:
        score = _SCORERS[generator] = tf.function(
            lambda z, chunk: _masked_log_prob(generator, z, chunk), reduce_retracing=True)
    for i in range(0, len(ids), batch_size):
        chunk = ids[i:i + batch_size]
        z = rng.standard_normal((len(chunk), generator.noise_dim)).astype(np.float32)
        log_prob, count = score(tf.constant(z), tf.constant(chunk))
        total -= float(tf.reduce_sum(log_prob))
        tokens += float(tf.reduce_sum(count))
    return total / len(ids), total / tokens


def fit_mle(generator, data, epochs=1, steps_per_epoch=None, learning_rate=5e-3,
            validation_data=None, patience=None, time_limit=None, seed=None, verbose=1):
    """Trains a text generator by maximum likelihood (teacher forcing).

    The loss is the mean negative log-likelihood per scored token (the
    characters and the end token of each sequence). With `validation_data`
    the held-out NLL is measured after every epoch and the weights of the
    best epoch are restored at the end (early stopping with `patience`).

    Args:
        generator: a model with `log_prob(z, ids)` and `noise_dim`.
        data: a `tf.data.Dataset` of one-hots `[batch, length, vocab]` or
            ids `[batch, length]` (e.g. `TextData.train`).
        epochs: maximum number of epochs.
        steps_per_epoch: batches per epoch (`None`: one pass over `data`;
            a repeated dataset needs it).
        learning_rate: Adam learning rate.
        validation_data: int ids `[n, length]` of held-out text, or `None`.
        patience: epochs without a better validation NLL before stopping
            (`None`: never stop early). Needs `validation_data`.
        time_limit: stop after the epoch during which this many seconds
            have passed, and in the middle of an epoch once it is exceeded.
        seed: seed of the noise fed to the generator.
        verbose: 1 prints one line per epoch, 0 nothing.

    Returns:
        A dict of per-epoch lists: `nll` (training, per token), `val_nll`
        (per sequence, with validation data), `seconds` (elapsed at the
        epoch's end); and `best_epoch` (1-based, with validation data).
    """
    epochs = _check_positive_int(epochs, "epochs")
    if steps_per_epoch is not None:
        steps_per_epoch = _check_positive_int(steps_per_epoch, "steps_per_epoch")
    if patience is not None:
        patience = _check_positive_int(patience, "patience")
        if validation_data is None:
            raise ValueError("`patience` needs `validation_data` (held-out token ids).")
    if not isinstance(data, tf.data.Dataset):
        raise ValueError(f"`data` must be a tf.data.Dataset; got {type(data).__name__}.")
    optimizer = keras.optimizers.Adam(learning_rate, clipnorm=5.0)
    weights = generator.trainable_weights
    optimizer.build(weights)
    seed_generator = keras.random.SeedGenerator(seed)

    @tf.function
    def train_step(batch):
        ids = _as_ids(batch)
        z = keras.random.normal((tf.shape(ids)[0], generator.noise_dim), seed=seed_generator)
        with tf.GradientTape() as tape:
            log_prob, count = _masked_log_prob(generator, z, ids, training=True)
            loss = -tf.reduce_sum(log_prob) / tf.reduce_sum(count)
        optimizer.apply(tape.gradient(loss, weights), weights)
        return loss

    history = {"nll": [], "val_nll": [], "seconds": []}
    best, best_weights, waited = math.inf, None, 0
    start = time.perf_counter()
    iterator = iter(data) if steps_per_epoch is not None else None
    for epoch in range(epochs):
        losses = []
        batches = data if steps_per_epoch is None else (
            next(iterator) for _ in range(steps_per_epoch))
        for batch in batches:
            losses.append(float(train_step(batch)))
            if time_limit is not None and time.perf_counter() - start > time_limit:
                break
        if not losses:
            raise ValueError("`data` yielded no batch.")
        history["nll"].append(float(np.mean(losses)))
        message = f"MLE epoch {epoch + 1}/{epochs}: nll/token {history['nll'][-1]:.4f}"
        if validation_data is not None:
            val, _ = sequence_nll(generator, validation_data, seed=0)
            history["val_nll"].append(val)
            message += f", held-out nll/sequence {val:.4f}"
            if val < best:
                best, waited = val, 0
                best_weights = [w.numpy() for w in generator.weights]
                history["best_epoch"] = epoch + 1
            else:
                waited += 1
        history["seconds"].append(time.perf_counter() - start)
        if verbose:
            print(message, flush=True)
        out_of_time = time_limit is not None and history["seconds"][-1] > time_limit
        if out_of_time or (patience is not None and waited >= patience):
            break
    if best_weights is not None:
        for variable, value in zip(generator.weights, best_weights):
            variable.assign(value)
    return history
