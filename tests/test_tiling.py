"""Tests for kgan.tiling: tiled equals untiled, edges and odd sizes, bounded tiles."""

import keras
import numpy as np
import pytest

from kgan.images import to_uint8
from kgan.tiling import apply_tiled, tile_starts


@pytest.fixture(scope="module")
def net():
    """A random x2 conv net reaching 3 input pixels from its centre (3x3, 3x3, then 3x3 at x2)."""
    keras.utils.set_random_seed(0)
    inputs = keras.Input((None, None, 3))
    x = keras.layers.Conv2D(8, 3, padding="same", activation="relu")(inputs)
    x = keras.layers.Conv2D(8, 3, padding="same", activation="relu")(x)
    x = keras.layers.UpSampling2D(2)(x)
    x = keras.layers.Conv2D(3, 3, padding="same", activation="tanh")(x)
    model = keras.Model(inputs, x)
    return lambda tile: model(tile, training=False).numpy()


def image(height, width, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (height, width, 3)).astype(np.float32)


@pytest.mark.parametrize("height, width, tile", [(40, 40, 26), (37, 53, 29), (25, 61, 25)])
def test_tiled_equals_untiled_within_one_grey_level(net, height, width, tile):
    x = image(height, width)
    whole = to_uint8(net(x[None])[0])
    tiled = apply_tiled(net, x, scale=2, tile=tile, overlap=12)
    assert tiled.shape == (2 * height, 2 * width, 3)
    assert np.abs(to_uint8(tiled).astype(int) - whole).max() <= 1


def test_too_little_overlap_differs_only_in_the_overlap(net):
    # With overlap 4 the net reaches past the 1 px without weight: the result
    # differs from the whole image in the overlap (input 16..24, output
    # 32..48), and only there.
    x = image(40, 40)
    whole = net(x[None])[0]
    diff = np.abs(apply_tiled(net, x, scale=2, tile=24, overlap=4) - whole).max(axis=-1)
    assert diff[28:52].max() > 1 / 255
    assert diff[:28, :28].max() < 1e-5 and diff[52:, 52:].max() < 1e-5


def test_tiles_cover_borders_and_stay_small():
    seen = []

    def nearest_x2(tile):
        seen.append(tile.shape)
        return np.repeat(np.repeat(tile, 2, axis=1), 2, axis=2)

    x = image(1024, 1024)
    out = apply_tiled(nearest_x2, x, scale=2, tile=256, overlap=32)
    assert max(max(shape[1:3]) for shape in seen) == 256
    assert len(seen) == len(tile_starts(1024, 256, 32)) ** 2 == 25
    np.testing.assert_allclose(out, np.repeat(np.repeat(x, 2, 0), 2, 1), atol=1e-6)


def test_tile_starts_reach_the_end():
    assert tile_starts(10, 4, 1) == [0, 3, 6]
    assert tile_starts(11, 4, 1) == [0, 3, 6, 7]
    assert tile_starts(4, 4, 1) == [0] and tile_starts(3, 4, 1) == [0]


def test_small_images_and_no_tile_are_one_call():
    calls = []

    def identity(tile):
        calls.append(tile.shape)
        return tile

    x = image(9, 13)
    np.testing.assert_array_equal(apply_tiled(identity, x, 1, tile=None), x)
    np.testing.assert_array_equal(apply_tiled(identity, x, 1, tile=13, overlap=4), x)
    assert calls == [(1, 9, 13, 3)] * 2
    np.testing.assert_allclose(apply_tiled(identity, x, 1, tile=5, overlap=0), x)


def test_bad_arguments():
    x = image(8, 8)
    with pytest.raises(ValueError, match=r"`tile`=8 must be larger than 2 \* `overlap`=8"):
        apply_tiled(lambda t: t, x, 1, tile=8, overlap=4)
    with pytest.raises(ValueError, match=r"`image` must be \[H, W, C\]"):
        apply_tiled(lambda t: t, x[None], 1)
    with pytest.raises(ValueError, match=r"`fn` must map \[1, 8, 8, C\] to \[1, 16, 16, C'\]"):
        apply_tiled(lambda t: t, x, 2)
