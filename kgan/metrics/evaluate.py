"""Image-level evaluation: stream images through an extractor, then compare.

`feature_statistics` passes images batch by batch through a
`FeatureExtractor` and keeps only bounded summaries (`FeatureStatistics`):

* running mean and covariance (float64, exact for any N) for the Fréchet
  distance;
* a uniform random subset ("reservoir") of at most `max_samples` feature
  vectors (all of them when N <= max_samples) for KID, precision/recall and
  density/coverage, whose cost grows with N²;
* per-split probability sums for the Inception-style score and the
  predicted-class histogram for class coverage.

`compare` turns a real and a generated `FeatureStatistics` into metrics,
and `evaluate` does both for a generator and a real dataset.
"""

import dataclasses
import os
import sys
import warnings

import numpy as np

from kgan.metrics.class_coverage import class_coverage
from kgan.metrics.frechet import RunningMoments, frechet_distance_from_moments
from kgan.metrics.inception_score import InceptionScoreAccumulator
from kgan.metrics.kid import kernel_inception_distance
from kgan.metrics.precision_recall import density_coverage, precision_recall
from kgan.validation import check_int

__all__ = ["EvaluationResult", "FeatureStatistics", "compare", "evaluate", "feature_statistics"]

METRICS = ("fd", "kid", "kid_std", "is", "is_std", "precision", "recall", "density",
           "coverage", "class_coverage", "class_kl")


class Reservoir:
    """A uniform random subset of at most `capacity` rows of a stream (Algorithm R)."""

    def __init__(self, capacity, seed=0):
        self.capacity = check_int(capacity, "max_samples")
        self.rng = np.random.default_rng(seed)
        self.seen = 0
        self.rows = None
        self.size = 0

    def update(self, rows):
        rows = np.asarray(rows)
        if self.rows is None:
            self.rows = np.empty((self.capacity,) + rows.shape[1:], rows.dtype)
        fill = min(self.capacity - self.size, rows.shape[0])
        self.rows[self.size:self.size + fill] = rows[:fill]
        self.size += fill
        rest = rows[fill:]
        if rest.shape[0]:
            # Row t (0-based over the stream) replaces a uniform slot
            # with probability capacity / (t + 1).
            t = self.seen + fill + np.arange(rest.shape[0])
            slots = self.rng.integers(0, t + 1)
            for row, slot in zip(rest[slots < self.capacity], slots[slots < self.capacity]):
                self.rows[slot] = row
        self.seen += rows.shape[0]

    @property
    def values(self):
        return self.rows[:self.size]


@dataclasses.dataclass
class FeatureStatistics:
    """Bounded summaries of the features of one set of images.

    Attributes:
        extractor: The extractor's name (`"domain"`, `"inception"`).
        count: Number of images seen.
        moments: `RunningMoments` of all features.
        subset: A uniform random subset of the features (`[<= max_samples, d]`).
        class_counts: Predicted-class histogram, or `None` without probabilities.
        inception_score: `(mean, std)`, or `None` without probabilities.
    """

    extractor: str
    count: int
    moments: RunningMoments
    subset: np.ndarray
    class_counts: "np.ndarray | None"
    inception_score: "tuple | None"


def _batches(images, n, batch_size, seed):
    """Yields float image batches from an array, a dataset, a model or a callable."""
    import tensorflow as tf

    if hasattr(images, "generate") or (callable(images) and not isinstance(images, np.ndarray)):
        rng = np.random.default_rng(seed)
        produced = 0
        while produced < n:
            size = min(batch_size, n - produced)
            batch_seed = int(rng.integers(2**31 - 1))
            if hasattr(images, "generate"):
                batch = images.generate(size, seed=batch_seed)
            else:
                batch = images(size, batch_seed)
            yield np.asarray(batch)
            produced += size
        return
    if isinstance(images, tf.data.Dataset):
        produced = 0
        for batch in images.as_numpy_iterator():
            if isinstance(batch, tuple):
                batch = batch[0]
            batch = batch[: n - produced]
            yield batch
            produced += batch.shape[0]
            if produced >= n:
                return
        return
    array = np.asarray(images)
    for start in range(0, min(n, array.shape[0]), batch_size):
        yield array[start:min(start + batch_size, n)]


def _count(images, n):
    """How many images `_batches` will yield, when it can be known up front."""
    import tensorflow as tf

    if hasattr(images, "generate") or callable(images):
        if n is None:
            raise ValueError("`n` is required when images come from a generator.")
        return n
    if isinstance(images, tf.data.Dataset):
        return None  # unknown until iterated
    available = np.asarray(images).shape[0]
    return available if n is None else min(n, available)


