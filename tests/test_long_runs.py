"""Runs that survive: the NaN guard, seeded determinism.

Resuming after SIGKILL is checked for every task by `run_task_test`
(tests/task_support.py).
"""

import subprocess
import sys

import keras
import numpy as np
import pytest

import kgan
from conftest import real_images, tiny_gan
from kgan import saving

KGAN = [sys.executable, "-m", "kgan"]
RUN = ["train", "--data", "digits", "--epochs", "4", "--batch-size", "16", "--filters", "8", "--seed", "0",
       "--verbose", "0"]


def weights_in(run_dir):
    return [v.numpy() for v in saving.load_model(run_dir / "gan.keras").variables]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("long") / "uninterrupted"
    subprocess.run(KGAN + RUN + ["--out", str(out)], check=True, capture_output=True,
                   timeout=600)
    return out


def test_seeded_runs_are_bit_identical(uninterrupted, tmp_path):
    again = tmp_path / "again"
    subprocess.run(KGAN + RUN + ["--out", str(again)], check=True, capture_output=True,
                   timeout=600)
    for first, second in zip(weights_in(uninterrupted), weights_in(again)):
        np.testing.assert_array_equal(first, second)
    last = "samples/epoch_0004.png"
    assert (uninterrupted / last).read_bytes() == (again / last).read_bytes()


class PlantNaN(keras.callbacks.Callback):
    """Poisons a discriminator weight at the start of one batch of one epoch."""

    def __init__(self, epoch, batch):
        super().__init__()
        self.at = (epoch, batch)
        self.epoch = None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            kernel = self.model.discriminator.trainable_weights[0]
            kernel.assign(np.full(kernel.shape, np.nan, "float32"))


class Snapshot(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        self.values = [keras.ops.convert_to_numpy(v).copy() for v in self.model.weights]


def test_nan_guard_keeps_the_last_good_weights_on_disk(tmp_path, seeded):
    gan = tiny_gan()
    guard = kgan.callbacks.NaNGuard()
    snapshot = Snapshot()
    backup = kgan.callbacks.BackupAndResume(tmp_path)
    history = gan.fit(real_images(16), batch_size=4, epochs=5, verbose=0,
                      callbacks=[guard, PlantNaN(epoch=1, batch=2), snapshot, backup])
    assert guard.message and "non-finite at batch 3" in guard.message
    assert len(history.epoch) == 2  # stopped in the second epoch
    # The weights in memory and on disk are those after epoch 1: finite, not NaN.
    assert saving.all_finite(gan.variables)
    assert saving.read_training_state(tmp_path)["epoch"] == 1
    restored = tiny_gan()
    saving.load_training_state(restored, tmp_path)
    for value, variable, saved in zip(snapshot.values, gan.weights, restored.weights):
        np.testing.assert_array_equal(value, variable.numpy())
        np.testing.assert_array_equal(value, saved.numpy())


def test_nan_guard_can_lower_the_learning_rate_and_continue(seeded):
    gan = tiny_gan()
    guard = kgan.callbacks.NaNGuard(lr_factor=0.5)
    history = gan.fit(real_images(16), batch_size=4, epochs=3, verbose=0,
                      callbacks=[guard, PlantNaN(epoch=1, batch=2)])
    assert guard.message is None and guard.retries == 1
    assert len(history.epoch) == 3 and np.all(np.isfinite(history.history["d_loss"]))
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(1e-4)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(1e-4)
    assert saving.all_finite(gan.variables)


def test_backup_never_overwrites_good_weights_with_nan(tmp_path, seeded):
    gan = tiny_gan()
    backup = kgan.callbacks.BackupAndResume(tmp_path)
    gan.fit(real_images(8), batch_size=4, epochs=1, verbose=0, callbacks=[backup])
    gan.generator.weights[0].assign(np.full(gan.generator.weights[0].shape, np.nan))
    backup.on_epoch_begin(1)
    backup._batches = 10**6  # as if the epoch ran to its end
    backup.on_epoch_end(1)
    assert saving.read_training_state(tmp_path)["epoch"] == 1
    fresh = tiny_gan()
    saving.load_training_state(fresh, tmp_path)
    assert saving.all_finite(fresh.variables)


def test_bad_guard_arguments():
    with pytest.raises(ValueError, match="`lr_factor`"):
        kgan.callbacks.NaNGuard(lr_factor=2.0)
    with pytest.raises(ValueError, match="`max_retries`"):
        kgan.callbacks.NaNGuard(max_retries=-1)


def test_backup_counts_steps_run_several_per_execution(tmp_path, seeded):
    # With `steps_per_execution`, Keras calls `on_train_batch_end` once per
    # execution, with the index of its last step: the epoch still ran to its end.
    gan = tiny_gan(compile_kwargs={"steps_per_execution": 2})
    backup = kgan.callbacks.BackupAndResume(tmp_path)
    gan.fit(real_images(16), batch_size=4, epochs=2, verbose=0, callbacks=[backup])
    assert saving.read_training_state(tmp_path)["epoch"] == 2
