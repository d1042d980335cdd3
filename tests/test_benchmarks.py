"""The benchmark scripts still run (their figures come from full runs)."""

import os
import subprocess
import sys

import pytest

from conftest import REPO


def test_throughput_quick_run_prints_the_ratio():
    result = subprocess.run([sys.executable, "benchmarks/throughput.py", "--quick"], cwd=REPO,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "ratio kgan.GAN / hand-written" in result.stdout
    assert "kgan.GAN" in result.stdout and "hand-written" in result.stdout


@pytest.mark.large
def test_quality_quick_run_prints_the_table():
    result = subprocess.run([sys.executable, "benchmarks/quality.py", "--data", "digits",
                             "--cpu-seconds", "2", "--recipes", "baseline,ema_sn_diffaug"],
                            cwd=REPO, capture_output=True, text=True, timeout=900,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr[-3000:]
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[2:]}
    assert set(rows) == {"real-vs-real", "baseline", "ema_sn_diffaug"}
    assert float(rows["real-vs-real"][2]) < float(rows["baseline"][3])  # FD: floor below a GAN
