"""`ComparisonSamples`: each epoch, held-out LR crops beside their upscalings and the HR crops."""

import os

import numpy as np

from kgan import images
from kgan.callbacks import SampleWriter
from kgan.datasets import photos

__all__ = ["ComparisonSamples", "comparison_image"]


def comparison_image(lr, sr, hr, scale):
    """One row per crop: LR nearest-upscaled | bicubic | output | HR, uint8.

    `lr` `[n, h, w, C]`, `sr` and `hr` `[n, h * scale, w * scale, C]`, in
    [-1, 1].
    """
    nearest = np.repeat(np.repeat(lr, scale, axis=1), scale, axis=2)
    bicubic = photos.bicubic_upscale(lr, scale)
    columns = np.stack([nearest, np.clip(bicubic, -1, 1), np.clip(sr, -1, 1), hr], axis=1)
    return images.make_grid(columns.reshape(-1, *hr.shape[1:]), cols=4, padding=2,
                            pad_value=128)


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
        grid = comparison_image(lr, self.model.generate(lr), self.hr, self.model.scale)
        images.save_image_grid(grid, path, padding=0, cols=1)

    def on_train_begin(self, logs=None):
        os.makedirs(self.out_dir, exist_ok=True)
