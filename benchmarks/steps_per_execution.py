"""Training speed of a recipe with one step per call of the compiled step against several.

    python benchmarks/steps_per_execution.py               # dcgan-mnist, batch 8, 1 / 8 / 32 steps
    python benchmarks/steps_per_execution.py --precisions float32 mixed_bfloat16
    python benchmarks/steps_per_execution.py --quick       # smoke run

Keras' `steps_per_execution` (the recipes' `steps_per_execution`, `kgan train
--steps-per-execution`) runs several training steps in one call of the
compiled step: the same steps and weights, with fewer returns to Python
between them. What that saves is fixed per call, so it matters where steps
are short (small batches and networks on a CPU).

Each row builds the recipe's model (same seed) with one of `--values`, traces
it, then times `--repeats` rounds of `--steps` training steps of each model in
turn on one batch of random images in [-1, 1]; the medians are compared with
the first value's.
"""

import argparse
import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_recipe_arguments(parser)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[8])
    parser.add_argument("--values", type=int, nargs="+", default=[1, 8, 32],
                        help="steps_per_execution values to compare (the first is the baseline)")
    parser.add_argument("--precisions", nargs="+", default=["float32"],
                        choices=["float32", "mixed_bfloat16"])
    parser.add_argument("--steps", type=int, default=128, help="training steps per timing")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved timings per value")
    parser.add_argument("--quick", action="store_true", help="tiny timings: does it run")
    args = parser.parse_args(argv)
    if args.quick:
        args.batch_sizes, args.values, args.steps, args.repeats, args.image_size = \
            [4], [1, 2], 4, 1, 8
    task, recipe = common.recipe_of(parser, args)
    if any(args.steps % value for value in args.values):
        parser.error(f"--steps {args.steps}: expected a multiple of every --values value")

    common.print_machine()
    print(f"\n{args.recipe} training step at {args.image_size}x{args.image_size}x1, medians of "
          f"{args.repeats} interleaved timings of {args.steps} steps")
    print(f"{'precision':>15} {'batch':>6} {'steps/call':>11} {'steps/s':>9} {'images/s':>9} "
          f"{'vs first':>9}")
    shape = (args.image_size, args.image_size, 1)
    for policy in args.precisions:
        for batch_size in args.batch_sizes:
            batch = np.random.default_rng(0).uniform(-1, 1, (batch_size, *shape))
            dataset = tf.data.Dataset.from_tensors(batch.astype("float32")).repeat()
            models = {value: task.build(dataclasses.replace(
                recipe, batch_size=batch_size, precision=policy, steps_per_execution=value),
                image_shape=shape, seed=0) for value in args.values}
            rates = common.interleaved_step_rates(models, dataset, args.steps, args.repeats)
            first = rates[args.values[0]]
            for value in args.values:
                rate = rates[value]
                print(f"{policy:>15} {batch_size:>6} {value:>11} {rate:>9.1f} "
                      f"{rate * batch_size:>9.0f} {rate / first:>8.2f}x", flush=True)


if __name__ == "__main__":
    main()
