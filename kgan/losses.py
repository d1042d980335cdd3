"""Adversarial losses and gradient penalties.

Every loss takes discriminator *logits* (raw, unbounded outputs, shape
``[batch]`` or ``[batch, 1]``) and returns a scalar ``float32`` tensor: the
mean over the batch. Losses come in pairs, ``(generator_loss,
discriminator_loss)``; both members of a pair are minimised by their
respective player.

Notation used in the docstrings: ``D(x)`` is the discriminator logit for a
real example ``x``, ``D(G(z))`` the logit for a generated example, and
``sigma`` the logistic sigmoid, so the discriminator's probability that an
input is real is ``sigma(D(.))``. The log-probabilities are evaluated with
the identities

    log sigma(t)       = -softplus(-t)
    log(1 - sigma(t))  = -softplus(t)

which stay finite for any finite logit (``log(sigmoid(t))`` underflows to
``log(0) = -inf`` for very negative ``t`` in float32).

All functions use only TensorFlow / ``keras.ops`` operations, so they can be
used inside ``tf.function`` and with XLA (``jit_compile=True``).

Use :func:`get` to look a pair up by name (``"minimax"``,
``"non_saturating"``, ``"least_squares"`` / ``"lsgan"``, ``"hinge"``,
``"wasserstein"`` / ``"wgan"``) or to validate a user-supplied pair.
"""

import inspect

import keras
import tensorflow as tf
from keras import ops

__all__ = [
    "LOSSES",
    "ALIASES",
    "get",
    "names",
    "minimax_generator_loss",
    "minimax_discriminator_loss",
    "non_saturating_generator_loss",
    "non_saturating_discriminator_loss",
    "least_squares_generator_loss",
    "least_squares_discriminator_loss",
    "hinge_generator_loss",
    "hinge_discriminator_loss",
    "wasserstein_generator_loss",
    "wasserstein_discriminator_loss",
    "gradient_penalty",
    "r1_penalty",
    "relativistic_generator_loss",
    "relativistic_discriminator_loss",
    "relativistic_average_generator_loss",
    "relativistic_average_discriminator_loss",
    "RELATIVISTIC_LOSSES",
    "relativistic_pair",
    "is_relativistic",
    "l1_loss",
    "cycle_consistency_loss",
    "identity_loss",
]

_register = keras.saving.register_keras_serializable(package="kgan")

# Added under the square root of the gradient norm so that the norm (and the
# gradient of anything built on it) stays finite when the gradient is zero.
_NORM_EPSILON = 1e-12


def _logits(x):
    """Converts logits to a float32 tensor (shape is left unchanged)."""
    return ops.cast(ops.convert_to_tensor(x), "float32")


def _mean(x):
    """Mean over every element, as a float32 scalar."""
    return ops.mean(ops.cast(x, "float32"))


def _check_smoothing(label_smoothing):
    if isinstance(label_smoothing, (int, float)) and not (
        0.0 <= label_smoothing < 1.0
    ):
        raise ValueError(
            "`label_smoothing` must be in [0, 1). "
            f"Received: label_smoothing={label_smoothing}"
        )


def _real_cross_entropy(real_logits, label_smoothing):
    """Mean binary cross-entropy of real logits against target 1 - s."""
    target = 1.0 - label_smoothing
    # -[t log sigma(r) + (1 - t) log(1 - sigma(r))]
    per_example = target * ops.softplus(-real_logits) + (
        1.0 - target
    ) * ops.softplus(real_logits)
    return _mean(per_example)


# --------------------------------------------------------------------------
# Minimax (original GAN)
# --------------------------------------------------------------------------


