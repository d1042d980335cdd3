"""Sample quality of `kgan train` option sets, each trained by the CLI and scored by `kgan evaluate`.

    PYTHONPATH=. python benchmarks/train_recipes.py --data ../shared/data/mnist --image-size 28 \\
        --epochs 10 --n 5000 --out runs/recipes

Where `benchmarks/quality.py` gives every recipe the same CPU time, this
script runs what a user runs: `kgan train --data D --epochs E OPTIONS` for
each recipe (one process each, so the wall time is the command's), then
`kgan evaluate RUN --n N`, and prints one row per recipe: updates, wall
time, domain-feature FD, FD over the floor, precision, recall and class
coverage. The floor is the FD between two random halves of the real data
through the same features, as `kgan evaluate` scores an array of real
images. Recipes are `NAME=OPTIONS` (`--recipe default=` is `kgan train`'s
defaults); each trains into `OUT/NAME`, which must not exist yet.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

REPO_ROOT = Path(__file__).resolve().parent.parent

# The rows of the README's "Choosing the defaults" table, on the 10-epoch MNIST run:
# the defaults before R1 and batch 8, batch 8 at 4e-4 without R1, and the defaults (two seeds).
RECIPES = [
    "before=--batch-size 16 --learning-rate 2e-4 --r1-weight 0",
    "batch8_lr4=--batch-size 8 --learning-rate 4e-4 --r1-weight 0",
    "default=",
    "default_seed1=--seed 1",
]


def parse_recipe(text):
    """`"NAME=OPTIONS"` -> `(name, [options...])`."""
    name, sep, options = text.partition("=")
    name = name.strip()
    if not sep or not name or not name.replace("_", "").replace("-", "").isalnum():
        raise argparse.ArgumentTypeError(
            f"a recipe is NAME=OPTIONS with a name of letters, digits, '_' or '-'; got {text!r}"
        )
    return name, shlex.split(options)


def kgan_command(*args):
    return [sys.executable, "-m", "kgan", *args]


def run(command, log):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH")) if p)}
    with open(log, "w") as f:
        result = subprocess.run(command, stdout=f, stderr=subprocess.STDOUT, env=env)
    if result.returncode != 0:
        sys.exit(f"{shlex.join(command)} failed (exit {result.returncode}); see {log}")


def floor_fd(data, image_size, seed):
    """FD between two random halves of the real data, and the half size."""
    import numpy as np

    from kgan import datasets, metrics

    real, _ = datasets.load_arrays(data, image_size=image_size)
    order = np.random.default_rng(seed).permutation(len(real))
    half = len(real) // 2
    extractor, _, _ = metrics.extractor_for(data, real.shape[1:], verbose=False)
    result = metrics.evaluate(real[order[:half]], real[order[half:2 * half]], extractor,
                              n=half, seed=seed)
    return result.metrics["fd_domain"], half, len(real)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="digits")
    parser.add_argument("--image-size", type=int, default=None)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--n", type=int, default=5000, help="generated images per evaluation")
    parser.add_argument("--recipe", type=parse_recipe, action="append",
                        help="NAME=OPTIONS for `kgan train`; repeat for more (default: "
                             + "; ".join(RECIPES) + ")")
    parser.add_argument("--out", default="runs/recipes", help="directory of the runs")
    parser.add_argument("--seed", type=int, default=0, help="seed of the real halves")
    args = parser.parse_args(argv)
    recipes = args.recipe or [parse_recipe(text) for text in RECIPES]
    out = Path(args.out)
    taken = [name for name, _ in recipes if (out / name).exists()]
    if taken:
        parser.error(f"--out: {out / taken[0]} already exists; pick another --out")
    names = [name for name, _ in recipes]
    if len(set(names)) != len(names):
        parser.error("--recipe: two recipes have the same name")
    out.mkdir(parents=True, exist_ok=True)

    floor, half, count = floor_fd(args.data, args.image_size, args.seed)
    size = ["--image-size", str(args.image_size)] if args.image_size else []
    print(f"data {args.data} ({count} images), {args.epochs} epochs; {args.n} generated vs "
          f"all real; floor: real half vs real half ({half} each)")
    print(f"{'recipe':<14} {'options':<44} {'steps':>6} {'wall s':>7} {'FD':>8} "
          f"{'FD/floor':>8} {'prec':>5} {'recall':>6} {'classes':>7}")
    print(f"{'floor':<14} {'':<44} {'':>6} {'':>7} {floor:8.3f} {1.0:8.2f}", flush=True)
    for name, options in recipes:
        run_dir = out / name
        train = kgan_command("train", "--data", args.data, *size, "--epochs", str(args.epochs),
                             "--out", str(run_dir), "--verbose", "0", *options)
        start = time.perf_counter()
        run(train, out / f"{name}.train.log")
        wall = time.perf_counter() - start
        run(kgan_command("evaluate", str(run_dir), "--n", str(args.n)),
            out / f"{name}.evaluate.log")
        with open(run_dir / "run.json") as f:
            batch_size = json.load(f)["batch_size"]
        with open(run_dir / "metrics.json") as f:
            scores = json.load(f)["domain"]["metrics"]
        steps = args.epochs * (count // batch_size)
        fd = scores["fd_domain"]
        print(f"{name:<14} {shlex.join(options):<44} {steps:>6} {wall:7.0f} {fd:8.3f} "
              f"{fd / floor:8.2f} {scores['precision_domain']:5.2f} "
              f"{scores['recall_domain']:6.2f} {scores['class_coverage_domain']:7.2f}",
              flush=True)


if __name__ == "__main__":
    main()
