"""How long a 10k-sample evaluation takes (kgan.metrics.evaluate), by phase.

    PYTHONPATH=. python benchmarks/evaluation.py            # MNIST test set if present, else digits
    PYTHONPATH=. python benchmarks/evaluation.py --data digits --n 10000

The generator is an untrained DCGAN of the data's image shape (the time to
generate is part of an evaluation; its quality is not the point here). The
domain feature extractor is trained first and timed separately: `kgan
evaluate` trains it once per data and image size and then reuses it.
"""

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

MNIST = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mnist"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(MNIST) if MNIST.is_dir() else "digits")
    parser.add_argument("--n", type=int, default=10000, help="generated images")
    parser.add_argument("--max-samples", type=int, default=5000)
    parser.add_argument("--batch-size", type=int, default=250)
    args = parser.parse_args()

    import numpy as np

    import kgan
    from kgan import metrics
    from kgan.metrics.evaluate import feature_statistics

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    real, _ = kgan.datasets.load_arrays(args.data)
    shape = real.shape[1:]
    print(f"data: {args.data} {real.shape[0]} images {shape}; {args.n} generated; "
          f"{cores} CPU cores; max_samples={args.max_samples}")

    t = time.perf_counter()
    extractor = metrics.FeatureExtractor.fit(args.data)
    print(f"  train the domain extractor (once, then cached): {time.perf_counter() - t:7.1f} s"
          f"  (test accuracy {extractor.metadata['test_accuracy']:.3f})")

    generator, discriminator = kgan.networks.get("dcgan", image_shape=shape, latent_dim=32,
                                                 filters=32)
    gan = kgan.GAN(generator, discriminator, latent_dim=32)

    timings = {}
    t0 = t = time.perf_counter()
    real_stats = feature_statistics(real, extractor, batch_size=args.batch_size,
                                    max_samples=args.max_samples, seed=0)
    timings[f"real features ({real_stats.count} images)"] = time.perf_counter() - t
    t = time.perf_counter()
    fake_stats = feature_statistics(gan, extractor, n=args.n, batch_size=args.batch_size,
                                    max_samples=args.max_samples, seed=1)
    timings[f"generate + features ({args.n} images)"] = time.perf_counter() - t
    t = time.perf_counter()
    metrics.frechet_distance(real_stats.moments, fake_stats.moments)
    timings["Fréchet distance"] = time.perf_counter() - t
    t = time.perf_counter()
    metrics.kernel_inception_distance(real_stats.subset, fake_stats.subset)
    timings["KID (100 subsets of 1000)"] = time.perf_counter() - t
    t = time.perf_counter()
    metrics.precision_recall(real_stats.subset, fake_stats.subset)
    timings["precision/recall (k=3)"] = time.perf_counter() - t
    t = time.perf_counter()
    metrics.density_coverage(real_stats.subset, fake_stats.subset)
    timings["density/coverage (k=5)"] = time.perf_counter() - t
    total = time.perf_counter() - t0
    for name, seconds in timings.items():
        print(f"  {name:<45} {seconds:7.2f} s")
    print(f"  {'total evaluation (extractor cached)':<45} {total:7.2f} s")

    t = time.perf_counter()
    result = metrics.evaluate(gan, real, extractor, n=args.n, batch_size=args.batch_size,
                              max_samples=args.max_samples)
    print(f"  {'kgan.metrics.evaluate end to end':<45} {time.perf_counter() - t:7.2f} s")
    print(f"  fd_domain of the untrained generator: {result.metrics['fd_domain']:.1f}"
          f" (sanity: finite={np.isfinite(result.metrics['fd_domain'])})")


if __name__ == "__main__":
    main()
