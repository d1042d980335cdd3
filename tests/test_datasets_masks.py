"""kgan.datasets.masks: random holes, the inpainting input, users' masks, inpainting data."""

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from kgan import datasets
from kgan.datasets import masks


def _is_rectangle(mask):
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return mask[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1].all()


def test_random_masks_are_binary_with_the_documented_coverage():
    box = masks.random_masks(100, 32, 32, "box", seed=0)
    stroke = masks.random_masks(100, 32, 32, "stroke", seed=0)
    assert box.shape == stroke.shape == (100, 32, 32, 1) and box.dtype == np.float32
    assert set(np.unique(box)) | set(np.unique(stroke)) == {0.0, 1.0}
    box_cover = box.reshape(100, -1).mean(axis=1)
    stroke_cover = stroke.reshape(100, -1).mean(axis=1)
    assert box_cover.min() >= 0.25 ** 2 and box_cover.max() <= 0.5 ** 2
    assert all(_is_rectangle(m[..., 0]) for m in box)
    assert stroke_cover.min() >= 0.05 and stroke_cover.max() <= 0.4
    assert sum(_is_rectangle(m[..., 0]) for m in stroke) < 10  # strokes, not boxes
    mixed = masks.random_masks(100, 24, 40, "mixed", seed=1)
    boxes = sum(_is_rectangle(m[..., 0]) for m in mixed)
    assert mixed.shape == (100, 24, 40, 1) and 30 < boxes < 70


def test_random_masks_are_deterministic_for_a_seed():
    np.testing.assert_array_equal(masks.random_masks(5, 16, 16, "mixed", seed=7),
                                  masks.random_masks(5, 16, 16, "mixed", seed=7))
    assert not np.array_equal(masks.random_masks(5, 16, 16, "mixed", seed=7),
                              masks.random_masks(5, 16, 16, "mixed", seed=8))
    with pytest.raises(ValueError, match="`kind`"):
        masks.random_masks(5, 16, 16, "circle")


def test_masked_input_numpy_tensor_batch_and_single():
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (3, 8, 8, 3)).astype(np.float32)
    holes = masks.random_masks(3, 8, 8, "box", seed=0)
    out = masks.masked_input(images, holes)
    assert isinstance(out, np.ndarray) and out.shape == (3, 8, 8, 4)
    np.testing.assert_array_equal(out[..., 3:], holes)
    np.testing.assert_array_equal(out[..., :3][holes[..., 0] == 1], 0.0)
    np.testing.assert_array_equal(out[..., :3][holes[..., 0] == 0], images[holes[..., 0] == 0])
    tensor = masks.masked_input(tf.constant(images), holes)
    assert tf.is_tensor(tensor)
    np.testing.assert_array_equal(tensor.numpy(), out)
    np.testing.assert_array_equal(masks.masked_input(images[0], holes[0]), out[0])
    with pytest.raises(ValueError, match="`masks`"):
        masks.masked_input(images, holes[:, :4])


def test_check_mask_accepts_binary_masks_and_files(tmp_path):
    hole = np.zeros((6, 5), np.uint8)
    hole[2:4, 1:3] = 1
    expected = hole[..., None].astype(np.float32)
    for mask in (hole, hole * 255, hole.astype(bool), hole.astype(np.float32),
                 np.repeat(hole[..., None] * 255, 3, axis=-1)):
        np.testing.assert_array_equal(masks.check_mask(mask, (6, 5, 3), "--mask"), expected)
    Image.fromarray(hole * 255).save(tmp_path / "hole.png")
    np.testing.assert_array_equal(masks.check_mask(tmp_path / "hole.png", (6, 5)), expected)


@pytest.mark.parametrize("mask, words", [
    (np.full((6, 5), 128, np.uint8), ["--mask", "binary", "128"]),
    (np.array([[0, 1, 255]] * 6, np.uint8)[:, :3].repeat(2, axis=1)[:, :5], ["binary"]),
    (np.zeros((5, 6), np.uint8), ["--mask", "5x6", "6x5"]),
    (np.stack([np.zeros((6, 5)), np.ones((6, 5))], -1).astype(np.uint8), ["channels"]),
    (np.full((6, 5), 0.5, np.float32), ["binary"]),
])
def test_check_mask_refuses_other_masks(mask, words):
    with pytest.raises(ValueError) as err:
        masks.check_mask(mask, (6, 5, 3), "--mask")
    for word in words:
        assert word in str(err.value)


def test_check_mask_names_an_unreadable_file(tmp_path):
    (tmp_path / "bad.png").write_bytes(b"not a png")
    with pytest.raises(ValueError, match="`mask`.*bad.png"):
        masks.check_mask(tmp_path / "bad.png", (6, 5))


def test_load_inpainting_builds_inputs_with_masked_input():
    ds = datasets.load_inpainting("digits", image_size=16, batch_size=8, mask_kind="box", seed=0,
                                  steps=3)
    got = [(x.numpy(), y.numpy()) for x, y in ds]
    again = [(x.numpy(), y.numpy()) for x, y in datasets.load_inpainting(
        "digits", image_size=16, batch_size=8, mask_kind="box", seed=0, steps=3)]
    assert len(got) == 3
    for (inputs, target), (inputs2, _) in zip(got, again):
        assert inputs.shape == (8, 16, 16, 2) and target.shape == (8, 16, 16, 1)
        np.testing.assert_array_equal(inputs, masks.masked_input(target, inputs[..., 1:]))
        np.testing.assert_array_equal(inputs, inputs2)
        cover = inputs[..., 1].reshape(8, -1).mean(axis=1)
        assert cover.min() >= 0.0625 and cover.max() <= 0.25
    assert not np.array_equal(got[0][0][..., 1], got[1][0][..., 1])  # fresh masks per batch


def test_inpainting_test_split_has_fixed_masks_and_held_out_images():
    def test_split(seed):
        return [(x.numpy(), y.numpy()) for x, y in datasets.load_inpainting(
            "digits", image_size=8, batch_size=64, split="test", seed=seed)]

    first, other = test_split(0), test_split(5)
    images, _ = datasets.load_arrays("digits", image_size=8)
    targets = np.concatenate([y for _, y in first])
    np.testing.assert_array_equal(targets, images[9::10])
    for (x1, _), (x2, _) in zip(first, other):
        np.testing.assert_array_equal(x1, x2)
    train = np.concatenate([y for _, y in datasets.load_inpainting(
        "digits", image_size=8, batch_size=100, seed=0)])
    held = {image.tobytes() for image in targets} - {image.tobytes() for image in images[~(
        np.arange(len(images)) % 10 == 9)]}
    assert not held & {image.tobytes() for image in train}


def test_load_inpainting_errors():
    with pytest.raises(ValueError, match="`mask_kind`"):
        datasets.load_inpainting("digits", image_size=8, batch_size=4, mask_kind="circle")
    with pytest.raises(ValueError, match="`image_size`=8 is smaller than the network's minimum"):
        datasets.load_inpainting("digits", image_size=8, batch_size=4, min_size=16)
    with pytest.raises(ValueError, match="`name_or_path`"):
        datasets.load_inpainting("no-such-data", image_size=8, batch_size=4)
