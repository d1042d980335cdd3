"""How kgan's default DCGAN step scales: batch size, image size, one vs two replicas.

Three tables for the GAN that `kgan train` builds by default (DCGAN, latent
32, filters 32, EMA generator; XLA off as on any CPU-only machine), timed
like `benchmarks/throughput.py` (warm-up, then `--repeats` interleaved timed
epochs of about `--epoch-seconds`; medians):

1. batch size 16..256 at 28x28x1: steps/s, images/s, achieved GFLOP/s and
   its share of the float32 matmul GFLOP/s measured in the same run;
2. image size 16..128 at batch 64 (1 channel up to 28 px, 3 above): the
   FLOPs of a step and its time, both relative to 28 px (cost growth);
3. `tf.distribute.MirroredStrategy` over two logical CPU devices (one
   replica each) against the default strategy on one device, for the same
   global batch. Both replicas share the machine's cores, so on a CPU this
   measures the strategy's overhead; on a machine with two accelerators it
   would measure the scaling.

    python benchmarks/scaling.py            # about 9 minutes on 2 idle cores
    python benchmarks/scaling.py --quick    # smoke run (small batches and images)

Data: random images in [-1, 1] (the speed does not depend on the pixels).
"""

import argparse
import statistics
import sys

import tensorflow as tf

# Two logical CPU devices for the MirroredStrategy table; they must exist
# before TensorFlow initializes its devices.
_cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    _cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
)

from common import print_machine, random_images, repeated_batches, step_flops  # noqa: E402
from throughput import Row, benchmark, default_dcgan  # noqa: E402


def dcgan_row(name, side, batch_size, seed, strategy=None):
    channels = 1 if side <= 28 else 3
    strategy = strategy or tf.distribute.get_strategy()
    with strategy.scope():
        gan = default_dcgan((side, side, channels), seed)
    images = random_images(batch_size * 4, side, channels, seed)[0]
    dataset = repeated_batches(images, batch_size)
    return Row(name, gan, dataset, batch_size,
               step_flops(gan.generator, gan.discriminator, batch_size))


def print_rows(rows, matmul, relative_to=None):
    header = (f"{'':<26} {'steps/s':>8} {'images/s':>9} {'ms/step':>8} {'GFLOP/step':>11} "
              f"{'GFLOP/s':>8} {'% matmul':>9}")
    if relative_to is not None:
        header += f" {'FLOPs x':>8} {'time x':>7}"
    print(header)
    print("-" * len(header))
    base = None
    if relative_to is not None:
        base = next(r for r in rows if r.name == relative_to)
        base_rate = statistics.median(base.rates)
    for row in rows:
        rate = statistics.median(row.rates)
        gflops = row.flops * rate / 1e9
        line = (f"{row.name:<26} {rate:8.3f} {rate * row.batch_size:9.1f} {1e3 / rate:8.1f} "
                f"{row.flops / 1e9:11.2f} {gflops:8.1f} {100 * gflops / matmul:8.1f}%")
        if base is not None:
            line += f" {row.flops / base.flops:8.2f} {base_rate / rate:7.2f}"
        print(line)
    print()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Scaling of kgan's default DCGAN step.")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[16, 32, 64, 128, 256])
    parser.add_argument("--image-sizes", type=int, nargs="+", default=[16, 28, 32, 64, 128])
    parser.add_argument("--replica-batches", type=int, nargs="+", default=[64, 128],
                        help="global batch sizes of the one- vs two-replica table")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epoch-seconds", type=float, default=5.0)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--matmul-seconds", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1337)
    parser.add_argument("--quick", action="store_true", help="smoke run in seconds")
    args = parser.parse_args(argv)
    if args.quick:
        args.batch_sizes, args.image_sizes, args.replica_batches = [4, 8], [8, 16], [8]
        args.repeats, args.epoch_seconds, args.matmul_seconds, args.warmup = 1, 0.2, 0.2, 1
    if 28 not in args.image_sizes and not args.quick:
        args.image_sizes = sorted(set(args.image_sizes) | {28})
    return args


def main(argv=None):
    args = parse_args(argv)
    print_machine()
    print()

    print("1. Batch size (28x28x1)", flush=True)
    rows = [dcgan_row(f"batch {b}", 28, b, args.seed) for b in args.batch_sizes]
    matmul, _ = benchmark(rows, args)
    print(f"\nfloat32 2048x2048 matmul: {matmul:.1f} GFLOP/s")
    print_rows(rows, matmul)

    batch = 64 if not args.quick else 8
    print(f"2. Image size (batch {batch}; 1 channel up to 28 px, 3 above)", flush=True)
    rows = [dcgan_row(f"{s}x{s}", s, batch, args.seed) for s in args.image_sizes]
    matmul, _ = benchmark(rows, args)
    print()
    reference = "28x28" if 28 in args.image_sizes else rows[0].name
    print_rows(rows, matmul, relative_to=reference)

    print("3. One vs two replicas (MirroredStrategy over two logical CPU devices)", flush=True)
    devices = [d.name for d in tf.config.list_logical_devices("CPU")][:2]
    rows = []
    for b in args.replica_batches:
        rows.append(dcgan_row(f"1 device, batch {b}", 28, b, args.seed))
        rows.append(dcgan_row(f"2 replicas, batch {b}", 28, b, args.seed,
                              strategy=tf.distribute.MirroredStrategy(devices)))
    matmul, _ = benchmark(rows, args)
    print()
    print_rows(rows, matmul)
    for b in args.replica_batches:
        one, two = (statistics.median(r.rates) for r in rows
                    if r.name.endswith(f"batch {b}"))
        print(f"global batch {b}: 2 replicas at {two / one:.2f}x the steps/s of 1 device")
    return 0


if __name__ == "__main__":
    sys.exit(main())
