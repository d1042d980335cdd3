"""Compare the three conditioning methods of `kgan train --model cgan` on `digits`.

Each method trains with the CLI defaults (DCGAN backbone, latent_dim 32,
filters 32, batch 64, Adam 2e-4, non-saturating loss) for the same number of
epochs, then generates `--per-class` samples of every digit. A logistic
regression trained on the real digits (as in tests/test_cli.py) classifies
them; printed per method:

- accuracy: how often the classifier recognises the requested digit,
- diversity: mean per-pixel standard deviation of the samples within a class,
  relative to the same figure for the real digits (1.0 = as varied as the
  data, near 0 = one image per class),
- ms/step: mean wall time of a training step over the epochs after the first
  (the first includes tracing).

Usage:

    PYTHONPATH=. python benchmarks/conditional.py             # 60 epochs, the CLI default
    PYTHONPATH=. python benchmarks/conditional.py --epochs 20 --methods acgan

`--evaluate RUN_DIR` instead measures the accuracy and diversity of a run
written by `kgan train --model cgan` (any data, e.g. glyphs), with a logistic
regression trained on that run's real data at its image size.
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import kgan  # noqa: E402
from kgan.tasks.conditional import CGAN_DIGITS as RECIPE  # noqa: E402


class StepTimer(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()
        self.steps = 0

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1

    def on_epoch_end(self, epoch, logs=None):
        if epoch > 0:
            self.times.append((time.perf_counter() - self.start) / self.steps)

    def on_train_begin(self, logs=None):
        self.times = []


def evaluate_run(run_dir, per_class, seed):
    import json

    from sklearn.linear_model import LogisticRegression

    with open(os.path.join(run_dir, "run.json")) as f:
        run = json.load(f)
    gan = keras.models.load_model(os.path.join(run_dir, "gan.keras"), safe_mode=True)
    real, real_labels = kgan.datasets.load_arrays(run["data"], image_size=run["image_size"])
    real = real.reshape(len(real), -1)
    classifier = LogisticRegression(max_iter=3000).fit(real, real_labels)
    labels = np.repeat(np.arange(gan.num_classes), per_class)
    samples = kgan.images.to_uint8(gan.generate(labels, seed=seed))
    x = samples.reshape(len(samples), -1).astype("float32") / 127.5 - 1.0
    accuracy = float(np.mean(classifier.predict(x) == labels))
    diversity = within_class_std(x, labels) / within_class_std(real, real_labels)
    print(f"{run_dir}: {run['data']} {run.get('conditioning')} {run['epochs']} epochs, "
          f"{per_class} samples per class")
    print(f"recognised {accuracy:.3f}  diversity {diversity:.2f}  "
          f"(classifier on the real data scores {classifier.score(real, real_labels):.3f} on it)")


def digit_classifier():
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression

    digits = load_digits()
    x = digits.images.reshape(len(digits.images), -1) / 8.0 - 1.0
    return LogisticRegression(max_iter=3000).fit(x, digits.target), x, digits.target


def within_class_std(x, labels):
    return float(np.mean([x[labels == c].std(axis=0).mean() for c in np.unique(labels)]))


def run(method, epochs, per_class, seed, classifier, real_std):
    keras.utils.set_random_seed(seed)
    data = kgan.datasets.load("digits", batch_size=RECIPE.batch_size, labels=True,
                              seed=seed)
    # The cGAN `kgan train --model cgan --conditioning METHOD` trains.
    gan = kgan.tasks.get("conditional").build(RECIPE, image_shape=(8, 8, 1), num_classes=10,
                                              seed=seed, conditioning=method)
    timer = StepTimer()
    gan.fit(data, epochs=epochs, verbose=0, callbacks=[timer])

    labels = np.repeat(np.arange(10), per_class)
    samples = kgan.images.to_uint8(gan.generate(labels, seed=seed + 1))
    x = samples.reshape(len(samples), -1).astype("float32") / 127.5 - 1.0
    accuracy = float(np.mean(classifier.predict(x) == labels))
    diversity = within_class_std(x, labels) / real_std
    return accuracy, diversity, 1000 * float(np.mean(timer.times))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=RECIPE.epochs)
    parser.add_argument("--per-class", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--methods", default="concat,projection,acgan")
    parser.add_argument("--evaluate", metavar="RUN_DIR", default=None,
                        help="evaluate a `kgan train --model cgan` run instead of training")
    args = parser.parse_args()
    if args.evaluate:
        evaluate_run(args.evaluate, args.per_class, args.seed)
        return

    classifier, real_x, real_y = digit_classifier()
    real_std = within_class_std(real_x, real_y)
    steps = args.epochs * (1797 // RECIPE.batch_size)
    print(f"digits, {args.epochs} epochs ({steps} steps), {args.per_class} samples per class, "
          f"seed {args.seed}")
    print(f"{'method':<12}{'accuracy':>10}{'diversity':>11}{'ms/step':>10}")
    for method in args.methods.split(","):
        accuracy, diversity, ms = run(method, args.epochs, args.per_class, args.seed,
                                      classifier, real_std)
        print(f"{method:<12}{accuracy:>10.3f}{diversity:>11.2f}{ms:>10.1f}", flush=True)


if __name__ == "__main__":
    main()
