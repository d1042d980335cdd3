import json

import keras
import numpy as np
import pytest
import tensorflow as tf

import kgan
from kgan.networks import BicubicUpsample, PixelShuffle, SRDiscriminator, SRResNetGenerator


def lr_images(shape, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype("float32")


@pytest.mark.parametrize("scale", [2, 3, 4])
def test_generator_upscales_any_size_by_its_scale(scale):
    generator, discriminator = kgan.networks.get(
        "srresnet", image_shape=(12 * scale, 12 * scale, 3), scale=scale, filters=4, blocks=1)
    for height, width in [(12, 12), (5, 9), (1, 17)]:
        sr = generator(lr_images((2, height, width, 3)))
        assert tuple(sr.shape) == (2, height * scale, width * scale, 3)
    assert tuple(discriminator(lr_images((2, 12 * scale, 12 * scale, 3))).shape) == (2, 1)
    assert tuple(discriminator(lr_images((2, 40, 56, 3))).shape) == (2, 1)


def test_pixel_shuffle_moves_channels_into_blocks():
    x = np.arange(2 * 2 * 12, dtype="float32").reshape(1, 2, 2, 12)
    y = np.asarray(PixelShuffle(2)(x))
    assert y.shape == (1, 4, 4, 3)
    # Channel (i * 2 + j) * 3 + k of LR pixel (0, 1) is pixel (i, 2 + j) of channel k.
    for i in range(2):
        for j in range(2):
            for k in range(3):
                assert y[0, i, 2 + j, k] == x[0, 0, 1, (i * 2 + j) * 3 + k]


@pytest.mark.parametrize("scale", [2, 3, 4])
def test_bicubic_upsample_is_the_bicubic_resize_inside_the_image(scale):
    x = lr_images((1, 9, 11, 3))
    up = np.asarray(BicubicUpsample(scale, 3)(x))
    reference = tf.image.resize(x, (9 * scale, 11 * scale), method="bicubic").numpy()
    inner = slice(2 * scale, -2 * scale)
    np.testing.assert_allclose(up[:, inner, inner], reference[:, inner, inner], atol=2e-3)
    # A constant image stays constant, edges included.
    flat = np.asarray(BicubicUpsample(scale, 3)(np.full((1, 4, 5, 3), 0.25, "float32")))
    np.testing.assert_allclose(flat, 0.25, atol=1e-6)


def test_an_untrained_generator_with_the_bicubic_residual_is_bicubic():
    generator = SRResNetGenerator(scale=2, channels=1, filters=4, blocks=1)
    plain = SRResNetGenerator(scale=2, channels=1, filters=4, blocks=1, bicubic_residual=False)
    x = lr_images((1, 8, 8, 1))
    bicubic = np.asarray(BicubicUpsample(2, 1)(x))
    np.testing.assert_allclose(np.asarray(generator(x)), bicubic, atol=1e-6)
    assert np.abs(np.asarray(plain(x)) - bicubic).mean() > 0.05


@pytest.mark.parametrize("cls, kwargs", [
    (SRResNetGenerator, dict(scale=3, channels=1, filters=4, blocks=2, residual_scale=0.2,
                             bicubic_residual=False)),
    (SRDiscriminator, dict(channels=3, filters=4, stages=2)),
    (PixelShuffle, dict(scale=3)),
    (BicubicUpsample, dict(scale=4, channels=1)),
])
def test_config_round_trips_through_json(cls, kwargs):
    layer = cls(**kwargs)
    config = json.loads(json.dumps(layer.get_config()))
    for key, value in kwargs.items():
        assert config[key] == value
    again = cls.from_config(config)
    assert json.dumps(again.get_config(), sort_keys=True) == json.dumps(config, sort_keys=True)


def test_keras_file_restores_the_generator_with_its_pixel_shuffle(tmp_path):
    generator = SRResNetGenerator(scale=4, channels=3, filters=4, blocks=1)
    x = lr_images((2, 6, 7, 3))
    expected = np.asarray(generator(x))
    generator.save(tmp_path / "g.keras")
    loaded = keras.models.load_model(tmp_path / "g.keras")
    assert isinstance(loaded, SRResNetGenerator)
    assert any(isinstance(layer, PixelShuffle) for layer in loaded.layers)
    np.testing.assert_allclose(np.asarray(loaded(x)), expected, atol=1e-6)


@pytest.mark.parametrize("kwargs, match", [
    (dict(scale=5), "`scale` must be 2, 3 or 4"),
    (dict(scale=True), "`scale` must be 2, 3 or 4"),
    (dict(channels=2), "`channels` must be 1 or 3"),
    (dict(filters=0), "`filters`"),
])
def test_bad_hyper_parameters_are_rejected(kwargs, match):
    with pytest.raises(ValueError, match=match):
        SRResNetGenerator(**kwargs)
