"""k-nearest-neighbour manifold metrics: precision/recall, density/coverage.

Each real feature vector x_i gets a ball whose radius is the distance to
its k-th nearest other real vector; the union of balls estimates the real
manifold (and likewise for generated vectors).

* Improved precision/recall (Kynkäänniemi et al. 2019, k=3): precision is
  the fraction of generated vectors inside the real manifold (fidelity),
  recall the fraction of real vectors inside the generated manifold
  (diversity).
* Density/coverage (Naeem et al. 2020, k=5): density counts, per generated
  vector, how many real balls contain it, divided by k and averaged (about
  1 for matching distributions, unbounded above); coverage is the fraction
  of real balls that contain at least one generated vector.

Distances are Euclidean, computed in float64 in row blocks so memory stays
at `block_size x n`.
"""

import numpy as np

from kgan.metrics.frechet import _as_features

__all__ = ["density_coverage", "kth_neighbour_radii", "precision_recall"]


def _check_k(k, n, name):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"`k` must be a positive integer; got {k!r}.")
    if n <= k:
        raise ValueError(
            f"`{name}` has {n} samples; k-nearest-neighbour radii with k={k} need more than k."
        )


def _pair_features(real, fake):
    real, fake = _as_features(real, "real"), _as_features(fake, "fake")
    if real.shape[1] != fake.shape[1]:
        raise ValueError(
            f"`real` has {real.shape[1]}-dimensional features but `fake` has {fake.shape[1]}; "
            "both must come from the same feature extractor."
        )
    return real, fake


def _squared_distances(a, b, b_sq):
    d = (a * a).sum(axis=1)[:, None] + b_sq[None, :] - 2.0 * (a @ b.T)
    return np.maximum(d, 0.0)


def _blocks(n, block_size):
    for start in range(0, n, block_size):
        yield start, min(start + block_size, n)


def kth_neighbour_radii(x, k, block_size=1024):
    """Squared distance from each row of `x` to its k-th nearest other row."""
    x = np.asarray(x, np.float64)
    sq = (x * x).sum(axis=1)
    radii = np.empty(x.shape[0])
    for start, stop in _blocks(x.shape[0], block_size):
        d = _squared_distances(x[start:stop], x, sq)
        d[np.arange(stop - start), np.arange(start, stop)] = 0.0  # self, exactly
        # Index 0 of the sorted row is the point itself.
        radii[start:stop] = np.partition(d, k, axis=1)[:, k]
    return radii


def _inside(distances, radii, closed):
    """Points within a ball: on its edge too when `closed`."""
    return distances <= radii if closed else distances < radii


def _ball_counts(points, centres, centre_radii, block_size, closed):
    """For each point, how many balls (centre, radius) contain it."""
    centre_sq = (centres * centres).sum(axis=1)
    counts = np.empty(points.shape[0], dtype=np.int64)
    for start, stop in _blocks(points.shape[0], block_size):
        d = _squared_distances(points[start:stop], centres, centre_sq)
        counts[start:stop] = _inside(d, centre_radii[None, :], closed).sum(axis=1)
    return counts


def _covered_balls(points, centres, centre_radii, block_size, closed):
    """For each ball (centre, radius), whether any point lies in it."""
    points_sq = (points * points).sum(axis=1)
    covered = np.empty(centres.shape[0], dtype=bool)
    for start, stop in _blocks(centres.shape[0], block_size):
        d = _squared_distances(centres[start:stop], points, points_sq)
        covered[start:stop] = _inside(d, centre_radii[start:stop, None], closed).any(axis=1)
    return covered


def precision_recall(real, fake, k=3, block_size=1024):
    """Improved precision and recall (Kynkäänniemi et al. 2019).

    Args:
        real: Real features `[n, d]`, n > k.
        fake: Generated features `[m, d]`, m > k.
        k: Neighbour whose distance sets each ball's radius (3 in the paper).
        block_size: Rows per distance block (memory `block_size x max(n, m)`).

    Returns:
        `(precision, recall)`, Python floats in [0, 1].

    Example:

    ```python
    precision, recall = precision_recall(real_features, fake_features, k=3)
    ```
    """
    real, fake = _pair_features(real, fake)
    _check_k(k, real.shape[0], "real")
    _check_k(k, fake.shape[0], "fake")
    real_radii = kth_neighbour_radii(real, k, block_size)
    fake_radii = kth_neighbour_radii(fake, k, block_size)
    # Closed balls, as the authors' code: a point on a ball's edge is inside.
    precision = (_ball_counts(fake, real, real_radii, block_size, closed=True) > 0).mean()
    recall = (_ball_counts(real, fake, fake_radii, block_size, closed=True) > 0).mean()
    return float(precision), float(recall)


def density_coverage(real, fake, k=5, block_size=1024):
    """Density and coverage (Naeem et al. 2020).

        density  = 1 / (k m) * sum_j sum_i 1[|fake_j - real_i| < r_k(real_i)]
        coverage = 1 / n * sum_i 1[exists j: |fake_j - real_i| < r_k(real_i)]

    The balls are open, as in the authors' implementation (prdc): the real
    data against a copy of itself scores density 1 and coverage 1.

    Args:
        real: Real features `[n, d]`, n > k.
        fake: Generated features `[m, d]`.
        k: Neighbour whose distance sets each real ball's radius (5 in the paper).
        block_size: Rows per distance block.

    Returns:
        `(density, coverage)`, Python floats; coverage in [0, 1].

    Example:

    ```python
    density, coverage = density_coverage(real_features, fake_features, k=5)
    ```
    """
    real, fake = _pair_features(real, fake)
    _check_k(k, real.shape[0], "real")
    real_radii = kth_neighbour_radii(real, k, block_size)
    # Open balls, as the authors' code (prdc): a point exactly on a ball's edge, such as
    # a copy of the k-th neighbour, is outside, so real data against itself scores 1.
    counts = _ball_counts(fake, real, real_radii, block_size, closed=False)
    density = counts.sum() / (k * fake.shape[0])
    coverage = _covered_balls(fake, real, real_radii, block_size, closed=False).mean()
    return float(density), float(coverage)
