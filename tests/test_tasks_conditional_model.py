"""kgan.ConditionalGAN: the GAN step with labels, AC-GAN losses, label checks, saving."""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

import kgan
from kgan.models import StepRecord
from conftest import real_images

METHODS = ("concat", "projection", "acgan")
NUM_CLASSES = 3
LATENT = 4


def tiny_cgan(conditioning="projection", num_classes=NUM_CLASSES, compile=True, **kwargs):
    generator, discriminator = kgan.networks.get(
        "cgan", image_shape=(8, 8, 1), latent_dim=LATENT, num_classes=num_classes,
        conditioning=conditioning, filters=2,
    )
    gan = kgan.ConditionalGAN(generator, discriminator, num_classes=num_classes, **kwargs)
    if compile:
        gan.compile()
    return gan


def labelled(n=16, num_classes=NUM_CLASSES):
    return real_images(n), (np.arange(n) % num_classes).astype("int32")


@pytest.mark.parametrize("conditioning", METHODS)
def test_trains_saves_and_reloads(conditioning, tmp_path, seeded):
    gan = tiny_cgan(conditioning)
    assert gan.auxiliary_classifier == (conditioning == "acgan")
    assert gan.discriminator_takes_labels == (conditioning != "acgan")
    images, labels = labelled()
    history = gan.fit(images, labels, batch_size=8, epochs=2, verbose=0)
    assert int(gan.g_optimizer.iterations) == 4
    assert all(np.isfinite(history.history["d_loss"]))

    # The config is hyper-parameters only and survives JSON.
    config = json.loads(json.dumps(keras.saving.serialize_keras_object(gan)))
    assert config["config"]["num_classes"] == NUM_CLASSES
    path = tmp_path / "cgan.keras"
    gan.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    assert isinstance(loaded, kgan.ConditionalGAN)
    assert loaded.auxiliary_classifier == gan.auxiliary_classifier
    np.testing.assert_allclose(loaded.generate([0, 1, 2, 2], seed=5),
                               gan.generate([0, 1, 2, 2], seed=5), atol=1e-6)
    # Optimizers came back too: training continues from the saved step.
    loaded.fit(tf.data.Dataset.from_tensor_slices((images, labels)).batch(8), verbose=0)
    assert int(loaded.g_optimizer.iterations) == 6


def test_fakes_are_generated_for_the_real_batch_labels(seeded):
    seen = []

    class Recording(kgan.ConditionalGAN):
        def call_generator(self, z, labels, training=False):
            seen.append(labels)
            return super().call_generator(z, labels, training)

    generator, discriminator = kgan.networks.get(
        "cgan", image_shape=(8, 8, 1), latent_dim=LATENT, num_classes=NUM_CLASSES,
        conditioning="concat", filters=2)
    gan = Recording(generator, discriminator, num_classes=NUM_CLASSES)
    gan.compile(run_eagerly=True)
    images, labels = labelled(8)
    gan.fit(images, labels, batch_size=8, epochs=1, verbose=0, shuffle=False)
    np.testing.assert_array_equal(np.asarray(seen[-1]), labels)


def test_acgan_losses_add_the_class_cross_entropy(seeded):
    gan = tiny_cgan("acgan", class_loss_weight=0.5)
    images, labels = labelled(6)
    fake = gan.call_generator(tf.random.normal((6, LATENT)), labels)
    real_output = gan.call_discriminator(images, labels)
    fake_output = gan.call_discriminator(fake, labels)

    def softplus(x):
        return np.log1p(np.exp(x))

    def cross_entropy(logits):
        logits = np.asarray(logits, "float64")
        log_softmax = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        return -log_softmax[np.arange(len(labels)), labels].mean()

    real_logit, real_classes = (np.asarray(t, "float64") for t in real_output)
    fake_logit, fake_classes = (np.asarray(t, "float64") for t in fake_output)
    expected_d = (softplus(-real_logit).mean() + softplus(fake_logit).mean()
                  + 0.5 * (cross_entropy(real_classes) + cross_entropy(fake_classes)))
    expected_g = softplus(-fake_logit).mean() + 0.5 * cross_entropy(fake_classes)
    step = StepRecord(real=images, fake=fake, real_seen=images, fake_seen=fake,
                      generator_inputs=None, condition=labels, real_output=real_output,
                      fake_output=fake_output)
    d_loss, _ = gan.discriminator_loss(step)
    g_loss = gan.generator_loss(step)
    np.testing.assert_allclose(float(d_loss), expected_d, rtol=1e-5)
    np.testing.assert_allclose(float(g_loss), expected_g, rtol=1e-5)


