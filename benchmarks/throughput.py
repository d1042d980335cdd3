"""Training throughput: kgan against a hand-written Keras GAN, and against the machine.

What it measures
----------------
One table, every row timed in the same process, interleaved (the order
alternates between repeats, so load from other processes hits all rows):

* ``keras-io nets``: the keras-io DCGAN networks for 28x28 MNIST (latent
  128), trained by the common tutorial ``train_step`` (``hand-written``:
  discriminator on real + fake, then new noise and a *second* generator
  pass for the generator) and by ``kgan.GAN`` (one generator pass whose
  fakes feed both losses). Same initial weights, batches, non-saturating
  loss, two Adam(2e-4, 0.5).
* ``kgan dcgan 28px``: what ``kgan train`` builds by default (DCGAN, latent
  32, filters 32, EMA generator 0.999) on MNIST; the same with Keras'
  ``BatchNormalization`` instead of kgan's fused one (``Keras BN``) and
  under XLA (``XLA``); ``kgan dcgan 64px`` the same defaults at 64x64x3;
  ``kgan cgan 28px`` what ``kgan train --model cgan`` builds (AC-GAN).

For each row: steps/s, images/s, ms/step (medians of ``--repeats`` timed
epochs after a warm-up), CPU ms/step (this process's CPU time, which other
processes disturb less), GFLOP per step counted from the layers (see
``benchmarks/common.py``), achieved GFLOP/s and its share of the machine's
float32 matmul GFLOP/s (2048x2048, measured in every repeat between the
rows). Each timed epoch runs about ``--epoch-seconds``.

Then "where the time goes" in the default 28 px step (generator and
discriminator passes timed alone), and the generator's upsampling block by
measurement: transposed convolution (kgan's) against resize + convolution
and sub-pixel convolution (depth-to-space) at the same widths.

Run
---
    python benchmarks/throughput.py                 # batch 64, about 5 minutes on 2 idle cores
    python benchmarks/throughput.py --quick         # smoke run (batch 8), well under a minute
    python benchmarks/throughput.py --repeats 7 --epoch-seconds 10

Targets on CPU (printed with a verdict; the script always exits 0):
kgan.GAN >= 1.15x the hand-written step on the same networks; the default
28 px DCGAN step >= 50% of the matmul GFLOP/s and >= 3x the hand-written
reference's images/s.

Data: ``../shared/data/mnist`` (relative to the repository root) when
present, random images otherwise; the 64 px rows use random images (speed
does not depend on the pixels).
"""

import argparse
import contextlib
import statistics
import sys

from common import (  # noqa: E402 (sets TF_CPP_MIN_LOG_LEVEL before TensorFlow loads)
    REPO_ROOT, forward_backward, forward_flops, matmul_gflops, mnist, print_machine,
    random_images, repeated_batches, step_flops, time_calls, timed_epoch,
)

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers, ops  # noqa: E402

sys.path.insert(0, str(REPO_ROOT))  # benchmark this checkout's kgan

import kgan  # noqa: E402
from kgan.tasks.conditional import CGAN_DIGITS  # noqa: E402
from kgan.tasks.unconditional import DCGAN_DIGITS as DEFAULT  # noqa: E402
from kgan.networks import dcgan as dcgan_module  # noqa: E402

KERAS_IO_LATENT = 128
TARGET_SAME_NETWORKS = 1.15  # kgan.GAN / hand-written steps/s
TARGET_MATMUL_SHARE = 0.5  # default DCGAN GFLOP/s / matmul GFLOP/s
TARGET_IMAGES = 3.0  # default DCGAN images/s / hand-written images/s
HAND, KGAN_SAME, DEFAULT_28 = "keras-io nets, hand-written", "keras-io nets, kgan.GAN", "kgan dcgan 28px"


# -------------------------------------------------------------- keras-io nets


