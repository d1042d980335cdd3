"""Fréchet distance between two feature distributions, with streaming moments.

The Fréchet distance between Gaussians N(mu1, S1) and N(mu2, S2) is

    FD = |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr(sqrt(S1 S2)).

With Inception-v3 pool features it is FID (Heusel et al. 2017); kgan also
computes it on the features of a small domain classifier. Everything is
float64. `tr(sqrt(S1 S2))` is taken from eigenvalues of the symmetric
matrix `A S2 A` with `A = sqrt(S1)` (same eigenvalues as `S1 S2`), so no
general matrix square root is needed and round-off cannot make it complex.
"""

import warnings

import numpy as np

__all__ = ["RunningMoments", "frechet_distance", "frechet_distance_from_moments"]


def _as_features(x, name):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] < 1 or x.shape[1] < 1:
        raise ValueError(
            f"`{name}` must be a 2-D array of features [num_samples, feature_dim]; "
            f"got shape {x.shape}."
        )
    if not np.all(np.isfinite(x)):
        raise ValueError(f"`{name}` contains NaN or infinite values.")
    return x


class RunningMoments:
    """Mean and covariance of feature vectors, accumulated batch by batch.

    Holds the count, the mean and the sum of squared deviations (float64)
    and merges each batch with Chan et al.'s pairwise update, so 50k feature
    vectors never have to sit in memory together and the result equals
    `np.cov(all_features, rowvar=False)` up to round-off.

    Args:
        feature_dim: Length of the feature vectors; `None` takes it from the
            first batch.

    Example:

    ```python
    moments = RunningMoments()
    for batch in feature_batches:
        moments.update(batch)
    moments.mean, moments.covariance  # [d], [d, d]
    ```
    """

    def __init__(self, feature_dim=None):
        self.feature_dim = feature_dim
        self.count = 0
        self._mean = None
        self._m2 = None

    def update(self, features):
        """Adds a batch `[n, feature_dim]` of feature vectors."""
        x = _as_features(features, "features")
        if self.feature_dim is None:
            self.feature_dim = x.shape[1]
        if x.shape[1] != self.feature_dim:
            raise ValueError(
                f"`features` have {x.shape[1]} dimensions; this RunningMoments holds "
                f"{self.feature_dim}-dimensional features."
            )
        batch_mean = x.mean(axis=0)
        centered = x - batch_mean
        self._merge(x.shape[0], batch_mean, centered.T @ centered)
        return self

    def merge(self, other):
        """Adds everything `other` (a RunningMoments) has seen."""
        if other.count:
            if self.feature_dim is None:
                self.feature_dim = other.feature_dim
            if other.feature_dim != self.feature_dim:
                raise ValueError(
                    f"Cannot merge {other.feature_dim}-dimensional moments into "
                    f"{self.feature_dim}-dimensional ones."
                )
            self._merge(other.count, other._mean, other._m2)
        return self

    def _merge(self, count, mean, m2):
        if self.count == 0:
            self.count, self._mean, self._m2 = count, mean.copy(), m2.copy()
            return
        total = self.count + count
        delta = mean - self._mean
        self._mean = self._mean + delta * (count / total)
        self._m2 = self._m2 + m2 + np.outer(delta, delta) * (self.count * count / total)
        self.count = total

    def _check_count(self, minimum):
        if self.count < minimum:
            raise ValueError(
                f"RunningMoments has seen {self.count} feature vectors; at least {minimum} "
                "are needed."
            )

    @property
    def mean(self):
        """The mean feature vector `[feature_dim]` (float64)."""
        self._check_count(1)
        return self._mean.copy()

    @property
    def covariance(self):
        """The unbiased sample covariance `[feature_dim, feature_dim]` (float64)."""
        self._check_count(2)
        return self._m2 / (self.count - 1)


