"""`BackupAndResume`: the training state after every epoch, restored on restart."""

import os

import keras

from kgan import saving

__all__ = ["BackupAndResume"]


class BackupAndResume(keras.callbacks.Callback):
    """Backs up the training state every epoch and resumes from it.

    After each epoch the model's weights, both optimizers' slots and the
    training noise state are written to `backup_dir` (atomically: a killed
    process leaves the previous backup intact). When training begins and a
    backup exists, it is restored and `fit` continues from the epoch after
    it, so a crashed run started again with the same `fit(epochs=...)`
    ends where an uninterrupted run would. Non-finite weights are never
    backed up.

    Args:
        backup_dir: directory for `backup.json` and one weights file.

    Attributes:
        resumed_epoch: the epoch restored at the start of training, or None.

    Example:

    ```python
    backup = kgan.callbacks.BackupAndResume("runs/long/backup")
    gan.fit(dataset, epochs=100, callbacks=[backup])  # rerun the same line after a crash
    ```
    """

    def __init__(self, backup_dir):
        super().__init__()
        self.backup_dir = os.fspath(backup_dir)
        self.resumed_epoch = None
        self._batches = 0

    def on_train_begin(self, logs=None):
        self.resumed_epoch = saving.load_training_state(self.model, self.backup_dir)
        if self.resumed_epoch is not None:
            self.model._initial_epoch = self.resumed_epoch

    def on_epoch_begin(self, epoch, logs=None):
        self._batches = 0

    def on_train_batch_end(self, batch, logs=None):
        # `batch` is the index of the last step run: with `steps_per_execution`
        # Keras calls this once per several steps.
        self._batches = batch + 1

    def on_epoch_end(self, epoch, logs=None):
        steps = (self.params or {}).get("steps")
        if steps and self._batches < steps:
            return  # stopped mid-epoch (e.g. by NaNGuard): the epoch is not done
        if not saving.all_finite(self.model.variables):
            print(f"BackupAndResume: epoch {epoch + 1} has non-finite weights; "
                  "keeping the previous backup.")
            return
        saving.save_training_state(self.model, self.backup_dir, epoch + 1)

    def on_train_end(self, logs=None):
        # The resume point applies to this fit only.
        self.model._initial_epoch = None
