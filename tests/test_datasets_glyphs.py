"""kgan.datasets "glyphs": A-Z a-z 0-9 rendered from matplotlib's fonts; class names."""

import numpy as np
import pytest

from kgan import datasets
from kgan.datasets import glyphs


def test_every_usable_font_draws_62_labelled_glyphs():
    images, labels, fonts = glyphs.render_glyphs(16)
    assert len(fonts) >= 20 and "DejaVuSans.ttf" in fonts
    assert not any(name in fonts for name in glyphs.EXCLUDED_FONTS + ("LastResortHE-Regular.ttf",))
    assert images.shape == (62 * len(fonts), 16, 16) and images.dtype == np.uint8
    np.testing.assert_array_equal(labels, np.tile(np.arange(62), len(fonts)))
    assert images.reshape(len(images), -1).max(axis=1).min() > 100  # every glyph has ink
    # A font's glyphs share one scale: "o" is smaller than "O" and "." would be tiny.
    ink = (images > 127).reshape(len(fonts), 62, -1).sum(axis=2)
    upper_o, lower_o = glyphs.CHARACTERS.index("O"), glyphs.CHARACTERS.index("o")
    assert (ink[:, lower_o] < ink[:, upper_o]).mean() > 0.9
    # Glyphs are centred with a margin: the border rows and columns stay dark.
    assert images[:, 0, :].max() < 128 and images[:, :, 0].max() < 128


def test_rendering_is_deterministic():
    path = glyphs.matplotlib_font_files()[0]
    np.testing.assert_array_equal(glyphs.render_font(path, 12), glyphs.render_font(path, 12))


def test_load_glyphs_with_labels():
    ds = datasets.load("glyphs", batch_size=31, image_size=16, labels=True, shuffle=False)
    images, labels = next(iter(ds))
    assert images.shape == (31, 16, 16, 1) and images.dtype.name == "float32"
    assert float(images.numpy().min()) == -1.0 and float(images.numpy().max()) == 1.0
    np.testing.assert_array_equal(labels.numpy(), np.arange(31))
    arrays, all_labels = datasets.load_arrays("glyphs")
    assert arrays.shape[1:] == (32, 32, 1)  # 32x32 by default
    assert len(arrays) == len(all_labels) == 62 * len(glyphs.render_glyphs(32)[2])


def test_class_names():
    names = datasets.class_names("glyphs")
    assert len(names) == 62 and names[:3] == ["A", "B", "C"]
    assert names[26] == "a" and names[52:] == list("0123456789")
    assert datasets.class_names("digits") == [str(d) for d in range(10)]


def test_class_names_of_folders_and_unlabelled_sources(tmp_path):
    from PIL import Image

    for label in ("cat", "ant"):
        (tmp_path / "labelled" / label).mkdir(parents=True)
        Image.new("L", (8, 8)).save(tmp_path / "labelled" / label / "x.png")
    assert datasets.class_names(tmp_path / "labelled") == ["ant", "cat"]
    (tmp_path / "flat").mkdir()
    Image.new("L", (8, 8)).save(tmp_path / "flat" / "x.png")
    with pytest.raises(ValueError, match="has no labels"):
        datasets.class_names(tmp_path / "flat")


def test_class_names_of_idx_labels():
    from conftest import SHARED_MNIST

    if not SHARED_MNIST.is_dir():
        pytest.skip(f"{SHARED_MNIST} is not here")
    assert datasets.class_names(SHARED_MNIST) == [str(d) for d in range(10)]


def test_class_names_of_a_folder_of_mixed_sizes(tmp_path):
    from PIL import Image

    for label, size in (("b", 8), ("a", 12)):
        (tmp_path / label).mkdir()
        Image.new("L", (size, size)).save(tmp_path / label / "x.png")
    assert datasets.class_names(tmp_path, image_size=8) == ["a", "b"]
