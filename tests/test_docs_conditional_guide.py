"""The conditional guide's example (docs/guides/conditional.md) runs as written (one epoch)."""

import keras
import numpy as np

from conftest import REPO
from test_readme import code_block_after, run_example

GUIDE = (REPO / "docs" / "guides" / "conditional.md").read_text()


def test_conditional_python_example_runs(tmp_path):
    namespace = run_example(code_block_after("<!-- guide-example -->", GUIDE), tmp_path)
    assert namespace["sevens"].shape == (16, 8, 8, 1)
    assert (tmp_path / "runs/c/samples/epoch_0001.png").is_file()
    import tensorflow as tf

    served = tf.saved_model.load(str(tmp_path / "runs/c/saved_model"))
    z = np.zeros((2, 32), "float32")
    images = served.signatures["serving_default"](z=tf.constant(z), label=tf.constant([7, 7]))
    expected = keras.ops.convert_to_numpy(namespace["gan"].generate([7, 7], z=z))
    from kgan.images import to_uint8

    assert np.abs(images["images"].numpy().astype(int) - to_uint8(expected)).max() <= 1
