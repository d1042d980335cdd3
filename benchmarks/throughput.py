"""Training throughput of `kgan.GAN.fit` against a plain hand-written Keras GAN.

What it measures
----------------
Training steps per second of two GANs that share everything except the
`train_step`:

* ``kgan.GAN``: one generator forward pass per step, recorded by two
  gradient tapes; its fakes feed both the discriminator loss and the
  generator loss.
* ``hand-written``: a `keras.Model` subclass with the common tutorial
  `train_step`: generate fakes, train the discriminator on the concatenated
  real + fake batch with binary cross-entropy on logits, then draw new noise
  and run the generator *again* inside the generator's tape. Two generator
  forward passes per step.

Both use the same networks (a small DCGAN for 28x28x1 images, latent size
128, fresh copies with identical initial weights for each variant), the same
batches, the same non-saturating loss, two Adam(2e-4, beta_1=0.5) optimizers
and the same `jit_compile` setting. Each variant first runs one warm-up
epoch (tracing and compilation are excluded), then `--repeats` timed epochs
of `--steps` steps, interleaved between the variants (the order alternates)
so that load from other processes hits both alike. An epoch is timed from
`on_epoch_begin` to `on_epoch_end`; the table reports the median. Beside the
wall-clock rate it reports this process's CPU time per step, which other
processes competing for the cores inflate much less than the wall clock.

It then times the pieces of a step on their own (generator forward,
generator forward + backward, discriminator forward and forward + backward)
to show where the time goes and how much work the single generator pass
saves.

Data: the MNIST test images from ``../shared/data/mnist`` (relative to the
repository root) scaled to [-1, 1] when present, random data otherwise.

Run
---
    python benchmarks/throughput.py                 # batch 64, full run
    python benchmarks/throughput.py --quick         # smoke run, seconds
    python benchmarks/throughput.py --steps 40 --repeats 5 --jit-compile off

Target: on CPU, kgan.GAN.fit runs at least 1.1x the steps/s of the
hand-written step (it skips one generator and one discriminator forward
pass per step). The script prints the ratio and always exits with 0. On a
busy machine the steps/s spread (min..max) is wide; trust the per-repeat
and CPU-time ratios more then, or run again.
"""

import argparse
import gzip
import os
import platform
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers, ops  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))  # benchmark this checkout's kgan

import kgan  # noqa: E402

LATENT_DIM = 128
IMAGE_SHAPE = (28, 28, 1)
TARGET_RATIO = 1.1
MNIST_IMAGES = REPO_ROOT.parent / "shared" / "data" / "mnist" / "t10k-images-idx3-ubyte.gz"


# ------------------------------------------------------------------ networks


