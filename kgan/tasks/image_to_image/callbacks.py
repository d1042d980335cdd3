"""`TranslationSamples`: each epoch, a fixed held-out batch as input | output | target."""

import os

import numpy as np

from kgan import images
from kgan.callbacks import SampleWriter

__all__ = ["TranslationSamples", "as_rgb"]


def as_rgb(*columns):
    """The columns with the same channel count: grey ones repeated to RGB where any is RGB."""
    rgb = any(np.shape(c)[-1] == 3 for c in columns)
    return [np.repeat(c, 3, axis=-1) if rgb and np.shape(c)[-1] == 1 else c for c in columns]


class TranslationSamples(SampleWriter):
    """Writes, after each epoch, a PNG of a fixed held-out batch: input | output | target,
    one row per example (`kgan.images.comparison_grid`).

    The held-out inputs take the place of `SampleWriter`'s fixed noise; the
    files are named like `SampleGrid`'s (`epoch_0001.png`, ...), so
    `TrainingGif` and `TensorBoardSummaries` take them as they are.

    Args:
        out_dir: directory for the PNG files.
        source: float32 inputs `[n, H, W, C_in]` in [-1, 1].
        target: their targets `[n, H, W, C_out]`.
        translate: `translate(model, source)` -> outputs `[n, H, W, C_out]`
            in [-1, 1] (the task's deterministic translation).
        shown: `shown(source)` -> what the input column shows (e.g. the
            masked image without its mask channel); default `source`.
        every: write after epochs `every, 2 * every, ...`.

    Example:

    ```python
    source, target = next(iter(kgan.datasets.load_pairs(
        "fonts", image_size=32, batch_size=8, split="test")))
    gan.fit(data, epochs=4, callbacks=[TranslationSamples(
        "runs/fonts/samples", source, target, lambda model, x: model.generate(x))])
    ```
    """

    def __init__(self, out_dir, source, target, translate, shown=None, every=1):
        self.source = np.asarray(source, dtype="float32")
        self.target = np.asarray(target, dtype="float32")
        self.translate = translate
        self.shown = shown or (lambda x: x)
        super().__init__(out_dir, num_samples=len(self.source), seed=0, every=every)

    def fixed_noise(self):
        return self.source

    def write(self, source, path):
        output = np.clip(self.translate(self.model, source), -1.0, 1.0)
        columns = as_rgb(self.shown(source), output, self.target)
        images.comparison_grid(list(zip(*columns)), path)

    def on_train_begin(self, logs=None):
        os.makedirs(self.out_dir, exist_ok=True)
