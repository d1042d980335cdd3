"""Text generator/discriminator pairs over one-hot character sequences.

A text sample is `[length, vocab_size]`: one row per position, a one-hot of
the token for real text (id 0 is the end token, see `kgan.text`). Pairs:

- `"textgan"`: RelGAN-style (Nie et al. 2019). `TextGenerator` is a GRU
  that, at each position, adds Gumbel noise to its logits, feeds the hard
  argmax token back, and emits `softmax(beta * (logits + gumbel))`;
  `TextCNNDiscriminator` embeds the (soft) one-hots and classifies them with
  convolutions of widths 2-5, max-pooled over positions, and a dense head.
- `"textgan_wgan"`: Gulrajani et al. (2017)'s WGAN-GP language model, 1-D
  convolutional residual networks; the generator maps z to per-position
  softmaxes at once (`ConvTextGenerator`, `ConvTextCritic`).

Both pairs take `image_shape=(length, vocab_size)` (the sample shape) in
`kgan.networks.get`, like the image pairs take theirs.

Example:

```python
generator, discriminator = kgan.networks.get("textgan", image_shape=(13, 27), latent_dim=16)
gan = kgan.TextGAN(generator, discriminator, vocabulary=data.vocabulary)
```
"""

import math

import keras
import tensorflow as tf
from keras import layers, ops

from kgan.networks.network import KeepsDTypePolicy
from kgan.networks.registry import register
from kgan.text import END_ID
from kgan.validation import check_int

__all__ = ["TextGenerator", "TextCNNDiscriminator", "ConvTextGenerator", "ConvTextCritic",
           "gumbel_from_normal", "check_text_shape"]

# Keeps the logarithms of the Gumbel transform finite.
_TINY = 1e-30


def check_text_shape(image_shape):
    """Validates a text sample shape `(length, vocab_size)`; returns it as ints."""
    try:
        shape = tuple(int(d) for d in image_shape)
    except (TypeError, ValueError):
        shape = None
    if shape is None or len(shape) != 2 or shape[0] < 1 or shape[1] < 2:
        raise ValueError(
            "`image_shape` of a text network must be (length, vocab_size) with length >= 1 "
            f"and vocab_size >= 2 (the end token and a character); got {image_shape!r}."
        )
    return shape


def gumbel_from_normal(noise):
    """Maps standard normal noise to standard Gumbel noise, element-wise.

    `g = -log(-log(Phi(n)))` with `Phi` the normal CDF: if `n ~ N(0, 1)` then
    `Phi(n) ~ U(0, 1)` and `g ~ Gumbel(0, 1)`. Drawing the generator's Gumbel
    noise from its input `z` (rather than inside it) keeps the generator a
    deterministic function of `z`, like any GAN generator, so fixed `z` gives
    fixed text. Both tails are computed with `erfc` so that they stay
    accurate in float32.
    """
    noise = tf.cast(noise, tf.float32)
    lower = 0.5 * tf.math.erfc(-noise / math.sqrt(2.0))  # Phi(n)
    upper = 0.5 * tf.math.erfc(noise / math.sqrt(2.0))  # 1 - Phi(n)
    # -log(u) for u = Phi(n): direct in the lower tail, via log1p in the upper.
    neg_log_u = ops.where(noise < 0, -ops.log(ops.maximum(lower, _TINY)), -ops.log1p(-upper))
    return -ops.log(ops.maximum(neg_log_u, _TINY))


