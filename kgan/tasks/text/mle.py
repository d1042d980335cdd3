"""Maximum-likelihood training of a text generator: the warm start and the NLL."""

import time

import keras
import numpy as np
import tensorflow as tf

from kgan.metrics.text import masked_log_prob
from kgan.tfdata import without_autotune_wait
from kgan.validation import check_int

__all__ = ["MaximumLikelihood", "fit_mle"]


def _as_ids(batch):
    if isinstance(batch, (tuple, list)):
        batch = batch[0]
    batch = tf.convert_to_tensor(batch)
    if batch.shape.rank == 3:
        return tf.argmax(batch, axis=-1, output_type=tf.int32)
    return tf.cast(batch, tf.int32)


def fit_mle(generator, data, epochs=1, steps_per_epoch=None, learning_rate=5e-3,
            validation_data=None, patience=None, time_limit=None, seed=None, verbose=1):
    """Trains a text generator by maximum likelihood (teacher forcing).

    The loss is the mean negative log-likelihood per scored token (the
    characters and the end token of each sequence). With `validation_data`
    the held-out NLL is measured after every epoch and the weights of the
    best epoch are restored at the end (early stopping with `patience`).

    Args:
        generator: a model with `log_prob(z, ids)` and `noise_dim`.
        data: a `tf.data.Dataset` of one-hots `[batch, length, vocab]` or
            ids `[batch, length]` (e.g. `TextData.train`).
        epochs: maximum number of epochs.
        steps_per_epoch: batches per epoch (`None`: one pass over `data`;
            a repeated dataset needs it).
        learning_rate: Adam learning rate.
        validation_data: int ids `[n, length]` of held-out text, or `None`.
        patience: epochs without a better validation NLL before stopping
            (`None`: never stop early). Needs `validation_data`.
        time_limit: stop after the epoch during which this many seconds
            have passed, and in the middle of an epoch once it is exceeded.
        seed: seed of the noise fed to the generator.
        verbose: 1 prints one line per epoch, 0 nothing.

    Returns:
        A dict of per-epoch lists: `nll` (training, per token), `val_nll`
        (per sequence, with validation data), `seconds` (elapsed at the
        epoch's end); and `best_epoch` (1-based, with validation data).
    """
    epochs = check_int(epochs, "epochs")
    if steps_per_epoch is not None:
        steps_per_epoch = check_int(steps_per_epoch, "steps_per_epoch")
    if patience is not None:
        patience = check_int(patience, "patience")
        if validation_data is None:
            raise ValueError("`patience` needs `validation_data` (held-out token ids).")
    if not isinstance(data, tf.data.Dataset):
        raise ValueError(f"`data` must be a tf.data.Dataset; got {type(data).__name__}.")
    if next(iter(data.take(1)), None) is None:
        raise ValueError("`data` yielded no batch.")

    model = MaximumLikelihood(generator, seed=seed)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate, clipnorm=5.0))
    clock = _Clock(time_limit, verbose)
    fit_callbacks = [clock]
    if validation_data is not None:
        validation_data = _validation_batches(generator, validation_data)
        # Keeps the weights of the best held-out epoch, stopping early with `patience`.
        best = keras.callbacks.EarlyStopping(monitor="val_nll", mode="min", patience=patience or epochs,
                                             restore_best_weights=True)
        fit_callbacks.insert(0, best)
    fitted = model.fit(without_autotune_wait(data), epochs=epochs,
                       steps_per_epoch=steps_per_epoch,
                       validation_data=without_autotune_wait(validation_data), callbacks=fit_callbacks, shuffle=False,
                       verbose=0)
    history = {"nll": fitted.history["nll"], "val_nll": fitted.history.get("val_nll", []),
               "seconds": clock.seconds}
    if validation_data is not None:
        history["best_epoch"] = best.best_epoch + 1
    return history


def _validation_batches(generator, ids, batch_size=512, seed=0):
    """`(z, ids)` batches scored as `sequence_nll(generator, ids, seed=0)` scores them."""
    ids = np.asarray(ids, dtype=np.int32)
    if ids.ndim != 2 or len(ids) == 0:
        raise ValueError(
            f"`validation_data` must be a non-empty (n, length) array of token ids; got shape "
            f"{ids.shape}."
        )
    z = np.random.default_rng(seed).standard_normal((len(ids), generator.noise_dim))
    return tf.data.Dataset.from_tensor_slices((z.astype(np.float32), ids)).batch(batch_size)


class MaximumLikelihood(keras.Model):
    """Teacher forcing as a Keras model: `fit` trains `generator` to maximise the
    likelihood of the real text.

    Training batches are text (one-hots or ids); the loss, logged as `nll`,
    is the mean negative log-likelihood per scored token (the characters and
    the end token), with fresh noise `z` per batch. Evaluation batches are
    `(z, ids)`; `nll` is then the mean NLL per sequence (`val_nll` in `fit`).

    Args:
        generator: a model with `log_prob(z, ids)` and `noise_dim`.
        seed: seed of the training noise.
    """

    def __init__(self, generator, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.nll_tracker = keras.metrics.Mean(name="nll")

    @property
    def metrics(self):
        return [self.nll_tracker]

    def train_step(self, data):
        ids = _as_ids(data)
        z = keras.random.normal((tf.shape(ids)[0], self.generator.noise_dim),
                                seed=self.seed_generator)
        with tf.GradientTape() as tape:
            log_prob, count = masked_log_prob(self.generator, z, ids, training=True)
            loss = -tf.reduce_sum(log_prob) / tf.reduce_sum(count)
        weights = self.generator.trainable_weights
        self.optimizer.apply(tape.gradient(loss, weights), weights)
        self.nll_tracker.update_state(loss)
        return {"nll": self.nll_tracker.result()}

    def test_step(self, data):
        z, ids = data
        log_prob, _ = masked_log_prob(self.generator, z, ids)
        self.nll_tracker.update_state(-log_prob)
        return {"nll": self.nll_tracker.result()}


class _Clock(keras.callbacks.Callback):
    """Seconds at each epoch's end; stops once `time_limit` has passed; prints the epochs."""

    def __init__(self, time_limit, verbose):
        super().__init__()
        self.time_limit, self.verbose = time_limit, verbose
        self.seconds = []

    def _elapsed(self):
        return time.perf_counter() - self.start

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        if self.time_limit is not None and self._elapsed() > self.time_limit:
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(self._elapsed())
        if self.time_limit is not None and self.seconds[-1] > self.time_limit:
            self.model.stop_training = True
        if self.verbose:
            message = f"MLE epoch {epoch + 1}/{self.params['epochs']}: nll/token {logs['nll']:.4f}"
            if "val_nll" in logs:
                message += f", held-out nll/sequence {logs['val_nll']:.4f}"
            print(message, flush=True)
