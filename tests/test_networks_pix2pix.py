"""The pix2pix networks: shapes at several sizes and channels, any multiple of 2**depth,
deterministic inference, the PatchGAN's receptive field, config round trips, bad sizes."""

import json

import keras
import numpy as np
import pytest

import kgan
from kgan.networks import PatchGANDiscriminator, UNetGenerator
from kgan.networks.pix2pix import patch_layers, receptive_field, unet_depth


def images(shape, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype("float32")


@pytest.mark.parametrize("side, channels, input_channels", [(16, 1, 1), (32, 3, 3), (64, 1, 2),
                                                             (48, 3, 1)])
def test_the_pair_maps_images_to_images_and_pairs_to_patch_logits(side, channels,
                                                                  input_channels):
    generator, discriminator = kgan.networks.get(
        "pix2pix", image_shape=(side, side, channels), input_channels=input_channels, filters=4)
    assert generator.depth == unet_depth(side) and discriminator.strided == patch_layers(side)
    out = np.asarray(generator(images((2, side, side, input_channels))))
    assert out.shape == (2, side, side, channels)
    assert np.abs(out).max() <= 1.0  # tanh
    logits = discriminator(images((2, side, side, input_channels + channels)))
    patches = side // 2 ** discriminator.strided
    assert tuple(logits.shape) == (2, patches, patches, 1)


def test_depth_and_patch_layers_follow_the_image_size():
    assert [unet_depth(s) for s in (16, 32, 48, 64, 256)] == [4, 5, 4, 6, 8]
    assert [patch_layers(s) for s in (16, 32, 64, 128, 256)] == [1, 1, 1, 2, 3]
    # pix2pix's 70 x 70 PatchGAN at 256 px; about a quarter of the side from 64 px up.
    assert [receptive_field(n) for n in (1, 2, 3)] == [16, 34, 70]


@pytest.mark.parametrize("strided", [1, 2, 3])
def test_the_receptive_field_is_that_of_the_convolutions(strided):
    # Walked back from one logit through the discriminator's convolutions (instance norm
    # aside, whose statistics are the whole image's).
    discriminator = PatchGANDiscriminator(1, 1, filters=4, strided=strided)
    convolutions = [layer for layer in discriminator.layers
                    if isinstance(layer, keras.layers.Conv2D)]
    assert len(convolutions) == strided + 2
    field = 1
    for layer in reversed(convolutions):
        field = (field - 1) * layer.strides[0] + layer.kernel_size[0]
    assert field == discriminator.receptive_field == receptive_field(strided)


def test_the_generator_takes_any_multiple_of_its_depth():
    generator = UNetGenerator(input_channels=1, channels=3, filters=4, depth=3)
    assert generator.multiple == 8
    for height, width in [(8, 8), (16, 40), (24, 8)]:
        assert tuple(generator(images((1, height, width, 1))).shape) == (1, height, width, 3)


def test_inference_is_deterministic_and_dropout_is_training_only():
    generator = UNetGenerator(input_channels=1, channels=1, filters=4, depth=4, dropout=0.5)
    x = images((2, 16, 16, 1))
    first, second = generator(x, training=False), generator(x, training=False)
    np.testing.assert_array_equal(np.asarray(first), np.asarray(second))
    noisy = [np.asarray(generator(x, training=True)) for _ in range(2)]
    assert np.abs(noisy[0] - noisy[1]).max() > 1e-4
    # Instance norm: an image's output does not depend on the rest of the batch.
    alone = np.asarray(generator(x[:1], training=False))
    np.testing.assert_allclose(alone[0], np.asarray(first)[0], atol=1e-5)


@pytest.mark.parametrize("network", [
    UNetGenerator(input_channels=2, channels=1, filters=4, depth=3, dropout=0.25,
                  dropout_layers=1),
    PatchGANDiscriminator(input_channels=2, channels=1, filters=4, strided=2)])
def test_config_round_trips_and_rebuilds_the_same_network(network):
    config = network.get_config()
    again = type(network).from_config(json.loads(json.dumps(config)))
    assert again.get_config() == config
    assert [w.shape for w in again.weights] == [w.shape for w in network.weights]
    again.set_weights(network.get_weights())
    x = images((1, 16, 16, network.inputs[0].shape[-1]))
    np.testing.assert_allclose(np.asarray(again(x)), np.asarray(network(x)), atol=1e-6)


def test_mixed_precision_keeps_float32_outputs():
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        generator, discriminator = kgan.networks.get("pix2pix", image_shape=(16, 16, 1),
                                                     filters=4)
    finally:
        keras.config.set_dtype_policy(previous)
    assert generator(images((1, 16, 16, 1))).dtype == "float32"
    assert discriminator(images((1, 16, 16, 2))).dtype == "float32"


@pytest.mark.parametrize("side", [8, 15, 512])
def test_sizes_outside_16_to_256_are_refused(side):
    with pytest.raises(ValueError, match="16 to 256 pixels a side"):
        kgan.networks.get("pix2pix", image_shape=(side, side, 1))


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="`dropout` must be in"):
        UNetGenerator(1, 1, dropout=1.0)
    with pytest.raises(ValueError, match="`depth` must be at most 8"):
        UNetGenerator(1, 1, depth=9)
    with pytest.raises(ValueError, match="`channels` must be 1 to 4"):
        PatchGANDiscriminator(1, 5)
    with pytest.raises(ValueError, match="square"):
        kgan.networks.get("pix2pix", image_shape=(16, 32, 1))
