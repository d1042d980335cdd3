"""kgan.export_generator for a ConditionalGAN: (z, label) -> uint8 images."""

import numpy as np
import pytest
import tensorflow as tf

import kgan
from kgan.images import to_uint8
from test_tasks_conditional_model import LATENT, NUM_CLASSES, labelled, tiny_cgan


@pytest.mark.parametrize("conditioning", ["concat", "projection", "acgan"])
def test_signature_serves_the_requested_classes(conditioning, tmp_path):
    import keras

    keras.utils.set_random_seed(4)
    gan = tiny_cgan(conditioning)
    gan.fit(*labelled(8), batch_size=8, epochs=1, verbose=0)
    path = kgan.export_generator(gan, tmp_path / "export")
    loaded = tf.saved_model.load(path)
    assert set(loaded.signatures) == {"serving_default", "generate"}
    serve = loaded.signatures["serving_default"]
    inputs = serve.structured_input_signature[1]
    assert inputs["z"].shape.as_list() == [None, LATENT] and inputs["z"].dtype == tf.float32
    assert inputs["label"].shape.as_list() == [None] and inputs["label"].dtype == tf.int32

    z = np.random.default_rng(0).normal(size=(4, LATENT)).astype("float32")
    labels = np.array([2, 0, 1, 2], "int32")
    served = serve(z=tf.constant(z), label=tf.constant(labels))["images"].numpy()
    assert served.dtype == np.uint8 and served.shape == (4, 8, 8, 1)
    assert np.abs(served.astype(int) - to_uint8(gan.generate(labels, z=z))).max() <= 1

    generated = loaded.signatures["generate"](label=tf.constant(labels), seed=tf.constant(3))
    again = loaded.signatures["generate"](label=tf.constant(labels), seed=tf.constant(3))
    np.testing.assert_array_equal(generated["images"].numpy(), again["images"].numpy())

    for bad in ([0, 1, 2, NUM_CLASSES], [0, -1, 0, 0]):
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=rf"`label` must be in \[0, {NUM_CLASSES}\)"):
            serve(z=tf.constant(z), label=tf.constant(bad, tf.int32))
    with pytest.raises(tf.errors.InvalidArgumentError, match="one class per row of `z`"):
        serve(z=tf.constant(z), label=tf.constant([0, 1], tf.int32))
