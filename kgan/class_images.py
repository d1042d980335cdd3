"""Pure helpers for class-conditional sample images: class grids and class interpolation.

Like :mod:`kgan.images`, nothing here depends on Keras: the functions lay out
the labels and noise to generate from, and write generated arrays as grids
and GIFs.

A *class grid* has one row per class and one column per noise vector: a row
shows one class in many styles, a column one style across classes.

Example:

```python
labels, z = class_grid_inputs([0, 1, 2], np.random.default_rng(0).normal(size=(8, 32)))
images = gan.generate(labels, z=z)  # 24 samples: class 0 x 8, class 1 x 8, class 2 x 8
save_image_grid(images, "grid.png", cols=8)
```
"""

import numpy as np

from kgan.images import make_grid, write_gif
from kgan.validation import check_int

__all__ = ["class_grid_inputs", "interpolation_weights", "write_grid_gif"]


def class_grid_inputs(labels, z):
    """Labels and noise for a class grid, in row-major order.

    Args:
        labels: integer labels `[rows]`, one per grid row.
        z: noise `[cols, latent_dim]`, one vector per grid column.

    Returns:
        `(labels [rows * cols] int32, z [rows * cols, latent_dim] float32)`:
        tile `k` has label `labels[k // cols]` and noise `z[k % cols]`.

    Example:

    >>> labels, z = class_grid_inputs([4, 7], np.zeros((3, 2)))
    >>> labels.tolist(), z.shape
    ([4, 4, 4, 7, 7, 7], (6, 2))
    """
    labels = np.asarray(labels)
    z = np.asarray(z, dtype="float32")
    if labels.ndim != 1 or labels.size < 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"`labels` must be integers of shape (rows,); got {labels!r}.")
    if z.ndim != 2 or z.shape[0] < 1:
        raise ValueError(f"`z` must have shape (cols, latent_dim); got shape {z.shape}.")
    cols = z.shape[0]
    return np.repeat(labels.astype("int32"), cols), np.tile(z, (labels.size, 1))


def interpolation_weights(pairs, num_classes, steps):
    """Class weights moving linearly from class `a` to class `b`, per pair.

    Args:
        pairs: sequence of `(a, b)` class pairs, one per grid row.
        num_classes: length of the weight vectors.
        steps: number of frames (>= 2); frame 0 is one-hot `a`, the last
            one-hot `b`.

    Returns:
        float32 `[steps, len(pairs), num_classes]`:
        `(1 - t) * onehot(a) + t * onehot(b)` with `t = i / (steps - 1)`.

    Example:

    >>> interpolation_weights([(0, 1)], 2, 3)[:, 0].tolist()
    [[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]
    """
    num_classes = check_int(num_classes, "num_classes", minimum=2)
    steps = check_int(steps, "steps", minimum=2)
    pairs = np.asarray(pairs)
    if pairs.ndim != 2 or pairs.shape[1] != 2 or pairs.shape[0] < 1 \
            or not np.issubdtype(pairs.dtype, np.integer):
        raise ValueError(f"`pairs` must be a list of (a, b) integer class pairs; got {pairs!r}.")
    if pairs.min() < 0 or pairs.max() >= num_classes:
        raise ValueError(
            f"`pairs` must hold classes in [0, {num_classes}); got {pairs.tolist()}."
        )
    eye = np.eye(num_classes, dtype="float32")
    t = np.linspace(0.0, 1.0, steps, dtype="float32")[:, None, None]
    return (1 - t) * eye[pairs[:, 0]][None] + t * eye[pairs[:, 1]][None]


def write_grid_gif(batches, path, cols, duration=0.1, **make_grid_kwargs):
    """Writes one grid per batch of images as the frames of a GIF.

    Args:
        batches: sequence (or array `[frames, N, H, W, C]`) of image batches
            `[N, H, W, C]` in `drange` (default [-1, 1]) or uint8.
        path: destination GIF (written atomically).
        cols: grid columns.
        duration: seconds per frame.
        **make_grid_kwargs: `padding`, `pad_value`, `drange`, `scale` of
            :func:`kgan.images.make_grid`.

    Returns:
        The path written.

    Example:

    ```python
    write_grid_gif(np.zeros((16, 8, 8, 8, 1)), "walk.gif", cols=8)  # 16 frames
    ```
    """
    frames = [make_grid(batch, cols=cols, **make_grid_kwargs) for batch in batches]
    if not frames:
        raise ValueError("`batches` must hold at least one batch of images.")
    return write_gif(frames, path, duration=duration)
