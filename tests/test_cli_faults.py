"""Interrupted at any point, `kgan train` run again ends with an uninterrupted run's files.

Interruptions come from the `KGAN_TEST_KILL_AT` hook (kgan/cli/faults.py):
the process signals itself just before writing a named artefact, so each
phase of the end-of-run writes is hit exactly, not by timing.
"""

import json
import sys

import imageio.v3 as iio
import numpy as np
import pytest
import tensorflow as tf

from kgan import history, images, saving
from task_support import check, kgan_command

KGAN = [sys.executable, "-m", "kgan"]
TINY = ["train", "--data", "digits", "--filters", "2", "--latent-dim", "4", "--batch-size", "256", "--seed", "0",
        "--verbose", "0"]
ARTEFACTS = ["gan.keras", "training.gif", "saved_model", "losses.png"]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("faults") / "reference"
    check(kgan_command(None, TINY + ["--epochs", "2", "--out", out]))
    return out


def interrupted(out, phase, signal="KILL", epochs=2):
    return kgan_command(KGAN, TINY + ["--epochs", epochs, "--out", out],
                        env={"KGAN_TEST_KILL_AT": f"artefact:{phase}", "KGAN_TEST_SIGNAL": signal})


def served(run_dir, z):
    serve = tf.saved_model.load(str(run_dir / "saved_model")).signatures["serving_default"]
    return serve(z=tf.constant(z))["images"].numpy()


def assert_complete(run_dir, epochs):
    """Every artefact holds the state after the last epoch, consistently."""
    info = json.loads((run_dir / "run.json").read_text())
    assert info["artefacts"] == {name: epochs for name in ARTEFACTS}
    gan = saving.load_model(run_dir / "gan.keras")
    backup = saving.load_model(run_dir / "gan.keras")
    saving.load_training_state(backup, run_dir / "backup")
    for a, b in zip(gan.weights, backup.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    z = np.random.default_rng(0).standard_normal((3, gan.latent_dim)).astype("float32")
    assert np.abs(served(run_dir, z).astype(int) - images.to_uint8(gan.generate(z))).max() <= 1
    assert len(iio.imread(run_dir / "training.gif", index=None)) == epochs
    replot = run_dir / "replot.png"
    history.save_loss_plot(history.read_history_csv(run_dir / "history.csv"), replot)
    assert replot.read_bytes() == (run_dir / "losses.png").read_bytes()
    replot.unlink()
    assert not [p.name for p in run_dir.iterdir() if p.name.startswith(".tmp-")]


def assert_same_files(run_dir, reference):
    for name in ("training.gif", "losses.png", "history.csv"):
        assert (run_dir / name).read_bytes() == (reference / name).read_bytes(), name
    for a, b in zip(saving.load_model(run_dir / "gan.keras").weights,
                    saving.load_model(reference / "gan.keras").weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


@pytest.mark.parametrize("phase", ARTEFACTS)
def test_killed_while_writing_the_end_of_a_run(phase, reference, tmp_path):
    out = tmp_path / "run"
    died = interrupted(out, phase)
    assert died.returncode == -9, died.stderr[-2000:]
    written = json.loads((out / "run.json").read_text()).get("artefacts", {})
    assert set(written) == set(ARTEFACTS[:ARTEFACTS.index(phase)])  # it died exactly there

    again = check(kgan_command(None, TINY + ["--epochs", "2", "--out", out]))
    stale = ", ".join(ARTEFACTS[ARTEFACTS.index(phase):])
    assert f"Completing {out}: writing {stale} for epoch 2" in again.stdout
    assert "has already trained 2 epochs" in again.stdout
    assert_complete(out, 2)
    assert_same_files(out, reference)


def test_ctrl_c_while_exporting_says_one_line_and_the_rerun_completes(reference, tmp_path):
    out = tmp_path / "run"
    stopped = interrupted(out, "saved_model", signal="INT")
    assert stopped.returncode == 130
    assert "kgan train: interrupted; rerun the same command to resume." in stopped.stderr
    assert "Traceback" not in stopped.stderr and "KeyboardInterrupt" not in stopped.stderr
    check(kgan_command(None, TINY + ["--epochs", "2", "--out", out]))
    assert_complete(out, 2)
    assert_same_files(out, reference)


def test_a_resumed_run_killed_while_exporting_is_completed_at_its_new_epoch(tmp_path):
    out = tmp_path / "run"
    check(kgan_command(None, TINY + ["--epochs", "1", "--out", out]))
    died = interrupted(out, "saved_model", epochs=3)  # resumes to epoch 3, dies exporting
    assert died.returncode == -9
    info = json.loads((out / "run.json").read_text())["artefacts"]
    assert info == {"gan.keras": 3, "training.gif": 3, "saved_model": 1, "losses.png": 1}
    again = check(kgan_command(None, TINY + ["--epochs", "3", "--out", out]))
    assert "writing saved_model, losses.png for epoch 3" in again.stdout
    assert_complete(out, 3)
