"""`kgan.TextGAN`: the GAN train step on one-hot text, plus an MLE warm start."""

import math

import keras
from keras import ops

from kgan import losses as losses_lib
from kgan import text as text_lib
from kgan.models import GAN
from kgan.tasks.text.mle import fit_mle
from kgan.validation import check_int

__all__ = ["TextGAN"]


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
        **kwargs: `d_steps`, `gp_weight`, `r1_weight`, `seed`, `ema_decay`,
            `ema_warmup` as in `kgan.GAN` (`generate` and `generate_text` use
            the EMA generator when `ema_decay` is set).

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
        self.anneal_steps = check_int(anneal_steps, "anneal_steps")
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
        pair, name = losses_lib.relativistic_pair(loss)
        super().compile(g_optimizer=g_optimizer, d_optimizer=d_optimizer, loss=pair, **kwargs)
        self.adversarial_loss = name

    @property
    def relativistic(self):
        return losses_lib.is_relativistic(self.generator_loss_fn)

    # ------------------------------------------------------------ hooks

    def call_generator(self, z, condition, training=False):
        if training and hasattr(self.generator, "beta") and self.beta_max > 1.0:
            self.generator.beta.assign(_beta_schedule(
                self.g_optimizer.iterations, self.beta_max, self.anneal_steps))
        return self.generator(z, training=training)

    def generator_loss(self, step):
        if not self.relativistic:
            return super().generator_loss(step)
        loss = self.generator_loss_fn(
            self.adversarial_logits(step.real_output), self.adversarial_logits(step.fake_output)
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
