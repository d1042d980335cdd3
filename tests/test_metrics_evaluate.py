"""Image-level evaluation on real digits: behaviour of every metric, streaming, results."""

import numpy as np
import pytest
from scipy.ndimage import gaussian_filter

from kgan.metrics import compare, evaluate, feature_statistics, frechet_distance, inception_score
from kgan.metrics.evaluate import Reservoir
from metrics_support import digits_extractor, digits_halves


@pytest.fixture(scope="module")
def real_stats():
    return feature_statistics(digits_halves()[0], digits_extractor(), seed=0)


def metrics_of(images, real_stats):
    fake = feature_statistics(images, digits_extractor(), seed=1)
    return compare(real_stats, fake, kid_subsets=4, kid_subset_size=400)


def test_real_vs_real_is_close_and_noise_is_far(real_stats):
    _, _, other_half, _ = digits_halves()
    noise = np.random.default_rng(0).uniform(-1, 1, other_half.shape).astype("float32")
    real, fake = metrics_of(other_half, real_stats), metrics_of(noise, real_stats)
    assert fake["fd_domain"] > 20 * real["fd_domain"]
    assert abs(real["kid_domain"]) < 0.05 * fake["kid_domain"]
    assert real["precision_domain"] > 0.8 and fake["precision_domain"] < 0.1
    assert real["recall_domain"] > 0.8 and real["coverage_domain"] > 0.9
    assert fake["coverage_domain"] < 0.1
    assert real["is_domain"] > 8 and real["is_domain"] > fake["is_domain"] + 2
    assert real["class_coverage_domain"] == 1.0 and real["class_kl_domain"] < 0.05


def test_worse_with_more_noise_and_more_blur(real_stats):
    _, _, images, _ = digits_halves()
    rng = np.random.default_rng(1)
    noisy = [metrics_of(np.clip(images + rng.normal(0, s, images.shape), -1, 1)
                        .astype("float32"), real_stats) for s in (0.0, 0.3, 0.6, 1.0)]
    blurred = [metrics_of(gaussian_filter(images, (0, s, s, 0)).astype("float32"), real_stats)
               for s in (0.0, 0.5, 1.0, 2.0)]
    for series in (noisy, blurred):
        fd = [m["fd_domain"] for m in series]
        kid = [m["kid_domain"] for m in series]
        assert fd == sorted(fd) and fd[-1] > 5 * fd[0]
        assert kid == sorted(kid)
        assert series[-1]["precision_domain"] < series[0]["precision_domain"]
        assert series[-1]["density_domain"] < series[0]["density_domain"]


def test_coverage_falls_as_classes_are_dropped(real_stats):
    _, _, images, labels = digits_halves()
    rng = np.random.default_rng(2)
    results = []
    for kept in (10, 6, 3, 1):
        pool = np.flatnonzero(labels < kept)
        results.append(metrics_of(images[rng.choice(pool, 800)], real_stats))
    coverage = [m["coverage_domain"] for m in results]
    classes = [m["class_coverage_domain"] for m in results]
    recall = [m["recall_domain"] for m in results]
    kl = [m["class_kl_domain"] for m in results]
    assert coverage == sorted(coverage, reverse=True) and coverage[-1] < 0.3
    assert classes == sorted(classes, reverse=True) and classes[0] == 1.0 and classes[-1] == 0.1
    assert recall == sorted(recall, reverse=True)
    assert kl == sorted(kl) and kl[-1] > 2.0  # ~log(10) for one class of ten
    assert all(m["precision_domain"] > 0.8 for m in results)  # still real-looking digits