@_register
def minimax_generator_loss(fake_logits):
    """Generator loss of the original minimax GAN.

    Formula (minimised by the generator):

        L_G = E_z[ log(1 - sigma(D(G(z)))) ] = -E_z[ softplus(D(G(z))) ]

    This is the "saturating" form: its gradient vanishes when the
    discriminator confidently rejects the samples, which is why the
    non-saturating variant is usually preferred in practice.

    Reference: Goodfellow, Pouget-Abadie, Mirza, Xu, Warde-Farley, Ozair,
    Courville, Bengio (2014), "Generative Adversarial Networks",
    arXiv:1406.2661.

    Args:
        fake_logits: Discriminator logits for generated examples, shape
            ``[batch]`` or ``[batch, 1]``.

    Returns:
        Scalar float32 tensor, the batch mean.
    """
    fake_logits = _logits(fake_logits)
    return -_mean(ops.softplus(fake_logits))


@_register
def minimax_discriminator_loss(real_logits, fake_logits, label_smoothing=0.0):
    """Discriminator loss of the original minimax GAN.

    Formula (binary cross-entropy, real labelled 1 and fake labelled 0):

        L_D = -E_x[ log sigma(D(x)) ] - E_z[ log(1 - sigma(D(G(z)))) ]
            =  E_x[ softplus(-D(x)) ] + E_z[ softplus(D(G(z))) ]

    With one-sided label smoothing ``s`` the real target becomes ``t = 1 - s``
    and the real term is ``E_x[ t softplus(-D(x)) + (1 - t) softplus(D(x)) ]``;
    the fake target stays 0. The two expectations are averaged separately,
    so ``real_logits`` and ``fake_logits`` may have different batch sizes.

    Reference: Goodfellow et al. (2014), "Generative Adversarial Networks",
    arXiv:1406.2661. One-sided label smoothing: Salimans, Goodfellow,
    Zaremba, Cheung, Radford, Chen (2016), "Improved Techniques for
    Training GANs", arXiv:1606.03498.

    Args:
        real_logits: Discriminator logits for real examples, shape
            ``[batch]`` or ``[batch, 1]``.
        fake_logits: Discriminator logits for generated examples, same
            layout.
        label_smoothing: One-sided label smoothing ``s`` in ``[0, 1)``;
            the real target is ``1 - s``. Default 0 (no smoothing).

    Returns:
        Scalar float32 tensor.
    """
    _check_smoothing(label_smoothing)
    real_logits = _logits(real_logits)
    fake_logits = _logits(fake_logits)
    return _real_cross_entropy(real_logits, label_smoothing) + _mean(
        ops.softplus(fake_logits)
    )


# --------------------------------------------------------------------------
# Non-saturating
# --------------------------------------------------------------------------


@_register
def non_saturating_generator_loss(fake_logits):
    """Non-saturating generator loss.

    Formula (minimised by the generator):

        L_G = -E_z[ log sigma(D(G(z))) ] = E_z[ softplus(-D(G(z))) ]

    Same fixed point as the minimax loss but with strong gradients early in
    training, when the discriminator rejects the samples easily.

    Reference: Goodfellow et al. (2014), "Generative Adversarial Networks",
    arXiv:1406.2661 (Section 3).

    Args:
        fake_logits: Discriminator logits for generated examples, shape
            ``[batch]`` or ``[batch, 1]``.

    Returns:
        Scalar float32 tensor, the batch mean.
    """
    fake_logits = _logits(fake_logits)
    return _mean(ops.softplus(-fake_logits))


@_register
def non_saturating_discriminator_loss(
    real_logits, fake_logits, label_smoothing=0.0
):
    """Discriminator loss paired with the non-saturating generator loss.

    Identical to :func:`minimax_discriminator_loss`:

        L_D = E_x[ softplus(-D(x)) ] + E_z[ softplus(D(G(z))) ]
            = -E_x[ log sigma(D(x)) ] - E_z[ log(1 - sigma(D(G(z)))) ]

    Reference: Goodfellow et al. (2014), "Generative Adversarial Networks",
    arXiv:1406.2661.

    Args:
        real_logits: Discriminator logits for real examples, shape
            ``[batch]`` or ``[batch, 1]``.
        fake_logits: Discriminator logits for generated examples.
        label_smoothing: One-sided label smoothing ``s`` in ``[0, 1)``;
            the real target is ``1 - s``. Default 0.

    Returns:
        Scalar float32 tensor.
    """
    return minimax_discriminator_loss(
        real_logits, fake_logits, label_smoothing=label_smoothing
    )