@keras.saving.register_keras_serializable(package="kgan")
class TextGenerator(KeepsDTypePolicy, keras.Model):
    """GRU generator with Gumbel-softmax outputs (RelGAN-style).

    Its input `z` has `noise_dim = latent_dim + length * vocab_size`
    standard-normal entries: the first `latent_dim` set the GRU's initial
    state; the rest, reshaped to `[length, vocab_size]`, become the Gumbel
    noise of each position (`gumbel_from_normal`). At position `t`:

        logits_t = head(GRU(embed(token_{t-1}), h_{t-1}))
        token_t  = argmax(logits_t + gumbel_t)            (a sample of softmax(logits_t))
        output_t = softmax(beta * (logits_t + gumbel_t))  (differentiable)

    with `token_{-1}` the end token (id 0) as the start symbol. Once a
    sequence has emitted the end token, its later outputs are exactly the
    end one-hot, like the padding of real text. `beta` (inverse temperature)
    is a non-trainable weight, saved with the model; `kgan.TextGAN` anneals
    it during training. `log_prob` scores given text by teacher forcing
    (maximum-likelihood training and NLL).

    Args:
        length: positions per sample.
        vocab_size: tokens, the end token included.
        latent_dim: entries of `z` that set the initial state.
        embedding_dim: size of the token embedding.
        hidden_dim: GRU units.

    Example:

    ```python
    generator = kgan.networks.TextGenerator(length=13, vocab_size=27)
    soft = generator(keras.random.normal((4, generator.noise_dim)))  # (4, 13, 27)
    ```
    """

    def __init__(self, length=16, vocab_size=32, latent_dim=16, embedding_dim=32, hidden_dim=128,
                 **kwargs):
        super().__init__(**kwargs)
        self.length, self.vocab_size = check_text_shape((length, vocab_size))
        self.latent_dim = check_int(latent_dim, "latent_dim")
        self.embedding_dim = check_int(embedding_dim, "embedding_dim")
        self.hidden_dim = check_int(hidden_dim, "hidden_dim")
        self.noise_dim = self.latent_dim + self.length * self.vocab_size

        self.embed = layers.Embedding(self.vocab_size, self.embedding_dim, name="embed")
        self.initial_state = layers.Dense(self.hidden_dim, activation="tanh",
                                          name="initial_state")
        self.cell = layers.GRUCell(self.hidden_dim, name="gru")
        self.head = layers.Dense(self.vocab_size, name="logits")
        self.build((None, self.noise_dim))

    def build(self, input_shape):
        self.embed.build((None,))
        self.initial_state.build((None, self.latent_dim))
        self.cell.build((None, self.embedding_dim))
        self.head.build((None, self.hidden_dim))
        self.beta = self.add_weight(shape=(), initializer="ones", trainable=False, name="beta")
        self.built = True

    def _split(self, z):
        z = ops.cast(z, "float32")
        state = self.initial_state(z[:, :self.latent_dim])
        noise = ops.reshape(z[:, self.latent_dim:], (-1, self.length, self.vocab_size))
        return state, ops.stop_gradient(gumbel_from_normal(noise))

    def _step(self, token, state, training=False):
        output, states = self.cell(self.embed(token), [state], training=training)
        state = states[0] if isinstance(states, (list, tuple)) else states
        return self.head(output), state

    def call(self, z, training=False):
        return self.unroll(z, temperature=1.0, training=training)[1]

    def unroll(self, z, temperature=1.0, training=False):
        """Runs the generator freely; returns `(token ids [n, length], soft one-hots)`.

        `temperature` divides the logits before the Gumbel noise is added, so
        the tokens are samples of `softmax(logits / temperature)` (how a
        language model is sampled at other temperatures).
        """
        state, gumbel = self._split(z)
        batch = ops.shape(state)[0]
        token = ops.zeros((batch,), "int32") + END_ID
        done = ops.zeros((batch,), "bool")
        end_row = ops.one_hot(ops.zeros((batch,), "int32") + END_ID, self.vocab_size)
        tokens, outputs = [], []
        for t in range(self.length):
            logits, state = self._step(token, state, training=training)
            perturbed = logits / temperature + gumbel[:, t]
            soft = ops.softmax(ops.cast(self.beta, "float32") * perturbed, axis=-1)
            token = ops.where(done, END_ID, ops.cast(ops.argmax(perturbed, axis=-1), "int32"))
            outputs.append(ops.where(done[:, None], end_row, soft))
            tokens.append(token)
            done = ops.logical_or(done, token == END_ID)
        return ops.stack(tokens, axis=1), ops.stack(outputs, axis=1)

    def log_prob(self, z, ids, training=False):
        """Per-token log-probabilities `[n, length]` of given ids (teacher forcing).

        Only the first `latent_dim` entries of `z` are used (the Gumbel part
        plays no role in the likelihood). Positions after the first end token
        are included; mask them with `kgan.text.first_end_mask`.
        """
        state, _ = self._split(z)
        ids = ops.cast(ids, "int32")
        token = ops.zeros((ops.shape(ids)[0],), "int32") + END_ID
        scores = []
        for t in range(self.length):
            logits, state = self._step(token, state, training=training)
            log_probs = ops.log_softmax(logits, axis=-1)
            target = ids[:, t]
            scores.append(ops.sum(log_probs * ops.one_hot(target, self.vocab_size), axis=-1))
            token = target
        return ops.stack(scores, axis=1)

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype_policy": self.dtype_policy.name,
            "length": self.length,
            "vocab_size": self.vocab_size,
            "latent_dim": self.latent_dim,
            "embedding_dim": self.embedding_dim,
            "hidden_dim": self.hidden_dim,
        }