def test_streaming_statistics_equal_whole_array_computation():
    images = digits_halves()[2][:301]
    extractor = digits_extractor()
    stats = feature_statistics(images, extractor, batch_size=7, max_samples=1000, is_splits=3)
    features, probabilities = extractor.predict(images)
    # The float32 features themselves differ in their last bits between batch sizes (7 here,
    # predict's own there) on some CPUs, so the statistics agree to float32 precision.
    np.testing.assert_allclose(stats.moments.mean, features.mean(axis=0), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(stats.moments.covariance, np.cov(features, rowvar=False),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(stats.inception_score, inception_score(probabilities, 3),
                               rtol=1e-5)
    np.testing.assert_array_equal(stats.class_counts,
                                  np.bincount(probabilities.argmax(axis=1), minlength=10))
    assert stats.count == 301 and stats.subset.shape == (301, 32)


def test_generator_objects_are_streamed_with_a_bounded_subset(real_stats):
    images = digits_halves()[2]

    class Bootstrap:
        """Stands in for a GAN: `generate(n, seed)` resamples real digits."""

        calls = []

        def generate(self, n, seed=None):
            self.calls.append((n, seed))
            return images[np.random.default_rng(seed).integers(0, len(images), n)]

    generator = Bootstrap()
    result = evaluate(generator, digits_halves()[0], digits_extractor(), n=1000,
                      batch_size=300, max_samples=400, kid_subsets=5, kid_subset_size=200)
    assert [n for n, _ in generator.calls] == [300, 300, 300, 100]
    assert len({seed for _, seed in generator.calls}) == 4
    assert result.n_generated == 1000 and result.n_real == 900
    assert result.subset_generated == 400 and result.subset_real == 400
    assert result.metrics["fd_domain"] < 10 and result.metrics["precision_domain"] > 0.7
    assert set(result.metrics) == {
        "fd_domain", "kid_domain", "kid_domain_std", "is_domain", "is_domain_std",
        "precision_domain", "recall_domain", "density_domain", "coverage_domain",
        "class_coverage_domain", "class_kl_domain"}
    table = result.format_table()
    assert "1000 generated vs 900 real" in table and "random subsets of 400 and 400" in table
    assert "domain (kgan CNN classifier trained on digits 8x8x1" in table
    assert "fd_domain" in table and "kid_domain_std" not in table  # shown as "± std"
    # The same seed gives the same numbers.
    again = evaluate(generator, digits_halves()[0], digits_extractor(), n=1000,
                     batch_size=300, max_samples=400, kid_subsets=5, kid_subset_size=200)
    assert again.metrics == result.metrics


def test_fd_uses_every_sample_not_only_the_subset():
    images = digits_halves()[2]
    extractor = digits_extractor()
    a = feature_statistics(images[:400], extractor, max_samples=50)
    b = feature_statistics(images[400:], extractor, max_samples=50)
    fa, fb = extractor.predict(images[:400])[0], extractor.predict(images[400:])[0]
    assert a.subset.shape == (50, 32)
    assert compare(a, b, kid_subsets=2, kid_subset_size=50)["fd_domain"] == pytest.approx(
        frechet_distance(fa, fb), rel=1e-7)


def test_reservoir_is_a_uniform_subset():
    kept = []
    for seed in range(20):
        reservoir = Reservoir(100, seed=seed)
        for start in range(0, 5000, 333):
            reservoir.update(np.arange(start, min(start + 333, 5000))[:, None])
        values = reservoir.values[:, 0]
        assert len(set(values)) == 100
        kept.append(values)
    kept = np.concatenate(kept)
    assert abs(kept.mean() - 2499.5) < 3 * 1443 / np.sqrt(len(kept))
    assert np.histogram(kept, bins=5, range=(0, 5000))[0].min() > 300


def test_generated_images_of_the_wrong_shape_are_rejected(real_stats):
    with pytest.raises(ValueError, match="wrong image size"):
        evaluate(np.zeros((10, 16, 16, 1), "float32"), None, digits_extractor(), n=10,
                 real_statistics=real_stats)
    with pytest.raises(ValueError, match="wrong channel count"):
        evaluate(np.zeros((10, 8, 8, 3), "float32"), None, digits_extractor(), n=10,
                 real_statistics=real_stats)