def _sqrt_psd(matrix):
    values, vectors = np.linalg.eigh(matrix)
    return (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T


def trace_sqrt_product(sigma1, sigma2):
    """`tr(sqrt(sigma1 @ sigma2))` for symmetric positive semi-definite matrices.

    `sigma1 @ sigma2` has the eigenvalues of the symmetric matrix
    `A sigma2 A`, `A = sqrt(sigma1)`; they are >= 0 up to round-off, which
    is clipped.
    """
    root = _sqrt_psd(sigma1)
    product = root @ sigma2 @ root
    values = np.linalg.eigvalsh((product + product.T) / 2.0)
    return float(np.sqrt(np.clip(values, 0.0, None)).sum())


def frechet_distance_from_moments(mu1, sigma1, mu2, sigma2):
    """Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2).

    Args:
        mu1: Mean vector `[d]`.
        sigma1: Covariance `[d, d]` (symmetric, positive semi-definite).
        mu2: Mean vector `[d]`.
        sigma2: Covariance `[d, d]`.

    Returns:
        The distance as a Python float (>= 0 up to round-off; tiny negative
        round-off is clipped to 0).

    Example:

    ```python
    frechet_distance_from_moments(np.zeros(2), np.eye(2), np.ones(2), 4 * np.eye(2))
    # |mu1 - mu2|^2 + sum (sqrt(1) - sqrt(4))^2 = 2 + 2 = 4.0
    ```
    """
    mu1, mu2 = np.asarray(mu1, np.float64), np.asarray(mu2, np.float64)
    sigma1, sigma2 = np.asarray(sigma1, np.float64), np.asarray(sigma2, np.float64)
    if mu1.ndim != 1 or mu1.shape != mu2.shape:
        raise ValueError(
            f"`mu1` and `mu2` must be vectors of one length; got shapes {mu1.shape} and "
            f"{mu2.shape}."
        )
    d = mu1.shape[0]
    for name, sigma in (("sigma1", sigma1), ("sigma2", sigma2)):
        if sigma.shape != (d, d):
            raise ValueError(f"`{name}` must have shape ({d}, {d}); got {sigma.shape}.")
    diff = mu1 - mu2
    value = (diff @ diff + np.trace(sigma1) + np.trace(sigma2)
             - 2.0 * trace_sqrt_product(sigma1, sigma2))
    return max(float(value), 0.0)


def _moments(x, name):
    if isinstance(x, RunningMoments):
        moments = x
    else:
        moments = RunningMoments().update(_as_features(x, name))
    if moments.count < 2:
        raise ValueError(
            f"`{name}` must hold at least 2 feature vectors to estimate a covariance; "
            f"got {moments.count}."
        )
    if moments.count <= moments.feature_dim:
        warnings.warn(
            f"`{name}` has {moments.count} samples for {moments.feature_dim}-dimensional "
            "features: the covariance estimate is rank-deficient, so the Fréchet distance is "
            "unreliable. Use more samples than feature dimensions.",
            RuntimeWarning,
            stacklevel=3,
        )
    return moments


def frechet_distance(x, y):
    """Fréchet distance between the Gaussians fitted to two feature sets.

    Args:
        x: Features `[n1, d]`, or a `RunningMoments` that accumulated them.
        y: Features `[n2, d]`, or a `RunningMoments`.

    Returns:
        The distance, a Python float. It is biased upwards for finite
        samples (the bias falls as 1/N), so only compare values computed
        with the same features and the same numbers of samples.

    Warns:
        RuntimeWarning: when a side has no more samples than dimensions
            (the covariance is rank-deficient).

    Example:

    ```python
    rng = np.random.default_rng(0)
    frechet_distance(rng.normal(size=(5000, 4)), rng.normal(1.0, size=(5000, 4)))  # ~4.0
    ```
    """
    a, b = _moments(x, "x"), _moments(y, "y")
    if a.feature_dim != b.feature_dim:
        raise ValueError(
            f"`x` has {a.feature_dim}-dimensional features but `y` has {b.feature_dim}; "
            "both must come from the same feature extractor."
        )
    return frechet_distance_from_moments(a.mean, a.covariance, b.mean, b.covariance)
