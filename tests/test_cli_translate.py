"""`kgan translate` and `kgan inpaint`: any size (padded, tiled above --tile), folders, masks,
and one clear message per bad input with nothing written."""

import json

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

import kgan
from kgan import saving
from task_support import check, kgan_command


def _run_dir(path, task_name, **build):
    """A run directory with a tiny untrained model of `task_name` and its export."""
    task = kgan.tasks.get(task_name)
    gan = task.build(image_size=16, filters=4, channels=1, seed=0, ema_decay=0.5, **build)
    saving.save_model(gan, path / "gan.keras")
    (path / "run.json").write_text(json.dumps({"task": task_name, "image_shape": [16, 16, 1]}))
    return path


@pytest.fixture(scope="module")
def pix2pix_dir(tmp_path_factory):
    path = _run_dir(tmp_path_factory.mktemp("translate") / "run", "pix2pix")
    kgan.tasks.get("pix2pix").export(saving.load_model(path / "gan.keras"),
                                     str(path / "saved_model"))
    return path


@pytest.fixture(scope="module")
def inpaint_dir(tmp_path_factory):
    return _run_dir(tmp_path_factory.mktemp("inpaint") / "run", "inpaint")


def write_image(path, shape, seed=0):
    path.parent.mkdir(parents=True, exist_ok=True)
    pixels = np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)
    Image.fromarray(pixels.squeeze(-1) if shape[-1] == 1 else pixels).save(path)
    return pixels


def read(path):
    return np.asarray(Image.open(path))


def translate(*args):
    return kgan_command(None, ["translate", *map(str, args)])


def inpaint(*args):
    return kgan_command(None, ["inpaint", *map(str, args)])


def test_a_512_image_is_translated_in_tiles_of_bounded_size(pix2pix_dir, tmp_path,
                                                             monkeypatch):
    task = kgan.tasks.get("pix2pix")
    original = task.translate_function
    seen = []

    def spy(model, direction=None):
        fn = original(model, direction)

        def recorded(batch):
            seen.append(batch.shape)
            return fn(batch)

        return recorded

    monkeypatch.setattr(task, "translate_function", spy)
    pixels = write_image(tmp_path / "big.png", (512, 512, 1))
    check(translate(pix2pix_dir, tmp_path / "big.png", "--out", tmp_path / "out.png",
                    "--tile", 192))
    out = read(tmp_path / "out.png")
    assert out.shape == (512, 512)
    assert max(max(s[1:3]) for s in seen) <= 192 and len(seen) == 16  # 4 x 4 tiles
    assert out.std() > 1 and not np.array_equal(out, pixels[..., 0])


def test_an_image_of_another_size_is_padded_like_the_export(pix2pix_dir, tmp_path):
    pixels = write_image(tmp_path / "small.png", (21, 35, 1))
    result = check(translate(pix2pix_dir, tmp_path / "small.png", "--out",
                             tmp_path / "t.png"))
    assert "Wrote 1 image translated by the pix2pix generator" in result.stdout
    written = read(tmp_path / "t.png")
    served = tf.saved_model.load(str(pix2pix_dir / "saved_model")).signatures[
        "serving_default"](images=tf.constant(pixels[None]))["images"].numpy()[0, ..., 0]
    assert written.shape == (21, 35)
    assert np.abs(written.astype(int) - served.astype(int)).max() <= 1


def test_a_folder_is_translated_into_a_folder(pix2pix_dir, tmp_path):
    write_image(tmp_path / "in" / "a.png", (16, 16, 3))  # colour: read as grey
    write_image(tmp_path / "in" / "sub" / "b.png", (30, 20, 1))
    result = check(translate(pix2pix_dir, tmp_path / "in", "--out", tmp_path / "out"))
    assert "Wrote 2 images" in result.stdout
    assert read(tmp_path / "out" / "a.png").shape == (16, 16)
    assert read(tmp_path / "out" / "sub" / "b.png").shape == (30, 20)


