"""Class coverage: which classes a classifier sees among generated samples.

A mode-collapse detector. The classes predicted (argmax) for generated
samples form a histogram; it is compared with the histogram predicted by
the same classifier on real samples:

* ``covered``: the fraction of real classes whose generated share is at
  least `threshold` times their real share (1.0: every class is produced
  in reasonable amounts; 0.1 for 10 classes: collapse onto one class);
* ``kl``: KL(p_generated || p_real) in nats, 0 when the shares match and
  log(10) = 2.30 when all samples fall in one of ten equally common
  classes. It is infinite if generated samples fall in a class the real
  samples never do.
"""

import numpy as np

__all__ = ["class_coverage", "class_histogram"]


def class_histogram(predictions, num_classes):
    """Counts per class of predicted labels `[n]` or probabilities `[n, num_classes]`.

    Args:
        predictions: Integer labels, or class probabilities (argmax is taken).
        num_classes: Length of the histogram.

    Returns:
        int64 array `[num_classes]`.

    Example:

    ```python
    class_histogram([0, 2, 2], 4)  # array([1, 0, 2, 0])
    ```
    """
    predictions = np.asarray(predictions)
    if predictions.ndim == 2:
        if predictions.shape[1] != num_classes:
            raise ValueError(
                f"`predictions` have {predictions.shape[1]} classes; expected {num_classes}."
            )
        predictions = predictions.argmax(axis=1)
    if predictions.ndim != 1 or (predictions.size and (
            predictions.min() < 0 or predictions.max() >= num_classes)):
        raise ValueError(
            f"`predictions` must be labels in [0, {num_classes}) or probabilities "
            f"[n, {num_classes}]; got shape {predictions.shape}."
        )
    return np.bincount(predictions.astype(np.int64), minlength=num_classes)


def class_coverage(fake_counts, real_counts, threshold=0.5):
    """Compares class histograms of generated and real samples.

    Args:
        fake_counts: Counts per class `[num_classes]` among generated samples.
        real_counts: Counts per class among real samples.
        threshold: A real class counts as covered when its generated share
            is at least `threshold` times its real share.

    Returns:
        dict with ``covered`` (fraction of the classes present in the real
        samples that are covered), ``kl`` (KL(p_generated || p_real), nats)
        and ``histogram`` (the generated shares, a list of floats).

    Example:

    ```python
    class_coverage([50, 50, 0, 0], [25, 25, 25, 25])
    # {'covered': 0.5, 'kl': 0.693..., 'histogram': [0.5, 0.5, 0.0, 0.0]}
    ```
    """
    fake = np.asarray(fake_counts, np.float64)
    real = np.asarray(real_counts, np.float64)
    if fake.ndim != 1 or fake.shape != real.shape:
        raise ValueError(
            f"`fake_counts` and `real_counts` must be histograms of one length; got shapes "
            f"{fake.shape} and {real.shape}."
        )
    if fake.sum() <= 0 or real.sum() <= 0 or fake.min() < 0 or real.min() < 0:
        raise ValueError("`fake_counts` and `real_counts` must be non-negative and not all 0.")
    p_fake, p_real = fake / fake.sum(), real / real.sum()
    present = p_real > 0
    covered = float((p_fake[present] >= threshold * p_real[present]).mean())
    with np.errstate(divide="ignore"):
        if np.any((p_fake > 0) & ~present):
            kl = float("inf")
        else:
            mask = p_fake > 0
            kl = float((p_fake[mask] * np.log(p_fake[mask] / p_real[mask])).sum())
    return {"covered": covered, "kl": kl, "histogram": p_fake.tolist()}
