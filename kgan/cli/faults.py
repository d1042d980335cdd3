"""A test hook: `KGAN_TEST_KILL_AT=EPOCH:BATCH` makes `kgan train` kill itself there.

With the variable set, `kgan train` sends itself SIGKILL at the start of
batch BATCH (1-based) of epoch EPOCH (1-based, counted over the whole run,
resumed or not), so tests interrupt a run at a known point instead of by
timing.
"""

import os
import signal

import keras

__all__ = ["KILL_AT", "callbacks"]

KILL_AT = "KGAN_TEST_KILL_AT"


class _KillAt(keras.callbacks.Callback):
    def __init__(self, epoch, batch):
        super().__init__()
        self.at = (epoch, batch)
        self.epoch = None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch + 1

    def on_train_batch_begin(self, batch, logs=None):
        if (self.epoch, batch + 1) == self.at:
            os.kill(os.getpid(), signal.SIGKILL)


def callbacks():
    """`[the kill callback]` when `KGAN_TEST_KILL_AT` is set, else `[]`."""
    value = os.environ.get(KILL_AT)
    if not value:
        return []
    epoch, batch = (int(part) for part in value.split(":"))
    return [_KillAt(epoch, batch)]
