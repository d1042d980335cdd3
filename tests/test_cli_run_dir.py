"""kgan/cli/run_dir.py: one process at a time trains into a run directory."""

import json
import os
import subprocess
import sys

import pytest

from conftest import REPO
from kgan.cli.run_dir import CommandError, RunDir

KGAN = [sys.executable, "-m", "kgan"]
TINY = ["--data", "digits", "--filters", "2", "--latent-dim", "4", "--batch-size", "256", "--epochs", "1",
        "--verbose", "0"]


def kgan_train(out, options=TINY):
    return subprocess.run(KGAN + ["train", *options, "--out", str(out)], cwd=REPO,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def held(tmp_path):
    """A run directory whose lock this test process holds, as a training process would."""
    run = RunDir(tmp_path / "run")
    run.lock()
    yield run
    run.release()


def test_a_second_process_on_a_new_run_is_refused(held):
    result = kgan_train(held.path)
    assert result.returncode == 2
    assert f"--out {held.path!r} is being trained by another kgan process (pid {os.getpid()})" \
        in result.stderr
    assert os.listdir(held.path) == [".kgan.lock"]  # nothing written


def test_a_second_process_on_an_earlier_run_is_refused_at_once(held):
    info = {"task": "unconditional", "recipe": "dcgan-digits", "model": "dcgan", "epochs": 1}
    with open(os.path.join(held.path, "run.json"), "w") as f:
        json.dump(info, f)
    result = kgan_train(held.path, options=["--verbose", "0"])  # resume it as it was
    assert result.returncode == 2 and "being trained by another kgan process" in result.stderr
    assert "Training" not in result.stdout and "Resuming" not in result.stdout
    assert sorted(os.listdir(held.path)) == [".kgan.lock", "run.json"]


def test_the_lock_goes_with_its_holder(tmp_path):
    run = RunDir(tmp_path / "run")
    run.lock()
    with pytest.raises(CommandError, match="another kgan process"):
        RunDir(tmp_path / "run").lock()
    run.release()
    again = RunDir(tmp_path / "run")
    again.lock()  # released: the next process takes it
    again.release()
    # A run killed while it held the lock leaves none: the kernel drops it with the process.
    assert kgan_train(tmp_path / "next").returncode == 0
