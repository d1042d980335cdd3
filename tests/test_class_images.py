"""kgan.class_images: class grid inputs, interpolation weights, grid GIFs."""

import imageio.v3 as iio
import numpy as np
import pytest

from kgan import class_images, images


def test_class_grid_inputs_rows_are_classes_columns_are_noise():
    z = np.arange(6, dtype="float32").reshape(3, 2)
    labels, tiled = class_images.class_grid_inputs([5, 1], z)
    assert labels.tolist() == [5, 5, 5, 1, 1, 1] and labels.dtype == np.int32
    np.testing.assert_array_equal(tiled, np.concatenate([z, z]))
    with pytest.raises(ValueError, match="`labels`"):
        class_images.class_grid_inputs([0.5], z)
    with pytest.raises(ValueError, match="`z`"):
        class_images.class_grid_inputs([0], np.zeros(3))


def test_interpolation_weights_move_linearly():
    weights = class_images.interpolation_weights([(0, 2), (1, 1)], 3, 5)
    assert weights.shape == (5, 2, 3)
    np.testing.assert_allclose(weights[:, 0, 0], [1, 0.75, 0.5, 0.25, 0])
    np.testing.assert_allclose(weights[:, 0, 2], [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_allclose(weights.sum(axis=2), 1)
    np.testing.assert_array_equal(weights[:, 1], np.tile([0, 1, 0], (5, 1)))
    with pytest.raises(ValueError, match="`pairs`"):
        class_images.interpolation_weights([(0, 3)], 3, 5)
    with pytest.raises(ValueError, match="`steps`"):
        class_images.interpolation_weights([(0, 1)], 3, 1)


def test_write_grid_gif_one_frame_per_batch(tmp_path):
    batches = np.stack([np.full((4, 8, 8, 1), v, "float32") for v in (-1.0, 0.0, 1.0)])
    path = class_images.write_grid_gif(batches, tmp_path / "walk.gif", cols=2, padding=0)
    frames = iio.imread(path, index=None)
    assert len(frames) == 3 and frames.shape[1:3] == (16, 16)
    assert [int(frame.max()) for frame in frames] == [0, 128, 255]
    np.testing.assert_array_equal(frames[2][..., 0] if frames.ndim == 4 else frames[2],
                                  images.make_grid(batches[2], cols=2, padding=0)[..., 0])
