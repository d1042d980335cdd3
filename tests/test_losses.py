"""Tests for kgan.losses.

Expected values are computed by hand with plain ``math`` from the formulas
in each paper, never by calling the function under test.
"""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from kgan import losses

REAL = [2.0, -1.0, 0.5]
FAKE = [-0.3, 1.5, 0.0]


def _mean(values):
    values = list(values)
    return sum(values) / len(values)


def _sigmoid(t):
    return 1.0 / (1.0 + math.exp(-t))


# Reference formulas written directly in terms of D = sigmoid(logit).
def _expected_minimax_g(fake):
    return _mean(math.log(1.0 - _sigmoid(f)) for f in fake)


def _expected_bce_d(real, fake, smoothing=0.0):
    t = 1.0 - smoothing
    real_term = _mean(
        -(t * math.log(_sigmoid(r)) + (1.0 - t) * math.log(1.0 - _sigmoid(r)))
        for r in real
    )
    fake_term = _mean(-math.log(1.0 - _sigmoid(f)) for f in fake)
    return real_term + fake_term


def _expected_non_saturating_g(fake):
    return _mean(-math.log(_sigmoid(f)) for f in fake)


def _expected_least_squares_g(fake):
    return 0.5 * _mean((f - 1.0) ** 2 for f in fake)


def _expected_least_squares_d(real, fake):
    return 0.5 * _mean((r - 1.0) ** 2 for r in real) + 0.5 * _mean(
        f**2 for f in fake
    )


def _expected_hinge_g(fake):
    return -_mean(fake)


def _expected_hinge_d(real, fake):
    return _mean(max(0.0, 1.0 - r) for r in real) + _mean(
        max(0.0, 1.0 + f) for f in fake
    )


def _expected_wasserstein_g(fake):
    return -_mean(fake)


def _expected_wasserstein_d(real, fake):
    return _mean(fake) - _mean(real)


# name -> (generator fn, discriminator fn, expected G, expected D)
CASES = {
    "minimax": (
        losses.minimax_generator_loss,
        losses.minimax_discriminator_loss,
        _expected_minimax_g,
        _expected_bce_d,
    ),
    "non_saturating": (
        losses.non_saturating_generator_loss,
        losses.non_saturating_discriminator_loss,
        _expected_non_saturating_g,
        _expected_bce_d,
    ),
    "least_squares": (
        losses.least_squares_generator_loss,
        losses.least_squares_discriminator_loss,
        _expected_least_squares_g,
        _expected_least_squares_d,
    ),
    "hinge": (
        losses.hinge_generator_loss,
        losses.hinge_discriminator_loss,
        _expected_hinge_g,
        _expected_hinge_d,
    ),
    "wasserstein": (
        losses.wasserstein_generator_loss,
        losses.wasserstein_discriminator_loss,
        _expected_wasserstein_g,
        _expected_wasserstein_d,
    ),
}

NAMES = sorted(CASES)


def _check_scalar(value, expected, rtol=1e-5, atol=1e-6):
    value = tf.convert_to_tensor(value)
    assert value.shape == ()
    assert value.dtype == tf.float32
    np.testing.assert_allclose(float(value), expected, rtol=rtol, atol=atol)


# --------------------------------------------------------------------------
# Paired losses
# --------------------------------------------------------------------------


def test_cases_cover_registry():
    assert sorted(losses.LOSSES) == NAMES == losses.names()


@pytest.mark.parametrize("name", NAMES)
def test_values_match_hand_computed(name):
    g_fn, d_fn, g_expected, d_expected = CASES[name]
    _check_scalar(g_fn(tf.constant(FAKE)), g_expected(FAKE))
    _check_scalar(
        d_fn(tf.constant(REAL), tf.constant(FAKE)), d_expected(REAL, FAKE)
    )


def test_fixed_logit_values_spot_check():
    # A few values worked out independently of the helper formulas above.
    # Wasserstein D: mean(fake) - mean(real) = 0.4 - 0.5 = -0.1.
    _check_scalar(
        losses.wasserstein_discriminator_loss(REAL, FAKE), 0.4 - 0.5
    )
    # Hinge D: real relu(1 - r) = [0, 2, 0.5] -> 2.5/3; fake relu(1 + f) =
    # [0.7, 2.5, 1] -> 4.2/3.
    _check_scalar(losses.hinge_discriminator_loss(REAL, FAKE), 6.7 / 3)
    # LSGAN G: 0.5 * mean([1.69, 0.25, 1]) = 0.49.
    _check_scalar(losses.least_squares_generator_loss(FAKE), 0.49)


