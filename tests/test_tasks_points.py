"""A task registered from tests/ trains, samples, exports and resumes through the CLI.

`points_task` adds a whole family (network, model class, recipe with its own
flag, sample writer, sample flag, export signature) without any change under
kgan/; `tests/scripts/kgan_points.py` is `kgan` with it registered.
"""

import sys

import numpy as np

from conftest import REPO
from points_task import PointsTask
from task_support import check, kgan_command, run_task_test

COMMAND = [sys.executable, str(REPO / "tests" / "scripts" / "kgan_points.py")]


def test_points_task(tmp_path):
    full = run_task_test(tmp_path, ["--model", "points_mlp", "--points", 256],
                         command=COMMAND, task=PointsTask())
    epoch = np.loadtxt(full / "samples" / "epoch_0002.csv", delimiter=",")
    assert epoch.shape == (16, 2) and np.all(np.abs(epoch) <= 1)

    # Its own flags reach it; another task's flag is refused, before anything is written.
    check(kgan_command(COMMAND, ["sample", full, "--n", 3, "--decimals", 1,
                                 "--out", tmp_path / "short.csv"]))
    assert (tmp_path / "short.csv").read_text().splitlines()[0].count(".") == 2
    assert len((tmp_path / "short.csv").read_text().splitlines()[0]) <= 10
    refused = kgan_command(COMMAND, ["train", "--model", "points_mlp", "--conditioning", "acgan",
                                     "--out", tmp_path / "never"])
    assert refused.returncode == 2 and "--conditioning applies to --model cgan" in refused.stderr
    assert not (tmp_path / "never").exists()
    assert "--points" in kgan_command(COMMAND, ["train", "--help"]).stdout
