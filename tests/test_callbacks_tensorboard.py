"""`kgan.callbacks.TensorBoardSummaries`: scalars, sample images and texts per epoch."""

import imageio.v3 as iio
import numpy as np
import tensorflow as tf

import kgan
from conftest import real_images
from tensorboard_support import read_events


class WordSamples(kgan.callbacks.SampleWriter):
    """A text sample writer: the number of positive noise values per row."""

    def write(self, z, path):
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(str(int((row > 0).sum())) for row in z))


def test_each_epoch_writes_scalars_and_the_newest_samples(tmp_path, seeded):
    task = kgan.tasks.get("unconditional")
    gan = task.build("dcgan-digits", image_shape=(8, 8, 1), filters=2, latent_dim=4)
    grid = kgan.callbacks.SampleGrid(tmp_path / "samples", num_samples=4, scale=2)
    words = WordSamples(tmp_path / "words", num_samples=3, every=2,
                        filename="epoch_{epoch:04d}.txt")
    summaries = kgan.callbacks.TensorBoardSummaries(tmp_path / "tb", [grid, words])
    data = tf.data.Dataset.from_tensor_slices(real_images(16)).batch(8)
    history = gan.fit(data, epochs=2, verbose=0, callbacks=[grid, words, summaries])

    events = read_events(tmp_path / "tb")
    assert set(events["d_loss"]) == {1, 2}
    np.testing.assert_allclose(events["d_loss"][2], history.history["d_loss"][1], rtol=1e-6)
    for epoch in (1, 2):
        png = iio.imread(tmp_path / "samples" / f"epoch_{epoch:04d}.png")
        np.testing.assert_array_equal(events["samples"][epoch][..., 0], png)
    # The text writer wrote only for epoch 2, so there is no text for epoch 1.
    assert set(events["words"]) == {2}
    assert events["words"][2] == (tmp_path / "words" / "epoch_0002.txt").read_text()