@pytest.mark.parametrize("name", NAMES)
def test_rank_one_and_rank_two_logits_agree(name):
    g_fn, d_fn, _, _ = CASES[name]
    real_1d, fake_1d = tf.constant(REAL), tf.constant(FAKE)
    real_2d, fake_2d = real_1d[:, None], fake_1d[:, None]
    np.testing.assert_allclose(float(g_fn(fake_1d)), float(g_fn(fake_2d)))
    np.testing.assert_allclose(
        float(d_fn(real_1d, fake_1d)), float(d_fn(real_2d, fake_2d))
    )


@pytest.mark.parametrize("name", NAMES)
def test_large_logits_are_finite(name):
    g_fn, d_fn, _, _ = CASES[name]
    big = tf.constant([100.0, -100.0, 100.0, -100.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(big)
        g = g_fn(big)
        d = d_fn(big, -big)
    for value in (g, d):
        assert np.isfinite(float(value))
        assert np.all(np.isfinite(tape.gradient(value, big).numpy()))


def test_saturating_logits_exact():
    # With logits of +-100 the BCE terms are ~100 (or ~0): the stable form
    # returns them instead of inf / nan.
    _check_scalar(losses.non_saturating_generator_loss([-100.0]), 100.0)
    _check_scalar(losses.minimax_generator_loss([100.0]), -100.0)
    _check_scalar(losses.minimax_discriminator_loss([-100.0], [100.0]), 200.0)


@pytest.mark.parametrize("name", NAMES)
def test_jit_compiled(name):
    g_fn, d_fn, g_expected, d_expected = CASES[name]

    @tf.function(jit_compile=True)
    def both(real, fake):
        return g_fn(fake), d_fn(real, fake)

    g, d = both(tf.constant(REAL)[:, None], tf.constant(FAKE)[:, None])
    _check_scalar(g, g_expected(FAKE))
    _check_scalar(d, d_expected(REAL, FAKE))


def test_float16_and_numpy_inputs_give_float32():
    value = losses.hinge_discriminator_loss(
        np.array(REAL, dtype="float16"), tf.constant(FAKE, dtype=tf.float16)
    )
    _check_scalar(value, _expected_hinge_d(REAL, FAKE), rtol=1e-3)


@pytest.mark.parametrize(
    "d_fn", [losses.minimax_discriminator_loss,
             losses.non_saturating_discriminator_loss]
)
def test_label_smoothing(d_fn):
    _check_scalar(
        d_fn(REAL, FAKE, label_smoothing=0.1),
        _expected_bce_d(REAL, FAKE, smoothing=0.1),
    )
    # Default is no smoothing.
    _check_scalar(d_fn(REAL, FAKE), _expected_bce_d(REAL, FAKE))
    with pytest.raises(ValueError, match="label_smoothing"):
        d_fn(REAL, FAKE, label_smoothing=1.0)


def test_different_batch_sizes_for_real_and_fake():
    real, fake = REAL, FAKE[:2]
    _check_scalar(
        losses.minimax_discriminator_loss(real, fake),
        _expected_bce_d(real, fake),
    )


# --------------------------------------------------------------------------
# Gradient penalties
# --------------------------------------------------------------------------


class LinearCritic(keras.layers.Layer):
    """D(x) = sum(w * x) over the non-batch axes; grad_x D = w."""

    def __init__(self, w, **kwargs):
        super().__init__(**kwargs)
        self._init = np.asarray(w, dtype="float32")
        self.seen_training = None

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=self._init.shape,
            initializer=keras.initializers.Constant(self._init),
            name="w",
        )

    def call(self, x, training=None):
        self.seen_training = training
        axes = list(range(1, len(x.shape)))
        return keras.ops.sum(self.w * x, axis=axes)[:, None]


def _image_batch(seed, shape=(4, 3, 3, 2)):
    rng = np.random.default_rng(seed)
    return tf.constant(rng.normal(size=shape).astype("float32"))


def test_gradient_penalty_linear_critic_exact():
    w = np.arange(1, 19, dtype="float32").reshape(3, 3, 2) / 20.0
    critic = LinearCritic(w)
    real, fake = _image_batch(0), _image_batch(1)
    gp = losses.gradient_penalty(critic, real, fake, seed=3)
    norm = math.sqrt(sum(float(v) ** 2 for v in w.ravel()))
    _check_scalar(gp, (norm - 1.0) ** 2, rtol=1e-5)
    assert critic.seen_training is True


def test_gradient_penalty_differentiable_wrt_weights_under_jit():
    w = np.array([[0.3, -0.4], [1.2, 0.5]], dtype="float32")
    critic = LinearCritic(w)
    critic.build((None, 2, 2))
    seed = keras.random.SeedGenerator(7)

    @tf.function(jit_compile=True)
    def penalty_and_grad(real, fake):
        with tf.GradientTape() as tape:
            gp = losses.gradient_penalty(critic, real, fake, seed=seed)
        return gp, tape.gradient(gp, critic.w)

    real = _image_batch(2, (5, 2, 2))
    gp, grad = penalty_and_grad(real, -real)
    norm = float(np.sqrt(np.sum(w**2)))
    _check_scalar(gp, (norm - 1.0) ** 2)
    # d/dw (||w|| - 1)^2 = 2 (||w|| - 1) w / ||w||
    np.testing.assert_allclose(
        grad.numpy(), 2.0 * (norm - 1.0) * w / norm, rtol=1e-5, atol=1e-6
    )


def test_gradient_penalty_zero_gradient_is_one_and_not_nan():
    # A linear critic with zero weights is constant: grad_x D = 0, so the
    # penalty is (sqrt(1e-12) - 1)^2 ~= 1 and, thanks to the epsilon under
    # the square root, its gradient w.r.t. w is 0 rather than NaN.
    critic = LinearCritic(np.zeros((3, 3, 2), dtype="float32"))
    real, fake = _image_batch(3), _image_batch(4)
    critic.build(real.shape)
    with tf.GradientTape() as tape:
        gp = losses.gradient_penalty(critic, real, fake, seed=0)
    grad = tape.gradient(gp, critic.w)
    _check_scalar(gp, 1.0, rtol=1e-5)
    assert grad is not None
    assert np.all(np.isfinite(grad.numpy()))


def test_gradient_penalty_critic_ignoring_input():
    # Output unconnected to the input: gradient treated as zero.
    bias = tf.Variable([0.5])

    def critic(x):
        return tf.ones([tf.shape(x)[0], 1]) * bias

    real = _image_batch(5, (3, 4))
    with tf.GradientTape() as tape:
        gp = losses.gradient_penalty(critic, real, real + 1.0, seed=1)
    _check_scalar(gp, 1.0, rtol=1e-5)
    grad = tape.gradient(gp, bias)
    assert grad is None or np.all(np.isfinite(grad.numpy()))


def _recorded_interpolates(real, fake, seed):
    seen = []

    def recording_critic(x):  # a plain function, no `training` argument
        seen.append(x)
        axes = list(range(1, len(x.shape)))
        return tf.reduce_sum(x, axis=axes)

    losses.gradient_penalty(recording_critic, real, fake, seed=seed)
    assert len(seen) == 1
    return seen[0].numpy()


@pytest.mark.parametrize(
    "shape", [(6, 3), (6, 4, 5), (6, 3, 3, 2)], ids=["rank2", "rank3", "rank4"]
)
def test_gradient_penalty_eps_per_example(shape):
    real = _image_batch(6, shape).numpy()
    fake = _image_batch(7, shape).numpy()
    x_hat = _recorded_interpolates(real, fake, seed=11)
    assert x_hat.shape == shape
    # x_hat = eps * real + (1 - eps) * fake  =>  eps = (x_hat - fake) /
    # (real - fake), elementwise; it must be constant within each example.
    ratio = (x_hat - fake) / (real - fake)
    eps = ratio.reshape(shape[0], -1)
    np.testing.assert_allclose(
        eps, np.repeat(eps[:, :1], eps.shape[1], axis=1), atol=1e-4
    )
    per_example = eps[:, 0]
    assert np.all(per_example >= -1e-5) and np.all(per_example <= 1 + 1e-5)
    # Different examples get different weights.
    assert len(np.unique(np.round(per_example, 4))) == shape[0]
    # Same int seed -> same draw.
    np.testing.assert_array_equal(
        x_hat, _recorded_interpolates(real, fake, seed=11)
    )


def test_gradient_penalty_rank3_value_and_seed_generator():
    w = np.full((4, 5), 0.1, dtype="float32")
    critic = LinearCritic(w)
    real, fake = _image_batch(8, (3, 4, 5)), _image_batch(9, (3, 4, 5))
    gp = losses.gradient_penalty(
        critic, real, fake, seed=keras.random.SeedGenerator(0)
    )
    norm = math.sqrt(20 * 0.01)
    _check_scalar(gp, (norm - 1.0) ** 2)
    # seed=None works too.
    _check_scalar(losses.gradient_penalty(critic, real, fake), (norm - 1.0) ** 2)


def test_gradient_penalty_keras_model_under_jit():
    model = keras.Sequential(
        [keras.Input((4, 4, 1)), keras.layers.Flatten(), keras.layers.Dense(1)]
    )
    seed = keras.random.SeedGenerator(1)

    @tf.function(jit_compile=True)
    def step(real, fake):
        with tf.GradientTape() as tape:
            gp = losses.gradient_penalty(model, real, fake, seed=seed)
        return gp, tape.gradient(gp, model.trainable_variables)

    gp, grads = step(_image_batch(10, (2, 4, 4, 1)), _image_batch(11, (2, 4, 4, 1)))
    assert np.isfinite(float(gp))
    kernel_grad = grads[0]
    assert kernel_grad is not None and np.all(np.isfinite(kernel_grad.numpy()))
    assert float(tf.reduce_sum(tf.abs(kernel_grad))) > 0.0


def test_gradient_penalty_rejects_rank_one():
    with pytest.raises(ValueError, match="rank"):
        losses.gradient_penalty(lambda x: x, [1.0, 2.0], [0.0, 1.0])


def test_r1_penalty_linear_critic():
    w = np.arange(1, 19, dtype="float32").reshape(3, 3, 2) / 20.0
    critic = LinearCritic(w)
    real = _image_batch(12)
    critic.build(real.shape)
    with tf.GradientTape() as tape:
        r1 = losses.r1_penalty(critic, real)
    expected = sum(float(v) ** 2 for v in w.ravel())
    _check_scalar(r1, expected, rtol=1e-5)
    # d/dw ||w||^2 = 2 w
    np.testing.assert_allclose(
        tape.gradient(r1, critic.w).numpy(), 2.0 * w, rtol=1e-5
    )


def test_r1_penalty_jit():
    critic = LinearCritic(np.full((4, 5), 0.5, dtype="float32"))

    @tf.function(jit_compile=True)
    def r1(x):
        return losses.r1_penalty(critic, x)

    _check_scalar(r1(_image_batch(13, (3, 4, 5))), 20 * 0.25)


# --------------------------------------------------------------------------
# Registry and serialization
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_get_by_name(name):
    g_fn, d_fn, _, _ = CASES[name]
    assert losses.get(name) == (g_fn, d_fn)


def test_get_aliases_and_normalisation():
    assert losses.get("lsgan") == losses.get("least_squares")
    assert losses.get("wgan") == losses.get("wasserstein")
    assert losses.get("Non-Saturating") == losses.get("non_saturating")
    assert "lsgan" not in losses.names()
    assert losses.names() == sorted(losses.names())


def test_get_by_pair():
    pair = (losses.hinge_generator_loss, losses.wasserstein_discriminator_loss)
    assert losses.get(pair) == pair
    assert losses.get(list(pair)) == pair

    def custom_g(fake):
        return -tf.reduce_mean(fake)

    def custom_d(real, fake):
        return tf.reduce_mean(fake) - tf.reduce_mean(real)

    assert losses.get((custom_g, custom_d)) == (custom_g, custom_d)


def test_get_unknown_name():
    with pytest.raises(ValueError, match="loss") as info:
        losses.get("bogus")
    message = str(info.value)
    assert "bogus" in message
    for name in NAMES + ["lsgan", "wgan"]:
        assert name in message


@pytest.mark.parametrize(
    "bad",
    [
        (losses.hinge_generator_loss,),
        (losses.hinge_generator_loss, "hinge"),
        [losses.hinge_generator_loss] * 3,
        None,
        42,
        losses.hinge_generator_loss,
    ],
    ids=["one", "non_callable", "three", "none", "int", "single_fn"],
)
def test_get_invalid(bad):
    with pytest.raises(ValueError, match="`loss`"):
        losses.get(bad)


@pytest.mark.parametrize("name", NAMES)
def test_serialization_round_trip(name):
    pair = losses.get(name)
    config = keras.saving.serialize_keras_object(pair)
    restored = keras.saving.deserialize_keras_object(config)
    assert tuple(restored) == pair
    assert losses.get(restored) == pair


def test_all_loss_functions_registered():
    for g_fn, d_fn in losses.LOSSES.values():
        for fn in (g_fn, d_fn):
            registered = keras.saving.get_registered_name(fn)
            assert registered == f"kgan>{fn.__name__}"
            assert keras.saving.get_registered_object(registered) is fn


# --------------------------------------------------------------------------
# Relativistic standard (paired real/fake)
# --------------------------------------------------------------------------


def test_relativistic_losses_match_hand_computed():
    # L_D = mean(-log sigma(r_i - f_i)), L_G = mean(-log sigma(f_i - r_i)).
    expected_d = _mean(-math.log(_sigmoid(r - f)) for r, f in zip(REAL, FAKE))
    expected_g = _mean(-math.log(_sigmoid(f - r)) for r, f in zip(REAL, FAKE))
    _check_scalar(losses.relativistic_discriminator_loss(REAL, FAKE), expected_d)
    _check_scalar(losses.relativistic_generator_loss(REAL, FAKE), expected_g)
    # Equal logits: both players pay log 2.
    _check_scalar(losses.relativistic_generator_loss([1.0, -2.0], [1.0, -2.0]), math.log(2.0))


def test_relativistic_losses_are_stable_and_swap_roles():
    real, fake = tf.constant([[100.0], [-100.0]]), tf.constant([[-100.0], [100.0]])
    # D(x_1) - D(G(z_1)) = 200 (confident, loss ~0), pair 2 = -200 (loss 200).
    _check_scalar(losses.relativistic_discriminator_loss(real, fake), 100.0)
    np.testing.assert_allclose(
        float(losses.relativistic_generator_loss(real, fake)),
        float(losses.relativistic_discriminator_loss(fake, real)),
    )
    assert "relativistic" not in losses.LOSSES  # its generator loss needs real logits
    assert losses.RELATIVISTIC_LOSSES["relativistic"] == (
        losses.relativistic_generator_loss, losses.relativistic_discriminator_loss)


# --------------------------------------------------------------------------
# Relativistic average (RaGAN, ESRGAN) and L1
# --------------------------------------------------------------------------


def test_relativistic_average_losses_match_hand_computed():
    # D_Ra(a, b) = sigma(C(a) - mean C(b)); L_D = -mean log D_Ra(r, f) - mean log(1 - D_Ra(f, r)),
    # L_G the same with the roles of real and fake swapped.
    mean_real, mean_fake = _mean(REAL), _mean(FAKE)
    expected_d = (_mean(-math.log(_sigmoid(r - mean_fake)) for r in REAL)
                  + _mean(-math.log(1 - _sigmoid(f - mean_real)) for f in FAKE))
    expected_g = (_mean(-math.log(1 - _sigmoid(r - mean_fake)) for r in REAL)
                  + _mean(-math.log(_sigmoid(f - mean_real)) for f in FAKE))
    _check_scalar(losses.relativistic_average_discriminator_loss(REAL, FAKE), expected_d)
    _check_scalar(losses.relativistic_average_generator_loss(REAL, FAKE), expected_g)
    # Column vectors and batches of different sizes give the same formula.
    real, fake = [[1.0], [3.0]], [[0.0], [-1.0], [2.0]]
    expected = (_mean(-math.log(_sigmoid(r - 1 / 3)) for r in (1.0, 3.0))
                + _mean(-math.log(1 - _sigmoid(f - 2.0)) for f in (0.0, -1.0, 2.0)))
    _check_scalar(losses.relativistic_average_discriminator_loss(real, fake), expected)
    assert losses.RELATIVISTIC_LOSSES["relativistic_average"] == (
        losses.relativistic_average_generator_loss,
        losses.relativistic_average_discriminator_loss)


def test_relativistic_average_losses_are_stable_for_large_logits():
    real, fake = tf.constant([300.0, 100.0]), tf.constant([-200.0, -400.0])
    # mean fake -300, mean real 200: the discriminator is right by 400+ everywhere.
    _check_scalar(losses.relativistic_average_discriminator_loss(real, fake), 0.0)
    # The generator pays (r - mean f) + (mean r - f): (600 + 400) / 2 + (400 + 600) / 2.
    _check_scalar(losses.relativistic_average_generator_loss(real, fake), 1000.0)


def test_l1_loss_is_the_mean_absolute_difference():
    target = np.array([[0.0, 1.0], [-1.0, 0.5]], "float32")
    output = np.array([[0.5, 1.0], [1.0, 0.0]], "float32")
    _check_scalar(losses.l1_loss(target, output), (0.5 + 0.0 + 2.0 + 0.5) / 4)


def test_cycle_and_identity_losses_sum_the_two_directions_l1():
    a = np.array([[0.0, 1.0], [-1.0, 0.5]], "float32")
    a_back = np.array([[0.5, 1.0], [1.0, 0.0]], "float32")
    b = np.zeros((2, 2), "float32")
    b_back = np.full((2, 2), -0.25, "float32")
    expected = (0.5 + 0.0 + 2.0 + 0.5) / 4 + 0.25
    _check_scalar(losses.cycle_consistency_loss(a, a_back, b, b_back), expected)
    _check_scalar(losses.identity_loss(a, a_back, b, b_back), expected)
    _check_scalar(losses.cycle_consistency_loss(a, a, b, b), 0.0)
