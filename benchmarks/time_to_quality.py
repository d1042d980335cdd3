"""Wall time until a recipe's samples are good: FD within 3x and 2x of the real-vs-real floor.

    PYTHONPATH=. python benchmarks/time_to_quality.py --data ../shared/data/mnist \\
        --seeds 0 1 2 --every 5000 --max-images 100000

Each row is the `dcgan-mnist` recipe with some fields changed (`NAME=FIELD=VALUE,...`),
trained in this process by `fit` on `--data` at `--image-size` (28). Every `--every` training
images the clock stops, the EMA generator draws `--n` images from fixed noise, and
their domain-feature FD (the `kgan evaluate` extractor) is taken against a fixed
half of the real images; the floor is the FD between that half and the other half,
so both sides always have `--n` images. The clock counts what a user waits for
while training (building, tracing and every step), not the evaluations. A run ends
after `--max-images` images (10 epochs of the 10,000 MNIST test digits by
default), so every row is also compared at equal steps (`FD at end`).

Printed per row and seed: seconds (and images) to FD <= 3x and <= 2x the floor,
FD at the end, training images/s; then per row the medians over the seeds. "-"
means the run did not get there within `--max-images`.
"""

import argparse
import dataclasses
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

import numpy as np  # noqa: E402
import keras  # noqa: E402

from kgan import datasets, metrics, tasks  # noqa: E402

BASE_RECIPE = "dcgan-mnist"

# Adam as dcgan-mnist had it before beta_1 0 at 6e-4.
MOMENTUM = "beta_1=0.5,learning_rate=4e-4"
ROWS = [
    # dcgan-mnist before lazy R1, 8 steps per call and Adam without momentum.
    f"r1_every_step=r1_every=1,steps_per_execution=1,{MOMENTUM}",
    f"lazy_r1=steps_per_execution=1,{MOMENTUM}",   # R1 every 16 steps, 16x as strong
    f"lazy_r1_spe8={MOMENTUM}",                    # also 8 steps per call
    f"bfloat16=r1_every=1,precision=mixed_bfloat16,steps_per_execution=1,{MOMENTUM}",
    f"lazy_r1_bfloat16=precision=mixed_bfloat16,steps_per_execution=1,{MOMENTUM}",
    f"lazy_r1_spe8_bfloat16=precision=mixed_bfloat16,{MOMENTUM}",
    "beta1_0=",                                  # dcgan-mnist now: Adam beta_1 0 at 6e-4
    "beta1_0_bfloat16=precision=mixed_bfloat16",
    # keras-io's DCGAN settings on kgan's networks: batch 64, Adam 2e-4, no R1, no EMA.
    "keras_io=batch_size=64,learning_rate=2e-4,beta_1=0.5,r1_weight=0,ema_decay=0,"
    "steps_per_execution=1",
    # Larger batches with lazy R1: the learning rate grows with the square root of the batch,
    # the EMA keeps its half-life in images (0.999 per 8 images).
    "b16_lazy_r1=batch_size=16,learning_rate=5.7e-4,ema_decay=0.998,beta_1=0.5",
    "b32_lazy_r1=batch_size=32,learning_rate=8e-4,ema_decay=0.996,beta_1=0.5",
]


def parse_row(text):
    """`"NAME=FIELD=VALUE,..."` -> `(name, {field: value})`, values parsed as the recipe's
    field types."""
    name, _, rest = text.partition("=")
    if not name:
        raise argparse.ArgumentTypeError(f"a row is NAME=FIELD=VALUE,...; got {text!r}")
    fields = {f.name: f for f in dataclasses.fields(tasks.recipe(BASE_RECIPE)[1])}
    overrides = {}
    for item in filter(None, rest.split(",")):
        key, sep, value = item.partition("=")
        if not sep or key not in fields:
            raise argparse.ArgumentTypeError(
                f"row {name!r}: {item!r} is not FIELD=VALUE with a field of the recipe "
                f"({', '.join(sorted(fields))})")
        default = getattr(tasks.recipe(BASE_RECIPE)[1], key)
        if isinstance(default, bool):
            overrides[key] = value.lower() in ("1", "true", "yes")
        else:
            overrides[key] = type(default)(value) if default is not None else float(value)
    return name, overrides


class Clock(keras.callbacks.Callback):
    """Stops the training clock every `every` images to measure FD; stops training at
    `max_images`."""

    def __init__(self, start, batch_size, every, max_images, measure):
        super().__init__()
        self.start = start
        self.batch_size, self.every, self.max_images = batch_size, every, max_images
        self.measure = measure
        self.images = 0
        self.next_eval = every
        self.train_seconds = 0.0
        self.points = []   # (images, train seconds, fd)
        self._since = None

    def on_train_begin(self, logs=None):
        self._since = self.start

    def on_train_batch_end(self, batch, logs=None):
        # With `steps_per_execution` this runs once per several steps: count the
        # generator's updates, one per step.
        self.images = int(self.model.g_optimizer.iterations) * self.batch_size
        if self.images < self.next_eval:
            return
        self.train_seconds += time.perf_counter() - self._since
        self.points.append((self.images, self.train_seconds, self.measure(self.model)))
        self.next_eval += self.every
        if self.images >= self.max_images:
            self.model.stop_training = True
        self._since = time.perf_counter()


