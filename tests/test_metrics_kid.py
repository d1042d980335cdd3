"""KID: unbiased MMD² with the cubic kernel, against direct sums and closed forms."""

import numpy as np
import pytest
from sklearn.metrics.pairwise import polynomial_kernel as sklearn_polynomial_kernel

from kgan.metrics import kernel_inception_distance, mmd2_unbiased, polynomial_kernel


def reference_mmd2(x, y):
    """Double loops over the definition, no vectorised shortcuts."""
    d = x.shape[1]

    def k(a, b):
        return (float(np.dot(a, b)) / d + 1.0) ** 3

    m, n = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(n)) / (m * n)
    return xx + yy - 2 * xy


def test_kernel_is_the_kid_polynomial():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(7, 5)), rng.normal(size=(4, 5))
    np.testing.assert_allclose(
        polynomial_kernel(a, b),
        sklearn_polynomial_kernel(a, b, degree=3, gamma=1 / 5, coef0=1), rtol=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_mmd2_agrees_with_direct_sums(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(40, 6))
    y = rng.normal(0.3, 1.2, size=(33, 6))
    assert mmd2_unbiased(x, y) == pytest.approx(reference_mmd2(x, y), rel=1e-6)


def test_full_size_subsets_give_the_full_sample_estimate():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(50, 4)), rng.normal(0.5, 1, size=(50, 4))
    mean, std = kernel_inception_distance(x, y, num_subsets=5, subset_size=50)
    assert mean == pytest.approx(mmd2_unbiased(x, y), rel=1e-9)
    assert std == pytest.approx(0.0, abs=1e-9)  # every subset is a permutation of all rows


def test_one_distribution_averages_to_zero_and_shift_is_positive():
    # Unbiased: over independent sample pairs of one distribution the mean is ~0.
    same = [kernel_inception_distance(np.random.default_rng(2 * s).normal(size=(200, 8)),
                                      np.random.default_rng(2 * s + 1).normal(size=(200, 8)),
                                      num_subsets=1, subset_size=200)[0]
            for s in range(40)]
    assert abs(np.mean(same)) < 3 * np.std(same) / np.sqrt(len(same))
    assert min(same) < 0 < max(same)  # single unbiased estimates straddle 0
    rng = np.random.default_rng(99)
    shifted, _ = kernel_inception_distance(rng.normal(size=(200, 8)),
                                           rng.normal(0.5, 1, size=(200, 8)), num_subsets=5,
                                           subset_size=100)
    assert shifted > 10 * np.std(same)


def test_subsets_are_seeded():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(100, 4)), rng.normal(size=(120, 4))
    assert kernel_inception_distance(x, y, 4, 30, seed=5) == \
        kernel_inception_distance(x, y, 4, 30, seed=5)
    assert kernel_inception_distance(x, y, 4, 30, seed=5) != \
        kernel_inception_distance(x, y, 4, 30, seed=6)


@pytest.mark.parametrize("kwargs, message", [
    ({"num_subsets": 0}, "num_subsets"),
    ({"subset_size": 1}, "subset_size"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        kernel_inception_distance(np.zeros((5, 2)), np.zeros((5, 2)), **kwargs)


def test_mismatched_dimensions():
    with pytest.raises(ValueError, match="2-dimensional features but `y` has 3"):
        mmd2_unbiased(np.zeros((5, 2)), np.zeros((5, 3)))
