"""Peak memory of `kgan sample` against the number of samples.

`kgan sample` generates and writes in chunks, so its peak resident memory
should not grow with `--n`. This trains a tiny default-task run (one epoch,
a few seconds), then times `kgan sample --n N` in a fresh process for each N
and prints the child's peak RSS (`getrusage`, Linux reports kilobytes) and
the file size.

Run:

    python benchmarks/sample_memory.py                   # N = 10,000 and 1,000,000
    python benchmarks/sample_memory.py --n 1000 100000
"""

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KGAN = [sys.executable, "-m", "kgan"]


def run(args):
    # One fresh process per measurement: RUSAGE_CHILDREN's peak is over all children so far.
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
            "stdout=subprocess.DEVNULL); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, check=True,
                         capture_output=True, text=True).stdout
    return int(out.split()[-1]), time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10_000, 1_000_000])
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {platform.processor() or platform.platform()}, "
          f"{os.cpu_count()} CPUs; python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = os.path.join(tmp, "run")
        subprocess.run(KGAN + ["train", "--epochs", "1", "--filters", "2", "--latent-dim", "4",
                               "--batch-size", "256", "--verbose", "0", "--out", run_dir],
                       cwd=REPO, check=True, capture_output=True)
        print(f"{'n':>10} {'peak RSS MB':>12} {'seconds':>8} {'file MB':>8}")
        for n in args.n:
            target = os.path.join(tmp, f"samples_{n}.npz")
            peak_kb, seconds = run(KGAN + ["sample", run_dir, "--n", str(n), "--seed", "0",
                                           "--out", target])
            size = os.path.getsize(target) / 2**20
            print(f"{n:>10} {peak_kb / 1024:>12.0f} {seconds:>8.1f} {size:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
