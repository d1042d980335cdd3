"""kgan.networks "cgan": the three conditioning methods on the DCGAN backbone."""

import json

import keras
import numpy as np
import pytest

import kgan
from kgan.networks.conditional import ConditionalDCGANDiscriminator, ConditionalDCGANGenerator


def one_hot(labels, num_classes=5):
    return keras.ops.one_hot(keras.ops.convert_to_tensor(labels), num_classes)


@pytest.mark.parametrize("conditioning", ["concat", "projection", "acgan"])
@pytest.mark.parametrize("side, channels", [(8, 1), (28, 3)])
def test_shapes_at_dcgan_sizes(conditioning, side, channels):
    generator, discriminator = kgan.networks.get(
        "cgan", image_shape=(side, side, channels), latent_dim=6, num_classes=5,
        conditioning=conditioning, filters=2)
    labels = one_hot([0, 4, 2])
    images = generator([keras.random.normal((3, 6)), labels])
    assert tuple(images.shape) == (3, side, side, channels)
    assert float(keras.ops.max(keras.ops.abs(images))) <= 1.0
    if conditioning == "acgan":
        assert len(discriminator.inputs) == 1
        logits, class_logits = discriminator(images)
        assert tuple(class_logits.shape) == (3, 5)
    else:
        assert len(discriminator.inputs) == 2
        logits = discriminator([images, labels])
    assert tuple(logits.shape) == (3, 1)


@pytest.mark.parametrize("conditioning", ["concat", "projection", "acgan"])
def test_config_round_trip_keeps_hyper_parameters_only(conditioning):
    generator, discriminator = kgan.networks.get(
        "cgan", image_shape=(8, 8, 1), latent_dim=4, num_classes=3, conditioning=conditioning,
        filters=2)
    for model in (generator, discriminator):
        config = json.loads(json.dumps(keras.saving.serialize_keras_object(model)))
        assert "layers" not in config["config"]
        rebuilt = keras.saving.deserialize_keras_object(config)
        assert type(rebuilt) is type(model) and rebuilt.get_config() == model.get_config()
        assert rebuilt.count_params() == model.count_params()


def test_the_label_changes_the_output_of_each_network():
    keras.utils.set_random_seed(0)
    z = keras.random.normal((2, 4))
    images = keras.random.uniform((2, 8, 8, 1), -1, 1)
    for conditioning in ("concat", "projection"):
        generator, discriminator = kgan.networks.get(
            "cgan", image_shape=(8, 8, 1), latent_dim=4, num_classes=5,
            conditioning=conditioning, filters=2)
        if conditioning == "projection":
            # The class scales start at 1 and shifts at 0: move them off.
            for layer in generator.layers:
                if layer.name.endswith(("_class_scale", "_class_shift")):
                    layer.kernel.assign(keras.random.normal(layer.kernel.shape))
        a = generator([z, one_hot([0, 0])], training=False)
        b = generator([z, one_hot([1, 1])], training=False)
        assert float(keras.ops.max(keras.ops.abs(a - b))) > 1e-4
        a = discriminator([images, one_hot([0, 0])])
        b = discriminator([images, one_hot([3, 3])])
        assert float(keras.ops.max(keras.ops.abs(a - b))) > 1e-6


def test_projection_discriminator_adds_embedding_dot_features():
    keras.utils.set_random_seed(1)
    discriminator = ConditionalDCGANDiscriminator((8, 8, 1), num_classes=3,
                                                  conditioning="projection", filters=2)
    images = keras.random.uniform((2, 8, 8, 1), -1, 1)
    features_model = keras.Model(discriminator.inputs,
                                 discriminator.get_layer("logits").input)
    features = np.asarray(features_model([images, one_hot([1, 2], 3)]))
    dense = discriminator.get_layer("logits")
    embedding = np.asarray(discriminator.get_layer("class_embedding").kernel)
    expected = (features @ np.asarray(dense.kernel) + np.asarray(dense.bias))[:, 0]
    expected += (embedding[[1, 2]] * features).sum(axis=1)
    np.testing.assert_allclose(np.asarray(discriminator([images, one_hot([1, 2], 3)]))[:, 0],
                               expected, rtol=1e-4, atol=1e-5)


def test_bad_hyper_parameters():
    with pytest.raises(ValueError, match="`conditioning`"):
        kgan.networks.get("cgan", image_shape=(8, 8, 1), num_classes=3, conditioning="film")
    with pytest.raises(ValueError, match="`num_classes` is required"):
        kgan.networks.get("cgan", image_shape=(8, 8, 1))
    with pytest.raises(ValueError, match="`num_classes`"):
        ConditionalDCGANGenerator((8, 8, 1), num_classes=1)
    with pytest.raises(ValueError, match="b \\* 2\\*\\*k"):
        ConditionalDCGANDiscriminator((9, 9, 1), num_classes=3)
