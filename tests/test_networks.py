import json

import keras
import numpy as np
import pytest

import kgan
from kgan.networks.dcgan import upsampling_plan


@pytest.mark.parametrize("side", [8, 16, 28, 32, 64, 128])
@pytest.mark.parametrize("channels", [1, 3])
def test_dcgan_builds_every_supported_size(side, channels):
    generator, discriminator = kgan.networks.get(
        "dcgan", image_shape=(side, side, channels), latent_dim=3, filters=1
    )
    images = generator(np.random.default_rng(0).normal(size=(2, 3)).astype("float32"))
    assert tuple(images.shape) == (2, side, side, channels)
    values = keras.ops.convert_to_numpy(images)
    assert values.min() >= -1 and values.max() <= 1  # tanh range
    assert tuple(discriminator(images).shape) == (2, 1)


@pytest.mark.parametrize("side, plan", [(8, (4, 1)), (16, (4, 2)), (28, (7, 2)), (32, (4, 3)),
                                        (12, (6, 1)), (20, (5, 2)), (128, (4, 5))])
def test_upsampling_plan(side, plan):
    assert upsampling_plan(side) == plan


@pytest.mark.parametrize("image_shape", [(9, 9, 1), (36, 36, 1), (4, 4, 1), (7, 7, 3), (1024, 1024, 1)])
def test_unbuildable_sizes_are_rejected_with_the_rule(image_shape):
    with pytest.raises(ValueError, match=r"b \* 2\*\*k with b in 4..7"):
        kgan.networks.get("dcgan", image_shape=image_shape)


@pytest.mark.parametrize("image_shape", [(8, 16, 1), (8, 8, 2), (8, 8), "8x8"])
def test_bad_image_shapes_are_rejected(image_shape):
    with pytest.raises(ValueError, match="`image_shape` must be"):
        kgan.networks.get("dcgan", image_shape=image_shape)


def test_bad_hyper_parameters_are_rejected():
    with pytest.raises(ValueError, match="`latent_dim`"):
        kgan.networks.get("dcgan", image_shape=(8, 8, 1), latent_dim=0)
    with pytest.raises(ValueError, match="`filters`"):
        kgan.networks.get("dcgan", image_shape=(8, 8, 1), filters=-2)


def test_unknown_network_lists_registered_names():
    with pytest.raises(ValueError, match=r"Unknown network 'nope'.*Registered networks: .*dcgan"):
        kgan.networks.get("nope", image_shape=(8, 8, 1))


def test_filters_set_the_width():
    narrow, _ = kgan.networks.get("dcgan", image_shape=(16, 16, 1), latent_dim=4, filters=2)
    wide, _ = kgan.networks.get("dcgan", image_shape=(16, 16, 1), latent_dim=4, filters=4)
    assert wide.count_params() > 2 * narrow.count_params()


@pytest.mark.parametrize("cls, kwargs", [
    (kgan.networks.DCGANGenerator, {"image_shape": (16, 16, 3), "latent_dim": 5, "filters": 2}),
    (kgan.networks.DCGANDiscriminator, {"image_shape": (16, 16, 3), "filters": 2, "dropout": 0.3}),
])
def test_configs_hold_hyper_parameters_and_round_trip(cls, kwargs):
    model = cls(**kwargs)
    config = model.get_config()
    assert "layers" not in config  # hyper-parameters only, not the graph
    for name, value in kwargs.items():
        assert config[name] == (list(value) if isinstance(value, tuple) else value)
        assert getattr(model, name) == value
    clone = cls.from_config(json.loads(json.dumps(config)))
    assert clone.get_config() == config
    assert [w.shape for w in clone.weights] == [w.shape for w in model.weights]


def test_generator_saves_and_loads_without_custom_objects(tmp_path):
    generator, _ = kgan.networks.get("dcgan", image_shape=(8, 8, 1), latent_dim=3, filters=2)
    path = tmp_path / "generator.keras"
    generator.save(path)
    loaded = keras.models.load_model(path, safe_mode=True)
    assert isinstance(loaded, kgan.networks.DCGANGenerator)
    z = np.random.default_rng(1).normal(size=(4, 3)).astype("float32")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(loaded(z)),
                                  keras.ops.convert_to_numpy(generator(z)))


def test_register_a_custom_pair():
    @kgan.networks.register("test-mlp")
    def mlp(image_shape, latent_dim):
        generator = keras.Sequential([
            keras.Input((latent_dim,)),
            keras.layers.Dense(int(np.prod(image_shape)), activation="tanh"),
            keras.layers.Reshape(image_shape),
        ])
        discriminator = keras.Sequential([
            keras.Input(image_shape), keras.layers.Flatten(), keras.layers.Dense(1)
        ])
        return generator, discriminator

    assert "test-mlp" in kgan.networks.names()
    generator, discriminator = kgan.networks.get("test-mlp", image_shape=(4, 4, 1), latent_dim=2)
    kgan.GAN(generator, discriminator)  # a valid pair
    with pytest.raises(ValueError, match="already registered"):
        kgan.networks.register("test-mlp")(lambda image_shape, latent_dim: None)


@pytest.mark.parametrize("name, kwargs", [
    ("dcgan", {"image_shape": (8, 8, 1)}),
    ("cgan", {"image_shape": (8, 8, 1), "num_classes": 3}),
    ("textgan", {"image_shape": (4, 6), "hidden_dim": 4, "embedding_dim": 4}),
])
def test_a_network_reloads_under_the_policy_it_was_saved_with(name, kwargs, tmp_path):
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        generator, _ = kgan.networks.get(name, latent_dim=4, filters=2, **kwargs)
    finally:
        keras.config.set_dtype_policy("float32")
    generator.save(tmp_path / "g.keras")
    loaded = keras.models.load_model(tmp_path / "g.keras")  # the global policy is float32 now
    assert loaded.dtype_policy.name == "mixed_bfloat16"
    assert [layer.dtype_policy.name for layer in loaded.layers] == \
        [layer.dtype_policy.name for layer in generator.layers]
    assert keras.config.dtype_policy().name == "float32"  # put back