def test_inpaint_fills_the_hole_and_keeps_the_rest(inpaint_dir, tmp_path):
    pixels = write_image(tmp_path / "digit.png", (24, 40, 1))
    hole = np.zeros((24, 40), np.uint8)
    hole[4:14, 10:30] = 255
    Image.fromarray(hole).save(tmp_path / "hole.png")
    result = check(inpaint(inpaint_dir, tmp_path / "digit.png", "--mask", tmp_path / "hole.png",
                           "--out", tmp_path / "filled.png"))
    assert "200-pixel hole filled in" in result.stdout
    filled = read(tmp_path / "filled.png")
    assert np.array_equal(filled[hole == 0], pixels[..., 0][hole == 0])
    assert not np.array_equal(filled[hole > 0], pixels[..., 0][hole > 0])


def _refused(result, message, out):
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert not out.exists()


def test_bad_translate_input_is_refused_before_anything_is_written(pix2pix_dir, inpaint_dir,
                                                                   tmp_path):
    write_image(tmp_path / "in" / "good.png", (16, 16, 1))
    (tmp_path / "in" / "notes.png").write_bytes(b"not an image")
    _refused(translate(pix2pix_dir, tmp_path / "in", "--out", tmp_path / "out"),
             "notes.png' as an image", tmp_path / "out")
    write_image(tmp_path / "tiny.png", (7, 30, 1))
    _refused(translate(pix2pix_dir, tmp_path / "tiny.png", "--out", tmp_path / "t.png"),
             "is 30x7 pixels; kgan translate needs at least 8x8", tmp_path / "t.png")
    _refused(translate(inpaint_dir, tmp_path / "in" / "good.png", "--out", tmp_path / "i.png"),
             "use kgan inpaint RUN_DIR IMAGE --mask MASK", tmp_path / "i.png")
    _refused(translate(pix2pix_dir, tmp_path / "in" / "good.png", "--out", tmp_path / "d.png",
                       "--direction", "b2a"), "translate one way only", tmp_path / "d.png")
    (tmp_path / "kept.png").write_bytes(b"keep")
    result = translate(pix2pix_dir, tmp_path / "in" / "good.png", "--out", tmp_path / "kept.png")
    assert result.returncode == 2 and "pass --overwrite" in result.stderr
    assert (tmp_path / "kept.png").read_bytes() == b"keep"


def test_bad_masks_are_refused_before_anything_is_written(pix2pix_dir, inpaint_dir, tmp_path):
    write_image(tmp_path / "image.png", (20, 20, 1))
    Image.fromarray(np.zeros((20, 24), np.uint8)).save(tmp_path / "wide.png")
    _refused(inpaint(inpaint_dir, tmp_path / "image.png", "--mask", tmp_path / "wide.png",
                     "--out", tmp_path / "o.png"), "the mask must have the image's size",
             tmp_path / "o.png")
    soft = np.full((20, 20), 128, np.uint8)
    Image.fromarray(soft).save(tmp_path / "soft.png")
    _refused(inpaint(inpaint_dir, tmp_path / "image.png", "--mask", tmp_path / "soft.png",
                     "--out", tmp_path / "o.png"), "must be binary", tmp_path / "o.png")
    _refused(inpaint(inpaint_dir, tmp_path / "image.png", "--mask", tmp_path / "none.png",
                     "--out", tmp_path / "o.png"), "--mask", tmp_path / "o.png")
    Image.fromarray(np.zeros((20, 20), np.uint8)).save(tmp_path / "none_hole.png")
    _refused(inpaint(pix2pix_dir, tmp_path / "image.png", "--mask", tmp_path / "none_hole.png",
                     "--out", tmp_path / "o.png"), "kgan inpaint needs an inpainting run",
             tmp_path / "o.png")


def test_a_run_of_another_task_is_refused(tmp_path):
    from conftest import tiny_gan

    saving.save_model(tiny_gan(), tmp_path / "run" / "gan.keras")
    write_image(tmp_path / "a.png", (16, 16, 1))
    _refused(translate(tmp_path / "run", tmp_path / "a.png", "--out", tmp_path / "t.png"),
             "kgan translate needs an image-to-image run", tmp_path / "t.png")
