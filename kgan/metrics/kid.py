"""Kernel Inception Distance: unbiased MMD² with a cubic polynomial kernel.

KID (Bińkowski et al. 2018) is the squared maximum mean discrepancy between
the feature distributions of real and generated samples, with the kernel

    k(a, b) = (a·b / d + 1)^3        (d = feature dimension),

estimated without bias (so its expectation is exactly 0 when both samples
come from one distribution, and single estimates can be negative), and
averaged over random subsets to bound the cost.
"""

import numpy as np

from kgan.metrics.frechet import _as_features

__all__ = ["kernel_inception_distance", "mmd2_unbiased", "polynomial_kernel"]


def polynomial_kernel(a, b, degree=3, coef0=1.0):
    """`(a @ b.T / d + coef0) ** degree` for features `a [n, d]`, `b [m, d]`.

    Args:
        a: Features `[n, d]`.
        b: Features `[m, d]`.
        degree: Polynomial degree (3 for KID).
        coef0: Constant added before the power (1 for KID).

    Returns:
        float64 kernel matrix `[n, m]`.

    Example:

    ```python
    polynomial_kernel(np.ones((2, 4)), np.ones((3, 4)))  # all (1 + 1) ** 3 = 8
    ```
    """
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    base = a @ b.T / a.shape[1] + coef0
    if isinstance(degree, (int, np.integer)) and degree >= 1:
        out = base.copy()
        for _ in range(int(degree) - 1):  # repeated products: far faster than a float power
            out *= base
        return out
    return base ** degree


def mmd2_unbiased(x, y, degree=3, coef0=1.0):
    """Unbiased estimate of MMD² between samples `x [m, d]` and `y [n, d]`.

        MMD² = sum_{i!=j} k(x_i, x_j) / (m (m - 1))
             + sum_{i!=j} k(y_i, y_j) / (n (n - 1))
             - 2 sum_{i,j} k(x_i, y_j) / (m n)

    Args:
        x: Features `[m, d]`, m >= 2.
        y: Features `[n, d]`, n >= 2.
        degree: Polynomial degree (3 for KID).
        coef0: Constant added inside the power (1 for KID).

    Returns:
        A Python float (may be slightly negative).

    Example:

    ```python
    mmd2_unbiased(real_features[:1000], fake_features[:1000])
    ```
    """
    x, y = _as_features(x, "x"), _as_features(y, "y")
    m, n = x.shape[0], y.shape[0]
    if m < 2 or n < 2:
        raise ValueError(f"MMD² needs at least 2 samples per side; got {m} and {n}.")
    if x.shape[1] != y.shape[1]:
        raise ValueError(
            f"`x` has {x.shape[1]}-dimensional features but `y` has {y.shape[1]}."
        )
    k_xx = polynomial_kernel(x, x, degree, coef0)
    k_yy = polynomial_kernel(y, y, degree, coef0)
    k_xy = polynomial_kernel(x, y, degree, coef0)
    xx = (k_xx.sum() - np.trace(k_xx)) / (m * (m - 1))
    yy = (k_yy.sum() - np.trace(k_yy)) / (n * (n - 1))
    return float(xx + yy - 2.0 * k_xy.mean())


def kernel_inception_distance(x, y, num_subsets=100, subset_size=1000, seed=0):
    """KID: unbiased MMD² averaged over random subsets.

    Each of `num_subsets` rounds draws `min(subset_size, m, n)` rows of `x`
    and as many of `y` without replacement (with
    `numpy.random.default_rng(seed)`) and computes `mmd2_unbiased` on them.
    Both sides get the same subset size, so when `m != n` the larger side is
    subsampled even with a large `subset_size`; only when `m == n <=
    subset_size` does every round use all samples, giving the full-sample
    estimate.

    Args:
        x: Features `[m, d]` (e.g. of real images).
        y: Features `[n, d]` (e.g. of generated images).
        num_subsets: Number of subsets (>= 1).
        subset_size: Rows per subset; capped at `min(m, n)`.
        seed: Seed of the subset draws.

    Returns:
        `(mean, std)` over the subsets, Python floats. The mean is what
        papers report as KID; the std shows how much it moves between
        subsets.

    Example:

    ```python
    kid, kid_std = kernel_inception_distance(real_features, fake_features, subset_size=500)
    ```
    """
    x, y = _as_features(x, "x"), _as_features(y, "y")
    if isinstance(num_subsets, bool) or not isinstance(num_subsets, (int, np.integer)) \
            or num_subsets < 1:
        raise ValueError(f"`num_subsets` must be a positive integer; got {num_subsets!r}.")
    if isinstance(subset_size, bool) or not isinstance(subset_size, (int, np.integer)) \
            or subset_size < 2:
        raise ValueError(f"`subset_size` must be an integer >= 2; got {subset_size!r}.")
    size = min(int(subset_size), x.shape[0], y.shape[0])
    if size < 2:
        raise ValueError(
            f"KID needs at least 2 samples per side; got {x.shape[0]} and {y.shape[0]}."
        )
    rng = np.random.default_rng(seed)
    values = np.empty(int(num_subsets))
    for i in range(int(num_subsets)):
        xs = x[rng.choice(x.shape[0], size, replace=False)]
        ys = y[rng.choice(y.shape[0], size, replace=False)]
        values[i] = mmd2_unbiased(xs, ys)
    return float(values.mean()), float(values.std())
