"""`kgan evaluate RUN_DIR`: the table, metrics.json, the extractor cache, bad input."""

import json
import subprocess
import sys

import pytest

from kgan import cli
from kgan.metrics.features import default_extractor_path
from metrics_support import digits_extractor

METRICS = ["fd_domain", "kid_domain", "is_domain", "precision_domain", "recall_domain",
           "density_domain", "coverage_domain", "class_coverage_domain", "class_kl_domain"]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "digits"
    # A subprocess: --seed turns on TensorFlow's op determinism for the whole process.
    subprocess.run([sys.executable, "-m", "kgan", "train", "--data", "digits", "--out", str(out),
                    "--epochs", "1", "--filters", "4", "--seed", "0", "--verbose", "0"], check=True,
                   capture_output=True, timeout=600)
    return out


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A private extractor cache holding the session's digits extractor."""
    monkeypatch.setenv("KGAN_CACHE_DIR", str(tmp_path / "cache"))
    path = default_extractor_path("digits", (8, 8, 1))
    digits_extractor().save(path)
    return path


def test_evaluate_prints_the_table_and_writes_metrics_json(run_dir, cache, capsys):
    (run_dir / "metrics.json").write_text(json.dumps({"inception": {"metrics": {"x": 1}}}))
    assert cli.main(["evaluate", str(run_dir), "--n", "300", "--kid-subset-size", "100"]) == 0
    out = capsys.readouterr().out
    assert f"Using the feature extractor {cache}" in out  # the cached one, not retrained
    assert "features: domain (kgan CNN classifier trained on digits 8x8x1, test accuracy" in out
    assert "N: 300 generated vs 1797 real images" in out
    for name in METRICS:
        assert f"  {name} " in out
    written = json.loads((run_dir / "metrics.json").read_text())
    assert written["inception"] == {"metrics": {"x": 1}}  # other features' results are kept
    domain = written["domain"]
    assert domain["n_generated"] == 300 and domain["n_real"] == 1797
    assert domain["data"] == "digits" and domain["extractor"]["path"] == cache
    assert set(METRICS) <= set(domain["metrics"])
    assert f"{domain['metrics']['fd_domain']:.6g}" in out
    assert abs(sum(domain["class_histogram"]) - 1) < 1e-9
    # No temporary files (the training lock, .kgan.lock, stays with the run).
    assert [p.name for p in run_dir.iterdir() if p.name.startswith(".")] == [".kgan.lock"]


def test_explicit_extractor_file_is_used_as_is(run_dir, tmp_path, capsys):
    target = tmp_path / "mine.keras"
    digits_extractor().save(target)
    before = target.stat().st_mtime_ns
    assert cli.main(["evaluate", str(run_dir), "--n", "50", "--extractor", str(target),
                     "--kid-subset-size", "40"]) == 0
    assert target.stat().st_mtime_ns == before
    assert f"Using the feature extractor {target}" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["--image-size", "16"], "gives images of shape (16, 16, 1) but the generator makes (8, 8, 1)"),
    (["--inception-weights", "nope.h5"], "is not a file"),
    (["--data", "nope"], "Built-in datasets"),
    (["--extractor", "mine.h5"], "must end with '.keras'"),
])
def test_bad_input_is_one_error_and_keeps_metrics_json(run_dir, cache, capsys, argv, message):
    (run_dir / "metrics.json").write_text("{}")
    assert cli.main(["evaluate", str(run_dir), "--n", "50"] + argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("kgan evaluate: error:") and message in err
    assert (run_dir / "metrics.json").read_text() == "{}"


def test_not_a_run_directory(tmp_path, capsys):
    assert cli.main(["evaluate", str(tmp_path)]) == 2
    assert "is not a run directory" in capsys.readouterr().err
