import json
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

import kgan
from conftest import real_images, tiny_gan


def weights_of(model):
    return [v.numpy().copy() for v in model.weights]


def assert_same_weights(a, b, atol=0.0):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, atol=atol, rtol=0)


# ------------------------------------------------------------------ training


def test_fit_reports_gan_metrics(seeded):
    gan = tiny_gan()
    history = gan.fit(real_images(16), batch_size=4, epochs=2, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss", "d_real", "d_fake"}
    for values in history.history.values():
        assert len(values) == 2 and np.all(np.isfinite(values))
    # 16 images, batch 4: 4 generator and 4 discriminator updates per epoch.
    assert int(gan.g_optimizer.iterations) == 8
    assert int(gan.d_optimizer.iterations) == 8


def test_validation_data_and_evaluate_report_the_same_metrics(seeded):
    gan = tiny_gan()
    history = gan.fit(real_images(8), batch_size=4, epochs=1, verbose=0,
                      validation_data=(real_images(8, seed=1),))
    assert {"val_d_loss", "val_g_loss", "val_d_real", "val_d_fake"} <= set(history.history)
    iterations = int(gan.g_optimizer.iterations)
    results = gan.evaluate(real_images(8, seed=2), batch_size=4, verbose=0, return_dict=True)
    assert set(results) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert np.isfinite(results["d_loss"])
    assert int(gan.g_optimizer.iterations) == iterations  # evaluation trains nothing


def test_each_optimizer_updates_only_its_network(seeded):
    gan = tiny_gan()
    g_paths = {v.path for v in gan.generator.trainable_variables}
    d_paths = {v.path for v in gan.discriminator.trainable_variables}
    assert {v.path for v in gan.g_optimizer._trainable_variables} == g_paths
    assert {v.path for v in gan.d_optimizer._trainable_variables} == d_paths
    g_before, d_before = weights_of(gan.generator), weights_of(gan.discriminator)
    gan.fit(real_images(8), batch_size=4, epochs=1, verbose=0)
    changed = lambda before, model: any(  # noqa: E731
        not np.array_equal(b, v.numpy()) for b, v in zip(before, model.weights)
    )
    assert changed(g_before, gan.generator) and changed(d_before, gan.discriminator)


class CountingGenerator(keras.Model):
    """Wraps a generator and counts its forward passes (run eagerly)."""

    def __init__(self, inner, **kwargs):
        super().__init__(**kwargs)
        self.inner = inner
        self.calls = 0

    def call(self, z, training=False):
        self.calls += 1
        return self.inner(z, training=training)


@pytest.mark.parametrize("d_steps", [1, 3])
def test_one_generator_forward_per_generator_step(seeded, d_steps):
    base = tiny_gan(compile=False)
    counting = CountingGenerator(base.generator)
    gan = kgan.GAN(counting, base.discriminator, latent_dim=4, d_steps=d_steps)
    gan.compile(run_eagerly=True)
    counting.calls = 0
    gan.fit(real_images(8), batch_size=4, epochs=1, verbose=0)
    steps = 2
    # One shared forward for both tapes, plus one per extra critic update.
    assert counting.calls == steps * d_steps
    assert int(gan.d_optimizer.iterations) == steps * d_steps
    assert int(gan.g_optimizer.iterations) == steps


def test_gradient_penalty_and_r1_are_reported_and_finite(seeded):
    gan = tiny_gan(gp_weight=10.0, r1_weight=1.0, d_steps=2)
    gan.compile(loss="wasserstein")
    history = gan.fit(real_images(8), batch_size=4, epochs=1, verbose=0)
    assert history.history["penalty"][0] > 0
    assert all(np.all(np.isfinite(v.numpy())) for v in gan.weights)


@pytest.mark.parametrize("loss", kgan.losses.names())
def test_every_named_loss_trains(seeded, loss):
    gan = tiny_gan(compile_kwargs={"loss": loss})
    history = gan.fit(real_images(8), batch_size=4, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][0])


