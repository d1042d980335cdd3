"""kgan.datasets.pairs: font pairs, sketches, folders of pairs, unpaired data."""

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from kgan import datasets
from kgan.datasets import glyphs, pairs

SIZE = 16  # shared with tests/test_datasets_glyphs.py: the rendering is cached
FEW_FONTS = "DejaVu Sans,cmr10,STIXGeneral Italic"


def batches(ds):
    return [tuple(t.numpy() for t in batch) for batch in ds]


def test_font_pairs_hold_out_characters_training_never_sees():
    train, test = pairs.font_pairs("train", SIZE), pairs.font_pairs("test", SIZE)
    assert train.characters == "".join(glyphs.CHARACTERS)
    assert test.held_out_characters == pairs.held_out_characters() == "DJPVbhntz5"
    seen = {train.characters[i] for i in train.char_index}
    tested = {test.characters[i] for i in test.char_index}
    assert tested == set("DJPVbhntz5") and not seen & tested
    assert len(seen) == 52 and len(train.source_fonts) == 21
    assert train.target_font == pairs.DEFAULT_TARGET_FONT not in train.source_fonts
    assert train.source.shape == (21 * 52, SIZE, SIZE, 1) == train.target.shape
    assert test.source.shape == (21 * 10, SIZE, SIZE, 1)
    assert train.source.dtype == np.float32 and -1 <= train.source.min() < train.source.max() <= 1
    # Pairs are the same character: every target of one character is the same image, and
    # the source images of one font are that font's glyphs (the same as the glyphs dataset).
    for c in np.unique(test.char_index):
        same = test.target[test.char_index == c]
        assert (same == same[0]).all()
    images, _, names = glyphs.render_glyphs(SIZE)
    index = names.index("cmr10.ttf") * 62 + glyphs.CHARACTERS.index("D")
    example = np.flatnonzero((np.array(test.source_fonts)[test.font_index] == "cmr10")
                             & (test.char_index == glyphs.CHARACTERS.index("D")))[0]
    np.testing.assert_allclose(test.source[example, ..., 0], images[index] / 127.5 - 1, atol=1e-6)
    assert not np.array_equal(test.source[example], test.target[example])


def test_font_options_and_held_out_fonts():
    data = dict(source_fonts=FEW_FONTS, target_font="cmtt10.ttf", characters="ABCDEFGH")
    train = pairs.font_pairs("train", 8, held_out_fonts=["cmr10"], **data)
    test = pairs.font_pairs("test", 8, held_out_fonts=["cmr10"], **data)
    assert train.source_fonts == ("DejaVu Sans", "cmr10", "STIXGeneral Italic")
    assert train.target_font == "cmtt10" and train.held_out_characters == "D"
    train_pairs = {(train.font_index[i], train.char_index[i]) for i in range(len(train.source))}
    test_pairs = {(test.font_index[i], test.char_index[i]) for i in range(len(test.source))}
    assert not train_pairs & test_pairs and len(train_pairs | test_pairs) == 3 * 8
    assert 1 not in train.font_index  # cmr10 only in the test split
    assert {c for f, c in test_pairs if f == 1} == set(range(8))


@pytest.mark.parametrize("options, words", [
    (dict(source_fonts="cmr10", characters="AB\u0416"), ["`source_fonts`", "'cmr10'", "\u0416"]),
    (dict(target_font="cmr10", characters="AB\u0416\u0429"), ["`target_font`", "'cmr10'",
                                                              "\u0416\u0429"]),
    (dict(target_font="No Such Font"), ["`target_font`", "'No Such Font'", "cmr10"]),
    (dict(source_fonts="cmr10,cmtt10", target_font="cmtt10"), ["`source_fonts`", "target"]),
    (dict(characters="AB", held_out_characters="AB"), ["`held_out_characters`", "every"]),
    (dict(characters="ABC", held_out_characters="Z"), ["`held_out_characters`", "'Z'"]),
    (dict(characters="A"), ["`characters`", "at least 2"]),
    (dict(source_fonts="cmr10", held_out_fonts="cmr10"), ["`held_out_fonts`", "every"]),
    (dict(held_out_fonts="cmtt10", source_fonts="cmr10,cmb10"), ["`held_out_fonts`", "cmtt10"]),
])
def test_font_errors_name_the_argument(options, words):
    with pytest.raises(ValueError) as err:
        pairs.font_pairs("train", SIZE, **options)
    for word in words:
        assert word in str(err.value)


def test_load_pairs_train_is_deterministic_and_has_steps_batches():
    def load(seed, **kw):
        return batches(datasets.load_pairs("fonts", image_size=SIZE, batch_size=8, seed=seed,
                                           steps=3, **kw))

    first, again, other = load(0), load(0), load(1)
    assert len(first) == 3 and first[0][0].shape == (8, SIZE, SIZE, 1)
    for (s1, t1), (s2, t2) in zip(first, again):
        np.testing.assert_array_equal(s1, s2)
        np.testing.assert_array_equal(t1, t2)
    assert not np.array_equal(first[0][0], other[0][0])
    rgb = load(0, channels=3)
    np.testing.assert_array_equal(rgb[0][0][..., 1], first[0][0][..., 0])


