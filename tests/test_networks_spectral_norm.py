"""Spectral normalization in the DCGAN discriminator."""

import numpy as np
import keras
import pytest
import tensorflow as tf

import kgan
from tests.conftest import real_images


def sn_gan(**compile_kwargs):
    generator, discriminator = kgan.networks.get(
        "dcgan", image_shape=(8, 8, 1), latent_dim=4, filters=2, spectral_norm=True
    )
    gan = kgan.GAN(generator, discriminator, latent_dim=4, seed=3)
    gan.compile(**compile_kwargs)
    return gan


def largest_singular_value(kernel):
    matrix = np.reshape(kernel, (-1, kernel.shape[-1]))
    return np.linalg.svd(matrix, compute_uv=False)[0]


def test_wraps_every_weighted_layer_and_config_round_trips():
    d = kgan.networks.DCGANDiscriminator(image_shape=(8, 8, 1), filters=2, spectral_norm=True)
    wrapped = [layer for layer in d.layers if isinstance(layer, keras.layers.SpectralNormalization)]
    assert [layer.name for layer in wrapped] == ["down0_sn", "base_sn", "logits_sn"]
    config = d.get_config()
    assert config["spectral_norm"] is True
    clone = kgan.networks.DCGANDiscriminator.from_config(config)
    assert clone.spectral_norm is True and len(clone.weights) == len(d.weights)
    plain = kgan.networks.DCGANDiscriminator(image_shape=(8, 8, 1), filters=2)
    assert plain.spectral_norm is False
    assert not any(isinstance(layer, keras.layers.SpectralNormalization) for layer in plain.layers)
    with pytest.raises(ValueError, match="`spectral_norm`"):
        kgan.networks.DCGANDiscriminator(image_shape=(8, 8, 1), spectral_norm="yes")


def test_training_call_bounds_the_largest_singular_value():
    d = kgan.networks.DCGANDiscriminator(image_shape=(8, 8, 1), filters=4, spectral_norm=True)
    conv = d.get_layer("base_sn").layer
    conv.kernel.assign(conv.kernel * 50.0)  # far above 1
    assert largest_singular_value(conv.kernel.numpy()) > 5
    x = real_images(4)
    for _ in range(30):  # power iterations converge on the top singular vector
        d(x, training=True)
    assert largest_singular_value(conv.kernel.numpy()) == pytest.approx(1.0, abs=0.05)


def test_trains_under_xla_and_round_trips_and_exports(tmp_path):
    gan = sn_gan(jit_compile=True)
    history = gan.fit(real_images(16), batch_size=8, epochs=2, verbose=0)
    assert gan.jit_compile is True  # Keras did not fall back to plain TF
    assert np.all(np.isfinite(history.history["d_loss"]))
    for name in ("down0_sn", "base_sn", "logits_sn"):
        kernel = gan.discriminator.get_layer(name).layer.kernel.numpy()
        assert largest_singular_value(kernel) < 1.5

    path = str(tmp_path / "sn.keras")
    gan.save(path)
    loaded = keras.models.load_model(path)
    x = real_images(4, seed=5)
    np.testing.assert_allclose(
        loaded.discriminator(x, training=False), gan.discriminator(x, training=False), atol=1e-6
    )
    for a, b in zip(loaded.discriminator.weights, gan.discriminator.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())  # includes the power-iteration u
    loaded.fit(real_images(16), batch_size=8, epochs=1, verbose=0)  # continues training

    export_dir = kgan.export_generator(gan, str(tmp_path / "export"))
    serve = tf.saved_model.load(export_dir).signatures["serving_default"]
    z = np.random.default_rng(0).normal(size=(2, 4)).astype("float32")
    served = serve(z=tf.constant(z))["images"].numpy().astype("float32")
    expected = (gan.generate(z) + 1.0) * 127.5
    np.testing.assert_allclose(served, expected, atol=1.0)