def _kernel_sizes(kernel_sizes, length):
    try:
        sizes = [int(k) for k in kernel_sizes]
    except (TypeError, ValueError):
        sizes = []
    if not sizes or any(k < 1 for k in sizes):
        raise ValueError(f"`kernel_sizes` must be positive integers; got {kernel_sizes!r}.")
    # A filter wider than the text would see nothing: cap it at the length.
    return sorted({min(k, length) for k in sizes})


@keras.saving.register_keras_serializable(package="kgan")
class TextCNNDiscriminator(KeepsDTypePolicy, keras.Model):
    """CNN discriminator over (soft) one-hots `[batch, length, vocab_size]` -> logits `[batch, 1]`.

    The rows are embedded by a bias-free dense layer (a soft embedding
    lookup), convolved with `filters` filters of each width in
    `kernel_sizes`, max-pooled over positions, and classified by a dense
    layer with dropout.

    Args:
        length: positions per sample.
        vocab_size: tokens, the end token included.
        embedding_dim: size of the embedding.
        filters: filters per width.
        kernel_sizes: convolution widths (capped at `length`).
        dropout: dropout rate before the logit.

    Example:

    ```python
    discriminator = kgan.networks.TextCNNDiscriminator(length=13, vocab_size=27)
    logits = discriminator(keras.ops.one_hot(ids, 27))  # (batch, 1)
    ```
    """

    def __init__(self, length=16, vocab_size=32, embedding_dim=32, filters=32,
                 kernel_sizes=(2, 3, 4, 5), dropout=0.25, **kwargs):
        length, vocab_size = check_text_shape((length, vocab_size))
        check_int(embedding_dim, "embedding_dim")
        check_int(filters, "filters")
        sizes = _kernel_sizes(kernel_sizes, length)
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"`dropout` must be in [0, 1); got {dropout!r}.")

        rows = keras.Input((length, vocab_size), name="one_hots")
        x = layers.Dense(embedding_dim, use_bias=False, name="embed")(rows)
        pooled = []
        for k in sizes:
            h = layers.Conv1D(filters, k, activation="relu", name=f"conv{k}")(x)
            pooled.append(layers.GlobalMaxPooling1D(name=f"pool{k}")(h))
        x = pooled[0] if len(pooled) == 1 else layers.Concatenate(name="features")(pooled)
        x = layers.Dense(filters * len(sizes), activation="relu", name="dense")(x)
        if dropout:
            x = layers.Dropout(dropout)(x)
        logits = layers.Dense(1, dtype="float32", name="logit")(x)
        super().__init__(inputs=rows, outputs=logits, **kwargs)

        self.length = length
        self.vocab_size = vocab_size
        self.embedding_dim = embedding_dim
        self.filters = filters
        self.kernel_sizes = tuple(int(k) for k in kernel_sizes)
        self.dropout = dropout

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype_policy": self.dtype_policy.name,
            "length": self.length,
            "vocab_size": self.vocab_size,
            "embedding_dim": self.embedding_dim,
            "filters": self.filters,
            "kernel_sizes": list(self.kernel_sizes),
            "dropout": self.dropout,
        }


def _residual_block(x, dim, kernel_size, name):
    # Gulrajani et al.'s block: two ReLU-conv layers, the branch scaled by 0.3.
    h = layers.ReLU()(x)
    h = layers.Conv1D(dim, kernel_size, padding="same", name=f"{name}_conv1")(h)
    h = layers.ReLU()(h)
    h = layers.Conv1D(dim, kernel_size, padding="same", name=f"{name}_conv2")(h)
    return layers.Add(name=name)([x, layers.Rescaling(0.3)(h)])


