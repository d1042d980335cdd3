"""`run_task_test`: what every task must do, checked the same way for each.

keras-hub's `run_*_test` spirit: a task's test passes tiny `kgan train`
arguments and gets, for free, the checks that its runs train, save, reload,
serve, sample and survive being killed.
"""

import contextlib
import io
import json
import os
import subprocess
import sys

import numpy as np

import kgan
from conftest import REPO
from kgan import cli, saving

KGAN = [sys.executable, "-m", "kgan"]
KILL_AT = "KGAN_TEST_KILL_AT"

# Loads a SavedModel and calls serving_default on the arrays of inputs.npz, in a
# process that never imports kgan.
SERVE = """
import sys
import numpy as np
import tensorflow as tf
model = tf.saved_model.load(sys.argv[1])
inputs = dict(np.load(sys.argv[2]))
outputs = model.signatures["serving_default"](**{k: tf.constant(v) for k, v in inputs.items()})
assert "kgan" not in sys.modules, "loading the export imported kgan"
np.savez(sys.argv[3], **{k: v.numpy() for k, v in outputs.items()})
"""


def kgan_command(command, args, env=None, timeout=600):
    """Runs `command + args`; `command=None` runs `kgan.cli.main(args)` in this process."""
    args = [str(a) for a in args]
    if command is None:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(args)
        return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())
    environment = {**os.environ, **(env or {})}
    return subprocess.run(command + args, cwd=REPO, env=environment, capture_output=True,
                          text=True, timeout=timeout)


def check(result):
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def assert_same_outputs(actual, expected):
    """uint8 within 1 (graph vs NumPy rounding), strings exactly, floats closely."""
    assert set(actual) == set(expected)
    for key, value in expected.items():
        got = np.asarray(actual[key])
        value = np.asarray(value)
        assert got.shape == value.shape, (key, got.shape, value.shape)
        if value.dtype == np.uint8:
            assert np.abs(got.astype(int) - value.astype(int)).max() <= 1, key
        elif value.dtype.kind in "OSU":
            assert [bytes(v) for v in got.tolist()] == [bytes(v) for v in value.tolist()], key
        else:
            np.testing.assert_allclose(got, value, atol=1e-5, err_msg=key)


def serve_without_kgan(export_dir, inputs, tmp_path):
    np.savez(tmp_path / "inputs.npz", **inputs)
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-c", SERVE, str(export_dir), str(tmp_path / "inputs.npz"),
         str(tmp_path / "outputs.npz")], cwd=tmp_path, env=environment,
        capture_output=True, text=True, timeout=300)
    check(result)
    return dict(np.load(tmp_path / "outputs.npz", allow_pickle=True))


def optimizer_state(model):
    return [np.asarray(v) for name in ("g_optimizer", "d_optimizer")
            for v in getattr(model, name).variables]


def history_epochs(run_dir):
    return [int(float(line.split(",", 1)[0]))
            for line in (run_dir / "history.csv").read_text().splitlines()[1:]]


def run_task_test(tmp_path, train_args, command=None, task=None, epochs=2, kill_at="2:2"):
    """Trains a tiny run through `kgan train` and checks what every task must do.

    The run has `--epochs epochs --seed 0 --ema-decay 0.5` on top of
    `train_args`, so the EMA generator is what samples and exports. Checked:
    the run directory names its task; the `.keras` round trip keeps outputs
    and optimizer state; the SavedModel, loaded in a process that never
    imports kgan, serves what the model generates; `kgan sample` writes a
    file; a run killed (SIGKILL) in the middle of epoch `kill_at` resumes
    with the same command and ends with the uninterrupted run's steps,
    history and sample files.

    Args:
        tmp_path: a fresh directory.
        train_args: tiny `kgan train` arguments (data, sizes, batch size).
        command: the `kgan` command line to run (e.g. a script that registers a
            test task); `None` runs `kgan.cli.main` in this process, except
            for the run that is killed, which runs `python -m kgan`.
        task: the task object, where it is not registered in this process.
        epochs: the run's epochs (>= 2, so there is a resume point).
        kill_at: `EPOCH:BATCH` (1-based) where the interrupted run dies.

    Returns:
        The directory of the uninterrupted run.
    """
    base = ["train", *train_args, "--epochs", epochs, "--seed", 0, "--ema-decay", 0.5,
            "--verbose", 0]
    full = tmp_path / "full"
    check(kgan_command(command, base + ["--out", full]))
    info = json.loads((full / "run.json").read_text())
    task = task or kgan.tasks.get(info["task"])
    assert info["task"] == task.name and info["ema_decay"] == 0.5

    # The .keras file reloads with the same outputs and optimizer state, twice over.
    model = saving.load_model(full / "gan.keras")
    assert model.ema_generator is not None
    inputs, expected = task.serving_example(model)
    model.save(tmp_path / "again.keras")
    again = saving.load_model(tmp_path / "again.keras")
    assert_same_outputs(task.serving_example(again)[1], expected)
    for before, after in zip(optimizer_state(model), optimizer_state(again), strict=True):
        np.testing.assert_array_equal(before, after)

    # The export, served without kgan, gives what the model generates (with EMA on).
    assert_same_outputs(serve_without_kgan(full / "saved_model", inputs, tmp_path), expected)
    exported = check(kgan_command(command, ["export", full, "--out", tmp_path / "exported"]))
    assert (tmp_path / "exported" / "saved_model.pb").is_file() and task.export_summary(model) \
        in exported.stdout

    # `kgan sample` writes its file.
    sample = check(kgan_command(command, ["sample", full, "--n", 5, "--seed", 1,
                                          "--out", tmp_path / "samples"]))
    written = [p for p in os.listdir(tmp_path) if p.startswith("samples")]
    assert written and "Wrote" in sample.stdout, sample.stdout

    # Killed mid-epoch, the same command resumes it to the uninterrupted run's end.
    killed = tmp_path / "killed"
    died = kgan_command(command or KGAN, base + ["--out", killed], env={KILL_AT: kill_at})
    assert died.returncode == -9, died.stderr[-2000:]
    assert not (killed / "gan.keras").exists()
    done = saving.read_training_state(killed / "backup")["epoch"]
    assert done == int(kill_at.split(":")[0]) - 1
    resumed = check(kgan_command(command, base + ["--out", killed]))
    assert f"Resuming {killed} after epoch {done} of {epochs}" in resumed.stdout
    reference, model = saving.load_model(full / "gan.keras"), saving.load_model(killed / "gan.keras")
    for name in ("g_optimizer", "d_optimizer"):
        assert int(getattr(model, name).iterations) == int(getattr(reference, name).iterations)
    assert history_epochs(killed) == history_epochs(full) == list(range(epochs))
    assert sorted(os.listdir(killed / "samples")) == sorted(os.listdir(full / "samples"))
    first = sorted(p for p in os.listdir(full / "samples") if p.startswith("epoch_0001"))
    for name in first:  # trained before the kill: the same file as the uninterrupted run's
        assert (killed / "samples" / name).read_bytes() == (full / "samples" / name).read_bytes()
    return full
