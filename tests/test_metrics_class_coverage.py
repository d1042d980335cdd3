"""Class coverage and its KL to the real class distribution."""

import numpy as np
import pytest

from kgan.metrics import class_coverage, class_histogram


def test_matching_histograms():
    result = class_coverage([10, 20, 30], [1, 2, 3])
    assert result["covered"] == 1.0 and result["kl"] == pytest.approx(0.0, abs=1e-12)


def test_collapse_onto_one_of_ten_classes():
    result = class_coverage(np.eye(10)[3] * 500, np.full(10, 100))
    assert result["covered"] == pytest.approx(0.1)
    assert result["kl"] == pytest.approx(np.log(10))


def test_coverage_falls_and_kl_rises_as_classes_are_dropped():
    real = np.full(10, 100)
    covered, kl = [], []
    for kept in (10, 8, 5, 2, 1):
        fake = np.r_[np.full(kept, 100), np.zeros(10 - kept)]
        result = class_coverage(fake, real)
        covered.append(result["covered"])
        kl.append(result["kl"])
        assert result["kl"] == pytest.approx(np.log(10 / kept))
    assert covered == [1.0, 0.8, 0.5, 0.2, 0.1]
    assert kl == sorted(kl)


def test_threshold_and_impossible_classes():
    assert class_coverage([1, 9], [1, 1], threshold=0.5)["covered"] == 0.5
    assert class_coverage([1, 9], [1, 1], threshold=0.1)["covered"] == 1.0
    assert class_coverage([5, 5], [10, 0])["kl"] == float("inf")


def test_histogram_from_labels_or_probabilities():
    np.testing.assert_array_equal(class_histogram([0, 2, 2], 4), [1, 0, 2, 0])
    probabilities = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    np.testing.assert_array_equal(class_histogram(probabilities, 2), [1, 2])
    with pytest.raises(ValueError, match="labels in"):
        class_histogram([0, 5], 4)
