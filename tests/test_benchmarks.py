"""The benchmark scripts still run (their figures come from full runs)."""

import subprocess
import sys

from conftest import REPO


def test_throughput_quick_run_prints_the_ratio():
    result = subprocess.run([sys.executable, "benchmarks/throughput.py", "--quick"], cwd=REPO,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "ratio kgan.GAN / hand-written" in result.stdout
    assert "kgan.GAN" in result.stdout and "hand-written" in result.stdout
