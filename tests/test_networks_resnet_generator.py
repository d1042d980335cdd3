"""CycleGAN's networks (kgan/networks/resnet_generator.py): sizes, per-image normalization,
reflection padding, configs."""

import json

import keras
import numpy as np
import pytest

import kgan
from kgan.networks import (
    CropToMatch, PadToMultiple, PatchDiscriminator, ReflectionPadding2D, ResnetGenerator,
)


def images(shape, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype("float32")


@pytest.mark.parametrize("channels", [1, 3])
def test_generator_keeps_any_size_of_at_least_its_minimum(channels):
    generator, discriminator = kgan.networks.get(
        "resnet_generator", image_shape=(16, 16, channels), filters=4, blocks=1)
    assert generator.min_side == 5
    # The training size, odd sizes (reflected out to a multiple of 4 and cropped back), the
    # smallest, and one that is not square.
    for height, width in [(16, 16), (17, 17), (5, 5), (9, 30)]:
        out = np.asarray(generator(images((2, height, width, channels))))
        assert out.shape == (2, height, width, channels)
        assert np.all(np.abs(out) <= 1.0)  # tanh
    with pytest.raises(Exception, match="paddings must be less than the dimension size"):
        generator(images((1, 4, 8, channels)))
    # The PatchGAN gives a grid of logits, fewer strided stages for small images.
    assert discriminator.stages == 2 and discriminator.name == "discriminator"
    assert tuple(discriminator(images((2, 16, 16, channels))).shape) == (2, 2, 2, 1)


def test_builder_sizes_and_names():
    generator, discriminator = kgan.networks.get(
        "resnet_generator", image_shape=(256, 256, 3), filters=2, blocks=0, prefix="inverse_")
    assert (generator.name, discriminator.name) == ("inverse_generator", "inverse_discriminator")
    assert discriminator.stages == 3  # the 70 x 70 PatchGAN
    assert tuple(discriminator(images((1, 256, 256, 3))).shape) == (1, 30, 30, 1)
    generator, _ = kgan.networks.get("resnet_generator", image_shape=(16, 16, 1), filters=2,
                                     blocks=0, downsamplings=3)
    assert generator.min_side == 9
    assert generator(images((1, 9, 11, 1))).shape == (1, 9, 11, 1)
    with pytest.raises(ValueError, match="`image_size` 4 is too small"):
        kgan.networks.get("resnet_generator", image_shape=(4, 4, 1))
    with pytest.raises(ValueError, match="`channels` must be 1 or 3"):
        ResnetGenerator(channels=2)


@pytest.mark.parametrize("training", [True, False])
def test_instance_norm_treats_each_image_alone(training):
    # With batch norm the first image's output would depend on the second (in training) or
    # on moving averages (at inference); here it is the same in any company, in both modes.
    generator = ResnetGenerator(channels=1, filters=4, blocks=1)
    discriminator = PatchDiscriminator(channels=1, filters=4, stages=2)
    x = images((1, 16, 16, 1))
    for network in (generator, discriminator):
        alone = np.asarray(network(x, training=training))
        for other in (images((1, 16, 16, 1), seed=1), np.full((1, 16, 16, 1), 5.0, "float32")):
            together = np.asarray(network(np.concatenate([x, other]), training=training))
            np.testing.assert_allclose(together[:1], alone, atol=1e-5)
    # No moving statistics: inference is training's computation.
    np.testing.assert_allclose(np.asarray(generator(x, training=True)),
                               np.asarray(generator(x, training=False)), atol=1e-6)
    assert not generator.non_trainable_weights


def test_padding_layers_reflect_and_crop_back():
    x = np.arange(2 * 5 * 3, dtype="float32").reshape(1, 5, 3, 2)
    np.testing.assert_array_equal(
        np.asarray(ReflectionPadding2D(2)(x)),
        np.pad(x, [(0, 0), (2, 2), (2, 2), (0, 0)], mode="reflect"))
    padded = np.asarray(PadToMultiple(4)(x))
    np.testing.assert_array_equal(padded, np.pad(x, [(0, 0), (0, 3), (0, 1), (0, 0)],
                                                 mode="reflect"))
    np.testing.assert_array_equal(np.asarray(CropToMatch()([padded, x])), x)


@pytest.mark.parametrize("cls, kwargs", [
    (ResnetGenerator, dict(channels=3, filters=4, blocks=2, downsamplings=1)),
    (PatchDiscriminator, dict(channels=1, filters=4, stages=1)),
    (ReflectionPadding2D, dict(padding=3)),
    (PadToMultiple, dict(multiple=8)),
])
def test_config_round_trips_through_json(cls, kwargs):
    layer = cls(**kwargs)
    config = json.loads(json.dumps(layer.get_config()))
    for key, value in kwargs.items():
        assert config[key] == value
    again = cls.from_config(config)
    assert json.dumps(again.get_config(), sort_keys=True) == json.dumps(config, sort_keys=True)


def test_keras_file_restores_the_generator(tmp_path):
    generator = ResnetGenerator(channels=1, filters=4, blocks=1)
    x = images((2, 7, 10, 1))
    expected = np.asarray(generator(x))
    generator.save(tmp_path / "g.keras")
    loaded = keras.models.load_model(tmp_path / "g.keras")
    assert isinstance(loaded, ResnetGenerator) and loaded.min_side == 5
    np.testing.assert_allclose(np.asarray(loaded(x)), expected, atol=1e-6)
