"""kgan.datasets.load_text: the offline surnames, text files, and bad input."""

import numpy as np
import pytest

import kgan
from kgan.datasets import load_text


@pytest.fixture(scope="module")
def surnames():
    return load_text("surnames", batch_size=32, seed=0)


def test_surnames_corpus(surnames):
    # 88,799 census surnames, 10% held out, upper-case letters plus the end token.
    assert len(surnames.train_texts) + len(surnames.held_out_texts) == 88_799
    assert len(surnames.held_out_texts) == 8_880
    assert not set(surnames.held_out_texts) & set(surnames.train_texts)
    assert surnames.vocabulary == [""] + [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    assert surnames.max_length == 13 == max(map(len, surnames.train_texts + surnames.held_out_texts))
    assert "SMITH" in surnames.train_texts + surnames.held_out_texts
    batch = next(iter(surnames.train)).numpy()
    assert batch.shape == (32, 13, 27) and batch.dtype == np.float32
    np.testing.assert_array_equal(batch.sum(-1), 1.0)  # one-hot rows
    assert all(text in surnames.train_texts for text in surnames.decode(batch.argmax(-1)))


def test_encode_decode_round_trip(surnames):
    ids = surnames.encode(["SMITH", "O", ""])
    np.testing.assert_array_equal(ids[0, :6], [19, 13, 9, 20, 8, 0])
    assert surnames.decode(ids) == ["SMITH", "O", ""]
    assert surnames.one_hot(["AB"])[0, 1, 2] == 1.0
    with pytest.raises(ValueError, match="outside the vocabulary"):
        surnames.encode(["smith"])


def test_text_file_split_and_order(tmp_path):
    path = tmp_path / "lines.txt"
    lines = [f"line {i} é" for i in range(40)]
    path.write_text("\n".join(lines[:20]) + "\n\n  \r\n" + "\n".join(lines[20:]) + "\n",
                    encoding="utf-8")
    data = load_text(path, batch_size=8, held_out=10, seed=3)
    assert sorted(data.train_texts + data.held_out_texts) == sorted(lines)  # blank lines skipped
    assert len(data.held_out_texts) == 10
    assert data.max_length == max(map(len, lines))
    assert "é" in data.vocabulary and data.vocabulary[0] == ""
    again = load_text(str(path), batch_size=8, held_out=10, seed=3)
    assert again.held_out_texts == data.held_out_texts
    assert len(list(data.train)) == 30 // 8  # full batches only


def test_long_lines(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("abc\nabcdefgh\nab\nxy\nabcdefghijk\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"2 of 5 lines are longer than `max_length`=5"):
        load_text(path, max_length=5, batch_size=2, held_out=1)
    cut = load_text(path, max_length=5, batch_size=2, held_out=1, long_lines="truncate")
    assert sorted(cut.train_texts + cut.held_out_texts) == ["ab", "abc", "abcde", "abcde", "xy"]
    assert cut.num_truncated == 2
    dropped = load_text(path, max_length=5, batch_size=2, held_out=1, long_lines="drop")
    assert sorted(dropped.train_texts + dropped.held_out_texts) == ["ab", "abc", "xy"]
    assert dropped.num_dropped == 2
    # Without max_length, the longest line sets it, up to `cap`; longer lines follow long_lines.
    assert load_text(path, batch_size=2, held_out=1).max_length == 11
    with pytest.raises(ValueError, match=r"1 of 5 lines are longer than `max_length`=8 ch"):
        load_text(path, batch_size=2, held_out=1, cap=8)
    capped = load_text(path, batch_size=2, held_out=1, cap=8, long_lines="drop")
    assert capped.max_length == 8 and capped.num_dropped == 1


def test_bad_input(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n  \n")
    with pytest.raises(ValueError, match="holds no text"):
        load_text(empty)
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("ok\ncaf\xe9\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"not UTF-8 text: byte 6 \(line 2\)"):
        load_text(latin1)
    small = tmp_path / "small.txt"
    small.write_text("a\nb\nc\n")
    with pytest.raises(ValueError, match="too small to split"):
        load_text(small, batch_size=4)
    with pytest.raises(ValueError, match="neither a built-in"):
        load_text(tmp_path / "missing.txt")
    with pytest.raises(ValueError, match="held_out"):
        load_text(small, held_out=0.0)
    with pytest.raises(ValueError, match="long_lines"):
        load_text(small, long_lines="cut")
    with pytest.raises(ValueError, match="max_length"):
        load_text(small, max_length=0)


def test_exported_from_package():
    assert kgan.datasets.load_text is load_text
    assert "surnames" in kgan.datasets.text_corpora()