def test_gradient_penalty_sees_the_labels(seeded):
    gan = tiny_cgan("projection", gp_weight=10.0)
    images, labels = labelled(8)
    history = gan.fit(images, labels, batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["penalty"][0]) and history.history["penalty"][0] > 0


def test_generate_labels_noise_and_class_weights(seeded):
    gan = tiny_cgan("concat")
    z = np.random.default_rng(0).normal(size=(4, LATENT)).astype("float32")
    by_label = gan.generate([0, 1, 2, 1], z=z)
    direct = gan.generator([tf.constant(z), tf.one_hot([0, 1, 2, 1], NUM_CLASSES)]).numpy()
    np.testing.assert_allclose(by_label, direct, atol=1e-6)
    one_hot = np.eye(NUM_CLASSES, dtype="float32")[[0, 1, 2, 1]]
    np.testing.assert_allclose(gan.generate(one_hot, z=z), by_label, atol=1e-6)
    # The label changes the image for the same noise.
    assert np.abs(by_label[0] - gan.generate([2, 1, 2, 1], z=z)[0]).max() > 1e-4
    # A number cycles through the classes; a seed repeats the noise.
    np.testing.assert_allclose(gan.generate(5, seed=3), gan.generate([0, 1, 2, 0, 1], seed=3),
                               atol=1e-6)
    for bad, message in (([3], r"\[0, 3\)"), ([-1], r"\[0, 3\)"), ([0.5], "integers"),
                         (np.zeros((2, 4)), "class weights")):
        with pytest.raises(ValueError, match=message):
            gan.generate(bad)
    with pytest.raises(ValueError, match="`z`"):
        gan.generate([0, 1], z=z)


@pytest.fixture(scope="module")
def untrained():
    return tiny_cgan("concat")


def _dataset(images, labels, batch_size=4):
    return tf.data.Dataset.from_tensor_slices((images, labels)).batch(batch_size)


@pytest.mark.parametrize("make_data, message", [
    (lambda x, y: (x, y - 1), "negative label -1"),
    (lambda x, y: (x, y + 1), r"found label 3.*set num_classes"),
    (lambda x, y: (x, y.astype("float32")), "non-integer"),
    (lambda x, y: (x, y[:-2]), "2 labels for .*|14 labels for 16 images"),
    (lambda x, y: (x, None), "needs labels"),
    (lambda x, y: (x, y % 2), r"`num_classes`=3 disagrees with the data.*2 classes"),
    (lambda x, y: _dataset(x, y - 1), "negative label"),
    (lambda x, y: _dataset(x, np.where(np.arange(16) == 15, 7, y)), "found label 7"),
    (lambda x, y: _dataset(x, y.astype("float32")), "non-integer"),
    (lambda x, y: tf.data.Dataset.from_tensor_slices(x).batch(4), "needs labels"),
    (lambda x, y: _dataset(x, y % 2), "disagrees with the data"),
])
def test_bad_labels_fail_before_training(untrained, make_data, message):
    gan = untrained
    images, labels = labelled()
    data = make_data(images, labels)
    before = [w.numpy() for w in gan.generator.weights]
    with pytest.raises(ValueError, match=message):
        if isinstance(data, tf.data.Dataset):
            gan.fit(data, epochs=1, verbose=0)
        else:
            gan.fit(data[0], data[1], batch_size=4, epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == 0
    for old, new in zip(before, gan.generator.weights):
        np.testing.assert_array_equal(old, new.numpy())


def test_networks_that_do_not_fit_the_model():
    generator, discriminator = kgan.networks.get(
        "cgan", image_shape=(8, 8, 1), latent_dim=LATENT, num_classes=3, conditioning="acgan",
        filters=2)
    with pytest.raises(ValueError, match="`generator` must take"):
        kgan.ConditionalGAN(generator, discriminator, num_classes=4)
    plain_g, plain_d = kgan.networks.get("dcgan", image_shape=(8, 8, 1), latent_dim=LATENT,
                                         filters=2)
    with pytest.raises(ValueError, match="not conditional"):
        kgan.ConditionalGAN(generator, plain_d, num_classes=3)
    with pytest.raises(ValueError, match="`generator` must take"):
        kgan.ConditionalGAN(plain_g, discriminator, num_classes=3)
    for bad in (1, 2.5, None, True):
        with pytest.raises(ValueError, match="`num_classes`"):
            kgan.ConditionalGAN(generator, discriminator, num_classes=bad)


def test_string_labels_are_refused(untrained):
    images, _ = labelled(4)
    with pytest.raises(ValueError, match="non-integer"):
        untrained.fit(images, np.array(["a", "b", "c", "d"]), batch_size=4, verbose=0)
