"""DiffAugment: `kgan.augment` and `kgan.GAN(augment=...)`."""

import numpy as np
import keras
import pytest
import tensorflow as tf

import kgan
from kgan import augment
from tests.conftest import real_images, tiny_gan


def ramp(n=8, side=8):
    """Images whose pixels are all distinct, so a shift is identifiable."""
    values = np.arange(side * side, dtype="float32").reshape(1, side, side, 1) / (side * side)
    return np.repeat(values, n, axis=0) + np.arange(n, dtype="float32")[:, None, None, None]


def test_translation_shifts_by_whole_pixels_per_example():
    x = ramp(16)
    y = augment.translation(tf.constant(x), ratio=0.25, seed=0).numpy()
    assert y.shape == x.shape
    shifts = set()
    for original, shifted in zip(x[..., 0], y[..., 0]):
        found = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)
                 if np.array_equal(shifted, _shift(original, dy, dx))]
        assert found, "each output must be its input shifted by at most 2 pixels, zero-filled"
        shifts.add(found[0])
    assert len(shifts) > 3  # per-example randomness


def _shift(image, dy, dx):
    out = np.zeros_like(image)
    h, w = image.shape
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        image[max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out


def test_cutout_zeroes_one_clipped_square_per_example():
    x = np.ones((32, 8, 8, 1), "float32")
    y = augment.cutout(tf.constant(x), ratio=0.5, seed=1).numpy()[..., 0]
    corners = set()
    for image in y:
        rows, cols = np.nonzero(image == 0)
        assert set(np.unique(image)) <= {0.0, 1.0}
        assert 1 <= len(rows) <= 16
        # The zeros form one axis-aligned rectangle of at most 4x4.
        assert len(rows) == (np.ptp(rows) + 1) * (np.ptp(cols) + 1)
        assert np.ptp(rows) < 4 and np.ptp(cols) < 4
        corners.add((rows.min(), cols.min()))
    assert len(corners) > 5


def test_color_is_per_example_and_matches_the_formulas():
    x = real_images(6, channels=3, seed=2)
    seed = keras.random.SeedGenerator(5)
    y = augment.color(tf.constant(x), seed=seed).numpy()
    assert y.shape == x.shape and not np.allclose(y, x)
    # Saturation does nothing to one-channel images; brightness and contrast
    # keep each image an affine map of its input: y = a * x + b per image.
    gray = real_images(6, seed=3)
    out = augment.color(tf.constant(gray), seed=4).numpy()
    slopes = []
    for image, result in zip(gray.reshape(6, -1), out.reshape(6, -1)):
        slope, intercept = np.polyfit(image, result, 1)
        np.testing.assert_allclose(result, slope * image + intercept, atol=1e-5)
        assert 0.5 <= slope < 1.5
        slopes.append(slope)
    assert len(set(np.round(slopes, 4))) == 6


def test_differentiable_and_gradient_reaches_the_input():
    x = tf.Variable(real_images(4, channels=3))
    with tf.GradientTape() as tape:
        y = augment.diff_augment(x, seed=0)
        loss = tf.reduce_sum(y * y)
    grad = tape.gradient(loss, x)
    assert grad is not None and grad.shape == x.shape
    assert np.all(np.isfinite(grad.numpy())) and np.abs(grad.numpy()).sum() > 0


def test_same_seed_same_draw_and_under_xla():
    x = tf.constant(real_images(4))
    a = augment.diff_augment(x, seed=keras.random.SeedGenerator(9)).numpy()
    b = augment.diff_augment(x, seed=keras.random.SeedGenerator(9)).numpy()
    np.testing.assert_array_equal(a, b)
    # XLA draws other random numbers from the same seed, so check what it
    # computes: whole-pixel shifts, and a gradient for the whole policy.
    seed = keras.random.SeedGenerator(9)
    shift = tf.function(lambda t: augment.translation(t, 0.25, seed=seed), jit_compile=True)
    x = ramp(8)
    for original, shifted in zip(x[..., 0], shift(tf.constant(x)).numpy()[..., 0]):
        assert any(np.array_equal(shifted, _shift(original, dy, dx))
                   for dy in range(-2, 3) for dx in range(-2, 3))

    @tf.function(jit_compile=True)
    def grad(t):
        with tf.GradientTape() as tape:
            tape.watch(t)
            loss = tf.reduce_sum(augment.diff_augment(t, seed=seed) ** 2)
        return tape.gradient(loss, t)

    g = grad(tf.constant(real_images(4, channels=3))).numpy()
    assert np.all(np.isfinite(g)) and np.abs(g).sum() > 0


def test_policy_validation():
    assert augment.check_policy(None) is None and augment.check_policy("") is None
    assert augment.check_policy("translation, cutout") == "translation,cutout"
    with pytest.raises(ValueError, match="unknown augmentation 'flip'"):
        augment.check_policy("color,flip")
    with pytest.raises(ValueError, match="`augment`"):
        tiny_gan(augment=3)
    np.testing.assert_array_equal(augment.diff_augment(real_images(2), None), real_images(2))


def test_gan_trains_with_augment_under_xla_and_round_trips(tmp_path):
    gan = tiny_gan(augment="color,translation,cutout", seed=1,
                   compile_kwargs={"jit_compile": True})
    history = gan.fit(real_images(16), batch_size=8, epochs=2, verbose=0)
    assert gan.jit_compile is True  # Keras did not fall back to plain TF
    assert np.all(np.isfinite(history.history["d_loss"]))
    path = str(tmp_path / "aug.keras")
    gan.save(path)
    loaded = keras.models.load_model(path)
    assert loaded.augment == "color,translation,cutout"
    loaded.fit(real_images(16), batch_size=8, epochs=1, verbose=0)


def test_discriminator_sees_augmented_real_and_fake():
    class Recording(kgan.GAN):
        def call_discriminator(self, samples, condition, training=False):
            if training:
                self.seen.append(samples)
            return super().call_discriminator(samples, condition, training)

    generator, discriminator = kgan.networks.get("dcgan", image_shape=(8, 8, 1), latent_dim=4,
                                                 filters=2)
    gan = Recording(generator, discriminator, augment="cutout", seed=0)
    gan.seen = []
    gan.compile(run_eagerly=True)
    real = np.full((8, 8, 8, 1), 0.5, "float32")
    gan.fit(real, batch_size=8, epochs=1, verbose=0)
    real_seen, fake_seen = gan.seen[0].numpy(), gan.seen[1].numpy()
    assert np.all((real_seen == 0) | (real_seen == 0.5)) and np.any(real_seen == 0)
    assert np.mean(fake_seen == 0) > 0.05  # the fakes got holes too
