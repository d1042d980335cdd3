"""Tests for kgan.datasets.photos: the offline photos, read_image, downscale, SR pairs."""

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

import kgan
from kgan.datasets import photos


def pairs(ds):
    return [(lr.numpy(), hr.numpy()) for lr, hr in ds]


# --- the photos --------------------------------------------------------------


def test_held_out_photos_are_whole_and_never_trained_on():
    held = dict(photos.held_out_images())
    train = dict(photos.training_images())
    assert list(held) == list(photos.HELD_OUT) == ["chelsea", "coffee", "flower"]
    assert not set(held) & set(train) and len(train) == 14
    assert held["chelsea"].shape == (300, 451, 3) and held["chelsea"].dtype == np.uint8
    # Every photo is a distinct real image with detail, grey ones repeated into RGB.
    sums = {name: int(image.astype(np.int64).sum()) for name, image in {**train, **held}.items()}
    assert len(set(sums.values())) == len(sums)
    assert all(image.std() > 10 for image in {**train, **held}.values())
    camera = train["camera"]
    assert camera.shape == (512, 512, 3) and np.array_equal(camera[..., 0], camera[..., 2])


def test_training_crops_are_whole_windows_flipped_or_turned(tmp_path):
    # Each pixel of the image holds its own (row, column), so a crop shows
    # where it was cut and how it was turned.
    rows, cols = np.indices((60, 70))
    Image.fromarray(np.stack([rows, cols, np.zeros_like(rows)], -1).astype(np.uint8)).save(
        tmp_path / "coords.png")
    ds = kgan.datasets.load_super_resolution(tmp_path, scale=2, hr_size=20, batch_size=16,
                                             seed=1, steps=2)
    crops = np.rint((np.concatenate([hr for _, hr in pairs(ds)]) + 1) * 127.5).astype(int)
    transforms = set()
    for crop in crops:
        for k in range(8):
            view = np.rot90(crop, -(k % 4))
            view = view[:, ::-1] if k >= 4 else view
            y, x = view[0, 0, :2]
            if (np.array_equal(view[..., 0], rows[y:y + 20, x:x + 20])
                    and np.array_equal(view[..., 1], cols[y:y + 20, x:x + 20])):
                transforms.add(k)
                break
        else:
            pytest.fail("a crop is not a flipped or turned window of the image")
    assert len(transforms) >= 4


# --- pairs ----------------------------------------------------------------------


def test_pairs_shapes_range_and_lr_made_by_downscale():
    ds = kgan.datasets.load_super_resolution("photos", scale=4, hr_size=48, batch_size=6,
                                             seed=0, steps=3)
    batches = pairs(ds)
    assert len(batches) == 3
    lr, hr = batches[0]
    assert lr.shape == (6, 12, 12, 3) and hr.shape == (6, 48, 48, 3)
    assert lr.dtype == hr.dtype == np.float32
    assert hr.min() >= -1 and hr.max() <= 1 and hr.min() < -0.5 < 0.5 < hr.max()
    hr_uint8 = np.rint((hr + 1) * 127.5).astype(np.uint8)
    expected = photos.downscale(hr_uint8, 4).astype(np.float32) / 127.5 - 1
    np.testing.assert_allclose(lr, expected, atol=1e-6)


def test_crops_are_deterministic_per_seed_and_new_each_pass():
    def make(seed):
        return kgan.datasets.load_super_resolution(scale=2, hr_size=16, batch_size=4, seed=seed,
                                                   steps=2)

    ds = make(3)
    first, second = pairs(ds), pairs(ds)
    again = pairs(make(3))
    other = pairs(make(4))
    assert np.array_equal(first[0][1], again[0][1])
    assert np.array_equal(first[1][1], again[1][1])
    assert not np.array_equal(first[0][1], second[0][1])
    assert not np.array_equal(first[0][1], other[0][1])


