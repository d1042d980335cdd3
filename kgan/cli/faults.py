"""A test hook: `KGAN_TEST_KILL_AT` makes `kgan train` signal itself at a named point.

- `KGAN_TEST_KILL_AT=EPOCH:BATCH`: at the start of batch BATCH (1-based) of
  epoch EPOCH (1-based, counted over the whole run, resumed or not); with
  `--steps-per-execution N`, at the start of the call that runs it;
- `KGAN_TEST_KILL_AT=artefact:NAME`: just before writing the end-of-run
  artefact NAME (`gan.keras`, `saved_model`, `losses.png`, or one of the
  task's own final files).

The signal is SIGKILL, or the one `KGAN_TEST_SIGNAL` names (`INT` for a
Ctrl-C). Tests interrupt runs this way at a known point instead of by timing.
"""

import os
import signal

import keras

__all__ = ["KILL_AT", "SIGNAL", "before", "callbacks"]

KILL_AT = "KGAN_TEST_KILL_AT"
SIGNAL = "KGAN_TEST_SIGNAL"


def _stop():
    os.kill(os.getpid(), getattr(signal, "SIG" + os.environ.get(SIGNAL, "KILL")))


class _KillAt(keras.callbacks.Callback):
    def __init__(self, epoch, batch):
        super().__init__()
        self.at = (epoch, batch)
        self.epoch = None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch + 1

    def on_train_batch_begin(self, batch, logs=None):
        # With `steps_per_execution` Keras calls this once per several steps, from `batch`.
        steps = getattr(self.model, "steps_per_execution", 1) or 1
        if self.epoch == self.at[0] and batch < self.at[1] <= batch + steps:
            _stop()


def callbacks():
    """`[the kill callback]` when `KGAN_TEST_KILL_AT` names a batch, else `[]`."""
    value = os.environ.get(KILL_AT, "")
    if not value or value.startswith("artefact:"):
        return []
    epoch, batch = (int(part) for part in value.split(":"))
    return [_KillAt(epoch, batch)]


def before(artefact):
    """Stops here when `KGAN_TEST_KILL_AT` is `artefact:ARTEFACT`."""
    if os.environ.get(KILL_AT) == f"artefact:{artefact}":
        _stop()
