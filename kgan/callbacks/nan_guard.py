"""`NaNGuard`: stops a diverging run and puts back the last good weights."""

import math
import numbers

import keras
import numpy as np

from kgan import saving
from kgan.validation import check_int

__all__ = ["NaNGuard"]


def _optimizers(model):
    """The model's optimizers: `g_optimizer`, `d_optimizer`, `optimizer`, then any other
    optimizer attribute (a model with more than two players has more)."""
    found = []
    named = [getattr(model, name, None) for name in ("g_optimizer", "d_optimizer", "optimizer")]
    for optimizer in named + list(vars(model).values()):
        if isinstance(optimizer, keras.optimizers.Optimizer) and optimizer not in found:
            found.append(optimizer)
    return found


class NaNGuard(keras.callbacks.Callback):
    """Stops a diverging run and puts back the last good weights.

    After every batch the logged losses are checked, and after every epoch
    the weights. On a non-finite value the weights and optimizer slots of
    the last good epoch end are restored; then either training stops with
    a message, or, with `lr_factor`, both learning rates are multiplied by
    it and training goes on (at most `max_retries` times).

    Args:
        lr_factor: None to stop, or a factor in (0, 1) for the learning
            rates before continuing.
        max_retries: how many times to lower the learning rates before
            stopping anyway.

    Attributes:
        message: why training stopped, or None.
        retries: how many times the learning rates were lowered.

    Example:

    ```python
    guard = kgan.callbacks.NaNGuard(lr_factor=0.5)
    gan.fit(dataset, epochs=50, callbacks=[guard])
    if guard.message:
        print(guard.message)
    ```
    """

    def __init__(self, lr_factor=None, max_retries=3):
        super().__init__()
        if lr_factor is not None and not (
            isinstance(lr_factor, numbers.Real) and 0 < lr_factor < 1
        ):
            raise ValueError(f"`lr_factor` must be None or in (0, 1), got {lr_factor!r}.")
        self.lr_factor = lr_factor
        self.max_retries = check_int(max_retries, "max_retries", minimum=0)
        self.message = None
        self.retries = 0
        self._good = None

    def _state(self):
        variables = list(self.model.variables)
        for optimizer in _optimizers(self.model):
            variables.extend(optimizer.variables)
        return variables

    def _snapshot(self):
        self._good = [keras.ops.convert_to_numpy(v).copy() for v in self._state()]

    def on_train_begin(self, logs=None):
        self.message = None
        self._snapshot()

    def on_train_batch_end(self, batch, logs=None):
        bad = [k for k, v in (logs or {}).items()
               if isinstance(v, numbers.Real) and not math.isfinite(v)]
        if not bad:
            bad = [k for k, v in (logs or {}).items()
                   if not isinstance(v, numbers.Real)
                   and not np.all(np.isfinite(keras.ops.convert_to_numpy(v)))]
        if bad:
            self._diverged(f"{', '.join(sorted(bad))} became non-finite at batch {batch + 1}")

    def on_epoch_end(self, epoch, logs=None):
        if self.model.stop_training:
            return
        if saving.all_finite(self.model.variables):
            self._snapshot()
        else:
            self._diverged(f"the weights became non-finite in epoch {epoch + 1}")

    def _diverged(self, what):
        for variable, value in zip(self._state(), self._good):
            variable.assign(value)
        self.model.reset_metrics()
        if self.lr_factor is not None and self.retries < self.max_retries:
            self.retries += 1
            for optimizer in _optimizers(self.model):
                optimizer.learning_rate.assign(optimizer.learning_rate * self.lr_factor)
            print(f"NaNGuard: {what}; restored the last good weights and multiplied the "
                  f"learning rates by {self.lr_factor} (retry {self.retries}/{self.max_retries}).")
            return
        self.message = (
            f"Training diverged: {what}. The weights of the last good epoch end were "
            "restored; lower the learning rate (or use NaNGuard(lr_factor=...)) and resume."
        )
        print(f"NaNGuard: {self.message}")
        self.model.stop_training = True
