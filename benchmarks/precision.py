"""bfloat16 against float32 on this machine: a large matmul, then a recipe's training step.

    python benchmarks/precision.py                       # dcgan-mnist at batch 8, 16, 32, 64
    python benchmarks/precision.py --recipe dcgan-mnist5k --batch-sizes 8
    python benchmarks/precision.py --quick               # smoke run

What `kgan train --precision auto` decides rests on the second table: it
picks `mixed_bfloat16` where the CPU or GPU reports fast bfloat16 and the
run's own step measures at least `kgan.precision.AUTO_MIN_SPEEDUP` times
float32's speed. This script measures both policies whatever the hardware
reports, so it also shows what `auto` skips on machines without the flags.

Each row builds the recipe's model twice (float32 and mixed_bfloat16, same
seed), traces both, then times `--repeats` rounds of `--steps` training
steps of each in turn on one batch of random images in [-1, 1] (a step's
speed does not depend on the pixels); the medians are compared. The matmul
rows time a `--matmul-size` square matmul in each dtype the same way.
"""

import argparse
import dataclasses
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from kgan import precision, tasks  # noqa: E402

POLICIES = ("float32", "mixed_bfloat16")


def matmul_rates(size, seconds, repeats):
    """Median GFLOP/s of a `size x size` matmul in float32 and in bfloat16, interleaved."""
    rates = {"float32": [], "bfloat16": []}
    for _ in range(repeats):
        for dtype, values in rates.items():
            values.append(common.matmul_gflops(size, seconds, dtype=dtype))
    return {dtype: statistics.median(values) for dtype, values in rates.items()}


def step_rates(recipe_name, image_size, batch_size, steps, repeats):
    """Median training steps/s of the recipe on one-channel `image_size` images at
    `batch_size` under each policy, interleaved."""
    task, recipe = tasks.recipe(recipe_name)
    recipe = dataclasses.replace(recipe, batch_size=batch_size)
    shape = (image_size, image_size, 1)
    batch = np.random.default_rng(0).uniform(-1, 1, (batch_size, *shape)).astype("float32")
    dataset = tf.data.Dataset.from_tensors(batch).repeat()
    models = {policy: task.build(dataclasses.replace(recipe, precision=policy),
                                 image_shape=shape, seed=0) for policy in POLICIES}
    return common.interleaved_step_rates(models, dataset, steps, repeats)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_recipe_arguments(parser)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[8, 16, 32, 64])
    parser.add_argument("--steps", type=int, default=40, help="training steps per timing")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved timings per policy")
    parser.add_argument("--matmul-size", type=int, default=2048)
    parser.add_argument("--matmul-seconds", type=float, default=1.0)
    parser.add_argument("--quick", action="store_true", help="tiny timings: does it run")
    args = parser.parse_args(argv)
    if args.quick:
        args.batch_sizes, args.repeats, args.image_size = [4], 1, 8
        args.matmul_size, args.matmul_seconds = 256, 0.05
    per_call = common.recipe_of(parser, args)[1].steps_per_execution
    if args.quick:
        args.steps = per_call
    if args.steps % per_call:
        parser.error(f"--steps {args.steps}: expected a multiple of {args.recipe}'s "
                     f"steps_per_execution ({per_call})")

    common.print_machine()
    hardware = precision.bfloat16_hardware()
    print(f"  fast bfloat16        {hardware or 'not reported'} "
          f"(`--precision auto` {'measures' if hardware else 'takes float32 without measuring'})")

    rates = matmul_rates(args.matmul_size, args.matmul_seconds, args.repeats)
    print(f"\n{args.matmul_size}x{args.matmul_size} matmul, medians of {args.repeats} interleaved "
          f"timings of {args.matmul_seconds:g} s")
    for dtype, rate in rates.items():
        print(f"  {dtype:<10} {rate:8.1f} GFLOP/s")
    print(f"  bfloat16 / float32: {rates['bfloat16'] / rates['float32']:.2f}x")

    print(f"\n{args.recipe} training step at {args.image_size}x{args.image_size}x1, medians "
          f"of {args.repeats} interleaved timings of {args.steps} steps (auto picks bfloat16 "
          f"from {precision.AUTO_MIN_SPEEDUP}x, where the hardware reports it)")
    print(f"{'batch':>6} {'float32 steps/s':>16} {'bf16 steps/s':>13} {'bf16 / f32':>11} "
          f"{'auto here':>15}")
    for batch_size in args.batch_sizes:
        steps = step_rates(args.recipe, args.image_size, batch_size, args.steps, args.repeats)
        speedup = steps["mixed_bfloat16"] / steps["float32"]
        auto = "mixed_bfloat16" if hardware and speedup >= precision.AUTO_MIN_SPEEDUP \
            else "float32"
        print(f"{batch_size:>6} {steps['float32']:>16.1f} {steps['mixed_bfloat16']:>13.1f} "
              f"{speedup:>10.2f}x {auto:>15}", flush=True)


if __name__ == "__main__":
    main()
