"""Inception-style score: closed forms, a SciPy reference, streaming splits."""

import numpy as np
import pytest
from scipy.special import softmax
from scipy.stats import entropy

from kgan.metrics import InceptionScoreAccumulator, inception_score


def reference_is(p, splits):
    scores = []
    for part in np.array_split(p, splits):
        marginal = part.mean(axis=0)
        scores.append(np.exp(np.mean([entropy(row, marginal) for row in part])))
    return np.mean(scores), np.std(scores)


def test_confident_and_uniform_over_classes_scores_the_class_count():
    probabilities = np.eye(7)[np.arange(700) % 7]
    assert inception_score(probabilities, splits=10) == pytest.approx((7.0, 0.0))


def test_identical_predictions_score_one():
    row = softmax(np.random.default_rng(0).normal(size=5))
    assert inception_score(np.tile(row, (100, 1)), splits=4)[0] == pytest.approx(1.0)


def test_collapse_to_two_confident_classes_scores_two():
    probabilities = np.eye(10)[np.arange(100) % 2]
    assert inception_score(probabilities, splits=5)[0] == pytest.approx(2.0)


@pytest.mark.parametrize("splits", [1, 3, 10])
def test_agrees_with_scipy_entropy(splits):
    p = softmax(np.random.default_rng(splits).normal(size=(503, 10)) * 2, axis=1)
    np.testing.assert_allclose(inception_score(p, splits), reference_is(p, splits), rtol=1e-6)


def test_streaming_accumulator_equals_array_function():
    p = softmax(np.random.default_rng(1).normal(size=(1003, 6)) * 3, axis=1)
    acc = InceptionScoreAccumulator(1003, splits=10)
    for start, stop in [(0, 7), (7, 500), (500, 501), (501, 1003)]:
        acc.update(p[start:stop])
    np.testing.assert_allclose(acc.result(), inception_score(p, 10), rtol=1e-12)


def test_bad_probabilities():
    with pytest.raises(ValueError, match="sum to 1"):
        inception_score(np.full((10, 4), 0.5))
    with pytest.raises(ValueError, match="`splits`=20 is more than"):
        inception_score(np.eye(4)[np.arange(10) % 4], splits=20)
    acc = InceptionScoreAccumulator(10, splits=2)
    acc.update(np.eye(4)[:4])
    with pytest.raises(ValueError, match="4 of the announced 10"):
        acc.result()