def test_loss_as_pair_of_callables(seeded):
    calls = []

    def g_loss(fake_logits):
        calls.append("g")
        return keras.ops.mean(keras.ops.softplus(-fake_logits))

    def d_loss(real_logits, fake_logits):
        calls.append("d")
        return keras.ops.mean(keras.ops.softplus(-real_logits) + keras.ops.softplus(fake_logits))

    gan = tiny_gan(compile_kwargs={"loss": (g_loss, d_loss)})
    gan.fit(real_images(8), batch_size=4, epochs=1, verbose=0)
    assert "g" in calls and "d" in calls


def test_learns_a_one_dimensional_gaussian(seeded):
    """Any pair of Keras models: a GAN on scalars learns the data's mean and spread."""
    generator = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)]
    )
    discriminator = keras.Sequential(
        [keras.Input((1,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)]
    )
    gan = kgan.GAN(generator, discriminator)
    assert gan.latent_dim == 2  # inferred from the generator's input
    gan.compile(
        g_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(2e-3, beta_1=0.5),
    )
    real = np.random.default_rng(0).normal(0.5, 0.1, (2048, 1)).astype("float32")
    before = gan.generate(2000, seed=1)
    gan.fit(real, batch_size=64, epochs=20, verbose=0)
    after = gan.generate(2000, seed=1)
    # GAN training oscillates around the optimum: allow a band.
    assert abs(after.mean() - 0.5) < min(0.15, abs(before.mean() - 0.5))
    assert 0.02 < after.std() < 0.3


# ------------------------------------------------------- XLA and seeding


class FixedNoiseGAN(kgan.GAN):
    """Same noise under XLA and not (their random-number algorithms differ)."""

    def sample_noise(self, batch_size):
        steps = keras.ops.linspace(-2.0, 2.0, batch_size * self.latent_dim, dtype="float32")
        return keras.ops.reshape(steps, (batch_size, self.latent_dim))


def train_one_epoch(jit_compile, seed=7, gan_class=kgan.GAN, **gan_kwargs):
    keras.utils.set_random_seed(seed)
    gan = tiny_gan(compile=False)
    gan = gan_class(gan.generator, gan.discriminator, latent_dim=gan.latent_dim, **gan_kwargs)
    gan.compile(jit_compile=jit_compile)
    history = gan.fit(real_images(8), batch_size=4, epochs=1, verbose=0, shuffle=False)
    return gan, history


def test_xla_and_plain_steps_agree():
    xla, xla_history = train_one_epoch(jit_compile=True, gan_class=FixedNoiseGAN)
    plain, plain_history = train_one_epoch(jit_compile=False, gan_class=FixedNoiseGAN)
    assert xla.jit_compile is True and plain.jit_compile is False
    assert_same_weights(weights_of(xla), weights_of(plain), atol=2e-5)
    np.testing.assert_allclose(xla_history.history["d_loss"], plain_history.history["d_loss"],
                               rtol=1e-4)


def test_xla_and_plain_steps_agree_with_kgan_trains_recipe():
    # `kgan train`'s dcgan defaults add the R1 penalty (a second backward pass) and EMA.
    recipe = {"r1_weight": 1.0, "ema_decay": 0.9}
    xla, xla_history = train_one_epoch(jit_compile=True, gan_class=FixedNoiseGAN, **recipe)
    plain, plain_history = train_one_epoch(jit_compile=False, gan_class=FixedNoiseGAN, **recipe)
    assert xla.jit_compile is True
    assert xla_history.history["penalty"][0] > 0
    np.testing.assert_allclose(xla_history.history["penalty"], plain_history.history["penalty"],
                               rtol=1e-4)
    assert_same_weights(weights_of(xla), weights_of(plain), atol=2e-5)
    assert_same_weights(xla.ema_generator.get_weights(), plain.ema_generator.get_weights(),
                        atol=2e-5)


def upsampling_gan(jit_compile):
    """A GAN whose generator resizes bicubically: XLA has no kernel for it on CPU."""
    generator = keras.Sequential([
        keras.Input((4,)),
        keras.layers.Dense(4 * 4 * 2),
        keras.layers.Reshape((4, 4, 2)),
        keras.layers.UpSampling2D(interpolation="bicubic"),
        keras.layers.Conv2D(1, 3, padding="same", activation="tanh"),
    ])
    _, discriminator = kgan.networks.get("dcgan", image_shape=(8, 8, 1), filters=2)
    gan = kgan.GAN(generator, discriminator, latent_dim=4, seed=0)
    gan.compile(jit_compile=jit_compile)
    return gan


def test_xla_falls_back_when_an_op_has_no_xla_kernel():
    gan = upsampling_gan(jit_compile=True)
    assert gan.jit_compile is True
    before = weights_of(gan)
    with pytest.warns(RuntimeWarning, match="no XLA kernel for ResizeBicubic.*jit_compile=False"):
        history = gan.fit(real_images(16), batch_size=4, epochs=2, verbose=0)
    assert gan.jit_compile is False
    losses = history.history["d_loss"]
    assert len(losses) == 2 and np.all(np.isfinite(losses))
    changed = [not np.array_equal(a, b) for a, b in zip(before, weights_of(gan))]
    assert all(changed)  # every weight trained after the fall-back


def test_xla_stays_on_when_the_step_compiles():
    gan = tiny_gan(compile_kwargs={"jit_compile": True})
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        gan.fit(real_images(8), batch_size=4, epochs=1, verbose=0)
    assert gan.jit_compile is True


def test_set_random_seed_makes_training_repeatable():
    first, _ = train_one_epoch(jit_compile=False, seed=3)
    second, _ = train_one_epoch(jit_compile=False, seed=3)
    other, _ = train_one_epoch(jit_compile=False, seed=4)
    assert_same_weights(weights_of(first), weights_of(second))
    assert not np.array_equal(first.generate(4, seed=0), other.generate(4, seed=0))


# ------------------------------------------------------------------ generate


def test_generate_by_count_and_by_noise(seeded):
    gan = tiny_gan()
    images = gan.generate(5, seed=0)
    assert images.shape == (5, 8, 8, 1) and images.dtype == np.float32
    assert images.min() >= -1 and images.max() <= 1
    np.testing.assert_array_equal(images, gan.generate(5, seed=0))
    assert not np.array_equal(images, gan.generate(5, seed=1))
    z = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    np.testing.assert_allclose(gan.generate(z, batch_size=2), keras.ops.convert_to_numpy(gan(z)),
                               atol=1e-6)
    with pytest.raises(ValueError, match=r"`z` must have shape \(n, 4\)"):
        gan.generate(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="`n`"):
        gan.generate(0)


# ------------------------------------------------------------- serialization


def test_config_round_trips_through_json():
    gan = tiny_gan(d_steps=2, gp_weight=5.0, seed=11)
    config = json.loads(json.dumps(gan.get_config()))
    clone = kgan.GAN.from_config(config)
    assert clone.get_config() == gan.get_config()
    for name in ("latent_dim", "d_steps", "gp_weight", "r1_weight", "seed"):
        assert getattr(clone, name) == getattr(gan, name)
    assert clone.generator.get_config() == gan.generator.get_config()


def test_save_load_keeps_generator_and_optimizers_and_continues_training(tmp_path):
    keras.utils.set_random_seed(5)
    gan = tiny_gan(seed=3, compile_kwargs={
        "g_optimizer": keras.optimizers.Adam(1e-3, beta_1=0.3),
        "d_optimizer": keras.optimizers.RMSprop(5e-4),
        "loss": "hinge",
    })
    data = real_images(8)
    gan.fit(data, batch_size=4, epochs=1, verbose=0, shuffle=False)
    path = tmp_path / "gan.keras"
    gan.save(path)

    loaded = keras.models.load_model(path, safe_mode=True)
    assert isinstance(loaded, kgan.GAN)
    z = np.random.default_rng(0).normal(size=(6, 4)).astype("float32")
    np.testing.assert_array_equal(loaded.generate(z), gan.generate(z))
    assert loaded.adversarial_loss == "hinge"
    assert isinstance(loaded.d_optimizer, keras.optimizers.RMSprop)
    assert float(loaded.g_optimizer.learning_rate) == pytest.approx(1e-3)
    assert float(loaded.g_optimizer.beta_1) == pytest.approx(0.3)
    for mine, theirs in ((gan.g_optimizer, loaded.g_optimizer),
                         (gan.d_optimizer, loaded.d_optimizer)):
        assert int(theirs.iterations) == int(mine.iterations) == 2
        assert_same_weights([v.numpy() for v in mine.variables],
                            [v.numpy() for v in theirs.variables])

    # Both continue identically: same weights, slots and noise stream.
    gan.fit(data, batch_size=4, epochs=1, verbose=0, shuffle=False)
    loaded.fit(data, batch_size=4, epochs=1, verbose=0, shuffle=False)
    assert int(loaded.g_optimizer.iterations) == 4
    assert_same_weights(weights_of(loaded), weights_of(gan), atol=1e-6)


def test_pair_of_kgan_loss_functions_survives_saving(tmp_path):
    loss = (kgan.losses.least_squares_generator_loss, kgan.losses.least_squares_discriminator_loss)
    gan = tiny_gan(compile_kwargs={"loss": loss})
    gan.save(tmp_path / "gan.keras")
    loaded = keras.models.load_model(tmp_path / "gan.keras")
    assert loaded.generator_loss_fn is kgan.losses.least_squares_generator_loss
    assert loaded.discriminator_loss_fn is kgan.losses.least_squares_discriminator_loss


def test_saving_keeps_how_the_step_was_compiled(tmp_path):
    gan = tiny_gan(compile_kwargs={"steps_per_execution": 3, "jit_compile": False,
                                   "run_eagerly": True})
    config = json.loads(json.dumps(gan.get_compile_config()))
    assert (config["steps_per_execution"], config["jit_compile"], config["run_eagerly"]) == \
        (3, False, True)
    gan.save(tmp_path / "gan.keras")
    loaded = keras.models.load_model(tmp_path / "gan.keras")
    assert loaded.steps_per_execution == 3
    assert loaded.jit_compile is False and loaded.run_eagerly is True
    # A file written before these were recorded compiles with Keras' defaults.
    for key in ("steps_per_execution", "jit_compile", "run_eagerly"):
        del config[key]
    older = tiny_gan(compile=False)
    older.compile_from_config(config)
    assert older.steps_per_execution == 1 and older.run_eagerly is False


def test_endless_data_warns_when_epochs_round_up_to_whole_calls():
    data = tf.data.Dataset.from_tensor_slices(real_images(8)).batch(4)
    gan = tiny_gan(compile_kwargs={"steps_per_execution": 3})
    with pytest.warns(UserWarning, match="`steps_per_epoch`=4 .* each epoch trains 6 steps"):
        gan.fit(data.repeat(), steps_per_epoch=4, epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == 6   # what the warning says Keras does
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*steps_per_execution")
        # A multiple of 3, or finite data (the epoch ends with the data): no warning.
        gan.fit(data.repeat(), steps_per_epoch=6, epochs=1, verbose=0)
        gan.fit(data, epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == 6 + 6 + 2


# ------------------------------------------------------------------ bad input


def assert_rejected_before_training(gan, x, match, **fit_kwargs):
    with pytest.raises(ValueError, match=match):
        gan.fit(x, verbose=0, **fit_kwargs)
    assert int(gan.g_optimizer.iterations) == 0


@pytest.mark.parametrize("x, match", [
    (real_images(4)[..., 0], r"`x`: expected real samples of shape \(batch, 8, 8, 1\)"),
    (real_images(4, image_size=16), r"got shape \(4, 16, 16, 1\)"),
    (real_images(4, channels=3), r"got shape \(4, 8, 8, 3\)"),
    (np.zeros((4, 8, 8, 1), "uint8"), "floating-point"),
    (real_images(4) * 127.5 + 127.5, r"in \[-1, 1\]"),
    (np.where(np.eye(8)[None, :, :, None] > 0, np.nan, real_images(4)).astype("float32"), "NaN"),
    (np.zeros((0, 8, 8, 1), "float32"), "empty"),
])
def test_bad_arrays_are_rejected(x, match):
    assert_rejected_before_training(tiny_gan(), x, match, batch_size=4)


def test_bad_datasets_are_rejected():
    gan = tiny_gan()
    empty = tf.data.Dataset.from_tensor_slices(real_images(4)).batch(2).take(0)
    assert_rejected_before_training(gan, empty, "`x`: the dataset is empty")
    scaled = tf.data.Dataset.from_tensor_slices(real_images(4) * 255).batch(2)
    assert_rejected_before_training(gan, scaled, r"in \[-1, 1\]")
    labelled = tf.data.Dataset.from_tensor_slices(
        (real_images(4, image_size=16), np.arange(4))).batch(2)
    assert_rejected_before_training(gan, labelled, r"shape \(batch, 8, 8, 1\)")


def test_dataset_with_labels_trains_on_images(seeded):
    gan = tiny_gan()
    data = tf.data.Dataset.from_tensor_slices((real_images(8), np.arange(8))).batch(4)
    gan.fit(data, epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == 2


def test_bad_constructor_and_compile_arguments():
    generator, discriminator = kgan.networks.get("dcgan", image_shape=(8, 8, 1), latent_dim=4,
                                                 filters=2)
    with pytest.raises(ValueError, match="`latent_dim`=5 does not match the generator"):
        kgan.GAN(generator, discriminator, latent_dim=5)
    with pytest.raises(ValueError, match="`d_steps`"):
        kgan.GAN(generator, discriminator, d_steps=0)
    with pytest.raises(ValueError, match="`seed`"):
        kgan.GAN(generator, discriminator, seed="1")
    with pytest.raises(ValueError, match="`gp_weight`"):
        kgan.GAN(generator, discriminator, gp_weight=-1)
    with pytest.raises(ValueError, match="`generator` must be a Keras model"):
        kgan.GAN(lambda z: z, discriminator)
    wide = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match=r"`discriminator` must return one logit"):
        kgan.GAN(generator, wide)
    gan = kgan.GAN(generator, discriminator)
    with pytest.raises(ValueError, match="Call `GAN.compile"):
        gan.fit(real_images(4), verbose=0)
    with pytest.raises(ValueError, match="`loss`"):
        gan.compile(loss="nope")
    adam = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="two optimizer instances"):
        gan.compile(g_optimizer=adam, d_optimizer=adam)
    with pytest.raises(ValueError, match="`g_optimizer`"):
        gan.compile(g_optimizer="not-an-optimizer")


def test_lazy_r1_is_k_times_the_penalty_every_k_th_discriminator_step():
    gan = tiny_gan(r1_weight=2.0, r1_every=4)
    real = keras.ops.convert_to_tensor(real_images(8))
    z = gan.sample_noise(8)
    step = gan.score(real, gan.call_generator(z, None), z, None)

    def critic(samples, training=True):
        return gan.adversarial_logits(gan.call_discriminator(samples, None, training=training))

    every_step = 0.5 * 2.0 * float(kgan.losses.r1_penalty(critic, real))
    assert every_step > 0
    for iteration, expected in ((0, 4 * every_step), (1, 0.0), (3, 0.0), (4, 4 * every_step)):
        gan.d_optimizer.iterations.assign(iteration)
        _, penalty = gan.discriminator_loss(step)
        assert float(penalty) == pytest.approx(expected, rel=1e-5), iteration
    assert kgan.GAN.from_config(gan.get_config()).r1_every == 4


def test_lazy_r1_trains_under_xla():
    gan = tiny_gan(r1_weight=1.0, r1_every=2, compile_kwargs={"jit_compile": True})
    history = gan.fit(real_images(16), batch_size=4, epochs=1, verbose=0)
    assert gan.jit_compile is True and np.isfinite(history.history["penalty"][0])
    with pytest.raises(ValueError, match="`r1_every`"):
        tiny_gan(r1_every=0)
