"""Fréchet distance: closed forms, a SciPy reference, streaming moments, 1/N bias."""

import numpy as np
import pytest
import scipy.linalg

from kgan.metrics import RunningMoments, frechet_distance, frechet_distance_from_moments


def reference_fd(x, y):
    """The textbook formula with scipy.linalg.sqrtm, written out directly."""
    mu1, mu2 = x.mean(axis=0), y.mean(axis=0)
    s1, s2 = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    covmean = scipy.linalg.sqrtm(s1 @ s2).real
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1 + s2 - 2 * covmean))


def seeded_activations(seed, n=600, d=12, shift=0.0):
    rng = np.random.default_rng(seed)
    mixing = rng.normal(size=(d, d)) / np.sqrt(d)
    return np.maximum(rng.normal(size=(n, d)) @ mixing + shift, 0) + 0.1 * rng.normal(size=(n, d))


def test_diagonal_gaussians_closed_form():
    rng = np.random.default_rng(0)
    mu1, mu2 = rng.normal(size=6), rng.normal(size=6)
    a, b = rng.uniform(0.1, 3, 6), rng.uniform(0.1, 3, 6)
    expected = ((mu1 - mu2) ** 2).sum() + ((np.sqrt(a) - np.sqrt(b)) ** 2).sum()
    got = frechet_distance_from_moments(mu1, np.diag(a), mu2, np.diag(b))
    assert got == pytest.approx(expected, rel=1e-12)


def test_rotated_gaussians_match_diagonal_closed_form():
    # Rotating both Gaussians by one orthogonal matrix does not change the distance.
    rng = np.random.default_rng(1)
    q, _ = np.linalg.qr(rng.normal(size=(5, 5)))
    mu1, mu2 = rng.normal(size=5), rng.normal(size=5)
    a, b = rng.uniform(0.1, 3, 5), rng.uniform(0.1, 3, 5)
    expected = ((mu1 - mu2) ** 2).sum() + ((np.sqrt(a) - np.sqrt(b)) ** 2).sum()
    got = frechet_distance_from_moments(q @ mu1, q @ np.diag(a) @ q.T, q @ mu2,
                                        q @ np.diag(b) @ q.T)
    assert got == pytest.approx(expected, rel=1e-9)


def test_identical_features_give_zero_and_distance_is_symmetric():
    x, y = seeded_activations(0), seeded_activations(1, shift=0.3)
    assert frechet_distance(x, x) == pytest.approx(0.0, abs=1e-9)
    assert frechet_distance(x, y) == pytest.approx(frechet_distance(y, x), rel=1e-10)
    assert frechet_distance(x, y) > 0.1


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_agrees_with_direct_scipy_implementation(seed):
    x = seeded_activations(seed)
    y = seeded_activations(seed + 10, n=450, shift=0.2)
    assert frechet_distance(x, y) == pytest.approx(reference_fd(x, y), rel=1e-6)


def test_running_moments_equal_numpy_on_uneven_batches():
    x = seeded_activations(3, n=777) * 50 + 1000  # large offset: a naive sum would lose digits
    moments = RunningMoments()
    for start, stop in [(0, 1), (1, 5), (5, 300), (300, 301), (301, 777)]:
        moments.update(x[start:stop])
    np.testing.assert_allclose(moments.mean, x.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(moments.covariance, np.cov(x, rowvar=False), rtol=1e-9,
                               atol=1e-9)
    left, right = RunningMoments().update(x[:100]), RunningMoments().update(x[100:])
    np.testing.assert_allclose(left.merge(right).covariance, np.cov(x, rowvar=False),
                               rtol=1e-9, atol=1e-9)
    y = seeded_activations(4)
    assert frechet_distance(moments, y) == pytest.approx(frechet_distance(x, y), rel=1e-9)


def test_same_distribution_distance_falls_as_one_over_n():
    # E[FD] between two samples of one Gaussian is about c / N.
    def mean_fd(n):
        return np.mean([
            frechet_distance(np.random.default_rng(2 * s).normal(size=(n, 4)),
                             np.random.default_rng(2 * s + 1).normal(size=(n, 4)))
            for s in range(30)
        ])

    fd_250, fd_1000, fd_4000 = mean_fd(250), mean_fd(1000), mean_fd(4000)
    assert 3.0 < fd_250 / fd_1000 < 5.3
    assert 3.0 < fd_1000 / fd_4000 < 5.3


def test_fewer_samples_than_dimensions_warns_rank_deficient():
    rng = np.random.default_rng(0)
    with pytest.warns(RuntimeWarning, match="rank-deficient"):
        value = frechet_distance(rng.normal(size=(10, 32)), rng.normal(size=(10, 32)))
    assert np.isfinite(value)


@pytest.mark.parametrize("x, y, message", [
    (np.zeros((5, 3)), np.zeros((5, 4)), "3-dimensional features but `y` has 4"),
    (np.zeros((5,)), np.zeros((5, 4)), "2-D array"),
    (np.zeros((1, 3)), np.zeros((5, 3)), "at least 2"),
    (np.full((5, 3), np.nan), np.zeros((5, 3)), "NaN"),
])
def test_bad_features_are_rejected(x, y, message):
    with pytest.raises(ValueError, match=message):
        frechet_distance(x, y)
