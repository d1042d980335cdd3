"""Tests for kgan.images: grids, PNG and GIF writing."""

import os

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image

from kgan.images import (
    comparison_grid,
    make_grid,
    save_image_grid,
    split_grid,
    to_uint8,
    write_gif,
)


def _rand(shape, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, shape).astype("float32")


def _gif_frames(path):
    return np.asarray(iio.imread(path, index=None))


# --------------------------------------------------------------------------
# to_uint8


def test_to_uint8_maps_range_rounds_and_clips():
    x = np.array([-1.0, 1.0, 0.0, -2.0, 3.0, -0.999, 0.999]).reshape(1, 1, 7, 1)
    out = to_uint8(x)
    assert out.dtype == np.uint8
    assert out.shape == x.shape
    assert out.ravel().tolist() == [0, 255, 128, 0, 255, 0, 255]


def test_to_uint8_custom_drange_and_hwc_input():
    x = np.array([[[0.0], [0.5], [1.0]]])  # [H=1, W=3, C=1]
    out = to_uint8(x, drange=(0.0, 1.0))
    assert out.shape == (1, 3, 1)
    assert out.ravel().tolist() == [0, 128, 255]


def test_to_uint8_passes_uint8_through():
    x = np.arange(12, dtype=np.uint8).reshape(1, 2, 2, 3)
    out = to_uint8(x)
    np.testing.assert_array_equal(out, x)
    assert out is not x


def test_to_uint8_rejects_nan():
    x = _rand((2, 3, 3, 1))
    x[1, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        to_uint8(x)


@pytest.mark.parametrize("drange", [(1.0, -1.0), (0.0, 0.0), (0.0,), "ab"])
def test_to_uint8_rejects_bad_drange(drange):
    with pytest.raises(ValueError, match="drange"):
        to_uint8(np.zeros((2, 2, 1)), drange=drange)


def test_to_uint8_rejects_bad_rank():
    with pytest.raises(ValueError, match="shape"):
        to_uint8(np.zeros((5,)))


# --------------------------------------------------------------------------
# make_grid / split_grid


def test_make_grid_layout_padding_and_empty_cells():
    x = _rand((5, 3, 4, 3))
    grid = make_grid(x, padding=2, pad_value=7)
    # cols = ceil(sqrt(5)) = 3, rows = 2; padding between and around tiles.
    assert grid.dtype == np.uint8
    assert grid.shape == (2 * (3 + 2) + 2, 3 * (4 + 2) + 2, 3)
    tiles = split_grid(grid, 5, (3, 4, 3), padding=2)
    np.testing.assert_array_equal(tiles, to_uint8(x))
    # Border, gaps and the empty 6th cell hold pad_value only.
    mask = np.ones(grid.shape[:2], bool)
    for k in range(5):
        r, c = divmod(k, 3)
        y, xx = 2 + r * 5, 2 + c * 6
        mask[y : y + 3, xx : xx + 4] = False
    assert np.all(grid[mask] == 7)
    assert mask[7:10, 14:18].all()  # the empty cell


def test_make_grid_cols_scale_and_round_trip():
    x = _rand((6, 2, 3, 1), seed=1)
    grid = make_grid(x, cols=4, padding=1, scale=3)
    assert grid.shape == (2 * (6 + 1) + 1, 4 * (9 + 1) + 1, 1)
    # Each upscaled tile is made of constant 3x3 blocks.
    tile = grid[1:7, 1:10, 0]
    np.testing.assert_array_equal(
        tile, np.kron(to_uint8(x)[0, ..., 0], np.ones((3, 3), np.uint8))
    )
    back = split_grid(grid, 6, (2, 3), cols=4, padding=1, scale=3)
    np.testing.assert_array_equal(back, to_uint8(x))


def test_make_grid_single_image_no_padding_per_channel_fill():
    x = _rand((4, 4, 3))
    grid = make_grid(x, padding=0)
    np.testing.assert_array_equal(grid, to_uint8(x))
    grid = make_grid(_rand((2, 2, 2, 3)), cols=3, pad_value=(1, 2, 3))
    np.testing.assert_array_equal(grid[0, 0], [1, 2, 3])


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"cols": 0}, "cols"),
        ({"padding": -1}, "padding"),
        ({"scale": 0}, "scale"),
        ({"scale": 1.5}, "scale"),
        ({"pad_value": 300}, "pad_value"),
        ({"pad_value": (1, 2)}, "pad_value"),
    ],
)
def test_make_grid_rejects_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        make_grid(_rand((2, 2, 2, 3)), **kwargs)


def test_make_grid_rejects_empty_batch():
    with pytest.raises(ValueError, match="empty"):
        make_grid(np.zeros((0, 2, 2, 1)))


def test_split_grid_rejects_wrong_layout():
    grid = make_grid(_rand((4, 3, 3, 1)))
    with pytest.raises(ValueError, match="size"):
        split_grid(grid, 4, (3, 3), padding=2)


# --------------------------------------------------------------------------
# save_image_grid


def test_save_image_grid_rgb_png_content(tmp_path):
    x = _rand((7, 5, 6, 3))
    path = tmp_path / "a" / "b" / "grid.png"
    out = save_image_grid(x, path, cols=4, padding=1, scale=2)
    assert out == str(path)
    img = iio.imread(path)
    assert img.shape == (2 * (10 + 1) + 1, 4 * (12 + 1) + 1, 3)
    tiles = split_grid(img, 7, (5, 6, 3), cols=4, padding=1, scale=2)
    np.testing.assert_array_equal(tiles, to_uint8(x))
    # Atomic write: only the final file, no temporary left behind.
    assert os.listdir(path.parent) == ["grid.png"]


