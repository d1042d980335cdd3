"""k-NN precision/recall and density/coverage against a brute-force reference."""

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from kgan.metrics import density_coverage, precision_recall


def reference_radii(x, k):
    d = cdist(x, x)
    return np.sort(d, axis=1)[:, k]  # column 0 is the point itself


def reference(real, fake, k_pr=3, k_dc=5):
    """Precision/recall as the authors' code (closed balls), density/coverage as prdc's
    (open balls: `distance < radius`)."""
    d = cdist(fake, real)  # [fake, real]
    r_real, r_fake = reference_radii(real, k_pr), reference_radii(fake, k_pr)
    precision = np.mean([(d[j] <= r_real).any() for j in range(len(fake))])
    recall = np.mean([(d[:, i] <= r_fake).any() for i in range(len(real))])
    r5 = reference_radii(real, k_dc)
    density = (d < r5[None, :]).sum() / (k_dc * len(fake))
    coverage = np.mean([(d[:, i] < r5[i]).any() for i in range(len(real))])
    return precision, recall, density, coverage


@pytest.mark.parametrize("seed", [0, 1])
def test_agree_with_brute_force(seed):
    rng = np.random.default_rng(seed)
    real = rng.normal(size=(300, 5))
    fake = rng.normal(0.4, 1.3, size=(250, 5))
    precision, recall = precision_recall(real, fake, k=3, block_size=64)
    density, coverage = density_coverage(real, fake, k=5, block_size=64)
    np.testing.assert_allclose([precision, recall, density, coverage],
                               reference(real, fake), rtol=1e-6)


def test_identical_sets_are_fully_precise_and_covered():
    x = np.random.default_rng(2).normal(size=(200, 3))
    assert precision_recall(x, x) == (1.0, 1.0)
    # A copy's points sit exactly on the balls' edges (each k-th neighbour): outside an
    # open ball, so density is exactly 1 (a closed ball would count k + 1 of k: 1.2).
    assert density_coverage(x, x.copy()) == (1.0, 1.0)


def test_agree_with_the_reference_on_tied_features():
    rng = np.random.default_rng(6)
    real = rng.integers(0, 10, size=(120, 2)).astype(float)  # many equal distances
    fake = rng.integers(0, 10, size=(90, 2)).astype(float)
    density, coverage = density_coverage(real, fake, k=5)
    np.testing.assert_allclose([density, coverage], reference(real, fake)[2:], rtol=1e-12)


def test_far_away_samples_score_zero():
    rng = np.random.default_rng(3)
    real, fake = rng.normal(size=(100, 3)), rng.normal(size=(100, 3)) + 100
    assert precision_recall(real, fake) == (0.0, 0.0)
    assert density_coverage(real, fake) == (0.0, 0.0)


def test_same_distribution_density_is_about_one():
    rng = np.random.default_rng(4)
    density, coverage = density_coverage(rng.normal(size=(2000, 2)), rng.normal(size=(2000, 2)))
    assert 0.85 < density < 1.15 and coverage > 0.9


def test_mode_dropping_lowers_recall_not_precision():
    rng = np.random.default_rng(5)
    centres = np.eye(4) * 10
    real = np.concatenate([c + rng.normal(size=(150, 4)) for c in centres])
    fake = np.concatenate([c + rng.normal(size=(300, 4)) for c in centres[:2]])
    precision, recall = precision_recall(real, fake)
    assert precision > 0.9 and 0.4 < recall < 0.6
    assert 0.4 < density_coverage(real, fake)[1] < 0.6


def test_too_few_samples_for_k():
    with pytest.raises(ValueError, match="k=3 need more than k"):
        precision_recall(np.zeros((3, 2)), np.zeros((10, 2)))