# --------------------------------------------------------------------------
# Least squares (LSGAN)
# --------------------------------------------------------------------------


@_register
def least_squares_generator_loss(fake_logits):
    """Least-squares (LSGAN) generator loss.

    Formula, on the raw discriminator outputs (no sigmoid), with the
    0-1 coding a = 0 (fake label), b = 1 (real label), c = 1 (the value the
    generator wants the discriminator to output):

        L_G = 0.5 E_z[ (D(G(z)) - 1)^2 ]

    Reference: Mao, Li, Xie, Lau, Wang, Smolley (2017), "Least Squares
    Generative Adversarial Networks", arXiv:1611.04076.

    Args:
        fake_logits: Discriminator outputs for generated examples, shape
            ``[batch]`` or ``[batch, 1]``.

    Returns:
        Scalar float32 tensor, the batch mean.
    """
    fake_logits = _logits(fake_logits)
    return 0.5 * _mean(ops.square(fake_logits - 1.0))


@_register
def least_squares_discriminator_loss(real_logits, fake_logits):
    """Least-squares (LSGAN) discriminator loss.

    Formula, on the raw outputs, with a = 0, b = 1:

        L_D = 0.5 E_x[ (D(x) - 1)^2 ] + 0.5 E_z[ D(G(z))^2 ]

    Reference: Mao et al. (2017), "Least Squares Generative Adversarial
    Networks", arXiv:1611.04076.

    Args:
        real_logits: Discriminator outputs for real examples, shape
            ``[batch]`` or ``[batch, 1]``.
        fake_logits: Discriminator outputs for generated examples.

    Returns:
        Scalar float32 tensor.
    """
    real_logits = _logits(real_logits)
    fake_logits = _logits(fake_logits)
    return 0.5 * _mean(ops.square(real_logits - 1.0)) + 0.5 * _mean(
        ops.square(fake_logits)
    )


# --------------------------------------------------------------------------
# Hinge
# --------------------------------------------------------------------------


@_register
def hinge_generator_loss(fake_logits):
    """Hinge-GAN generator loss.

    Formula:

        L_G = -E_z[ D(G(z)) ]

    References: Lim, Ye (2017), "Geometric GAN", arXiv:1705.02894;
    Miyato, Kataoka, Koyama, Yoshida (2018), "Spectral Normalization for
    Generative Adversarial Networks", arXiv:1802.05957.

    Args:
        fake_logits: Discriminator outputs for generated examples, shape
            ``[batch]`` or ``[batch, 1]``.

    Returns:
        Scalar float32 tensor, the batch mean.
    """
    fake_logits = _logits(fake_logits)
    return -_mean(fake_logits)


@_register
def hinge_discriminator_loss(real_logits, fake_logits):
    """Hinge-GAN discriminator loss.

    Formula:

        L_D = E_x[ relu(1 - D(x)) ] + E_z[ relu(1 + D(G(z))) ]

    References: Lim, Ye (2017), "Geometric GAN", arXiv:1705.02894;
    Miyato et al. (2018), "Spectral Normalization for Generative Adversarial
    Networks", arXiv:1802.05957.

    Args:
        real_logits: Discriminator outputs for real examples, shape
            ``[batch]`` or ``[batch, 1]``.
        fake_logits: Discriminator outputs for generated examples.

    Returns:
        Scalar float32 tensor.
    """
    real_logits = _logits(real_logits)
    fake_logits = _logits(fake_logits)
    return _mean(ops.relu(1.0 - real_logits)) + _mean(
        ops.relu(1.0 + fake_logits)
    )


# --------------------------------------------------------------------------
# Wasserstein
# --------------------------------------------------------------------------