def feature_statistics(images, extractor, n=None, batch_size=250, max_samples=5000,
                       is_splits=10, seed=0):
    """Streams images through `extractor` and accumulates `FeatureStatistics`.

    Args:
        images: float `[N, H, W, C]` array in [-1, 1], a `tf.data.Dataset`
            of such batches (or of `(images, labels)`), a model with
            `generate(n, seed=...)` such as `kgan.GAN`, or a callable
            `f(n, seed) -> images`.
        extractor: A `FeatureExtractor`.
        n: Number of images (required for models/callables; for arrays and
            datasets, at most this many; `None` takes all).
        batch_size: Images per batch.
        max_samples: Size of the random feature subset kept for KID,
            precision/recall and density/coverage.
        is_splits: Splits of the Inception-style score.
        seed: Seeds the generator noise and the subset.

    Returns:
        `FeatureStatistics`.

    Example:

    ```python
    real = feature_statistics(real_images, extractor)
    fake = feature_statistics(gan, extractor, n=10000)
    compare(real, fake)
    ```
    """
    batch_size = check_int(batch_size, "batch_size")
    if n is not None:
        n = check_int(n, "n", minimum=2)
    total = _count(images, n)
    moments = RunningMoments()
    reservoir = Reservoir(max_samples, seed=seed)
    class_counts = None
    scores = None
    if extractor.has_probabilities and total is not None:
        scores = InceptionScoreAccumulator(total, min(is_splits, total))
    buffered = []  # probabilities of a dataset of unknown length, for the score
    seen = 0
    limit = total if total is not None else (n or sys.maxsize)
    for batch in _batches(images, limit, batch_size, seed):
        if batch.shape[0] == 0:
            continue
        features, probabilities = extractor.predict(batch, batch_size=batch_size)
        moments.update(features)
        reservoir.update(features)
        if probabilities is not None:
            counts = np.bincount(probabilities.argmax(axis=1), minlength=extractor.num_classes)
            class_counts = counts if class_counts is None else class_counts + counts
            if scores is not None:
                scores.update(probabilities)
            else:
                buffered.append(probabilities.astype(np.float32))
        seen += batch.shape[0]
    if seen < 2:
        raise ValueError(f"`images` must hold at least 2 images; got {seen}.")
    inception = None
    if scores is not None:
        inception = scores.result()
    elif buffered:
        from kgan.metrics.inception_score import inception_score

        inception = inception_score(np.concatenate(buffered), min(is_splits, seen))
    return FeatureStatistics(extractor.name, seen, moments, reservoir.values.copy(),
                             class_counts, inception)


def compare(real, fake, kid_subsets=100, kid_subset_size=1000, pr_k=3, dc_k=5,
            class_threshold=0.5, seed=0):
    """Metrics between real and generated `FeatureStatistics` of one extractor.

    Args:
        real: `FeatureStatistics` of real images.
        fake: `FeatureStatistics` of generated images, same extractor.
        kid_subsets: Subsets averaged by KID.
        kid_subset_size: Rows per KID subset.
        pr_k: k of precision/recall.
        dc_k: k of density/coverage.
        class_threshold: Share ratio above which a class counts as covered.
        seed: Seed of KID's subset draws.

    Example:

    ```python
    reference = feature_statistics(real_images, extractor)   # once
    compare(reference, feature_statistics(gan, extractor, n=5000))["fd_domain"]
    ```

    Returns:
        dict `{metric_name: float}`; names end in the extractor's name, e.g.
        `fd_domain`, `kid_domain`, `kid_domain_std`, `is_domain`,
        `is_domain_std`, `precision_domain`, `recall_domain`,
        `density_domain`, `coverage_domain`, `class_coverage_domain`,
        `class_kl_domain`. IS and class metrics need probabilities.
    """
    if real.extractor != fake.extractor:
        raise ValueError(
            f"`real` was computed with {real.extractor!r} features and `fake` with "
            f"{fake.extractor!r}; compare statistics of one extractor."
        )
    for side, stats in (("real", real), ("generated", fake)):
        if stats.count <= stats.moments.feature_dim:
            warnings.warn(
                f"{stats.count} {side} samples for {stats.moments.feature_dim}-dimensional "
                f"{real.extractor} features: the covariance estimate is rank-deficient, so the "
                "Fréchet distance is unreliable. Use more samples than feature dimensions.",
                RuntimeWarning, stacklevel=2)
    values = {
        "fd": frechet_distance_from_moments(real.moments.mean, real.moments.covariance,
                                            fake.moments.mean, fake.moments.covariance),
    }
    values["kid"], values["kid_std"] = kernel_inception_distance(
        real.subset, fake.subset, num_subsets=kid_subsets, subset_size=kid_subset_size,
        seed=seed)
    if fake.inception_score is not None:
        values["is"], values["is_std"] = fake.inception_score
    values["precision"], values["recall"] = precision_recall(real.subset, fake.subset, k=pr_k)
    values["density"], values["coverage"] = density_coverage(real.subset, fake.subset, k=dc_k)
    if real.class_counts is not None and fake.class_counts is not None:
        classes = class_coverage(fake.class_counts, real.class_counts, threshold=class_threshold)
        values["class_coverage"], values["class_kl"] = classes["covered"], classes["kl"]
    return {_metric_name(key, real.extractor): float(value) for key, value in values.items()}