def test_default_epoch_counts_non_overlapping_crops():
    ds = kgan.datasets.load_super_resolution(scale=4, hr_size=256, batch_size=4, seed=0)
    crops = sum((im.shape[0] // 256) * (im.shape[1] // 256) for _, im in photos.training_images())
    assert int(ds.cardinality()) == -(-crops // 4)


def test_held_out_split_gives_fixed_centre_crops():
    ds = kgan.datasets.load_super_resolution(scale=3, hr_size=150, batch_size=4,
                                             split="held_out")
    hr = np.concatenate([h for _, h in pairs(ds)])
    # chelsea 300x451 -> 2x3, coffee 400x600 -> 2x4, flower 427x640 -> 2x4
    assert hr.shape == (22, 150, 150, 3)
    chelsea = photos.held_out_images()[0][1]
    np.testing.assert_array_equal(np.rint((hr[0] + 1) * 127.5), chelsea[0:150, 0:150])
    repeated = kgan.datasets.load_super_resolution(scale=3, hr_size=150, batch_size=4,
                                                   split="held_out", steps=7, seed=5)
    assert [h.shape[0] for _, h in pairs(repeated)] == [4] * 7


def test_a_folder_of_images(tmp_path):
    rng = np.random.default_rng(0)
    (tmp_path / "sub").mkdir()
    Image.fromarray(rng.integers(0, 256, (40, 50, 3), dtype=np.uint8)).save(tmp_path / "a.png")
    Image.fromarray(rng.integers(0, 256, (36, 36), dtype=np.uint8)).save(tmp_path / "sub/b.jpg")
    ds = kgan.datasets.load_super_resolution(tmp_path, scale=2, hr_size=36, batch_size=2, seed=0)
    lr, hr = pairs(ds)[0]
    assert lr.shape == (2, 18, 18, 3) and hr.shape == (2, 36, 36, 3)
    with pytest.raises(ValueError, match=r"`hr_size`=38 is larger than the smallest training "
                                         r"image, sub/b.jpg \(36x36"):
        kgan.datasets.load_super_resolution(tmp_path, scale=2, hr_size=38, batch_size=2)
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    with pytest.raises(ValueError, match="broken.png"):
        kgan.datasets.load_super_resolution(tmp_path, scale=2, hr_size=36, batch_size=2)


@pytest.mark.parametrize("kwargs, message", [
    (dict(scale=5, hr_size=40), "`scale` must be one of 2, 3, 4; got 5"),
    (dict(scale=4, hr_size=90), "`hr_size`=90 is not divisible by `scale`=4"),
    (dict(scale=4, hr_size=304), r"larger than the smallest training image, coins \(303x384"),
    (dict(scale=2, hr_size=302, split="held_out"), r"held-out image, chelsea \(300x451"),
    (dict(scale=2, hr_size=32, split="test"), "`split` must be 'train' or 'held_out'"),
    (dict(scale=2, hr_size=32, steps=0), "`steps` must be None or a positive integer"),
])
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        kgan.datasets.load_super_resolution(batch_size=4, **kwargs)


def test_unknown_name_is_refused():
    with pytest.raises(ValueError, match="`name_or_path` 'faces' is neither 'photos'"):
        kgan.datasets.load_super_resolution("faces", scale=2, hr_size=32, batch_size=4)


# --- downscale -----------------------------------------------------------------


def test_downscale_is_antialiased_bicubic():
    # A constant image stays constant; a 1-px checkerboard (above LR Nyquist)
    # averages to grey instead of aliasing; uint8 stays uint8, float stays float.
    flat = np.full((8, 12, 3), 77, np.uint8)
    assert np.array_equal(photos.downscale(flat, 4), np.full((2, 3, 3), 77, np.uint8))
    checker = (np.indices((32, 32)).sum(0) % 2 * 2 - 1).astype(np.float32)[..., None]
    small = photos.downscale(checker, 2)
    assert small.dtype == np.float32 and small.shape == (16, 16, 1)
    assert np.abs(small[2:-2, 2:-2]).max() < 0.05
    tensor = photos.downscale(tf.zeros((2, 6, 6, 1)), 3)
    assert tf.is_tensor(tensor) and tensor.shape == (2, 2, 2, 1)
    up = photos.bicubic_upscale(flat, 2)
    assert up.shape == (16, 24, 3) and np.array_equal(up, np.full_like(up, 77))
    with pytest.raises(ValueError, match=r"`hr` is 10x12, which `scale`=4 does not divide"):
        photos.downscale(np.zeros((10, 12, 3), np.uint8), 4)


# --- read_image ----------------------------------------------------------------


def test_read_image_modes(tmp_path):
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (5, 7, 3), dtype=np.uint8)
    rgba = np.concatenate([rgb, np.full((5, 7, 1), 9, np.uint8)], axis=-1)
    Image.fromarray(rgba).save(tmp_path / "alpha.png")
    np.testing.assert_array_equal(photos.read_image(tmp_path / "alpha.png"), rgb)

    palette = Image.fromarray(rgb).convert("P", palette=Image.Palette.ADAPTIVE, colors=8)
    palette.save(tmp_path / "palette.png")
    np.testing.assert_array_equal(photos.read_image(tmp_path / "palette.png"),
                                  np.asarray(palette.convert("RGB")))

    grey = rgb[..., 0]
    Image.fromarray(grey).save(tmp_path / "grey.png")
    assert photos.read_image(tmp_path / "grey.png").shape == (5, 7, 1)
    assert np.array_equal(photos.read_image(tmp_path / "grey.png", channels=3)[..., 2], grey)
    luma = photos.read_image(tmp_path / "alpha.png", channels=1)[..., 0]
    assert abs(int(luma[0, 0]) - round(rgb[0, 0] @ [0.299, 0.587, 0.114])) <= 1


def test_read_image_16_bit_rule(tmp_path):
    wide = (np.arange(4 * 6 * 3).reshape(4, 6, 3) * 3000 % 65536).astype(np.uint16)
    wide[0, 0] = [0, 65535, 257 * 200]
    (tmp_path / "rgb16.png").write_bytes(tf.io.encode_png(wide).numpy())
    (tmp_path / "grey16.png").write_bytes(tf.io.encode_png(wide[..., :1]).numpy())
    expected = np.rint(wide / 257).astype(np.uint8)
    np.testing.assert_array_equal(photos.read_image(tmp_path / "rgb16.png"), expected)
    np.testing.assert_array_equal(photos.read_image(tmp_path / "grey16.png"), expected[..., :1])
    assert list(photos.read_image(tmp_path / "rgb16.png")[0, 0]) == [0, 255, 200]


def test_read_image_errors_name_the_file(tmp_path):
    with pytest.raises(ValueError, match=r"'.*missing.png' does not exist"):
        photos.read_image(tmp_path / "missing.png")
    (tmp_path / "notes.png").write_text("hello")
    with pytest.raises(ValueError, match=r"Could not read '.*notes.png' as an image"):
        photos.read_image(tmp_path / "notes.png")
    Image.fromarray(np.zeros((64, 64, 3), np.uint8)).save(tmp_path / "whole.jpg")
    data = (tmp_path / "whole.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"'.*cut.jpg'.*corrupt or truncated"):
        photos.read_image(tmp_path / "cut.jpg")
    with pytest.raises(ValueError, match="is a directory"):
        photos.read_image(tmp_path)