@_register
def wasserstein_generator_loss(fake_logits):
    """Wasserstein-GAN generator loss.

    Formula (``D`` is the critic):

        L_G = -E_z[ D(G(z)) ]

    Reference: Arjovsky, Chintala, Bottou (2017), "Wasserstein GAN",
    arXiv:1701.07875.

    Args:
        fake_logits: Critic outputs for generated examples, shape
            ``[batch]`` or ``[batch, 1]``.

    Returns:
        Scalar float32 tensor, the batch mean.
    """
    fake_logits = _logits(fake_logits)
    return -_mean(fake_logits)


@_register
def wasserstein_discriminator_loss(real_logits, fake_logits):
    """Wasserstein-GAN critic loss.

    Formula (the negated Kantorovich-Rubinstein estimate of the
    Wasserstein-1 distance):

        L_D = E_z[ D(G(z)) ] - E_x[ D(x) ]

    The critic must be kept (approximately) 1-Lipschitz, e.g. with
    :func:`gradient_penalty` (WGAN-GP) or weight clipping.

    Reference: Arjovsky, Chintala, Bottou (2017), "Wasserstein GAN",
    arXiv:1701.07875.

    Args:
        real_logits: Critic outputs for real examples, shape ``[batch]`` or
            ``[batch, 1]``.
        fake_logits: Critic outputs for generated examples.

    Returns:
        Scalar float32 tensor.
    """
    real_logits = _logits(real_logits)
    fake_logits = _logits(fake_logits)
    return _mean(fake_logits) - _mean(real_logits)


# --------------------------------------------------------------------------
# Relativistic standard (RSGAN)
# --------------------------------------------------------------------------
# The generator loss of this pair needs the real logits too, so the pair is
# not in `LOSSES` (whose generator losses take fake logits only); models that
# use it (`kgan.TextGAN`) pass both.


@_register
def relativistic_generator_loss(real_logits, fake_logits):
    """Relativistic standard generator loss (RSGAN), paired examples.

    The i-th fake is compared with the i-th real example of the batch:

        L_G = -E_i[ log sigma(D(G(z_i)) - D(x_i)) ]
            =  E_i[ softplus(D(x_i) - D(G(z_i))) ]

    The generator wants its fakes to look *more real than* the real data.
    Unlike the other generator losses its gradient also flows through the
    real logits (as constants for the generator's weights).

    Reference: Jolicoeur-Martineau (2018), "The relativistic discriminator:
    a key element missing from standard GAN", arXiv:1807.00734; used for
    text by Nie, Narodytska, Patel (2019), "RelGAN: Relational Generative
    Adversarial Networks for Text Generation", ICLR 2019.

    Args:
        real_logits: Discriminator logits for real examples, shape
            ``[batch]`` or ``[batch, 1]``.
        fake_logits: Discriminator logits for generated examples, same
            shape (paired by position).

    Returns:
        Scalar float32 tensor, the batch mean.
    """
    real_logits = _logits(real_logits)
    fake_logits = _logits(fake_logits)
    return _mean(ops.softplus(real_logits - fake_logits))


@_register
def relativistic_discriminator_loss(real_logits, fake_logits):
    """Relativistic standard discriminator loss (RSGAN), paired examples.

    Formula:

        L_D = -E_i[ log sigma(D(x_i) - D(G(z_i))) ]
            =  E_i[ softplus(D(G(z_i)) - D(x_i)) ]

    Reference: Jolicoeur-Martineau (2018), "The relativistic discriminator:
    a key element missing from standard GAN", arXiv:1807.00734.

    Args:
        real_logits: Discriminator logits for real examples, shape
            ``[batch]`` or ``[batch, 1]``.
        fake_logits: Discriminator logits for generated examples, same
            shape (paired by position).

    Returns:
        Scalar float32 tensor.
    """
    real_logits = _logits(real_logits)
    fake_logits = _logits(fake_logits)
    return _mean(ops.softplus(fake_logits - real_logits))


# --------------------------------------------------------------------------
# Relativistic average (RaGAN, ESRGAN)
# --------------------------------------------------------------------------


