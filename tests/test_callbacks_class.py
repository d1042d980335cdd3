"""kgan.callbacks.ClassGrid and ClassInterpolationGif on a tiny ConditionalGAN."""

import imageio.v3 as iio
import numpy as np
import pytest

from kgan import callbacks, images
from test_tasks_conditional_model import LATENT, labelled, tiny_cgan


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    import keras

    keras.utils.set_random_seed(2)
    gan = tiny_cgan("concat")
    out = tmp_path_factory.mktemp("run")
    grid = callbacks.ClassGrid(out, samples_per_class=4, padding=1)
    subset = callbacks.ClassGrid(out, classes=[2, 0], samples_per_class=3, seed=7,
                                 filename="subset_{epoch:04d}.png")
    walk = callbacks.ClassInterpolationGif(out, pairs=[(0, 2), (1, 0)], samples_per_pair=3,
                                           steps=5)
    gan.fit(*labelled(), batch_size=8, epochs=2, verbose=0, callbacks=[grid, subset, walk])
    return gan, out, grid, subset, walk


def tiles(path, n, cols):
    grid = iio.imread(path)
    grid = grid[..., None] if grid.ndim == 2 else grid
    return images.split_grid(grid, n, (8, 8, 1), cols=cols)


def test_class_grid_rows_are_classes_columns_fixed_noise(trained):
    gan, out, grid, subset, _ = trained
    assert [p.rsplit("/", 1)[-1] for p in grid.paths] == ["epoch_0001.png", "epoch_0002.png"]
    assert grid.z.shape == (4, LATENT)
    found = tiles(grid.paths[-1], 12, cols=4)
    for row in range(3):
        expected = images.to_uint8(gan.generate([row] * 4, z=grid.z))
        np.testing.assert_allclose(found[row * 4:(row + 1) * 4], expected, atol=1)
    found = tiles(subset.paths[-1], 6, cols=3)
    np.testing.assert_allclose(found[:3], images.to_uint8(gan.generate([2] * 3, z=subset.z)),
                               atol=1)


def test_interpolation_gif_walks_from_a_to_b(trained):
    gan, out, _, _, walk = trained
    frames = iio.imread(walk.path, index=None)
    assert len(frames) == 5
    z = np.random.default_rng(0).standard_normal((3, LATENT)).astype("float32")

    def frame_tiles(frame):
        frame = frame[..., :1] if frame.ndim == 3 else frame[..., None]
        return images.split_grid(frame, 6, (8, 8, 1), cols=3)

    first, last = frame_tiles(frames[0]), frame_tiles(frames[-1])
    np.testing.assert_allclose(first[:3], images.to_uint8(gan.generate([0] * 3, z=z)), atol=1)
    np.testing.assert_allclose(last[:3], images.to_uint8(gan.generate([2] * 3, z=z)), atol=1)
    np.testing.assert_allclose(last[3:], images.to_uint8(gan.generate([0] * 3, z=z)), atol=1)
    halfway = np.full((3, 3), 0.0, "float32")
    halfway[:, 0] = halfway[:, 2] = 0.5
    np.testing.assert_allclose(frame_tiles(frames[2])[:3],
                               images.to_uint8(gan.generate(halfway, z=z)), atol=1)


def test_callbacks_need_a_conditional_model(tmp_path):
    from conftest import real_images, tiny_gan

    gan = tiny_gan()
    with pytest.raises(ValueError, match="num_classes"):
        gan.fit(real_images(8), batch_size=8, epochs=1, verbose=0,
                callbacks=[callbacks.ClassGrid(tmp_path)])
    with pytest.raises(ValueError, match="`classes`"):
        tiny = tiny_cgan()
        tiny.fit(*labelled(8), batch_size=8, epochs=1, verbose=0,
                 callbacks=[callbacks.ClassGrid(tmp_path, classes=[5])])