@keras.saving.register_keras_serializable(package="kgan")
class ConvTextGenerator(KeepsDTypePolicy, keras.Model):
    """1-D convolutional residual generator: z -> per-position softmaxes.

    The WGAN-GP language model of Gulrajani et al. (2017): a dense
    projection of `z` to `[length, dim]`, `blocks` residual blocks of
    width-`kernel_size` convolutions, and a width-1 convolution to
    `vocab_size` logits with a softmax at every position. No token is fed
    back; decode with `kgan.text.decode` (argmax, or `sample=True`).

    Args:
        length: positions per sample.
        vocab_size: tokens, the end token included.
        latent_dim: size of `z`.
        dim: channels of the residual blocks.
        blocks: number of residual blocks.
        kernel_size: convolution width.

    Example:

    ```python
    generator = kgan.networks.ConvTextGenerator(length=13, vocab_size=27, latent_dim=64)
    probabilities = generator(keras.random.normal((4, 64)))  # (4, 13, 27), rows sum to 1
    ```
    """

    def __init__(self, length=16, vocab_size=32, latent_dim=64, dim=64, blocks=5, kernel_size=5,
                 **kwargs):
        length, vocab_size = check_text_shape((length, vocab_size))
        for value, name in ((latent_dim, "latent_dim"), (dim, "dim"), (blocks, "blocks"),
                            (kernel_size, "kernel_size")):
            check_int(value, name)
        z = keras.Input((latent_dim,), name="z")
        x = layers.Dense(length * dim, name="project")(z)
        x = layers.Reshape((length, dim))(x)
        for i in range(blocks):
            x = _residual_block(x, dim, kernel_size, name=f"block{i}")
        x = layers.Conv1D(vocab_size, 1, name="logits")(x)
        probabilities = layers.Softmax(axis=-1, dtype="float32", name="probabilities")(x)
        super().__init__(inputs=z, outputs=probabilities, **kwargs)
        self.length, self.vocab_size = length, vocab_size
        self.latent_dim, self.dim, self.blocks, self.kernel_size = latent_dim, dim, blocks, kernel_size

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable,
                "dtype_policy": self.dtype_policy.name, "length": self.length,
                "vocab_size": self.vocab_size, "latent_dim": self.latent_dim, "dim": self.dim,
                "blocks": self.blocks, "kernel_size": self.kernel_size}


@keras.saving.register_keras_serializable(package="kgan")
class ConvTextCritic(KeepsDTypePolicy, keras.Model):
    """1-D convolutional residual critic: one-hots `[batch, length, vocab_size]` -> `[batch, 1]`.

    A width-1 convolution (an embedding of the rows), `blocks` residual
    blocks, and a dense score over the flattened positions; no
    normalisation, so the WGAN-GP penalty applies per example.

    Args:
        length: positions per sample.
        vocab_size: tokens, the end token included.
        dim: channels of the residual blocks.
        blocks: number of residual blocks.
        kernel_size: convolution width.

    Example:

    ```python
    critic = kgan.networks.ConvTextCritic(length=13, vocab_size=27)
    scores = critic(keras.ops.one_hot(ids, 27))  # (batch, 1)
    ```
    """

    def __init__(self, length=16, vocab_size=32, dim=64, blocks=5, kernel_size=5, **kwargs):
        length, vocab_size = check_text_shape((length, vocab_size))
        for value, name in ((dim, "dim"), (blocks, "blocks"), (kernel_size, "kernel_size")):
            check_int(value, name)
        rows = keras.Input((length, vocab_size), name="one_hots")
        x = layers.Conv1D(dim, 1, name="embed")(rows)
        for i in range(blocks):
            x = _residual_block(x, dim, kernel_size, name=f"block{i}")
        x = layers.Flatten()(x)
        scores = layers.Dense(1, dtype="float32", name="score")(x)
        super().__init__(inputs=rows, outputs=scores, **kwargs)
        self.length, self.vocab_size = length, vocab_size
        self.dim, self.blocks, self.kernel_size = dim, blocks, kernel_size

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable,
                "dtype_policy": self.dtype_policy.name, "length": self.length,
                "vocab_size": self.vocab_size, "dim": self.dim, "blocks": self.blocks,
                "kernel_size": self.kernel_size}


@register("textgan")
def textgan(image_shape, latent_dim=16, embedding_dim=32, hidden_dim=128, filters=32,
            dropout=0.25):
    """The RelGAN-style pair; `image_shape` is `(length, vocab_size)`."""
    length, vocab_size = check_text_shape(image_shape)
    generator = TextGenerator(length=length, vocab_size=vocab_size, latent_dim=latent_dim,
                              embedding_dim=embedding_dim, hidden_dim=hidden_dim,
                              name="generator")
    discriminator = TextCNNDiscriminator(length=length, vocab_size=vocab_size,
                                         embedding_dim=embedding_dim, filters=filters,
                                         dropout=dropout, name="discriminator")
    return generator, discriminator


@register("textgan_wgan")
def textgan_wgan(image_shape, latent_dim=64, filters=64, blocks=5, kernel_size=5):
    """The WGAN-GP language-model pair; `filters` is the residual width `dim`."""
    length, vocab_size = check_text_shape(image_shape)
    generator = ConvTextGenerator(length=length, vocab_size=vocab_size, latent_dim=latent_dim,
                                  dim=filters, blocks=blocks, kernel_size=kernel_size,
                                  name="generator")
    critic = ConvTextCritic(length=length, vocab_size=vocab_size, dim=filters, blocks=blocks,
                            kernel_size=kernel_size, name="discriminator")
    return generator, critic
