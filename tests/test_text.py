"""kgan.text: ids / one-hots / probabilities -> strings."""

import numpy as np
import pytest

from kgan import text

VOCAB = ["", "a", "b", "c"]


def test_decode_ids_stops_at_the_first_end_token():
    assert text.decode_ids([[3, 1, 0, 2], [0, 1, 1, 1], [1, 2, 3, 1]], VOCAB) == [
        "ca", "", "abca"]


def test_decode_argmax_of_soft_rows():
    scores = np.array([[[0.1, 0.2, 0.7, 0.0], [0.0, 0.6, 0.4, 0.0], [0.9, 0.1, 0, 0],
                        [0, 0, 0, 1.0]]])
    assert text.decode(scores, VOCAB) == ["ba"]


def test_decode_sampled_follows_the_probabilities():
    # Position 0: always "c"; position 1: "a" or end with probability 1/2 each.
    row = np.array([[0, 0, 0, 1.0], [0.5, 0.5, 0, 0]])
    decoded = text.decode(np.repeat(row[None], 4000, axis=0), VOCAB, sample=True, seed=0)
    assert set(decoded) == {"c", "ca"}
    assert abs(decoded.count("ca") / 4000 - 0.5) < 0.03
    assert decoded == text.decode(np.repeat(row[None], 4000, axis=0), VOCAB, sample=True, seed=0)


def test_first_end_mask():
    np.testing.assert_array_equal(text.first_end_mask([[2, 1, 0, 0], [1, 1, 1, 1], [0, 2, 0, 1]]),
                                  [[1, 1, 1, 0], [1, 1, 1, 1], [1, 0, 0, 0]])


@pytest.mark.parametrize("vocabulary", [["a", "b"], ["", "a", "a"], "abc", [""], ["", ""]])
def test_bad_vocabulary(vocabulary):
    with pytest.raises(ValueError, match="vocabulary"):
        text.decode_ids([[1]], vocabulary)


def test_bad_ids_and_scores():
    with pytest.raises(ValueError, match="ids"):
        text.decode_ids([[4]], VOCAB)
    with pytest.raises(ValueError, match="scores"):
        text.decode(np.zeros((1, 2, 3)), VOCAB)
    with pytest.raises(ValueError, match="non-negative"):
        text.decode(-np.ones((1, 2, 4)), VOCAB, sample=True)


def test_write_lines_round_trip(tmp_path):
    path = text.write_lines(["ab", "", "é"], tmp_path / "sub" / "out.txt")
    assert open(path, encoding="utf-8").read().split("\n") == ["ab", "", "é", ""]
    with pytest.raises(ValueError, match="line break"):
        text.write_lines(["a\nb"], tmp_path / "bad.txt")
    assert not (tmp_path / "bad.txt").exists()
