"""Run directories written by kgan 0.1.0, before runs named their task, still work.

The fixtures (tests/fixtures/old_runs/, see its README) were written by that
version; `expected.npz` holds what it generated from them.
"""

import json
import shutil

import numpy as np
import pytest

import kgan
from conftest import REPO
from kgan import cli

OLD = REPO / "tests" / "fixtures" / "old_runs"
EXPECTED = np.load(OLD / "expected.npz")


@pytest.fixture
def old_run(tmp_path, request):
    shutil.copytree(OLD / request.param, tmp_path / request.param)
    return tmp_path / request.param


@pytest.mark.parametrize("old_run", ["dcgan"], indirect=True)
def test_unconditional_run_loads_samples_exports_and_resumes(old_run, tmp_path, capsys):
    gan = kgan.load_model(old_run / "gan.keras")
    assert type(gan) is kgan.GAN and "task" not in json.loads((old_run / "run.json").read_text())
    # float32 kernels differ in their last bits from one CPU to another (oneDNN picks them).
    np.testing.assert_allclose(gan.generate(EXPECTED["dcgan_z"]), EXPECTED["dcgan_images"],
                               atol=1e-6)
    assert cli.main(["sample", str(old_run), "--n", "4", "--out", str(tmp_path / "s.npz")]) == 0
    assert np.load(tmp_path / "s.npz")["images"].shape == (4, 8, 8, 1)
    assert cli.main(["export", str(old_run), "--out", str(tmp_path / "e")]) == 0

    assert cli.main(["train", "--out", str(old_run), "--epochs", "2", "--verbose", "0"]) == 0
    assert f"Resuming {old_run} after epoch 1 of 2" in capsys.readouterr().out
    run = json.loads((old_run / "run.json").read_text())
    assert run["task"] == "unconditional" and run["epochs"] == 2
    assert (run["batch_size"], run["filters"], run["ema_decay"]) == (256, 2, 0.999)
    resumed = kgan.load_model(old_run / "gan.keras")
    assert int(resumed.g_optimizer.iterations) == 2 * (1797 // 256)
    assert resumed.ema_decay == 0.999 and resumed.r1_weight == 1.0


@pytest.mark.parametrize("old_run", ["cgan"], indirect=True)
def test_conditional_run_loads_samples_and_exports(old_run, tmp_path):
    gan = kgan.load_model(old_run / "gan.keras")
    assert type(gan) is kgan.ConditionalGAN
    np.testing.assert_allclose(gan.generate(EXPECTED["cgan_labels"], z=EXPECTED["cgan_z"]),
                               EXPECTED["cgan_images"], atol=1e-6)
    target = tmp_path / "s.npz"
    assert cli.main(["sample", str(old_run), "--labels", "3,7", "--n-per-label", "2",
                     "--out", str(target)]) == 0
    np.testing.assert_array_equal(np.load(target)["labels"], [3, 3, 7, 7])
    assert cli.main(["export", str(old_run), "--out", str(tmp_path / "e")]) == 0


@pytest.mark.parametrize("old_run", ["text"], indirect=True)
def test_text_run_loads_samples_exports_and_resumes(old_run, tmp_path, capsys,
                                                            monkeypatch):
    gan = kgan.load_model(old_run / "gan.keras")
    assert type(gan) is kgan.TextGAN
    np.testing.assert_allclose(gan.generate(EXPECTED["text_z"]), EXPECTED["text_scores"],
                               atol=1e-6)
    assert cli.main(["sample", str(old_run), "--n", "3", "--out", str(tmp_path / "t.txt")]) == 0
    assert len((tmp_path / "t.txt").read_text().splitlines()) == 3
    assert cli.main(["export", str(old_run), "--out", str(tmp_path / "e")]) == 0

    monkeypatch.chdir(old_run)  # its run.json names its corpus relative to where it ran
    assert cli.main(["train", "--out", str(old_run)]) == 0
    assert "has already trained 1 epochs" in capsys.readouterr().out
    # Text runs kept no backup then: the run goes on from its gan.keras.
    assert cli.main(["train", "--out", str(old_run), "--epochs", "2", "--verbose", "0"]) == 0
    out = capsys.readouterr().out
    assert "has no backup: continuing from its gan.keras (epoch 1)" in out
    assert f"Resuming {old_run} after epoch 1 of 2" in out
    resumed = kgan.load_model(old_run / "gan.keras")
    assert int(resumed.g_optimizer.iterations) == 2 * 2  # two epochs of two steps
    assert json.loads((old_run / "run.json").read_text())["task"] == "text"
