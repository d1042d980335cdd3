"""The text task (kgan/tasks/text/): `run_task_test` on a tiny corpus."""

from conftest import REPO
from task_support import run_task_test

CORPUS = REPO / "tests" / "fixtures" / "old_runs" / "text" / "names.txt"


def test_text_task(tmp_path):
    full = run_task_test(tmp_path, [
        "--model", "textgan", "--data", CORPUS, "--steps-per-epoch", 3, "--pretrain-steps", 2,
        "--filters", 2, "--latent-dim", 4, "--batch-size", 8, "--num-samples", 4])
    assert (full / "metrics.json").is_file()
    lines = (tmp_path / "samples").read_text(encoding="utf-8").split("\n")
    assert len(lines) == 6 and lines[-1] == ""
