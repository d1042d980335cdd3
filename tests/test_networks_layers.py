import json

import keras
import numpy as np
import pytest
import tensorflow as tf

import kgan
from kgan.networks import FusedBatchNormalization


def twin_layers(shape, **kwargs):
    """A Keras BatchNormalization and a FusedBatchNormalization with equal weights."""
    plain = keras.layers.BatchNormalization(**kwargs)
    fused = FusedBatchNormalization(**kwargs)
    plain.build(shape)
    fused.build(shape)
    rng = np.random.default_rng(0)
    weights = [rng.normal(1.0, 0.3, w.shape).astype("float32") for w in plain.weights]
    weights[-1] = np.abs(weights[-1])  # moving variance
    plain.set_weights(weights)
    fused.set_weights(weights)
    return plain, fused


def step(layer, x, upstream):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x, training=True)
        loss = tf.reduce_sum(y * upstream)
    grads = tape.gradient(loss, [x] + layer.trainable_weights)
    return y, grads


@pytest.mark.parametrize("kwargs", [{}, {"center": False, "scale": False}, {"momentum": 0.9}])
def test_matches_keras_batch_normalization(kwargs):
    shape = (4, 5, 5, 3)
    plain, fused = twin_layers(shape, **kwargs)
    x = tf.random.stateless_normal(shape, seed=(1, 2)) * 3.0 + 1.0
    upstream = tf.random.stateless_normal(shape, seed=(3, 4))
    y_plain, g_plain = step(plain, x, upstream)
    y_fused, g_fused = step(fused, x, upstream)
    np.testing.assert_allclose(y_fused, y_plain, atol=1e-5)
    assert len(g_fused) == len(g_plain)
    for a, b in zip(g_fused, g_plain):
        np.testing.assert_allclose(a, b, atol=1e-4)
    # Moving statistics moved, and by the same amounts.
    for a, b in zip(fused.non_trainable_weights, plain.non_trainable_weights):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(fused(x, training=False), plain(x, training=False), atol=1e-5)


def test_xla_and_bfloat16_policy():
    shape = (4, 6, 6, 2)
    _, fused = twin_layers(shape)
    x = tf.random.stateless_normal(shape, seed=(5, 6))
    expected = fused(x, training=True)
    np.testing.assert_allclose(tf.function(lambda t: fused(t, training=True), jit_compile=True)(x),
                               expected, atol=1e-5)
    mixed = FusedBatchNormalization(dtype="mixed_bfloat16")
    y = mixed(x, training=True)
    assert y.dtype == tf.bfloat16
    np.testing.assert_allclose(tf.cast(y, "float32"), tf.keras.layers.BatchNormalization()(
        x, training=True), atol=0.05)


def test_other_inputs_use_keras_code():
    layer = FusedBatchNormalization()
    x = tf.random.stateless_normal((8, 3), seed=(7, 8))
    y = layer(x, training=True)  # 2-D: not the fused kernel
    np.testing.assert_allclose(np.mean(y, axis=0), 0.0, atol=1e-5)
    channels_first = FusedBatchNormalization(axis=1)
    z = channels_first(tf.random.stateless_normal((4, 3, 5, 5), seed=(9, 9)), training=True)
    np.testing.assert_allclose(np.mean(z, axis=(0, 2, 3)), 0.0, atol=1e-5)


def test_serializes_under_kgan_package(tmp_path):
    layer = FusedBatchNormalization(momentum=0.8, epsilon=1e-4, name="bn")
    config = json.loads(json.dumps(keras.saving.serialize_keras_object(layer)))
    assert config["registered_name"] == "kgan>FusedBatchNormalization"
    clone = keras.saving.deserialize_keras_object(config)
    assert isinstance(clone, FusedBatchNormalization)
    assert clone.momentum == 0.8 and clone.epsilon == 1e-4


def test_dcgan_generator_uses_it_and_loads_keras_bn_weights(tmp_path):
    generator = kgan.networks.DCGANGenerator(image_shape=(8, 8, 1), latent_dim=4, filters=2)
    norms = [l for l in generator.layers if isinstance(l, keras.layers.BatchNormalization)]
    assert norms and all(isinstance(l, FusedBatchNormalization) for l in norms)
    path = tmp_path / "g.keras"
    generator.save(path)
    clone = keras.models.load_model(path)
    z = tf.random.stateless_normal((3, 4), seed=(1, 1))
    np.testing.assert_allclose(clone(z), generator(z), atol=1e-6)


def op_types(layer, x, training):
    graph = tf.function(lambda t: layer(t, training=training)).get_concrete_function(x).graph
    return {op.type for op in graph.get_operations()}


def test_training_runs_the_fused_kernel():
    shape = (2, 4, 4, 3)
    _, fused = twin_layers(shape)
    x = tf.zeros(shape)
    assert "FusedBatchNormV3" in op_types(fused, x, training=True)
    assert "FusedBatchNormV3" not in op_types(fused, x, training=False)
    fused.trainable = False  # frozen: moving statistics, as Keras does
    assert "FusedBatchNormV3" not in op_types(fused, x, training=True)