def keras_io_generator():
    return keras.Sequential(
        [
            keras.Input(shape=(KERAS_IO_LATENT,)),
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


def keras_io_discriminator():
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(64, 3, strides=2, padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Conv2D(128, 3, strides=2, padding="same"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.GlobalMaxPooling2D(),
            layers.Dense(1),
        ],
        name="discriminator",
    )


def keras_io_networks(reference=None):
    """Fresh keras-io generator and discriminator; weights copied from `reference` if given."""
    generator, discriminator = keras_io_generator(), keras_io_discriminator()
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


# -------------------------------------------------------------- kgan models


@contextlib.contextmanager
def keras_batch_norm():
    """Builds kgan's DCGAN with `keras.layers.BatchNormalization` (the pre-fused layer)."""
    fused = dcgan_module.FusedBatchNormalization
    dcgan_module.FusedBatchNormalization = layers.BatchNormalization
    try:
        yield
    finally:
        dcgan_module.FusedBatchNormalization = fused


def default_dcgan(image_shape, seed, jit_compile=False):
    """The GAN `kgan train` builds by default for `image_shape`."""
    generator, discriminator = kgan.networks.get(
        "dcgan", image_shape=image_shape, latent_dim=DEFAULT.latent_dim,
        filters=DEFAULT.filters,
    )
    gan = kgan.GAN(generator, discriminator, latent_dim=DEFAULT.latent_dim, seed=seed,
                   ema_decay=DEFAULT.ema_decay)
    gan.compile(g_optimizer=adam(), d_optimizer=adam(), jit_compile=jit_compile)
    return gan


def default_cgan(seed):
    """The GAN `kgan train --model cgan` builds for 28x28 digits (10 classes)."""
    generator, discriminator = kgan.networks.get(
        "cgan", image_shape=(28, 28, 1), latent_dim=DEFAULT.latent_dim,
        filters=DEFAULT.filters, num_classes=10, conditioning=CGAN_DIGITS.conditioning,
    )
    gan = kgan.ConditionalGAN(generator, discriminator, num_classes=10,
                              latent_dim=DEFAULT.latent_dim, seed=seed)
    gan.compile(g_optimizer=adam(), d_optimizer=adam(), jit_compile=False)
    return gan


class Row:
    """One line of the table: a compiled GAN, its data and its FLOPs per step."""

    def __init__(self, name, model, dataset, batch_size, flops):
        self.name, self.model, self.dataset = name, model, dataset
        self.batch_size, self.flops = batch_size, flops
        self.steps = 1
        self.rates, self.cpu_ms = [], []


def build_rows(args):
    images, labels, data_note = mnist(args.seed)
    batch = args.batch_size
    digits = repeated_batches(images, batch)
    keras.utils.set_random_seed(args.seed)
    reference = keras_io_networks()
    rows = []

    generator, discriminator = keras_io_networks(reference)
    hand = HandWrittenGAN(generator, discriminator, KERAS_IO_LATENT, seed=args.seed)
    hand.compile(d_optimizer=adam(), g_optimizer=adam(), jit_compile=False)
    rows.append(Row(HAND, hand, digits, batch,
                    step_flops(generator, discriminator, batch, generator_passes=2)))
    generator, discriminator = keras_io_networks(reference)
    same = kgan.GAN(generator, discriminator, latent_dim=KERAS_IO_LATENT, seed=args.seed)
    same.compile(g_optimizer=adam(), d_optimizer=adam(), loss="non_saturating",
                 jit_compile=False)
    rows.append(Row(KGAN_SAME, same, digits, batch, step_flops(generator, discriminator, batch)))

    def dcgan_row(name, image_shape, dataset, **kwargs):
        gan = default_dcgan(image_shape, args.seed, **kwargs)
        rows.append(Row(name, gan, dataset, batch,
                        step_flops(gan.generator, gan.discriminator, batch)))

    dcgan_row(DEFAULT_28, (28, 28, 1), digits)
    with keras_batch_norm():
        dcgan_row(f"{DEFAULT_28}, Keras BN", (28, 28, 1), digits)
    if not args.skip_xla:
        dcgan_row(f"{DEFAULT_28}, XLA", (28, 28, 1), digits, jit_compile=True)
    colour = repeated_batches(random_images(batch * 8, 64, 3, args.seed)[0], batch)
    dcgan_row("kgan dcgan 64px", (64, 64, 3), colour)
    cgan = default_cgan(args.seed)
    rows.append(Row("kgan cgan 28px", cgan, repeated_batches((images, labels), batch), batch,
                    step_flops(cgan.generator, cgan.discriminator, batch)))
    return rows, data_note


def benchmark(rows, args):
    """Warm-up, then `args.repeats` rounds of one timed epoch per row and a matmul probe."""
    for row in rows:
        timed_epoch(row.model, row.dataset, args.warmup)  # traces (and compiles) the step
        wall, _ = timed_epoch(row.model, row.dataset, 2)
        row.steps = int(min(500, max(2, round(args.epoch_seconds / (wall / 2)))))
        print(f"  warmed up {row.name:<28} ~{wall / 2 * 1e3:7.1f} ms/step -> "
              f"{row.steps} steps per timed epoch", flush=True)
    matmul = []
    for repeat in range(args.repeats):
        order = rows if repeat % 2 == 0 else rows[::-1]
        for row in order:
            wall, cpu = timed_epoch(row.model, row.dataset, row.steps)
            row.rates.append(row.steps / wall)
            row.cpu_ms.append(cpu / row.steps * 1e3)
        matmul.append(matmul_gflops(seconds=args.matmul_seconds))
        print(f"  repeat {repeat + 1}/{args.repeats} done (matmul {matmul[-1]:.1f} GFLOP/s)",
              flush=True)
    return statistics.median(matmul), matmul


# ------------------------------------------------------------- the pieces


def where_the_time_goes(gan, batch, iters, repeats):
    """(name, wall ms, CPU ms) of the default DCGAN's passes at `batch` (and 2x batch)."""
    noise = tf.random.normal((batch, gan.latent_dim), seed=0)
    reals = tf.random.uniform((batch,) + tuple(gan.discriminator.input.shape[1:]), -1, 1, seed=0)

    @tf.function(autograph=False)
    def g_forward(z):
        return gan.generator(z, training=True)

    @tf.function(autograph=False)
    def d_forward(x):
        return gan.discriminator(x, training=True)

    calls = {
        f"generator forward (B={batch})": (g_forward, (noise,)),
        f"generator forward+backward (B={batch})": (forward_backward(gan.generator), (noise,)),
        f"discriminator forward (B={batch})": (d_forward, (reals,)),
        f"discriminator forward+backward (2B={2 * batch})":
            (forward_backward(gan.discriminator), (tf.concat([reals, reals], 0),)),
    }
    return time_calls(calls, iters, repeats)


def upsampling_generator(kind, image_shape, latent_dim, filters):
    """kgan's DCGAN generator with its upsampling block replaced by `kind`."""
    base, steps = dcgan_module.upsampling_plan(image_shape[0])
    z = keras.Input((latent_dim,))
    width = filters * 2**steps
    x = layers.Dense(base * base * width, use_bias=False)(z)
    x = layers.Reshape((base, base, width))(x)
    x = layers.ReLU()(kgan.networks.FusedBatchNormalization()(x))
    for _ in range(steps):
        width //= 2
        if kind == "transposed conv 4x4 (kgan)":
            x = layers.Conv2DTranspose(width, 4, strides=2, padding="same", use_bias=False)(x)
        elif kind == "resize + conv 3x3":
            x = layers.UpSampling2D()(x)
            x = layers.Conv2D(width, 3, padding="same", use_bias=False)(x)
        else:  # sub-pixel: a convolution to 4x the channels, then depth-to-space
            x = layers.Conv2D(4 * width, 3, padding="same", use_bias=False)(x)
            x = layers.Lambda(lambda t: tf.nn.depth_to_space(t, 2))(x)
        x = layers.ReLU()(kgan.networks.FusedBatchNormalization()(x))
    x = layers.Conv2D(image_shape[2], 3, padding="same")(x)
    return keras.Model(z, layers.Activation("tanh")(x))


def upsampling_study(batch, iters, repeats):
    kinds = ("transposed conv 4x4 (kgan)", "resize + conv 3x3", "sub-pixel conv 3x3")
    noise = tf.random.normal((batch, DEFAULT.latent_dim), seed=0)
    generators = {kind: upsampling_generator(kind, (28, 28, 1), DEFAULT.latent_dim,
                                             DEFAULT.filters) for kind in kinds}
    times = time_calls({kind: (forward_backward(g), (noise,)) for kind, g in generators.items()},
                       iters, repeats)
    return [(kind, times[kind], 3 * batch * forward_flops(generators[kind])) for kind in kinds]


# --------------------------------------------------------------------- main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Training throughput of kgan against a hand-written Keras GAN and matmul."
    )
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=5, help="timed epochs per row")
    parser.add_argument("--epoch-seconds", type=float, default=6.0,
                        help="about how long each timed epoch runs")
    parser.add_argument("--warmup", type=int, default=3, help="steps of the warm-up epoch")
    parser.add_argument("--matmul-seconds", type=float, default=2.0)
    parser.add_argument("--part-iters", type=int, default=10,
                        help="calls per sample when timing the pieces (0: skip them)")
    parser.add_argument("--skip-xla", action="store_true", help="leave out the XLA row")
    parser.add_argument("--seed", type=int, default=1337)
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: batch 8, 1 repeat, short epochs, no XLA row")
    args = parser.parse_args(argv)
    if args.quick:
        args.batch_size, args.repeats, args.warmup = 8, 1, 1
        args.epoch_seconds, args.matmul_seconds, args.part_iters = 0.2, 0.2, 1
        args.skip_xla = True
    for name in ("batch_size", "repeats", "warmup"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    rows, data_note = build_rows(args)
    print(f"Timing {len(rows)} rows x {args.repeats} repeats, batch {args.batch_size} ...",
          flush=True)
    matmul, matmul_all = benchmark(rows, args)

    print()
    print_machine()
    print("Settings")
    print(f"  {'batch / repeats':<20} {args.batch_size} / {args.repeats} timed epochs of "
          f"~{args.epoch_seconds:g} s per row (warm-up {args.warmup} steps); XLA off "
          "unless the row says so (Keras' default on CPU)")
    print(f"  {'data':<20} {data_note}")
    print(f"  {'matmul reference':<20} float32 2048x2048: {matmul:.1f} GFLOP/s (median; "
          f"{min(matmul_all):.1f}..{max(matmul_all):.1f})")
    print()
    header = (f"{'row':<28} {'steps/s':>8} {'images/s':>9} {'ms/step':>8} {'CPU ms/step':>12} "
              f"{'GFLOP/step':>11} {'GFLOP/s':>8} {'% matmul':>9}")
    print(header)
    print("-" * len(header))
    results = {}
    for row in rows:
        rate = statistics.median(row.rates)
        gflops = row.flops * rate / 1e9
        results[row.name] = (rate, rate * row.batch_size, gflops)
        print(f"{row.name:<28} {rate:8.3f} {rate * row.batch_size:9.1f} {1e3 / rate:8.1f} "
              f"{statistics.median(row.cpu_ms):12.1f} {row.flops / 1e9:11.2f} {gflops:8.1f} "
              f"{100 * gflops / matmul:8.1f}%")
    print("-" * len(header))

    def verdict(ok):
        return "meets" if ok else "BELOW"

    same = results[KGAN_SAME][0] / results[HAND][0]
    paired = [k / h for k, h in zip(rows[1].rates, rows[0].rates)]
    cpu = statistics.median(rows[0].cpu_ms) / statistics.median(rows[1].cpu_ms)
    print(f"ratio kgan.GAN / hand-written (steps/s, same networks): {same:.3f}x "
          f"({verdict(same >= TARGET_SAME_NETWORKS)} the {TARGET_SAME_NETWORKS}x target; "
          f"per repeat {min(paired):.3f}..{max(paired):.3f}, by CPU time {cpu:.3f}x)")
    share = results[DEFAULT_28][2] / matmul
    print(f"default 28 px DCGAN: {100 * share:.1f}% of the matmul GFLOP/s "
          f"({verdict(share >= TARGET_MATMUL_SHARE)} the {100 * TARGET_MATMUL_SHARE:.0f}% target)")
    images = results[DEFAULT_28][1] / results[HAND][1]
    print(f"default 28 px DCGAN: {images:.2f}x the hand-written reference's images/s "
          f"({verdict(images >= TARGET_IMAGES)} the {TARGET_IMAGES:g}x target)")

    if args.part_iters > 0:
        repeats = max(3, min(args.repeats, 5))
        default = rows[2].model
        step_ms = 1e3 / results[DEFAULT_28][0]
        parts = where_the_time_goes(default, args.batch_size, args.part_iters, repeats)
        print()
        print(f"Where the time goes in the default 28 px step ({step_ms:.1f} ms; median ms per "
              "call, each pass timed alone)")
        for name, (ms, ms_cpu) in parts.items():
            print(f"  {name:<48} {ms:8.2f} ms  ({100 * ms / step_ms:4.1f}% of the step)")
        names = list(parts)
        rest = step_ms - parts[names[1]][0] - parts[names[3]][0]
        print(f"  {'rest: D backward to the fakes, optimizers, EMA,':<48} {rest:8.2f} ms  "
              f"({100 * rest / step_ms:4.1f}%)")
        print("        metrics, input pipeline")
        print()
        print(f"Generator upsampling block (default widths, 28 px, B={args.batch_size}, "
              "forward+backward)")
        for kind, (ms, _), flops in upsampling_study(args.batch_size, args.part_iters, repeats):
            print(f"  {kind:<30} {ms:8.2f} ms  {flops / 1e9:6.2f} GFLOP  "
                  f"{flops / ms / 1e6:7.1f} GFLOP/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