@_register
def relativistic_average_generator_loss(real_logits, fake_logits):
    """Relativistic average generator loss (RaGAN), as ESRGAN trains its generator.

    With ``D_Ra(a, b) = sigma(C(a) - E[C(b)])``, the mean over the batch of
    ``b``, the generator wants real data to look *less* real than its fakes
    on average, and its fakes more real than the real data:

        L_G = -E_r[ log(1 - D_Ra(x_r, x_f)) ] - E_f[ log D_Ra(x_f, x_r) ]
            =  E_r[ softplus(C(x_r) - E_f[C(x_f)]) ]
             + E_f[ softplus(E_r[C(x_r)] - C(x_f)) ]

    Both terms carry the generator's gradient (through ``C(x_f)``).

    References: Jolicoeur-Martineau (2018), "The relativistic discriminator:
    a key element missing from standard GAN", arXiv:1807.00734; Wang, Yu,
    Wu, Gu, Liu, Dong, Loy, Qiao, Tang (2018), "ESRGAN: Enhanced
    Super-Resolution Generative Adversarial Networks", arXiv:1809.00219.

    Args:
        real_logits: Discriminator logits ``C(x_r)`` for real examples,
            shape ``[batch]`` or ``[batch, 1]``.
        fake_logits: Discriminator logits ``C(x_f)`` for generated
            examples, same layout (the batches may differ in size).

    Returns:
        Scalar float32 tensor.
    """
    real_logits = _logits(real_logits)
    fake_logits = _logits(fake_logits)
    return (_mean(ops.softplus(real_logits - _mean(fake_logits)))
            + _mean(ops.softplus(_mean(real_logits) - fake_logits)))


@_register
def relativistic_average_discriminator_loss(real_logits, fake_logits):
    """Relativistic average discriminator loss (RaGAN, ESRGAN).

    The discriminator estimates whether real data is more realistic than
    the fakes on average, and the reverse:

        L_D = -E_r[ log D_Ra(x_r, x_f) ] - E_f[ log(1 - D_Ra(x_f, x_r)) ]
            =  E_r[ softplus(E_f[C(x_f)] - C(x_r)) ]
             + E_f[ softplus(C(x_f) - E_r[C(x_r)]) ]

    References: Jolicoeur-Martineau (2018), arXiv:1807.00734; Wang et al.
    (2018), "ESRGAN", arXiv:1809.00219.

    Args:
        real_logits: Discriminator logits for real examples, shape
            ``[batch]`` or ``[batch, 1]``.
        fake_logits: Discriminator logits for generated examples, same
            layout.

    Returns:
        Scalar float32 tensor.
    """
    real_logits = _logits(real_logits)
    fake_logits = _logits(fake_logits)
    return (_mean(ops.softplus(_mean(fake_logits) - real_logits))
            + _mean(ops.softplus(fake_logits - _mean(real_logits))))


# Generator losses here take (real_logits, fake_logits).
RELATIVISTIC_LOSSES = {
    "relativistic": (relativistic_generator_loss, relativistic_discriminator_loss),
    "relativistic_average": (relativistic_average_generator_loss,
                             relativistic_average_discriminator_loss),
}


def relativistic_pair(loss):
    """`(pair, name)` for a model's `compile(loss=...)` that takes relativistic losses.

    A name in `RELATIVISTIC_LOSSES` gives its pair (whose generator loss
    takes real and fake logits) and the name to record; anything else is
    returned unchanged, for `get`.
    """
    name = loss.strip().lower().replace("-", "_") if isinstance(loss, str) else None
    if name in RELATIVISTIC_LOSSES:
        return RELATIVISTIC_LOSSES[name], name
    return loss, loss


def is_relativistic(generator_loss_fn):
    """Whether a generator loss is one of `RELATIVISTIC_LOSSES`' (it takes real and fake logits)."""
    return generator_loss_fn in {g for g, _ in RELATIVISTIC_LOSSES.values()}


# --------------------------------------------------------------------------
# Reconstruction
# --------------------------------------------------------------------------