def test_load_pairs_test_split_is_fixed_ordered_and_not_repeated():
    expected = pairs.font_pairs("test", SIZE)
    got = batches(datasets.load_pairs("fonts", image_size=SIZE, batch_size=64, split="test",
                                      seed=3))
    assert [len(s) for s, _ in got] == [64, 64, 64, 18]
    np.testing.assert_array_equal(np.concatenate([s for s, _ in got]), expected.source)
    np.testing.assert_array_equal(np.concatenate([t for _, t in got]), expected.target)


def test_load_unpaired_fonts_breaks_the_pairing_and_tests_on_true_pairs():
    ds = datasets.load_unpaired("fonts", image_size=8, batch_size=16, seed=0, steps=4,
                                source_fonts=FEW_FONTS, characters="ABCDEFGHIJKLMNOP")
    train = pairs.font_pairs("train", 8, source_fonts=FEW_FONTS, characters="ABCDEFGHIJKLMNOP")
    chars_a = {glyph.tobytes(): c for glyph, c in zip(train.source, train.char_index)}
    chars_b = {glyph.tobytes(): c for glyph, c in zip(train.target, train.char_index)}
    matches = total = 0
    for a, b in batches(ds):
        assert a.shape == b.shape == (16, 8, 8, 1)
        for x, y in zip(a, b):
            matches += chars_a[x.tobytes()] == chars_b[y.tobytes()]
            total += 1
    assert total == 64 and matches < total / 3
    test = batches(datasets.load_unpaired("fonts", image_size=8, batch_size=100, split="test",
                                          source_fonts=FEW_FONTS, characters="ABCDEFGHIJKLMNOP"))
    truth = pairs.font_pairs("test", 8, source_fonts=FEW_FONTS, characters="ABCDEFGHIJKLMNOP")
    np.testing.assert_array_equal(test[0][0], truth.source)
    np.testing.assert_array_equal(test[0][1], truth.target)


def _save(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.asarray(array, np.uint8)).save(path)


def test_folder_pairs_are_matched_by_name(tmp_path):
    for i in range(12):  # B = 255 - A; the names sort differently from the values
        value = (i * 37) % 200
        _save(tmp_path / "A" / f"img{i:02d}.png", np.full((8, 8), value))
        _save(tmp_path / "B" / f"img{i:02d}.jpg" if i == 0 else tmp_path / "B" / f"img{i:02d}.png",
              np.full((8, 8, 3), 255 - value))
    train = batches(datasets.load_pairs(tmp_path, image_size=None, batch_size=11, seed=0))
    test = batches(datasets.load_pairs(tmp_path, image_size=4, batch_size=11, split="test"))
    source, target = train[0]
    assert source.shape == (11, 8, 8, 1) and target.shape == (11, 8, 8, 3)
    np.testing.assert_allclose(source[..., 0] + target[..., 0], 0.0, atol=0.02)
    assert test[0][0].shape == (1, 4, 4, 1)  # every tenth pair in name order: img09
    np.testing.assert_allclose(test[0][0][0, 0, 0, 0], (9 * 37 % 200) / 127.5 - 1, atol=1e-5)
    assert not np.isclose(source[..., 0, 0, 0], test[0][0][0, 0, 0, 0]).any()


def test_folder_pairs_with_missing_partners_are_one_error(tmp_path):
    for name in ("a", "b", "c"):
        _save(tmp_path / "A" / f"{name}.png", np.zeros((8, 8)))
    _save(tmp_path / "B" / "a.png", np.zeros((8, 8)))
    _save(tmp_path / "B" / "z.png", np.zeros((8, 8)))
    with pytest.raises(ValueError) as err:
        datasets.load_pairs(tmp_path, image_size=8, batch_size=1)
    message = str(err.value)
    assert "`name_or_path`" in message and "'b', 'c'" in message and "'z'" in message


def test_side_by_side_folder_with_split_folders(tmp_path):
    for split, count in (("train", 4), ("val", 2)):
        for i in range(count):
            image = np.zeros((6, 12, 3), np.uint8)
            image[:, :6] = 10 * i
            image[:, 6:] = 200
            _save(tmp_path / split / f"{i}.png", image)
    source, target = batches(datasets.load_pairs(tmp_path, image_size=None, batch_size=4,
                                                 seed=0))[0]
    assert source.shape == target.shape == (4, 6, 6, 3)
    np.testing.assert_allclose(target, 200 / 127.5 - 1, atol=1e-6)
    assert sorted(np.round((source[:, 0, 0, 0] + 1) * 127.5)) == [0, 10, 20, 30]
    test = batches(datasets.load_pairs(tmp_path, image_size=None, batch_size=4, split="test"))
    assert test[0][0].shape == (2, 6, 6, 3)
    _save(tmp_path / "train" / "odd.png", np.zeros((6, 13)))
    with pytest.raises(ValueError, match="odd"):
        datasets.load_pairs(tmp_path, image_size=None, batch_size=4)