def first_time(points, limit):
    for images, seconds, fd in points:
        if fd <= limit:
            return seconds, images
    return None


def run_one(name, overrides, seed, args, data, measure):
    keras.utils.set_random_seed(seed)
    task, recipe = tasks.recipe(BASE_RECIPE)
    recipe = dataclasses.replace(recipe, **overrides)
    start = time.perf_counter()
    gan = task.build(recipe, image_shape=data.shape[1:], seed=seed)
    dataset = datasets.load(args.data, batch_size=recipe.batch_size, image_size=args.image_size,
                            seed=seed)
    clock = Clock(start, recipe.batch_size, args.every, args.max_images, measure)
    epochs = -(-args.max_images // (len(dataset) * recipe.batch_size))
    gan.fit(dataset, epochs=epochs, callbacks=[clock], verbose=0)
    return clock


def fmt_time(hit):
    return "-" if hit is None else f"{hit[0]:.0f} s ({hit[1] // 1000}k)"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(common.MNIST_DIR))
    parser.add_argument("--image-size", type=int, default=28)
    parser.add_argument("--row", action="append", type=parse_row,
                        help="NAME=FIELD=VALUE,... (repeatable; default: the built-in rows)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--every", type=int, default=5000, help="images between evaluations")
    parser.add_argument("--max-images", type=int, default=100000)
    parser.add_argument("--n", type=int, default=5000, help="images per FD side")
    parser.add_argument("--curves", action="store_true",
                        help="also print each run's FD at every evaluation")
    args = parser.parse_args(argv)
    rows = args.row or [parse_row(r) for r in ROWS]

    common.print_machine()
    real, _ = datasets.load_arrays(args.data, image_size=args.image_size)
    if len(real) < 2 * args.n:
        sys.exit(f"--n {args.n}: the data has {len(real)} images, fewer than 2 x --n")
    order = np.random.default_rng(0).permutation(len(real))
    extractor, path, _ = metrics.extractor_for(args.data, real.shape[1:], verbose=False)
    reference = extractor.predict(real[order[:args.n]])[0]
    floor = metrics.frechet_distance(reference, extractor.predict(real[order[args.n:2 * args.n]])[0])
    def measure(gan):
        z = np.random.default_rng(12345).standard_normal((args.n, gan.latent_dim))
        return metrics.frechet_distance(reference, extractor.predict(gan.generate(z.astype("float32")))[0])

    print(f"\nData {args.data} at {args.image_size}x{args.image_size} ({len(real)} images); "
          f"extractor {path}")
    print(f"Floor: FD {floor:.3f} between two halves of {args.n}; 3x = {3 * floor:.2f}, "
          f"2x = {2 * floor:.2f}. Base recipe {BASE_RECIPE}.\n")
    header = f"{'row':<20} {'seed':>4} {'to 3x floor':>14} {'to 2x floor':>14} " \
             f"{'FD at end':>10} {'x floor':>8} {'images/s':>9}"
    print(header)
    summary = []
    for name, overrides in rows:
        results = []
        for seed in args.seeds:
            clock = run_one(name, overrides, seed, args, real, measure)
            end_images, end_seconds, end_fd = clock.points[-1]
            hit3, hit2 = first_time(clock.points, 3 * floor), first_time(clock.points, 2 * floor)
            results.append((hit3, hit2, end_fd, end_images / end_seconds))
            print(f"{name:<20} {seed:>4} {fmt_time(hit3):>14} {fmt_time(hit2):>14} "
                  f"{end_fd:>10.2f} {end_fd / floor:>8.2f} {end_images / end_seconds:>9.0f}",
                  flush=True)
            if args.curves:
                print("    FD by thousands of images: " + ", ".join(
                    f"{images // 1000}k {fd:.2f}" for images, _, fd in clock.points), flush=True)
        summary.append((name, overrides, results))

    def median_seconds(hits):
        values = [h[0] if h is not None else float("inf") for h in hits]
        value = statistics.median(values)
        return "-" if value == float("inf") else f"{value:.0f} s"

    print(f"\nMedians over seeds {args.seeds}")
    print(f"{'row':<20} {'precision':>14} {'to 3x':>8} {'to 2x':>8} {'FD at end':>10} "
          f"{'FD range':>13} {'images/s':>9}  changes from {BASE_RECIPE}")
    for name, overrides, results in summary:
        fds = [r[2] for r in results]
        changes = ", ".join(f"{k}={v}" for k, v in overrides.items()) or "none"
        policy = overrides.get("precision", tasks.recipe(BASE_RECIPE)[1].precision)
        print(f"{name:<20} {policy:>14} {median_seconds([r[0] for r in results]):>8} "
              f"{median_seconds([r[1] for r in results]):>8} {statistics.median(fds):>10.2f} "
              f"{min(fds):>6.2f}-{max(fds):<6.2f} {statistics.median(r[3] for r in results):>9.0f}"
              f"  {changes}")


if __name__ == "__main__":
    main()
