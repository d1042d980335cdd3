"""Inception-style score from class probabilities.

    IS = exp( E_x KL( p(y|x) || p(y) ) ),    p(y) = E_x p(y|x)

(Salimans et al. 2016). It is high when each sample is classified
confidently (low entropy of p(y|x)) and the classes are varied (high
entropy of p(y)); it lies in [1, number of classes]. As usual the samples
are cut into `splits` consecutive parts, the score computed on each, and
the mean and standard deviation of the parts reported.
"""

import numpy as np

__all__ = ["InceptionScoreAccumulator", "inception_score"]


def _check_probabilities(probabilities, name="probabilities"):
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] < 2:
        raise ValueError(
            f"`{name}` must be class probabilities [num_samples, num_classes >= 2]; "
            f"got shape {p.shape}."
        )
    if not np.all(np.isfinite(p)) or p.min() < 0 or np.abs(p.sum(axis=1) - 1).max() > 1e-3:
        raise ValueError(f"`{name}` rows must be non-negative and sum to 1 (softmax outputs).")
    return p


def _xlogx(p):
    return np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)


def _split_sizes(n, splits):
    if isinstance(splits, bool) or not isinstance(splits, (int, np.integer)) or splits < 1:
        raise ValueError(f"`splits` must be a positive integer; got {splits!r}.")
    if n < splits:
        raise ValueError(f"`splits`={splits} is more than the {n} samples.")
    return [len(part) for part in np.array_split(np.arange(n), int(splits))]


def _scores(prob_sums, neg_entropy_sums, counts):
    """exp(mean_x sum_y p log p  -  sum_y mean_p log mean_p) per split."""
    counts = np.asarray(counts, np.float64)
    marginal = prob_sums / counts[:, None]
    kl = neg_entropy_sums / counts - _xlogx(marginal).sum(axis=1)
    return np.exp(kl)


def inception_score(probabilities, splits=10):
    """Inception-style score of class probabilities.

    Args:
        probabilities: `[n, num_classes]` softmax outputs of a classifier on
            generated samples.
        splits: Number of consecutive parts (as `numpy.array_split`).

    Returns:
        `(mean, std)` of the per-part scores, Python floats.

    Example:

    ```python
    inception_score(np.eye(10)[np.arange(1000) % 10], splits=10)  # (10.0, 0.0)
    ```
    """
    p = _check_probabilities(probabilities)
    sizes = _split_sizes(p.shape[0], splits)
    bounds = np.cumsum([0] + sizes)
    prob_sums = np.stack([p[a:b].sum(axis=0) for a, b in zip(bounds[:-1], bounds[1:])])
    neg_entropy = _xlogx(p).sum(axis=1)
    neg_entropy_sums = np.array([neg_entropy[a:b].sum() for a, b in zip(bounds[:-1], bounds[1:])])
    scores = _scores(prob_sums, neg_entropy_sums, sizes)
    return float(scores.mean()), float(scores.std())


class InceptionScoreAccumulator:
    """Streams probabilities batch by batch into the split sums of `inception_score`.

    The total number of samples must be known up front so that the splits
    are the same consecutive parts `inception_score` uses; the result then
    equals `inception_score(all_probabilities, splits)`.

    Args:
        num_samples: Total number of samples that will be added.
        splits: Number of parts.

    Example:

    ```python
    acc = InceptionScoreAccumulator(10000, splits=10)
    for probs in batches:
        acc.update(probs)
    mean, std = acc.result()
    ```
    """

    def __init__(self, num_samples, splits=10):
        self.num_samples = int(num_samples)
        self.splits = splits
        self._sizes = _split_sizes(self.num_samples, splits)
        self._bounds = np.cumsum(self._sizes)
        self._prob_sums = None
        self._neg_entropy_sums = np.zeros(len(self._sizes))
        self.count = 0

    def update(self, probabilities):
        p = _check_probabilities(probabilities)
        if self.count + p.shape[0] > self.num_samples:
            raise ValueError(
                f"More than the announced {self.num_samples} samples were added."
            )
        if self._prob_sums is None:
            self._prob_sums = np.zeros((len(self._sizes), p.shape[1]))
        part = np.searchsorted(self._bounds, np.arange(self.count, self.count + p.shape[0]),
                               side="right")
        np.add.at(self._prob_sums, part, p)
        np.add.at(self._neg_entropy_sums, part, _xlogx(p).sum(axis=1))
        self.count += p.shape[0]
        return self

    def result(self):
        if self.count != self.num_samples:
            raise ValueError(
                f"{self.count} of the announced {self.num_samples} samples were added."
            )
        scores = _scores(self._prob_sums, self._neg_entropy_sums, self._sizes)
        return float(scores.mean()), float(scores.std())
