"""`ComparisonSamples`: each epoch, held-out LR crops beside their upscalings and the HR crops."""

import os

import numpy as np

from kgan import images
from kgan.callbacks import SampleWriter
from kgan.datasets import photos

__all__ = ["ComparisonSamples"]


class ComparisonSamples(SampleWriter):
    """Writes, after each epoch, a PNG of fixed held-out crops: LR (nearest-upscaled) |
    bicubic | the model's output | HR, one row per crop.

    The LR crops take the place of `SampleWriter`'s fixed noise; the files
    are named like `SampleGrid`'s (`epoch_0001.png`, ...), so `TrainingGif`
    and `TensorBoardSummaries` take them as they are.

    Args:
        out_dir: directory for the PNG files.
        lr: float32 LR crops `[n, h, w, C]` in [-1, 1].
        hr: their HR crops `[n, h * scale, w * scale, C]`.
        every: write after epochs `every, 2 * every, ...`.

    Example:

    ```python
    lr, hr = next(iter(kgan.datasets.load_super_resolution(
        scale=4, hr_size=64, batch_size=4, split="held_out")))
    gan.fit(data, epochs=4, callbacks=[ComparisonSamples("runs/sr/samples", lr, hr)])
    ```
    """

    def __init__(self, out_dir, lr, hr, every=1):
        self.lr = np.asarray(lr, dtype="float32")
        self.hr = np.asarray(hr, dtype="float32")
        super().__init__(out_dir, num_samples=len(self.lr), seed=0, every=every)

    def fixed_noise(self):
        return self.lr

    def write(self, lr, path):
        sr = np.clip(self.model.generate(lr), -1.0, 1.0)
        bicubic = np.clip(photos.bicubic_upscale(lr, self.model.scale), -1.0, 1.0)
        images.comparison_grid(list(zip(lr, bicubic, sr, self.hr)), path)

    def on_train_begin(self, logs=None):
        os.makedirs(self.out_dir, exist_ok=True)
