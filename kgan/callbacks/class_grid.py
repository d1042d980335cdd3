"""`ClassGrid`: one row per class, one fixed noise vector per column."""

import numbers

import numpy as np

from kgan.callbacks.sample_grid import SampleGrid
from kgan.class_images import class_grid_inputs
from kgan.validation import check_int

__all__ = ["ClassGrid", "num_classes_of"]


def num_classes_of(model, name):
    """The class count of a class-conditional model, or a `ValueError` naming `name`."""
    num_classes = getattr(model, "num_classes", None)
    if isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral):
        raise ValueError(
            f"{name} needs a class-conditional model with `num_classes` (a "
            f"kgan.ConditionalGAN); got {type(model).__name__}."
        )
    return int(num_classes)


class ClassGrid(SampleGrid):
    """Saves a class-conditional sample grid: one row per class, fixed noise per column.

    A row shows one class in many styles; a column shows one noise vector
    (one style) across the classes. The noise, `samples_per_class` vectors
    drawn once from `seed`, is the same every epoch, so successive grids are
    comparable. Tiles are laid out by `kgan.class_images.class_grid_inputs`.
    The model must have `num_classes`, `latent_dim` and
    `generate(labels, z=...)`, as `kgan.ConditionalGAN` does.

    Args:
        out_dir: Directory for the PNG files; created if needed.
        classes: Labels of the rows, e.g. `[0, 1, 2]`; `None` shows every
            class of the model.
        samples_per_class: Columns of the grid (>= 1).
        seed: as for `SampleGrid`.
        every: as for `SampleGrid`.
        scale: as for `SampleGrid`.
        padding: as for `SampleGrid`.
        pad_value: as for `SampleGrid`.
        filename: as for `SampleGrid`.

    Example:

    ```python
    grids = ClassGrid("runs/glyphs/samples", classes=[0, 1, 26, 27], samples_per_class=8)
    gan.fit(kgan.datasets.load("glyphs", labels=True), epochs=50, callbacks=[grids])
    ```
    """

    def __init__(self, out_dir, classes=None, samples_per_class=8, seed=0, every=1, scale=1,
                 padding=1, pad_value=128, filename="epoch_{epoch:04d}.png"):
        super().__init__(out_dir, num_samples=samples_per_class, cols=samples_per_class,
                         seed=seed, every=every, scale=scale, padding=padding,
                         pad_value=pad_value, filename=filename)
        self.samples_per_class = self.num_samples
        if classes is not None:
            classes = [check_int(c, "classes", minimum=0) for c in classes]
            if not classes:
                raise ValueError("`classes` must name at least one class, or be None.")
        self.classes = classes

    def rows(self):
        """The labels of the grid's rows."""
        num_classes = num_classes_of(self.model, "ClassGrid")
        if self.classes is None:
            return list(range(num_classes))
        if max(self.classes) >= num_classes:
            raise ValueError(f"`classes` must be in [0, {num_classes}); got {self.classes}.")
        return self.classes

    def on_train_begin(self, logs=None):
        self.rows()
        super().on_train_begin(logs)

    def write(self, z, path):
        labels, z_grid = class_grid_inputs(self.rows(), z)
        self.save_image(np.asarray(self.model.generate(labels, z=z_grid)), path)