def test_unpaired_folders(tmp_path):
    for i in range(5):
        _save(tmp_path / "trainA" / f"horse{i}.png", np.full((8, 8, 3), 20 * i))
    for i in range(3):
        _save(tmp_path / "trainB" / f"zebra_{i}.png", np.full((8, 8, 3), 250))
    a, b = batches(datasets.load_unpaired(tmp_path, image_size=None, batch_size=2, seed=0))[0]
    assert a.shape == b.shape == (2, 8, 8, 3)
    _save(tmp_path / "trainB" / "zebra_0.png", np.full((8, 8), 250))
    for i in (1, 2):
        _save(tmp_path / "trainB" / f"zebra_{i}.png", np.full((8, 8), 250))
    with pytest.raises(ValueError) as err:
        datasets.load_unpaired(tmp_path, image_size=None, batch_size=2)
    assert "channel" in str(err.value) and "`channels`" in str(err.value)
    a, b = batches(datasets.load_unpaired(tmp_path, image_size=None, batch_size=2,
                                          channels=3))[0]
    assert b.shape == (2, 8, 8, 3)


def test_sketch_glyphs_are_edges_of_held_out_characters():
    sketch, image = batches(datasets.load_pairs("sketch-glyphs", image_size=SIZE, batch_size=300,
                                                split="test"))[0]
    assert sketch.shape == image.shape == (22 * 10, SIZE, SIZE, 1)
    assert set(np.unique(sketch)) <= {-1.0, 1.0}  # Canny: binary edges
    # The edges trace the glyphs' outlines: nearly every edge pixel lies within two pixels of
    # where the ink begins (a third of randomly placed pixels would), and every glyph has some.
    ink = image[..., 0] > 0
    outline = ndimage.binary_dilation(ink ^ ndimage.binary_erosion(ink, axes=(1, 2)),
                                      iterations=2, axes=(1, 2))
    edges = sketch[..., 0] > 0
    assert edges.any(axis=(1, 2)).all()
    assert (edges & outline).sum() >= 0.95 * edges.sum()
    sobel = pairs.edge_map(image[:4], "sobel")
    assert sobel.min() >= -1 and np.isclose(sobel.reshape(4, -1).max(axis=1), 1).all()


def test_min_size_and_argument_errors(tmp_path):
    with pytest.raises(ValueError, match=r"`image_size`=16 is smaller than the network's minimum "
                                         r"of 32"):
        datasets.load_pairs("fonts", image_size=16, batch_size=4, min_size=32)
    with pytest.raises(ValueError, match="`image_size`"):
        pairs.check_image_size((16, 40), 32)
    assert pairs.check_image_size(32, 32) == 32
    with pytest.raises(ValueError, match="`split`"):
        datasets.load_pairs("fonts", image_size=SIZE, batch_size=4, split="val")
    with pytest.raises(ValueError, match="`sourcefonts`"):
        datasets.load_pairs("fonts", image_size=SIZE, batch_size=4, sourcefonts="cmr10")
    with pytest.raises(ValueError, match="`name_or_path`"):
        datasets.load_pairs(str(tmp_path / "nope"), image_size=8, batch_size=4)
    with pytest.raises(ValueError, match="`name_or_path`"):
        datasets.load_unpaired(tmp_path, image_size=8, batch_size=4)
    with pytest.raises(ValueError, match="`batch_size`"):
        datasets.load_pairs("fonts", image_size=SIZE, batch_size=10_000)


def test_tfds_cycle_gan_is_unpaired(tmp_path, monkeypatch):
    tfds = pytest.importorskip("tensorflow_datasets")
    from kgan.datasets import tfds_source

    monkeypatch.setattr(tfds_source, "network_available", lambda *a, **k: True)
    name = "cycle_gan/horse2zebra"
    with tfds.testing.mock_data(num_examples=6, data_dir=str(tmp_path)):
        train = batches(datasets.load_unpaired(name, image_size=8, batch_size=2, seed=0, steps=3,
                                               data_dir=tmp_path))
        test = batches(datasets.load_unpaired(name, image_size=8, batch_size=4, split="test",
                                              data_dir=tmp_path))
        with pytest.raises(ValueError, match="`load_unpaired`"):
            datasets.load_pairs(name, image_size=8, batch_size=2)
    assert len(train) == 3 and all(a.shape == b.shape == (2, 8, 8, 3) for a, b in train)
    assert [len(a) for a, _ in test] == [4, 2]
    assert all(-1 <= a.min() and a.max() <= 1 for a, _ in train)