@_register
def l1_loss(target, output):
    """Mean absolute error between an output and its target (reconstruction loss).

        L_1 = E[ |y - G(x)| ]

    over every element; the supervised term of image-to-image and
    super-resolution generators (pix2pix: Isola et al. 2017,
    arXiv:1611.07004; EDSR: Lim et al. 2017, arXiv:1707.02921).

    Args:
        target: the wanted images ``y``.
        output: the generated images ``G(x)``, same shape.

    Returns:
        Scalar float32 tensor.
    """
    target = ops.cast(ops.convert_to_tensor(target), "float32")
    output = ops.cast(ops.convert_to_tensor(output), "float32")
    return _mean(ops.abs(target - output))


def cycle_consistency_loss(real_a, cycled_a, real_b, cycled_b):
    """Cycle-consistency loss of two generators G: A -> B and F: B -> A.

        L_cyc = E_a[ |F(G(a)) - a| ] + E_b[ |G(F(b)) - b| ]

    each term the mean absolute difference over every element (`l1_loss`):
    an image translated to the other domain and back should be the image
    it started from. Reference: Zhu, Park, Isola, Efros (2017), "Unpaired
    Image-to-Image Translation using Cycle-Consistent Adversarial
    Networks" (CycleGAN), arXiv:1703.10593, eq. 2.

    Args:
        real_a: images of domain A, ``a``.
        cycled_a: ``F(G(a))``, same shape.
        real_b: images of domain B, ``b``.
        cycled_b: ``G(F(b))``, same shape.

    Returns:
        Scalar float32 tensor.
    """
    return l1_loss(real_a, cycled_a) + l1_loss(real_b, cycled_b)


def identity_loss(real_a, same_a, real_b, same_b):
    """Identity-mapping loss of two generators G: A -> B and F: B -> A.

        L_identity = E_b[ |G(b) - b| ] + E_a[ |F(a) - a| ]

    each term the mean absolute difference over every element: a generator
    given an image of its own output domain should leave it unchanged,
    which keeps colours and tints from drifting. Reference: Taigman,
    Polyak, Wolf (2017), arXiv:1611.02200, as used by CycleGAN (Zhu et al.
    2017, arXiv:1703.10593, section 5.2).

    Args:
        real_a: images of domain A, ``a``.
        same_a: ``F(a)``, same shape.
        real_b: images of domain B, ``b``.
        same_b: ``G(b)``, same shape.

    Returns:
        Scalar float32 tensor.
    """
    return l1_loss(real_a, same_a) + l1_loss(real_b, same_b)


# --------------------------------------------------------------------------
# Gradient penalties
# --------------------------------------------------------------------------


def _call_discriminator(discriminator, x):
    """Calls ``discriminator`` in training mode when it accepts ``training``."""
    if isinstance(discriminator, keras.layers.Layer):
        return discriminator(x, training=True)
    try:
        params = inspect.signature(discriminator).parameters
    except (TypeError, ValueError):
        return discriminator(x)
    accepts_training = "training" in params or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()
    )
    if accepts_training:
        return discriminator(x, training=True)
    return discriminator(x)


def _input_gradients(discriminator, x):
    """Gradient of sum(D(x)) w.r.t. ``x`` (one gradient per example).

    Summing the outputs gives per-example input gradients provided the
    discriminator treats the examples of a batch independently (no batch
    normalisation in training mode). A discriminator whose output does not
    depend on ``x`` gets an all-zero gradient.
    """
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = _call_discriminator(discriminator, x)
        total = tf.reduce_sum(tf.cast(scores, tf.float32))
    grads = tape.gradient(
        total, x, unconnected_gradients=tf.UnconnectedGradients.ZERO
    )
    return tf.cast(grads, tf.float32)


def _squared_norms(grads):
    """Per-example squared L2 norms over every non-batch axis."""
    rank = grads.shape.rank
    if rank is None or rank < 2:
        raise ValueError(
            "Inputs must have a known rank >= 2 ([batch, ...]). "
            f"Received shape: {grads.shape}"
        )
    return tf.reduce_sum(tf.square(grads), axis=list(range(1, rank)))