def _metric_name(key, extractor):
    if key.endswith("_std"):
        return f"{key[:-4]}_{extractor}_std"
    return f"{key}_{extractor}"


@dataclasses.dataclass
class EvaluationResult:
    """What `evaluate` measured, and with what.

    Attributes:
        metrics: `{name: value}`, names ending in the extractor's name.
        n_generated: Generated images used.
        n_real: Real images used.
        subset_generated: Generated feature vectors used by KID,
            precision/recall and density/coverage (a uniform random subset
            of at most `max_samples`).
        subset_real: The same for the real side.
        features: One line naming the feature extractor.
        extractor: The extractor's metadata.
        class_histogram: Predicted-class shares of the generated images.
        settings: The other arguments.
    """

    metrics: dict
    n_generated: int
    n_real: int
    subset_generated: int
    subset_real: int
    features: str
    extractor: dict
    class_histogram: "list | None"
    settings: dict

    def to_dict(self):
        return dataclasses.asdict(self)

    def format_table(self):
        """The metrics as an aligned text table, with N and the features named."""
        lines = [
            f"features: {self.features}",
            f"N: {self.n_generated} generated vs {self.n_real} real images (KID, "
            f"precision/recall, density/coverage on random subsets of {self.subset_generated} "
            f"and {self.subset_real})",
        ]
        width = max(len(name) for name in self.metrics)
        for name, value in self.metrics.items():
            if name.endswith("_std"):
                continue
            text = f"{value:.6g}"
            if f"{name}_std" in self.metrics:
                text += f" ± {self.metrics[name + '_std']:.3g}"
            lines.append(f"  {name:<{width}}  {text}")
        return "\n".join(lines)


def evaluate(generated, real, extractor, n=10000, n_real=None, batch_size=250,
             max_samples=5000, is_splits=10, kid_subsets=100, kid_subset_size=1000, pr_k=3,
             dc_k=5, class_threshold=0.5, seed=0, image_size=None, real_statistics=None):
    """Evaluates generated images against real ones with every metric.

    Args:
        generated: A model with `generate(n, seed=...)` (e.g. `kgan.GAN`),
            a callable `f(n, seed)`, an image array or a `tf.data.Dataset`.
        real: Real images: an array, a `tf.data.Dataset`, or a dataset name
            or path for `kgan.datasets.load_arrays`.
        extractor: A `FeatureExtractor`.
        n: Number of generated images.
        n_real: Number of real images (`None`: all of them).
        batch_size: Images per extractor call.
        max_samples: Feature vectors per side kept for KID,
            precision/recall and density/coverage (a uniform random subset).
        is_splits: Splits of the Inception-style score.
        kid_subsets: Subsets averaged by KID.
        kid_subset_size: Size of each KID subset.
        pr_k: k of precision/recall.
        dc_k: k of density/coverage.
        class_threshold: Share ratio above which a class counts as covered.
        seed: Seeds generator noise, subsets and KID draws.
        image_size: Resize a named/path `real` dataset to this size.
        real_statistics: Precomputed `FeatureStatistics` of the real images
            (then `real` is ignored); lets a callback compute them once.

    Returns:
        `EvaluationResult`.

    Example:

    ```python
    extractor = kgan.metrics.FeatureExtractor.fit("digits")
    result = kgan.metrics.evaluate(gan, "digits", extractor, n=5000)
    print(result.format_table())
    result.metrics["fd_domain"]
    ```
    """
    n = check_int(n, "n", minimum=2)
    if real_statistics is None:
        if real is None:
            raise ValueError("`real` is required (or `real_statistics`): the real images.")
        if isinstance(real, (str, os.PathLike)):
            from kgan import datasets

            real, _ = datasets.load_arrays(real, image_size=image_size)
        real_statistics = feature_statistics(real, extractor, n=n_real, batch_size=batch_size,
                                             max_samples=max_samples, is_splits=is_splits,
                                             seed=seed)
    fake_statistics = feature_statistics(generated, extractor, n=n, batch_size=batch_size,
                                         max_samples=max_samples, is_splits=is_splits,
                                         seed=seed + 1)
    metrics = compare(real_statistics, fake_statistics, kid_subsets=kid_subsets,
                      kid_subset_size=kid_subset_size, pr_k=pr_k, dc_k=dc_k,
                      class_threshold=class_threshold, seed=seed)
    histogram = None
    if fake_statistics.class_counts is not None:
        histogram = (fake_statistics.class_counts / fake_statistics.count).tolist()
    return EvaluationResult(
        metrics=metrics,
        n_generated=fake_statistics.count,
        n_real=real_statistics.count,
        subset_generated=fake_statistics.subset.shape[0],
        subset_real=real_statistics.subset.shape[0],
        features=extractor.describe(),
        extractor=dict(extractor.metadata),
        class_histogram=histogram,
        settings={"max_samples": max_samples, "is_splits": is_splits,
                  "kid_subsets": kid_subsets, "kid_subset_size": kid_subset_size,
                  "pr_k": pr_k, "dc_k": dc_k, "class_threshold": class_threshold,
                  "seed": seed},
    )
