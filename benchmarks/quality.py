"""Sample quality of training recipes for the same CPU time, by domain-feature metrics.

    PYTHONPATH=. python benchmarks/quality.py --data digits --cpu-seconds 120
    PYTHONPATH=. python benchmarks/quality.py --data ../shared/data/mnist --image-size 28 \\
        --cpu-seconds 600 --recipes baseline,ema,ema_sn_diffaug

Each recipe trains a DCGAN (`--filters`, `--latent-dim`, batch `--batch-size`)
until the process has used `--cpu-seconds` of CPU time (user + system, all
threads), then generates as many images as half of the real data and compares
them with that half through `kgan.metrics` and the domain feature extractor
(a small classifier trained on the labelled data): Fréchet distance (FD),
KID, precision/recall and class coverage. The first row is the floor: the
other half of the real data against the same half, same N. Lower FD/KID and
higher precision/recall/coverage are better.

"baseline" is the plain DCGAN recipe of the keras.io example and of kgan's
core (Adam 2e-4, beta_1 0.5, both networks; non-saturating loss; nothing else).
"""

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

MNIST = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mnist"
DIFFAUG = "color,translation,cutout"

# name: (GAN kwargs, network kwargs, (g learning rate, d learning rate))
RECIPES = {
    "baseline": ({}, {}, (2e-4, 2e-4)),
    "ema": ({"ema_decay": 0.999}, {}, (2e-4, 2e-4)),
    "ema_sn": ({"ema_decay": 0.999}, {"spectral_norm": True}, (2e-4, 2e-4)),
    "ema_diffaug": ({"ema_decay": 0.999, "augment": DIFFAUG}, {}, (2e-4, 2e-4)),
    "ema_sn_diffaug": ({"ema_decay": 0.999, "augment": DIFFAUG}, {"spectral_norm": True},
                       (2e-4, 2e-4)),
    "ema_sn_ttur": ({"ema_decay": 0.999}, {"spectral_norm": True}, (1e-4, 4e-4)),
    "ema_r1": ({"ema_decay": 0.999, "r1_weight": 1.0}, {}, (2e-4, 2e-4)),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="digits")
    parser.add_argument("--image-size", type=int, default=None)
    parser.add_argument("--cpu-seconds", type=float, default=120.0,
                        help="CPU time each recipe trains for")
    parser.add_argument("--recipes", default=",".join(RECIPES))
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--filters", type=int, default=32)
    parser.add_argument("--latent-dim", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    names = [name.strip() for name in args.recipes.split(",")]
    unknown = [name for name in names if name not in RECIPES]
    if unknown:
        parser.error(f"unknown recipe {unknown[0]!r}; choose from {', '.join(RECIPES)}")

    import keras
    import numpy as np

    import kgan
    from kgan import metrics
    from kgan.metrics.evaluate import compare, feature_statistics

    real, _ = kgan.datasets.load_arrays(args.data, image_size=args.image_size)
    shape = real.shape[1:]
    order = np.random.default_rng(args.seed).permutation(len(real))
    half = len(real) // 2
    real_a, real_b = real[order[:half]], real[order[half:2 * half]]
    extractor, _, _ = metrics.extractor_for(args.data, shape, verbose=False)
    reference = feature_statistics(real_a, extractor, max_samples=half, seed=0)
    kid_size = min(1000, half // 2)

    def scores(stats):
        values = compare(reference, stats, kid_subset_size=kid_size, kid_subsets=50)
        return [values["fd_domain"], values["kid_domain"], values["precision_domain"],
                values["recall_domain"], values["class_coverage_domain"]]

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"data {args.data} {real.shape[0]} images {shape}; N={half} per side; "
          f"{args.cpu_seconds:g} CPU s per recipe; batch {args.batch_size}, "
          f"filters {args.filters}, latent {args.latent_dim}; {cores} cores")
    header = (f"{'recipe':<16} {'steps':>6} {'wall s':>7} {'FD':>8} {'FD/floor':>8} {'KID':>8} "
              f"{'prec':>5} {'recall':>6} {'classes':>7}")
    print(header)
    floor = scores(feature_statistics(real_b, extractor, max_samples=half, seed=1))
    print(f"{'real-vs-real':<16} {'':>6} {'':>7} {floor[0]:8.3f} {1.0:8.2f} {floor[1]:8.4f} "
          f"{floor[2]:5.2f} {floor[3]:6.2f} {floor[4]:7.2f}", flush=True)

    dataset = kgan.datasets.load(args.data, batch_size=args.batch_size,
                                 image_size=args.image_size, seed=args.seed)
    for name in names:
        gan_kwargs, net_kwargs, (g_lr, d_lr) = RECIPES[name]
        keras.utils.set_random_seed(args.seed)
        generator, discriminator = kgan.networks.get(
            "dcgan", image_shape=shape, latent_dim=args.latent_dim, filters=args.filters,
            **net_kwargs,
        )
        gan = kgan.GAN(generator, discriminator, latent_dim=args.latent_dim, seed=args.seed,
                       **gan_kwargs)
        gan.compile(g_optimizer=keras.optimizers.Adam(g_lr, beta_1=0.5),
                    d_optimizer=keras.optimizers.Adam(d_lr, beta_1=0.5))
        budget = CpuBudget(args.cpu_seconds)
        start = time.perf_counter()
        gan.fit(dataset, epochs=100000, callbacks=[budget], verbose=0)
        wall = time.perf_counter() - start
        fake = feature_statistics(gan, extractor, n=half, max_samples=half, seed=2)
        fd, kid, precision, recall, classes = scores(fake)
        print(f"{name:<16} {budget.steps:>6} {wall:7.0f} {fd:8.3f} {fd / floor[0]:8.2f} "
              f"{kid:8.4f} {precision:5.2f} {recall:6.2f} {classes:7.2f}", flush=True)


class CpuBudget:
    """Stops `fit` once the process has used `seconds` of CPU time since `fit` began."""

    def __new__(cls, seconds):
        import keras

        class _Budget(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.seconds, self.steps = seconds, 0

            def on_train_begin(self, logs=None):
                self.start = time.process_time()

            def on_train_batch_end(self, batch, logs=None):
                self.steps += 1
                if time.process_time() - self.start >= self.seconds:
                    self.model.stop_training = True

        return _Budget()


if __name__ == "__main__":
    main()
