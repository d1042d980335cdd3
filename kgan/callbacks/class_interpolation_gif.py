"""`ClassInterpolationGif`: frames that move the class input from one class to another."""

import os

import keras
import numpy as np

from kgan.callbacks.class_grid import num_classes_of
from kgan.class_images import interpolation_weights, write_grid_gif
from kgan.validation import check_basename, check_duration, check_int

__all__ = ["ClassInterpolationGif"]


class ClassInterpolationGif(keras.callbacks.Callback):
    """Writes a GIF whose frames move the class input from class `a` to class `b`.

    Each row is one pair ``(a, b)``; each column keeps one noise vector fixed
    (drawn once from `seed`). Frame ``i`` generates from the class weights
    ``(1 - t) * onehot(a) + t * onehot(b)``, ``t = i / (steps - 1)``, so the
    networks' label embedding moves linearly from `a` to `b`. Written when
    training ends (and by :meth:`write`).

    Args:
        out_dir: Directory for the GIF; created if needed.
        pairs: ``(a, b)`` class pairs, one per row; ``None`` uses
            ``(0, 1), (1, 2), ...`` for up to 4 rows.
        samples_per_pair: Columns (noise vectors) per row (>= 1).
        steps: Frames from `a` to `b` (>= 2).
        seed: Seed of the fixed noise (``numpy.random.default_rng``).
        scale: Integer upscaling of each tile.
        duration: Seconds per frame.
        filename: Name of the GIF file.

    Attributes:
        path: The GIF written last, or ``None``.

    Example:

    ```python
    walk = ClassInterpolationGif("runs/digits", pairs=[(1, 7), (3, 8)], steps=24)
    gan.fit(data, epochs=60, callbacks=[walk])  # -> runs/digits/interpolation.gif
    ```
    """

    def __init__(self, out_dir, pairs=None, samples_per_pair=8, steps=16, seed=0, scale=1,
                 duration=0.1, filename="interpolation.gif"):
        super().__init__()
        self.out_dir = os.fspath(out_dir)
        self.pairs = None if pairs is None else [tuple(int(c) for c in p) for p in pairs]
        self.samples_per_pair = check_int(samples_per_pair, "samples_per_pair")
        self.steps = check_int(steps, "steps", minimum=2)
        self.seed = seed
        self.scale = check_int(scale, "scale")
        self.duration = check_duration(duration)
        self.filename = check_basename(filename, "filename")
        self.path = None

    def write(self):
        """Generates the frames from the current model and writes the GIF; returns its path."""
        num_classes = num_classes_of(self.model, "ClassInterpolationGif")
        pairs = self.pairs or [(c, (c + 1) % num_classes) for c in range(min(4, num_classes))]
        weights = interpolation_weights(pairs, num_classes, self.steps)
        z = np.random.default_rng(self.seed).standard_normal(
            (self.samples_per_pair, int(self.model.latent_dim))).astype("float32")
        z_grid = np.tile(z, (len(pairs), 1))
        frames = [
            self.model.generate(np.repeat(frame, self.samples_per_pair, axis=0), z=z_grid)
            for frame in weights
        ]
        self.path = write_grid_gif(
            frames, os.path.join(self.out_dir, self.filename), cols=self.samples_per_pair,
            duration=self.duration, scale=self.scale, pad_value=128,
        )
        return self.path

    def on_train_end(self, logs=None):
        self.write()
