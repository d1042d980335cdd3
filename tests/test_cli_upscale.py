"""`kgan upscale`: any size, tiled with overlap, folders, and one clear message per bad input."""

import numpy as np
import pytest
from PIL import Image

import kgan
from conftest import tiny_gan
from kgan import saving
from kgan.tasks.super_resolution import upscale_image
from task_support import check, kgan_command


def _randomize(network, rng):
    for weight in network.weights:
        weight.assign(rng.normal(0, 0.3, weight.shape).astype("float32"))


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A run directory with a tiny 2x model whose every weight is random (not bicubic)."""
    path = tmp_path_factory.mktemp("upscale") / "run"
    gan = kgan.tasks.get("super-resolution").build(hr_size=8, scale=2, filters=4, blocks=1,
                                                   ema_decay=0.5, seed=0)
    rng = np.random.default_rng(0)
    _randomize(gan.ema_generator, rng)
    _randomize(gan.psnr_generator, rng)
    gan.psnr_frozen.assign(1)
    saving.save_model(gan, path / "gan.keras")
    return path


def write_image(path, shape, seed=0):
    path.parent.mkdir(parents=True, exist_ok=True)
    pixels = np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)
    Image.fromarray(pixels).save(path)
    return pixels


def upscale(*args):
    return kgan_command(None, ["upscale", *map(str, args)])


def test_a_large_image_is_tiled_and_equals_the_untiled_output(run_dir, tmp_path):
    pixels = write_image(tmp_path / "big.png", (1024, 1024, 3))
    check(upscale(run_dir, tmp_path / "big.png", "--out", tmp_path / "tiled.png", "--tile", 256))
    tiled = np.asarray(Image.open(tmp_path / "tiled.png")).astype(int)
    assert tiled.shape == (2048, 2048, 3)
    assert tiled.std() > 10  # the random network does not give a flat image
    # Untiled, on a window across the seams of tiles 0, 1 and 2 (LR rows and columns
    # 224-256 and 448-480 are shared): the same pixels, within one grey level, wherever
    # the window's own edges (the 1-block generator sees 6 LR pixels) do not reach.
    model = saving.load_model(run_dir / "gan.keras")
    whole = upscale_image(model, pixels[200:500, 200:500], tile=None).astype(int)
    inner = slice(2 * 8, -2 * 8)
    window = tiled[400:1000, 400:1000]
    assert np.abs(window[inner, inner] - whole[inner, inner]).max() <= 1


def test_one_image_is_what_the_model_generates(run_dir, tmp_path):
    pixels = write_image(tmp_path / "small.png", (13, 7, 3))
    result = check(upscale(run_dir, tmp_path / "small.png", "--out", tmp_path / "sr.png"))
    assert "Wrote 1 image upscaled 2x" in result.stdout
    model = saving.load_model(run_dir / "gan.keras")
    expected = kgan.images.to_uint8(model.generate(pixels / 127.5 - 1.0))
    written = np.asarray(Image.open(tmp_path / "sr.png"))
    assert written.shape == (26, 14, 3)
    assert np.abs(written.astype(int) - expected.astype(int)).max() <= 1
    check(upscale(run_dir, tmp_path / "small.png", "--out", tmp_path / "psnr.png",
                  "--psnr-model"))
    psnr = kgan.images.to_uint8(model.generate(pixels / 127.5 - 1.0, psnr=True))
    assert np.abs(np.asarray(Image.open(tmp_path / "psnr.png")).astype(int)
                  - psnr.astype(int)).max() <= 1


def test_a_folder_is_upscaled_into_a_folder(run_dir, tmp_path):
    write_image(tmp_path / "in" / "a.png", (8, 9, 3))
    write_image(tmp_path / "in" / "sub" / "b.jpg", (10, 6, 3))
    result = check(upscale(run_dir, tmp_path / "in", "--out", tmp_path / "out"))
    assert "Wrote 2 images" in result.stdout
    assert np.asarray(Image.open(tmp_path / "out" / "a.png")).shape == (16, 18, 3)
    assert np.asarray(Image.open(tmp_path / "out" / "sub" / "b.png")).shape == (20, 12, 3)


def _refused(result, message, out):
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert not out.exists()


def test_bad_input_is_refused_before_anything_is_written(run_dir, tmp_path):
    write_image(tmp_path / "in" / "good.png", (8, 8, 3))
    (tmp_path / "in" / "broken.png").write_bytes(b"not a png")
    _refused(upscale(run_dir, tmp_path / "in", "--out", tmp_path / "out"),
             "broken.png' as an image", tmp_path / "out")
    write_image(tmp_path / "tiny.png", (3, 8, 3))
    _refused(upscale(run_dir, tmp_path / "tiny.png", "--out", tmp_path / "t.png"),
             "is 8x3 pixels; kgan upscale needs at least 4x4", tmp_path / "t.png")
    _refused(upscale(run_dir, tmp_path / "missing.png", "--out", tmp_path / "m.png"),
             "does not exist", tmp_path / "m.png")
    _refused(upscale(run_dir, tmp_path / "in" / "good.png", "--out", tmp_path / "m.jpg"),
             "give a path ending in .png", tmp_path / "m.jpg")


def test_a_tile_smaller_than_twice_the_overlap_is_refused(run_dir, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit:
        kgan.cli.main(["upscale", str(run_dir), str(tmp_path / "a.png"), "--out",
                       str(tmp_path / "x.png"), "--tile", "10"])
    assert exit.value.code == 2
    assert "argument --tile: expected 0 (whole images) or an integer >= 65" in \
        capsys.readouterr().err


def test_an_existing_output_needs_overwrite(run_dir, tmp_path):
    write_image(tmp_path / "a.png", (8, 8, 3))
    (tmp_path / "sr.png").write_bytes(b"keep")
    result = upscale(run_dir, tmp_path / "a.png", "--out", tmp_path / "sr.png")
    assert result.returncode == 2 and "pass --overwrite" in result.stderr
    assert (tmp_path / "sr.png").read_bytes() == b"keep"
    check(upscale(run_dir, tmp_path / "a.png", "--out", tmp_path / "sr.png", "--overwrite"))
    assert np.asarray(Image.open(tmp_path / "sr.png")).shape == (16, 16, 3)


def test_a_run_of_another_task_is_refused(tmp_path):
    saving.save_model(tiny_gan(), tmp_path / "run" / "gan.keras")
    write_image(tmp_path / "a.png", (8, 8, 3))
    _refused(upscale(tmp_path / "run", tmp_path / "a.png", "--out", tmp_path / "sr.png"),
             "kgan upscale needs a super-resolution run", tmp_path / "sr.png")
