"""Faults a long run meets: a full disk, a read-only --out, a corrupt backup, NaNs.

Each leaves what an earlier run wrote intact and says, in one line, what to do.
"""

import errno
import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import kgan
from conftest import REPO, real_images, tiny_gan
from kgan import saving
from task_support import check, kgan_command
from test_long_runs import PlantNaN

TINY = ["train", "--data", "digits", "--filters", "2", "--latent-dim", "4", "--batch-size", "256", "--seed", "0",
        "--verbose", "0"]


@pytest.fixture
def one_epoch(tmp_path):
    out = tmp_path / "run"
    check(kgan_command(None, TINY + ["--epochs", "1", "--out", out]))
    return out


def test_disk_full_while_saving_keeps_the_previous_model(one_epoch, monkeypatch):
    before = (one_epoch / "gan.keras").read_bytes()

    def full_disk(self, path, *args, **kwargs):
        with open(path, "wb") as f:
            f.write(b"half a model")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(keras.Model, "save", full_disk)
    result = kgan_command(None, TINY + ["--epochs", "2", "--out", one_epoch])
    assert result.returncode == 2
    assert (f"could not write {str(one_epoch / 'gan.keras')!r} (No space left on device); what "
            "was there before is unchanged") in result.stderr
    assert (one_epoch / "gan.keras").read_bytes() == before
    assert not [p for p in os.listdir(one_epoch) if p.startswith(".tmp-")]
    monkeypatch.undo()
    # Space again: the same command finishes the run.
    again = check(kgan_command(None, TINY + ["--epochs", "2", "--out", one_epoch]))
    assert "Completing" in again.stdout
    info = json.loads((one_epoch / "run.json").read_text())
    assert set(info["artefacts"].values()) == {2}


@pytest.mark.skipif(not os.path.isdir("/sys"), reason="needs a read-only /sys")
def test_read_only_out_fails_before_training_in_one_line(tmp_path):
    result = kgan_command(None, TINY + ["--epochs", "1", "--out", "/sys/kgan-run"])
    assert result.returncode == 2
    assert "kgan train: error:" in result.stderr and "/sys/kgan-run" in result.stderr
    assert "Traceback" not in result.stderr and "Epoch" not in result.stdout


def test_a_corrupt_backup_says_how_to_go_on_from_gan_keras(one_epoch):
    weights = next((one_epoch / "backup").glob("*.weights.h5"))
    weights.write_bytes(weights.read_bytes()[:100])
    result = kgan_command(None, TINY + ["--epochs", "2", "--out", one_epoch])
    assert result.returncode == 2
    assert "Could not restore the training backup" in result.stderr
    assert (f"{str(one_epoch / 'gan.keras')!r} holds the state after epoch 1: delete "
            f"{str(one_epoch / 'backup')!r} and rerun the same command") in result.stderr

    (one_epoch / "backup" / "backup.json").write_text("{not json")
    result = kgan_command(None, TINY + ["--epochs", "2", "--out", one_epoch])
    assert result.returncode == 2 and "unreadable" in result.stderr
    assert "holds the state after epoch 1" in result.stderr

    # Doing as it says continues the run from gan.keras.
    for path in (one_epoch / "backup").iterdir():
        path.unlink()
    (one_epoch / "backup").rmdir()
    resumed = check(kgan_command(None, TINY + ["--epochs", "2", "--out", one_epoch]))
    assert "continuing from its gan.keras (epoch 1)" in resumed.stdout
    gan = saving.load_model(one_epoch / "gan.keras")
    assert int(gan.g_optimizer.iterations) == 2 * (1797 // 256)


def test_nan_mid_epoch_under_xla_restores_the_last_good_epoch(seeded):
    gan = tiny_gan(compile_kwargs={"jit_compile": True})
    guard = kgan.callbacks.NaNGuard()
    good = []
    keep = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: good.append([w.numpy().copy() for w in gan.weights]))
    history = gan.fit(real_images(16), batch_size=4, epochs=4, verbose=0,
                      callbacks=[guard, PlantNaN(epoch=1, batch=1), keep])
    assert gan.jit_compile is True  # the step really ran under XLA
    assert guard.message and "non-finite at batch 2" in guard.message
    assert len(history.epoch) == 2 and saving.all_finite(gan.variables)
    for value, weight in zip(good[0], gan.weights):
        np.testing.assert_array_equal(value, weight.numpy())


def test_nan_mid_epoch_under_a_mirrored_strategy(tmp_path):
    script = REPO / "tests" / "scripts" / "distributed_training.py"
    out = tmp_path / "nan.npz"
    result = subprocess.run([sys.executable, str(script), "mirrored_nan", str(out)], cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    saved = np.load(out)
    assert int(saved["replicas"]) == 2
    assert "non-finite at batch 2" in str(saved["message"])
    assert bool(saved["finite"])
    assert len(saved["d_loss"]) == 2  # stopped in the second epoch