def build_generator():
    return keras.Sequential(
        [
            keras.Input(shape=(LATENT_DIM,)),
            layers.Dense(7 * 7 * 128),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Reshape((7, 7, 128)),
            layers.Conv2DTranspose(128, 4, strides=2, padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2DTranspose(128, 4, strides=2, padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(1, 7, padding="same", activation="tanh"),
        ],
        name="generator",
    )


def build_discriminator():
    return keras.Sequential(
        [
            keras.Input(shape=IMAGE_SHAPE),
            layers.Conv2D(64, 3, strides=2, padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(128, 3, strides=2, padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.GlobalMaxPooling2D(),
            layers.Dense(1),
        ],
        name="discriminator",
    )


def build_networks(reference=None):
    """Fresh generator and discriminator; weights copied from `reference` if given."""
    generator, discriminator = build_generator(), build_discriminator()
    if reference is not None:
        generator.set_weights(reference[0].get_weights())
        discriminator.set_weights(reference[1].get_weights())
    return generator, discriminator


# ------------------------------------------------------ hand-written baseline


class HandWrittenGAN(keras.Model):
    """The usual tutorial GAN: the generator runs twice per training step."""

    def __init__(self, generator, discriminator, latent_dim, seed=None):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_metric = keras.metrics.Mean(name="d_loss")
        self.g_loss_metric = keras.metrics.Mean(name="g_loss")

    @property
    def metrics(self):
        return [self.d_loss_metric, self.g_loss_metric]

    def compile(self, d_optimizer, g_optimizer, **kwargs):
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.bce = keras.losses.BinaryCrossentropy(from_logits=True)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    def train_step(self, real_images):
        batch_size = ops.shape(real_images)[0]

        # Discriminator: real images labelled 1, fakes labelled 0, one call
        # on the concatenated batch. The cross-entropy is a mean over 2B
        # examples; times 2 it equals kgan's E[softplus(-D(x))] + E[softplus(D(G(z)))].
        noise = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        fakes = self.generator(noise, training=True)
        images = ops.concatenate([real_images, fakes], axis=0)
        labels = ops.concatenate(
            [ops.ones((batch_size, 1)), ops.zeros((batch_size, 1))], axis=0
        )
        with tf.GradientTape() as tape:
            logits = self.discriminator(images, training=True)
            d_loss = 2.0 * self.bce(labels, logits)
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply(grads, self.discriminator.trainable_weights)

        # Generator: new noise, a second generator pass, fakes labelled real
        # (the non-saturating loss E[softplus(-D(G(z)))]).
        noise = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            logits = self.discriminator(self.generator(noise, training=True), training=True)
            g_loss = self.bce(ops.ones((batch_size, 1)), logits)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply(grads, self.generator.trainable_weights)

        self.d_loss_metric.update_state(d_loss)
        self.g_loss_metric.update_state(g_loss)
        return {m.name: m.result() for m in self.metrics}


def adam():
    return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)


def make_kgan(networks, seed, jit_compile):
    generator, discriminator = networks
    model = kgan.GAN(generator, discriminator, latent_dim=LATENT_DIM, seed=seed)
    model.compile(g_optimizer=adam(), d_optimizer=adam(), loss="non_saturating",
                  jit_compile=jit_compile)
    return model


def make_hand_written(networks, seed, jit_compile):
    generator, discriminator = networks
    model = HandWrittenGAN(generator, discriminator, LATENT_DIM, seed=seed)
    model.compile(d_optimizer=adam(), g_optimizer=adam(), jit_compile=jit_compile)
    return model


# ---------------------------------------------------------------------- data


def load_images(seed):
    """Returns (float32 images [n, 28, 28, 1] in [-1, 1], description)."""
    if MNIST_IMAGES.is_file():
        with gzip.open(MNIST_IMAGES, "rb") as f:
            raw = f.read()
        count, rows, cols = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
        pixels = np.frombuffer(raw, dtype=np.uint8, offset=16)
        images = pixels.reshape(count, rows, cols, 1).astype("float32") / 127.5 - 1.0
        return images, f"MNIST test images ({count}) from {MNIST_IMAGES}"
    print(f"note: {MNIST_IMAGES} not found; using random images in [-1, 1] instead.")
    rng = np.random.default_rng(seed)
    images = rng.uniform(-1.0, 1.0, size=(10000,) + IMAGE_SHAPE).astype("float32")
    return images, "random images (MNIST not found)"


def make_dataset(images, batch_size):
    return (
        tf.data.Dataset.from_tensor_slices(images)
        .batch(batch_size, drop_remainder=True)
        .cache()
        .repeat()
        .prefetch(tf.data.AUTOTUNE)
    )


# ------------------------------------------------------------------- timing


class EpochTimer(keras.callbacks.Callback):
    """Records each epoch's wall time and this process's CPU time (all threads)."""

    def __init__(self):
        super().__init__()
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = (time.perf_counter(), time.process_time())

    def on_epoch_end(self, epoch, logs=None):
        # Pull the values so any outstanding device work has finished.
        for value in (logs or {}).values():
            float(value)
        wall, cpu = time.perf_counter(), time.process_time()
        self.seconds.append((wall - self._start[0], cpu - self._start[1]))


def timed_epoch(model, dataset, steps):
    """Runs one epoch of `steps` steps; returns its (wall, CPU) seconds."""
    timer = EpochTimer()
    model.fit(dataset, steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False,
              callbacks=[timer])
    return timer.seconds[0]


def benchmark_fit(factories, dataset, args):
    """Steps/s of each variant: warm-up epoch, then interleaved timed epochs."""
    # Build every model before the first warm-up, and seed nothing after it:
    # `tf.random.set_seed` (called by `keras.utils.set_random_seed`) clears
    # TensorFlow's function caches, and the next step of an already warmed-up
    # model would pay for its graph set-up again inside a timed epoch.
    models = {name: factory() for name, factory in factories.items()}
    for model in models.values():
        timed_epoch(model, dataset, args.warmup)  # traces the train step
    rates = {name: [] for name in factories}  # steps per wall-clock second
    cpu_ms = {name: [] for name in factories}  # CPU milliseconds per step
    names = list(factories)
    for repeat in range(args.repeats):
        order = names if repeat % 2 == 0 else names[::-1]
        for name in order:
            wall, cpu = timed_epoch(models[name], dataset, args.steps)
            rates[name].append(args.steps / wall)
            cpu_ms[name].append(cpu / args.steps * 1e3)
            print(f"  repeat {repeat + 1}/{args.repeats}  {name:<14} "
                  f"{rates[name][-1]:8.3f} steps/s  {cpu_ms[name][-1]:8.1f} CPU ms/step",
                  flush=True)
    return models, rates, cpu_ms


def time_calls(calls, iters, repeats):
    """Median (wall, CPU) milliseconds per call of each `fn(*inputs)` in `calls`.

    `calls` maps a name to `(fn, inputs)`.
    Each function is called once untimed; then, `repeats` times, every
    function in turn is timed over `iters` calls (round-robin, so a burst of
    load from other processes does not land on one function only).
    """
    def run(fn, inputs, n):
        out = None
        for _ in range(n):
            out = fn(*inputs)
        tf.nest.flatten(out)[0].numpy()  # wait for queued device work

    for fn, inputs in calls.values():
        run(fn, inputs, 1)
    wall = {name: [] for name in calls}
    cpu = {name: [] for name in calls}
    for _ in range(repeats):
        for name, (fn, inputs) in calls.items():
            start_wall, start_cpu = time.perf_counter(), time.process_time()
            run(fn, inputs, iters)
            wall[name].append((time.perf_counter() - start_wall) / iters * 1e3)
            cpu[name].append((time.process_time() - start_cpu) / iters * 1e3)
    return {name: (statistics.median(wall[name]), statistics.median(cpu[name]))
            for name in calls}


def benchmark_parts(networks, real_batch, jit_compile, iters, repeats):
    """(wall, CPU) milliseconds of the pieces of a step, on the given networks and batch."""
    generator, discriminator = networks
    batch_size = int(real_batch.shape[0])
    noise = tf.random.normal((batch_size, LATENT_DIM), seed=0)
    double_batch = tf.concat([real_batch, real_batch], axis=0)

    @tf.function(jit_compile=jit_compile, autograph=False)
    def g_forward(z):
        return generator(z, training=True)

    @tf.function(jit_compile=jit_compile, autograph=False)
    def g_forward_backward(z):
        with tf.GradientTape() as tape:
            loss = ops.mean(generator(z, training=True))
        return tape.gradient(loss, generator.trainable_weights)

    @tf.function(jit_compile=jit_compile, autograph=False)
    def d_forward(x):
        return discriminator(x, training=True)

    @tf.function(jit_compile=jit_compile, autograph=False)
    def d_forward_backward(x):
        with tf.GradientTape() as tape:
            loss = ops.mean(discriminator(x, training=True))
        return tape.gradient(loss, discriminator.trainable_weights)

    b, b2 = f"B={batch_size}", f"2B={2 * batch_size}"
    calls = {
        f"generator forward ({b})": (g_forward, (noise,)),
        f"generator forward+backward ({b})": (g_forward_backward, (noise,)),
        f"discriminator forward ({b})": (d_forward, (real_batch,)),
        f"discriminator forward+backward ({b})": (d_forward_backward, (real_batch,)),
        f"discriminator forward+backward ({b2})": (d_forward_backward, (double_batch,)),
    }
    return list(time_calls(calls, iters, repeats).items())


# --------------------------------------------------------------------- main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Steps/s of kgan.GAN.fit against a hand-written Keras GAN train_step."
    )
    parser.add_argument("--steps", type=int, default=40, help="steps per timed epoch")
    parser.add_argument("--warmup", type=int, default=3, help="steps of the warm-up epoch")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=7, help="timed epochs per variant")
    parser.add_argument("--jit-compile", choices=("auto", "on", "off"), default="auto",
                        help="XLA for both variants; 'auto' is Keras' default (off on CPU)")
    parser.add_argument("--part-iters", type=int, default=5,
                        help="calls per sample when timing the pieces of a step (0: skip)")
    parser.add_argument("--seed", type=int, default=1337)
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 3 steps, batch 8, 2 repeats, 1 warm-up step")
    args = parser.parse_args(argv)
    if args.quick:
        args.steps, args.batch_size, args.repeats, args.warmup = 3, 8, 2, 1
        args.part_iters = min(args.part_iters, 2)
    for name in ("steps", "warmup", "batch_size", "repeats"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1")
    return args


def machine_info():
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    gpus = tf.config.list_physical_devices("GPU")
    return [
        ("python", platform.python_version()),
        ("tensorflow / keras", f"{tf.__version__} / {keras.__version__}"),
        ("machine", f"{platform.machine()}, {platform.processor() or platform.system()}"),
        ("CPUs", f"{os.cpu_count()} ({usable} usable by this process)"),
        ("GPUs", ", ".join(g.name for g in gpus) if gpus else "none"),
        ("TF threads", f"intra-op {tf.config.threading.get_intra_op_parallelism_threads()}, "
                       f"inter-op {tf.config.threading.get_inter_op_parallelism_threads()} "
                       "(0 = TF default)"),
    ]


def main(argv=None):
    args = parse_args(argv)
    jit_compile = {"auto": "auto", "on": True, "off": False}[args.jit_compile]

    images, data_note = load_images(args.seed)
    dataset = make_dataset(images, args.batch_size)
    keras.utils.set_random_seed(args.seed)
    reference = build_networks()

    factories = {
        "kgan.GAN": lambda: make_kgan(build_networks(reference), args.seed, jit_compile),
        "hand-written": lambda: make_hand_written(build_networks(reference), args.seed,
                                                  jit_compile),
    }
    print(f"Timing {args.repeats} x {args.steps} steps per variant, batch {args.batch_size} "
          f"(after a {args.warmup}-step warm-up epoch each) ...", flush=True)
    models, rates, cpu_ms = benchmark_fit(factories, dataset, args)
    resolved = {name: bool(model.jit_compile) for name, model in models.items()}

    parts = []
    if args.part_iters > 0:
        print("Timing the pieces of a step ...", flush=True)
        real_batch = tf.constant(images[: args.batch_size])
        parts = benchmark_parts(
            build_networks(reference), real_batch, resolved["kgan.GAN"],
            args.part_iters, max(3, min(args.repeats, 5)),
        )

    print()
    print("Machine")
    for key, value in machine_info():
        print(f"  {key:<20} {value}")
    print("Settings")
    print(f"  {'jit_compile':<20} --jit-compile {args.jit_compile} -> "
          + ", ".join(f"{n}: {v}" for n, v in resolved.items()))
    print(f"  {'batch / steps':<20} {args.batch_size} / {args.steps} steps x {args.repeats} "
          f"repeats (warm-up {args.warmup} steps)")
    print(f"  {'data':<20} {data_note}")
    print()

    header = (f"{'variant':<14} {'steps/s':>8} {'images/s':>9} {'ms/step':>8} "
              f"{'CPU ms/step':>12}   {'steps/s min..max':>16}")
    print(header)
    print("-" * len(header))
    medians, cpu_medians = {}, {}
    for name, values in rates.items():
        medians[name] = statistics.median(values)
        cpu_medians[name] = statistics.median(cpu_ms[name])
        print(f"{name:<14} {medians[name]:8.3f} {medians[name] * args.batch_size:9.1f} "
              f"{1e3 / medians[name]:8.1f} {cpu_medians[name]:12.1f}   "
              f"{min(values):7.3f}..{max(values):<7.3f}")
    print("-" * len(header))
    kgan_name, hand_name = "kgan.GAN", "hand-written"
    ratio = medians[kgan_name] / medians[hand_name]
    verdict = "meets" if ratio >= TARGET_RATIO else "BELOW"
    print(f"ratio kgan.GAN / hand-written (steps/s): {ratio:.3f}x  "
          f"({verdict} the {TARGET_RATIO}x target)")
    paired = [k / h for k, h in zip(rates[kgan_name], rates[hand_name])]
    print(f"  per-repeat ratios (back-to-back epochs): median {statistics.median(paired):.3f}x, "
          f"range {min(paired):.3f}..{max(paired):.3f}")
    cpu_ratio = cpu_medians[hand_name] / cpu_medians[kgan_name]
    print(f"  by CPU time per step (less sensitive to other load): {cpu_ratio:.3f}x")

    if parts:
        print()
        print("Pieces of a step (median per call, same batch and jit setting)")
        print(f"  {'':<40} {'ms':>9} {'CPU ms':>9}")
        for name, (ms, ms_cpu) in parts:
            print(f"  {name:<40} {ms:9.2f} {ms_cpu:9.2f}")
        by_name = {name.split(" (")[0]: times for name, times in parts}
        hand = (1e3 / medians[hand_name], cpu_medians[hand_name])
        for i, label in ((0, "wall"), (1, "CPU")):
            skipped = by_name["generator forward"][i] + by_name["discriminator forward"][i]
            line = (f"  {label}: kgan.GAN skips one G forward + one D forward at B per step, "
                    f"~{skipped:.1f} of the hand-written {hand[i]:.1f} ms")
            if skipped < hand[i]:
                line += f" -> expected ratio ~{hand[i] / (hand[i] - skipped):.3f}x"
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
