"""`CycleSamples`: each epoch, fixed held-out images of A as input | A -> B | back to A."""

import numpy as np

from kgan import images
from kgan.tasks.image_to_image.callbacks import TranslationSamples, as_rgb

__all__ = ["CycleSamples"]


class CycleSamples(TranslationSamples):
    """Writes, after each epoch, a PNG of fixed held-out images of domain A: input | its
    translation to B | that translated back to A, one row per image.

    For unpaired data without true targets (a folder of `A/` and `B/`): the
    third column shows how much of the input survives the round trip.
    Files are named like `SampleGrid`'s, so `TrainingGif` takes them.

    Args:
        out_dir: directory for the PNG files.
        source: float32 images of A `[n, H, W, C]` in [-1, 1].
        translate: `translate(model, images, direction)` -> translated
            images, `direction` "a2b" or "b2a".
        every: write after epochs `every, 2 * every, ...`.

    Example:

    ```python
    task = kgan.tasks.get("cyclegan")
    gan.fit(data, epochs=4, callbacks=[CycleSamples("runs/horses/samples", a_images,
                                                    task.translate_batch)])
    ```
    """

    def __init__(self, out_dir, source, translate, every=1):
        super().__init__(out_dir, source, source, translate, every=every)

    def write(self, source, path):
        output = np.clip(self.translate(self.model, source, "a2b"), -1.0, 1.0)
        cycled = np.clip(self.translate(self.model, output, "b2a"), -1.0, 1.0)
        images.comparison_grid(list(zip(*as_rgb(source, output, cycled))), path)
