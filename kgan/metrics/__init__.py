"""Offline GAN evaluation: Fréchet distance, KID, IS, precision/recall, coverage.

Super-resolution outputs are compared with their references by `psnr`,
`ssim` and `sharpness` (`kgan.metrics.image_quality`).

Feature-level functions take arrays `[n, d]` of features; `evaluate`
streams images from a generator and a real dataset through a
`FeatureExtractor` (a domain CNN kgan trains, or Inception-v3 from a local
weights file) and reports every metric, each named after its features
(`fd_domain`, `kid_inception`, ...). Nothing is downloaded.

Example:

```python
extractor = kgan.metrics.FeatureExtractor.fit("digits")   # trains in seconds
result = kgan.metrics.evaluate(gan, "digits", extractor, n=5000)
print(result.format_table())
kgan.metrics.frechet_distance(real_features, fake_features)
```
"""

from kgan.metrics.class_coverage import class_coverage, class_histogram
from kgan.metrics.evaluate import (
    EvaluationResult,
    FeatureStatistics,
    compare,
    evaluate,
    feature_statistics,
)
from kgan.metrics.features import FeatureExtractor, cache_dir, extractor_for
from kgan.metrics.frechet import RunningMoments, frechet_distance, frechet_distance_from_moments
from kgan.metrics.image_quality import psnr, sharpness, ssim, y_channel
from kgan.metrics.inception_score import InceptionScoreAccumulator, inception_score
from kgan.metrics.kid import kernel_inception_distance, mmd2_unbiased, polynomial_kernel
from kgan.metrics.precision_recall import density_coverage, precision_recall

__all__ = [
    "EvaluationResult",
    "FeatureExtractor",
    "FeatureStatistics",
    "InceptionScoreAccumulator",
    "RunningMoments",
    "cache_dir",
    "class_coverage",
    "class_histogram",
    "compare",
    "density_coverage",
    "evaluate",
    "extractor_for",
    "feature_statistics",
    "frechet_distance",
    "frechet_distance_from_moments",
    "inception_score",
    "kernel_inception_distance",
    "mmd2_unbiased",
    "polynomial_kernel",
    "precision_recall",
    "psnr",
    "sharpness",
    "ssim",
    "y_channel",
]
