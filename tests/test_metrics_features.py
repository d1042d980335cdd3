"""Feature extractors: the domain CNN (fit, save, load, checks) and local InceptionV3."""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from kgan.metrics import FeatureExtractor, extractor_for
from metrics_support import digits_extractor, digits_halves


def test_domain_extractor_is_a_good_digit_classifier():
    extractor = digits_extractor()
    assert extractor.name == "domain" and extractor.image_shape == (8, 8, 1)
    assert extractor.metadata["test_accuracy"] > 0.9
    assert extractor.metadata["test_examples"] == 359  # 20% of 1,797, held out
    images, labels, _, _ = digits_halves()
    features, probabilities = extractor.predict(images[:300], batch_size=64)
    assert features.shape == (300, 32) and probabilities.shape == (300, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, rtol=1e-5)
    assert (probabilities.argmax(axis=1) == labels[:300]).mean() > 0.9
    # Features are the penultimate layer: the logits are a linear map of them.
    logits = extractor.classifier.get_layer("logits")(features.astype("float32")).numpy()
    np.testing.assert_allclose(tf.nn.softmax(logits).numpy(), probabilities, atol=1e-5)


def test_save_and_load_round_trip(tmp_path):
    extractor = digits_extractor()
    path = extractor.save(tmp_path / "sub" / "digits.keras")
    metadata = json.loads((tmp_path / "sub" / "digits.json").read_text())
    assert metadata["test_accuracy"] == extractor.metadata["test_accuracy"]
    assert metadata["dataset"] == "digits" and metadata["image_shape"] == [8, 8, 1]
    loaded = FeatureExtractor.load(path)
    images = digits_halves()[0][:50]
    for a, b in zip(extractor.predict(images), loaded.predict(images)):
        np.testing.assert_array_equal(a, b)
    assert "test accuracy" in loaded.describe() and "digits" in loaded.describe()
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == ["digits.json",
                                                                    "digits.keras"]


def test_extractor_for_trains_once_then_reuses(tmp_path, monkeypatch):
    monkeypatch.setenv("KGAN_CACHE_DIR", str(tmp_path))
    first, path, trained = extractor_for("digits", (8, 8, 1), epochs=1, filters=2, feature_dim=4)
    assert trained and path.startswith(str(tmp_path)) and path.endswith(".keras")
    stamp = (tmp_path / "extractors").stat().st_mtime_ns, sorted(
        p.name for p in (tmp_path / "extractors").iterdir())
    again, path2, trained2 = extractor_for("digits", (8, 8, 1))
    assert not trained2 and path2 == path
    assert sorted(p.name for p in (tmp_path / "extractors").iterdir()) == stamp[1]
    x = digits_halves()[0][:5]
    np.testing.assert_array_equal(first.predict(x)[0], again.predict(x)[0])
    with pytest.raises(ValueError, match=r"takes images of shape \(8, 8, 1\), not \(16, 16, 1\)"):
        extractor_for("digits", (16, 16, 1), path=path)


@pytest.mark.parametrize("images, message", [
    (np.zeros((2, 16, 16, 1), "float32"), "wrong image size"),
    (np.zeros((2, 8, 8, 3), "float32"), "wrong channel count"),
    (np.zeros((2, 8, 8), "float32"), r"batch \[n, H, W, C\]"),
    (np.full((2, 8, 8, 1), 200.0, "float32"), r"must be in \[-1, 1\].*x / 127.5 - 1"),
    (np.zeros((2, 8, 8, 1), "uint8"), "floating point"),
    (np.full((2, 8, 8, 1), np.nan, "float32"), "NaN"),
])
def test_bad_images_are_rejected(images, message):
    with pytest.raises(ValueError, match=message):
        digits_extractor().predict(images)


def test_fit_needs_labels(tmp_path):
    with pytest.raises(ValueError, match="pair"):
        FeatureExtractor.fit(np.zeros((10, 8, 8, 1)))
    with pytest.raises(ValueError, match="at least 2 classes"):
        FeatureExtractor.fit((np.zeros((10, 8, 8, 1), "float32"), np.zeros(10)))
    with pytest.raises(ValueError, match="does not exist"):
        FeatureExtractor.load(tmp_path / "missing.keras")


@pytest.fixture(scope="module")
def random_inception(tmp_path_factory):
    """A randomly initialised InceptionV3 saved to a weights file (nothing downloaded)."""
    model = keras.applications.InceptionV3(weights=None, include_top=True)
    path = tmp_path_factory.mktemp("inception") / "inception_random.weights.h5"
    model.save_weights(path)
    return model, path


@pytest.mark.large  # builds InceptionV3 twice: ~5 s alone, 35 s on a busy 2-core CPU
def test_inception_from_local_weights(random_inception):
    model, path = random_inception
    extractor = FeatureExtractor.inception(path)
    assert extractor.name == "inception" and extractor.has_probabilities
    images = np.random.default_rng(0).uniform(-1, 1, (2, 8, 8, 1)).astype("float32")
    features, probabilities = extractor.predict(images)
    assert features.shape == (2, 2048) and probabilities.shape == (2, 1000)
    # The weights came from the file: same outputs as the saved model.
    x = tf.image.resize(tf.repeat(images, 3, axis=-1), (299, 299))
    pooled = keras.Model(model.inputs, model.get_layer("avg_pool").output)(x).numpy()
    np.testing.assert_allclose(features, pooled, rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="channels"):
        extractor.predict(np.zeros((1, 8, 8, 2), "float32"))


def test_non_inception_weights_file_is_a_clear_error(tmp_path):
    small = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    path = tmp_path / "small.weights.h5"
    small.save_weights(path)
    with pytest.raises(ValueError, match="is not an InceptionV3 weights file"):
        FeatureExtractor.inception(path)
    with pytest.raises(ValueError, match="never downloads"):
        FeatureExtractor.inception(tmp_path / "missing.h5")
    (tmp_path / "text.h5").write_text("not hdf5")
    with pytest.raises(ValueError, match="not an HDF5 file"):
        FeatureExtractor.inception(tmp_path / "text.h5")


@pytest.mark.large
def test_inception_shaped_but_wrong_weights_file_is_a_clear_error(tmp_path):
    # Passes the cheap check (94 convolutions) but the rest does not fit InceptionV3.
    model = keras.applications.InceptionV3(weights=None, include_top=False)
    path = tmp_path / "cut.weights.h5"
    model.save_weights(path)
    import h5py

    with h5py.File(path, "a") as f:
        del f["layers/batch_normalization_93"]
    with pytest.raises(ValueError, match="Keras could not load it"):
        FeatureExtractor.inception(path)
