"""kgan.networks.text: shapes, Gumbel noise, determinism, serialization."""

import json

import keras
import numpy as np
import pytest
from scipy import stats

import kgan
from kgan.networks import text as text_networks

LENGTH, VOCAB = 5, 4


def tiny_pair(name="textgan"):
    keras.utils.set_random_seed(0)
    if name == "textgan":
        return kgan.networks.get(name, image_shape=(LENGTH, VOCAB), latent_dim=3,
                                 embedding_dim=4, hidden_dim=8, filters=4)
    return kgan.networks.get(name, image_shape=(LENGTH, VOCAB), latent_dim=3, filters=4,
                             blocks=1)


def test_gumbel_from_normal_is_gumbel():
    normal = np.random.default_rng(0).standard_normal(20000).astype("float32")
    gumbel = keras.ops.convert_to_numpy(text_networks.gumbel_from_normal(normal))
    assert np.all(np.isfinite(gumbel))
    assert stats.kstest(gumbel, stats.gumbel_r.cdf).pvalue > 0.01
    extreme = keras.ops.convert_to_numpy(text_networks.gumbel_from_normal(
        np.array([-40.0, -8.0, 8.0, 40.0], "float32")))
    assert np.all(np.isfinite(extreme)) and np.all(np.diff(extreme) > 0)


def test_text_generator_outputs_and_end_handling():
    generator, discriminator = tiny_pair()
    assert generator.noise_dim == 3 + LENGTH * VOCAB
    z = np.random.default_rng(1).standard_normal((64, generator.noise_dim)).astype("float32")
    soft = keras.ops.convert_to_numpy(generator(z))
    assert soft.shape == (64, LENGTH, VOCAB)
    np.testing.assert_allclose(soft.sum(-1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(soft, keras.ops.convert_to_numpy(generator(z)))  # G(z) fixed
    ids, _ = generator.unroll(z)
    ids = keras.ops.convert_to_numpy(ids)
    np.testing.assert_array_equal(ids, soft.argmax(-1))
    # After the first end token every row is exactly the end one-hot, as in real padding
    # (the end token's own row stays soft: it carries the gradient of stopping there).
    checked = 0
    for row_ids, row in zip(ids, soft):
        ends = np.flatnonzero(row_ids == 0)
        if len(ends) and ends[0] < LENGTH - 1:
            np.testing.assert_array_equal(row[ends[0] + 1:, 0], 1.0)
            checked += 1
    assert checked
    assert discriminator(soft).shape == (64, 1)


def test_gumbel_argmax_samples_the_softmax():
    # With the first-step logits known, the first tokens over many z are
    # distributed as softmax(logits) (the Gumbel-max trick).
    generator, _ = tiny_pair()
    n = 6000
    z = np.random.default_rng(2).standard_normal((n, generator.noise_dim)).astype("float32")
    z[:, :3] = 0.0  # same initial state for all
    first = keras.ops.convert_to_numpy(generator.unroll(z)[0])[:, 0]
    log_probs = keras.ops.convert_to_numpy(
        generator.log_prob(z[:1], np.zeros((1, LENGTH), "int32")))
    # log_prob of token 0 at step 0 gives p(end); compare that one frequency.
    p_end = float(np.exp(log_probs[0, 0]))
    assert abs(np.mean(first == 0) - p_end) < 4 * np.sqrt(p_end * (1 - p_end) / n) + 1e-3


def test_beta_sharpens_the_outputs():
    generator, _ = tiny_pair()
    z = np.random.default_rng(3).standard_normal((16, generator.noise_dim)).astype("float32")
    soft_1 = keras.ops.convert_to_numpy(generator(z))
    generator.beta.assign(1000.0)
    soft_1000 = keras.ops.convert_to_numpy(generator(z))
    np.testing.assert_array_equal(soft_1.argmax(-1), soft_1000.argmax(-1))
    assert soft_1000.max(-1).mean() > soft_1.max(-1).mean()
    # Nearly one-hot (a row stays soft only where two perturbed logits almost tie).
    assert np.median(soft_1000.max(-1)) > 0.999 and soft_1000.max(-1).mean() > 0.98


@pytest.mark.parametrize("name", ["textgan", "textgan_wgan"])
def test_config_round_trip_and_save(tmp_path, name):
    generator, discriminator = tiny_pair(name)
    z = np.random.default_rng(4).standard_normal((3, getattr(generator, "noise_dim", 3)))
    z = z.astype("float32")
    for model, x in ((generator, z), (discriminator, keras.ops.one_hot([[1, 2, 0, 0, 0]], VOCAB))):
        config = json.loads(json.dumps(model.get_config()))
        assert all(isinstance(v, (int, float, str, list, bool)) for v in config.values())
        path = tmp_path / f"{model.name}.keras"
        model.save(path)
        loaded = keras.models.load_model(path)
        np.testing.assert_allclose(keras.ops.convert_to_numpy(loaded(x)),
                                   keras.ops.convert_to_numpy(model(x)), rtol=1e-5)
        assert type(model).from_config(config).get_config() == model.get_config()


def test_wgan_generator_rows_are_distributions():
    generator, critic = tiny_pair("textgan_wgan")
    probabilities = keras.ops.convert_to_numpy(generator(np.zeros((2, 3), "float32")))
    assert probabilities.shape == (2, LENGTH, VOCAB)
    np.testing.assert_allclose(probabilities.sum(-1), 1.0, rtol=1e-5)
    assert critic(probabilities).shape == (2, 1)


def test_bad_shapes():
    with pytest.raises(ValueError, match="length, vocab_size"):
        kgan.networks.get("textgan", image_shape=(8, 8, 1))
    with pytest.raises(ValueError, match="hidden_dim"):
        kgan.networks.TextGenerator(length=4, vocab_size=3, hidden_dim=0)
    with pytest.raises(ValueError, match="kernel_sizes"):
        kgan.networks.TextCNNDiscriminator(length=4, vocab_size=3, kernel_sizes=())
