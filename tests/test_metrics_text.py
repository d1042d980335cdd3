"""kgan.metrics.text against values worked out by hand."""

import math

import numpy as np
import pytest

from kgan.metrics import text as tm


def test_ngram_counts_use_boundary_markers():
    counts = tm.ngram_counts(["ab", "b"], 2)
    assert counts == {(tm.BOS, "a"): 1, ("a", "b"): 1, ("b", tm.EOS): 2, (tm.BOS, "b"): 1}


def test_js_divergence_hand_computed():
    assert tm.js_divergence(["ab", "ba"], ["ba", "ab"], n=3) == 0.0
    # Unigrams {<s>, a, </s>} vs {<s>, b, </s>}: a and b each add 1/2 * 1/3 * log2(2).
    assert tm.js_divergence(["a"], ["b"], n=1) == pytest.approx(1 / 3)
    assert tm.js_divergence(["a"], ["b"], n=2) == pytest.approx(1.0)
    # P = {<s>a: 1/2, a</s>: 1/2}, Q = {<s>a: 1/3, aa: 1/3, a</s>: 1/3} for n=2 ("a", "aa").
    p, q = {"sa": 0.5, "ae": 0.5}, {"sa": 1 / 3, "aa": 1 / 3, "ae": 1 / 3}
    m = {k: 0.5 * (p.get(k, 0) + q.get(k, 0)) for k in q}
    expected = sum(0.5 * v * math.log2(v / m[k]) for k, v in p.items()) + sum(
        0.5 * v * math.log2(v / m[k]) for k, v in q.items())
    assert tm.js_divergence(["a"], ["aa"], n=2) == pytest.approx(expected)


def test_unique_and_novel():
    samples = ["a", "a", "b", "c"]
    assert tm.unique_fraction(samples) == 0.75
    assert tm.novel_fraction(samples, ["a", "x"]) == 0.5


def test_bleu_hand_computed():
    assert tm.bleu(["abc"], ["abc", "xyz"], n=4) == pytest.approx(1.0)
    # "ab" vs "abc": unigrams 4/4, bigrams <s>a, ab match, b</s> does not: 2/3;
    # lengths (with markers) c = 4, r = 5: brevity exp(1 - 5/4).
    assert tm.bleu(["ab"], ["abc"], n=2) == pytest.approx(math.exp(-0.25) * math.sqrt(2 / 3))
    # No bigram matches: smoothed to 0.1 / 2; unigrams 2/3; c = 3, r = 5.
    assert tm.bleu(["a"], ["xyz"], n=2) == pytest.approx(
        math.exp(1 - 5 / 3) * math.sqrt(2 / 3 * 0.05))
    # Clipping: "aa" has two a's, the reference only one.
    assert tm.bleu(["aa"], ["a"], n=1) == pytest.approx(3 / 4)
    # The mean of the sentence scores.
    assert tm.bleu(["abc", "ab"], ["abc"], n=2) == pytest.approx(
        (1 + math.exp(-0.25) * math.sqrt(2 / 3)) / 2)


def test_self_bleu_leaves_each_sample_out():
    assert tm.self_bleu(["ab", "ab"], n=2) == pytest.approx(1.0)
    # "ab" against "cd" only: unigrams <s>, </s> of 4 match.
    assert tm.self_bleu(["ab", "cd"], n=1) == pytest.approx(0.5)
    # An identical *other* sample is a reference; the sample itself is not.
    assert tm.self_bleu(["ab", "ab", "cd"], n=1) == pytest.approx((1 + 1 + 0.5) / 3)
    # Lengths: "abcd" (6 tokens) has only the 3-token "a" besides itself: c > r, no penalty;
    # "a" against "abcd" only: c = 3 < r = 6.
    assert tm.self_bleu(["abcd", "a"], n=1) == pytest.approx(
        (3 / 6 + math.exp(1 - 6 / 3) * 1.0) / 2)
    with pytest.raises(ValueError, match="2 samples"):
        tm.self_bleu(["a"])


def test_evaluate_floors_and_perfect_memoriser():
    rng = np.random.default_rng(0)
    corpus = ["".join(rng.choice(list("abcde"), rng.integers(2, 6))) for _ in range(600)]
    train, held_out = corpus[:400], corpus[400:]
    copied = train[:100]
    result = tm.evaluate(copied, train, held_out, seed=0)
    assert result["novel"] == 0.0 and result["num_samples"] == 100
    assert 0 < result["js_floor_4"] < 1 and 0 <= result["js_4"] <= 1
    assert result["js_4"] == pytest.approx(result["js_4"])
    # Samples from the held-out text itself score near the floor.
    near = tm.evaluate(held_out[100:200], train, held_out[:100], seed=1)
    assert abs(near["js_2"] - near["js_floor_2"]) < 0.05
    with pytest.raises(ValueError, match="samples"):
        tm.evaluate(train[:300], train, held_out)


@pytest.mark.parametrize("bad", [[], "abc", [1, 2]])
def test_bad_texts(bad):
    with pytest.raises(ValueError):
        tm.unique_fraction(bad)


def test_texts_too_short_for_the_ngrams_do_not_crash():
    # "" has no 4-gram (with its boundary markers it is 2 symbols long).
    assert tm.js_divergence(["", ""], ["ANNA"], n=4) == 1.0
    assert tm.js_divergence([""], [""], n=4) == 0.0
    result = tm.evaluate(["", "A"], ["BOB", "CARL", "DORA"], ["EVE", "FRED"], seed=0)
    assert result["js_4"] == 1.0 and result["num_samples"] == 2