def test_save_image_grid_grayscale_stays_2d(tmp_path):
    x = _rand((4, 3, 3, 1), seed=3)
    path = save_image_grid(x, tmp_path / "gray.png")
    img = iio.imread(path)
    assert img.ndim == 2
    assert img.shape == (2 * 4 + 1, 2 * 4 + 1)
    np.testing.assert_array_equal(split_grid(img, 4, (3, 3)), to_uint8(x))


def test_save_image_grid_overwrites_atomically(tmp_path):
    path = tmp_path / "g.png"
    save_image_grid(np.full((1, 2, 2, 1), -1.0), path, padding=0)
    save_image_grid(np.full((1, 2, 2, 1), 1.0), path, padding=0)
    assert iio.imread(path).tolist() == [[255, 255], [255, 255]]
    assert os.listdir(tmp_path) == ["g.png"]


def test_save_image_grid_failed_write_leaves_no_temp(tmp_path):
    with pytest.raises(ValueError):
        save_image_grid(np.zeros((1, 2, 2, 2)), tmp_path / "bad.png")
    (tmp_path / "dir.png").mkdir()  # os.replace onto a directory fails
    with pytest.raises(OSError):
        save_image_grid(np.zeros((1, 2, 2, 1)), tmp_path / "dir.png")
    assert os.listdir(tmp_path) == ["dir.png"]
    assert os.listdir(tmp_path / "dir.png") == []


# --------------------------------------------------------------------------
# write_gif


def test_write_gif_keeps_identical_consecutive_frames(tmp_path):
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, (20, 17), dtype=np.uint8)
    b = rng.integers(0, 256, (20, 17), dtype=np.uint8)
    frames = [a, a, a, b, b, a]
    path = write_gif(frames, tmp_path / "anim.gif", duration=0.3)
    assert path == str(tmp_path / "anim.gif")
    read = _gif_frames(path)
    assert read.shape[0] == len(frames) == 6
    for got, want in zip(read, frames):
        got = got if got.ndim == 2 else got[..., 0]
        np.testing.assert_array_equal(got, want)  # gray frames are exact
    with Image.open(path) as im:
        assert im.n_frames == 6
        assert im.info["loop"] == 0
        for i in range(im.n_frames):
            im.seek(i)
            assert im.info["duration"] == 300
    assert os.listdir(tmp_path) == ["anim.gif"]


def test_write_gif_rgb_frames_from_png_paths(tmp_path):
    rng = np.random.default_rng(1)
    # Few distinct colours, so the per-frame palette is exact.
    colours = rng.integers(0, 256, (10, 3), dtype=np.uint8)
    frames = [colours[rng.integers(0, 10, (9, 11))] for _ in range(3)]
    paths = []
    for i, f in enumerate(frames + [frames[-1]]):
        p = tmp_path / f"f{i}.png"
        iio.imwrite(p, f)
        paths.append(p)
    out = write_gif(paths, tmp_path / "out" / "rgb.gif", loop=None)
    read = _gif_frames(out)
    assert read.shape == (4, 9, 11, 3)
    for got, want in zip(read, frames + [frames[-1]]):
        np.testing.assert_array_equal(got[..., :3], want)
    with Image.open(out) as im:
        assert "loop" not in im.info


def test_write_gif_single_frame(tmp_path):
    f = np.full((4, 4, 3), 200, np.uint8)
    read = _gif_frames(write_gif([f], tmp_path / "one.gif"))
    assert read.shape[0] == 1
    np.testing.assert_array_equal(read[0][..., :3], f)


def test_write_gif_errors(tmp_path):
    with pytest.raises(ValueError, match="empty"):
        write_gif([], tmp_path / "e.gif")
    a = np.zeros((4, 4), np.uint8)
    with pytest.raises(ValueError, match="same size"):
        write_gif([a, np.zeros((4, 5), np.uint8)], tmp_path / "e.gif")
    with pytest.raises(ValueError, match="uint8"):
        write_gif([a.astype("float32")], tmp_path / "e.gif")
    with pytest.raises(ValueError, match="duration"):
        write_gif([a], tmp_path / "e.gif", duration=0)
    with pytest.raises(ValueError, match="loop"):
        write_gif([a], tmp_path / "e.gif", loop=-1)
    assert os.listdir(tmp_path) == []


# --------------------------------------------------------------------------
# comparison_grid


def test_comparison_grid_columns_and_nearest_enlargement(tmp_path):
    rng = np.random.default_rng(0)
    lr = rng.integers(0, 256, (2, 4, 4, 3), dtype=np.uint8)
    big = _rand((2, 3, 16, 16, 3))
    rows = [[lr[r], big[r, 0], big[r, 1], big[r, 2]] for r in range(2)]
    grid = comparison_grid(rows, tmp_path / "c.png", padding=1, pad_value=255)
    assert grid.shape == (2 * 17 + 1, 4 * 17 + 1, 3)
    cells = split_grid(grid, 8, (16, 16, 3), cols=4, padding=1)
    assert np.array_equal(cells[0], np.repeat(np.repeat(lr[0], 4, 0), 4, 1))
    assert np.array_equal(cells[6], to_uint8(big[1, 1]))
    assert (grid[0] == 255).all() and (grid[:, 17] == 255).all()
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "c.png")), grid)


def test_comparison_grid_rejects_mismatches():
    a, b = np.zeros((8, 8, 3), np.uint8), np.zeros((6, 6, 3), np.uint8)
    with pytest.raises(ValueError, match="same, non-zero number of images"):
        comparison_grid([[a, a], [a]])
    with pytest.raises(ValueError, match="6x6 in `rows` is not the 8x8 cell size"):
        comparison_grid([[a, b]])
    with pytest.raises(ValueError, match="same C"):
        comparison_grid([[a, a[..., :1]]])
