"""`kgan.callbacks.Evaluate`: metrics in the Keras logs during training."""

import os

import keras

from kgan.validation import check_int

__all__ = ["Evaluate"]


class Evaluate(keras.callbacks.Callback):
    """Adds FD, KID, IS, precision/recall, density/coverage and class coverage to the logs.

    After epoch 1 and after every `every`-th epoch, `n` samples are
    generated with `model.generate(n, seed=...)` (the same noise each time,
    so epochs are comparable) and compared with the real data by
    `kgan.metrics.evaluate`. The metrics are written into the epoch's
    `logs`, so `history.history`, `CSVLogger` and `TensorBoard` record them,
    named after the features (`fd_domain`, `kid_domain`, ...). Put this
    callback *before* `CSVLogger`/`TensorBoard` in the list: Keras passes
    the logs to callbacks in order. `CSVLogger` writes `NA` for epochs that
    were not evaluated.

    The real data's statistics are computed once, when training begins.

    Args:
        data: Real images: a dataset name or path (`kgan.datasets`), an
            array `[N, H, W, C]` in [-1, 1], a pair `(images, labels)` or a
            `tf.data.Dataset`.
        extractor: A `kgan.metrics.FeatureExtractor`, the path of one saved
            with `FeatureExtractor.save`, or `None`: when training begins,
            one is trained on `data` (which must have labels); for a name
            or path it is cached and reused as by `kgan evaluate`
            (`kgan.metrics.extractor_for`).
        every: Evaluate after epochs 1, every, 2 * every, ...
        n: Generated samples per evaluation.
        n_real: Real samples used (`None`: all).
        image_size: Resize a named/path `data` to this size.
        max_samples: Feature vectors per side for KID and the k-NN metrics.
        kid_subset_size: Size of KID's subsets.
        seed: Seed of the generator noise and the subsets.
        batch_size: Images per extractor call.

    Attributes:
        results: list of `(epoch, metrics)` pairs, epochs counted from 1.

    Example:

    ```python
    extractor = kgan.metrics.FeatureExtractor.fit("digits")
    gan.fit(data, epochs=20, callbacks=[
        kgan.callbacks.Evaluate("digits", extractor, every=5, n=2000),
        keras.callbacks.CSVLogger("history.csv"),   # gets fd_domain, kid_domain, ...
    ])
    ```
    """

    def __init__(self, data, extractor=None, every=1, n=1000, n_real=None, image_size=None,
                 max_samples=5000, kid_subset_size=1000, seed=0, batch_size=250):
        super().__init__()
        self.data = data
        self.extractor = extractor
        self.every = check_int(every, "every")
        self.n = check_int(n, "n", minimum=2)
        self.n_real = None if n_real is None else check_int(n_real, "n_real", minimum=2)
        self.image_size = image_size
        self.max_samples = check_int(max_samples, "max_samples", minimum=2)
        self.kid_subset_size = check_int(kid_subset_size, "kid_subset_size", minimum=2)
        self.seed = check_int(seed, "seed", minimum=0)
        self.batch_size = check_int(batch_size, "batch_size")
        self.real_statistics = None
        self.results = []

    def _prepare(self):
        from kgan import datasets, metrics

        real = self.data
        if isinstance(real, (str, os.PathLike)):
            real, _ = datasets.load_arrays(real, image_size=self.image_size)
        elif isinstance(real, (tuple, list)):
            real = real[0]
        if self.extractor is None:
            if isinstance(self.data, (str, os.PathLike)):
                self.extractor, _, _ = metrics.extractor_for(self.data, real.shape[1:])
            else:
                self.extractor = metrics.FeatureExtractor.fit(self.data)
        elif isinstance(self.extractor, (str, os.PathLike)):
            self.extractor = metrics.FeatureExtractor.load(self.extractor)
        if self.real_statistics is None:
            self.real_statistics = metrics.feature_statistics(
                real, self.extractor, n=self.n_real, batch_size=self.batch_size,
                max_samples=self.max_samples, seed=self.seed,
            )

    def on_train_begin(self, logs=None):
        self._prepare()

    def evaluate(self):
        """Runs one evaluation of the current model; returns the metrics dict."""
        from kgan import metrics

        self._prepare()
        result = metrics.evaluate(
            self.model, None, self.extractor, n=self.n, batch_size=self.batch_size,
            max_samples=self.max_samples, kid_subset_size=self.kid_subset_size,
            seed=self.seed, real_statistics=self.real_statistics,
        )
        return result.metrics

    def on_epoch_end(self, epoch, logs=None):
        epoch = int(epoch) + 1  # Keras counts epochs from 0.
        if epoch != 1 and epoch % self.every:
            return
        values = self.evaluate()
        self.results.append((epoch, values))
        if logs is not None:
            logs.update(values)
