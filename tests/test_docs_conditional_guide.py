"""The conditional guide's example (docs/guides/conditional.md) runs as written (one epoch)."""

import os
import re

import keras
import numpy as np

from conftest import REPO

GUIDE = (REPO / "docs" / "guides" / "conditional.md").read_text()


def test_conditional_python_example_runs(tmp_path):
    after = GUIDE.split("<!-- guide-example -->", 1)[1]
    code = re.search(r"```\w*\n(.*?)```", after, re.S).group(1)
    assert "epochs=60" in code
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        namespace = {}
        exec(code.replace("epochs=60", "epochs=1"), namespace)
    finally:
        os.chdir(cwd)
    assert namespace["sevens"].shape == (16, 8, 8, 1)
    assert (tmp_path / "runs/c/samples/epoch_0001.png").is_file()
    import tensorflow as tf

    served = tf.saved_model.load(str(tmp_path / "runs/c/saved_model"))
    z = np.zeros((2, 32), "float32")
    images = served.signatures["serving_default"](z=tf.constant(z), label=tf.constant([7, 7]))
    expected = keras.ops.convert_to_numpy(namespace["gan"].generate([7, 7], z=z))
    from kgan.images import to_uint8

    assert np.abs(images["images"].numpy().astype(int) - to_uint8(expected)).max() <= 1