def gradient_penalty(discriminator, real, fake, seed=None):
    """WGAN-GP two-sided gradient penalty.

    For each example ``i`` draw ``eps_i ~ Uniform[0, 1]`` and form the
    interpolate ``x_hat_i = eps_i * x_i + (1 - eps_i) * x~_i`` between a real
    example ``x_i`` and a generated one ``x~_i``; then

        GP = E_i[ (||grad_{x_hat} D(x_hat_i)||_2 - 1)^2 ],

    where the norm is taken over all non-batch axes and evaluated as
    ``sqrt(sum(g^2) + 1e-12)``: the small constant keeps the derivative of
    the norm finite (no NaN) when the gradient is exactly zero. ``eps`` has
    shape ``[batch, 1, ..., 1]`` and broadcasts over the remaining axes, so
    any rank >= 2 works (images ``[b, h, w, c]``, sequences
    ``[b, length, vocab]``, vectors ``[b, d]``).

    The input gradient is taken with an inner ``tf.GradientTape``; call this
    function inside the outer tape that trains the discriminator and the
    penalty is differentiable w.r.t. the discriminator weights (a second-
    order gradient). The weight ``lambda`` (10 in the paper) is applied by
    the caller. The paper's critic has no batch normalisation: the penalty
    assumes each example's score depends only on that example.

    Reference: Gulrajani, Ahmed, Arjovsky, Dumoulin, Courville (2017),
    "Improved Training of Wasserstein GANs", arXiv:1704.00028.

    Args:
        discriminator: Callable mapping a batch to scores ``[batch]`` or
            ``[batch, 1]``. Keras layers/models are called with
            ``training=True``; other callables receive ``training=True``
            only when their signature accepts it.
        real: Real batch, shape ``[batch, ...]`` (rank >= 2).
        fake: Generated batch of the same shape.
        seed: ``None``, an ``int`` or a ``keras.random.SeedGenerator``,
            passed to ``keras.random.uniform``. An int gives the same
            ``eps`` on every call (reproducible, but inside a compiled
            function the draw is frozen); for training pass a
            ``SeedGenerator`` (or ``None``, the global generator).

    Returns:
        Scalar float32 tensor.
    """
    real = tf.convert_to_tensor(real)
    fake = tf.cast(tf.convert_to_tensor(fake), real.dtype)
    rank = real.shape.rank
    if rank is None or rank < 2:
        raise ValueError(
            "`real` and `fake` must have a known rank >= 2 ([batch, ...]). "
            f"Received shape: {real.shape}"
        )
    if not real.dtype.is_floating:
        raise ValueError(
            f"`real` and `fake` must be floating point. Received: {real.dtype}"
        )
    batch = tf.shape(real)[0]
    eps_shape = tf.concat(
        [tf.reshape(batch, [1]), tf.ones([rank - 1], dtype=batch.dtype)],
        axis=0,
    )
    eps = keras.random.uniform(
        eps_shape, minval=0.0, maxval=1.0, dtype=real.dtype, seed=seed
    )
    x_hat = eps * real + (1.0 - eps) * fake
    grads = _input_gradients(discriminator, x_hat)
    norms = tf.sqrt(_squared_norms(grads) + _NORM_EPSILON)
    return tf.reduce_mean(tf.square(norms - 1.0))


def r1_penalty(discriminator, real):
    """R1 gradient penalty on real data.

    Formula:

        R1 = E_x[ ||grad_x D(x)||_2^2 ]

    with the squared norm over all non-batch axes (no square root, so no
    epsilon guard is needed). The regulariser in the paper is
    ``(gamma / 2) * R1``; the ``0.5 * gamma`` weight is applied by the
    caller, not here. Like :func:`gradient_penalty` it uses an inner
    ``tf.GradientTape`` and is differentiable w.r.t. the discriminator
    weights.

    Reference: Mescheder, Geiger, Nowozin (2018), "Which Training Methods
    for GANs do actually Converge?", arXiv:1801.04406.

    Args:
        discriminator: Callable mapping a batch to scores ``[batch]`` or
            ``[batch, 1]`` (Keras layers/models are called with
            ``training=True``).
        real: Real batch, shape ``[batch, ...]`` (rank >= 2), floating
            point.

    Returns:
        Scalar float32 tensor.
    """
    real = tf.convert_to_tensor(real)
    if not real.dtype.is_floating:
        raise ValueError(
            f"`real` must be floating point. Received: {real.dtype}"
        )
    grads = _input_gradients(discriminator, real)
    return tf.reduce_mean(_squared_norms(grads))


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------

LOSSES = {
    "minimax": (minimax_generator_loss, minimax_discriminator_loss),
    "non_saturating": (
        non_saturating_generator_loss,
        non_saturating_discriminator_loss,
    ),
    "least_squares": (
        least_squares_generator_loss,
        least_squares_discriminator_loss,
    ),
    "hinge": (hinge_generator_loss, hinge_discriminator_loss),
    "wasserstein": (wasserstein_generator_loss, wasserstein_discriminator_loss),
}

ALIASES = {
    "lsgan": "least_squares",
    "wgan": "wasserstein",
}


def names():
    """Returns the sorted canonical loss names (aliases excluded)."""
    return sorted(LOSSES)


def _valid_names():
    return ", ".join(repr(n) for n in sorted(list(LOSSES) + list(ALIASES)))


def get(identifier):
    """Resolves a ``(generator_loss_fn, discriminator_loss_fn)`` pair.

    Args:
        identifier: A loss name — one of :func:`names` or an alias
            (``"lsgan"``, ``"wgan"``); matching ignores case and treats
            ``-`` and spaces as ``_`` — or a 2-tuple/list of callables
            ``(generator_loss_fn, discriminator_loss_fn)``, returned as a
            tuple after validation.

    Returns:
        A tuple ``(generator_loss_fn, discriminator_loss_fn)``.

    Raises:
        ValueError: If the name is unknown or the pair is malformed.
    """
    if isinstance(identifier, str):
        key = identifier.strip().lower().replace("-", "_").replace(" ", "_")
        key = ALIASES.get(key, key)
        if key not in LOSSES:
            raise ValueError(
                f"Unknown `loss`: {identifier!r}. "
                f"Valid names are: {_valid_names()}."
            )
        return LOSSES[key]
    if isinstance(identifier, (tuple, list)):
        if len(identifier) != 2 or not all(callable(f) for f in identifier):
            raise ValueError(
                "`loss` must be a (generator_loss_fn, discriminator_loss_fn) "
                "pair of callables. Received a "
                f"{type(identifier).__name__} of length {len(identifier)}: "
                f"{identifier!r}"
            )
        return tuple(identifier)
    raise ValueError(
        "`loss` must be a loss name or a (generator_loss_fn, "
        "discriminator_loss_fn) pair of callables. "
        f"Valid names are: {_valid_names()}. Received: {identifier!r}"
    )


# --------------------------------------------------------------------------
# Class losses (conditional GANs)
# --------------------------------------------------------------------------


@_register
def class_loss(labels, class_logits):
    """Mean softmax cross-entropy of class logits against integer labels.

    The auxiliary-classifier term of AC-GAN:

        L_class = -E[ log softmax(C(x))_y ],

    added to the discriminator's loss on real and generated examples (it
    learns to classify both) and to the generator's loss on generated ones
    (its samples should be classified as the class they were asked for).

    Reference: Odena, Olah, Shlens (2017), "Conditional Image Synthesis with
    Auxiliary Classifier GANs", arXiv:1610.09585.

    Args:
        labels: Integer class indices, shape ``[batch]``.
        class_logits: Unnormalised class scores, shape ``[batch, num_classes]``.

    Returns:
        Scalar float32 tensor.

    Example:

    >>> float(class_loss([0], [[0.0, 0.0]]))  # log 2
    0.6931...
    """
    class_logits = ops.cast(ops.convert_to_tensor(class_logits), "float32")
    labels = ops.cast(ops.convert_to_tensor(labels), "int32")
    return ops.mean(
        ops.sparse_categorical_crossentropy(labels, class_logits, from_logits=True)
    )


__all__.append("class_loss")
