"""Keras callbacks that save sample grids during training and a GIF after.

They are thin wrappers around :mod:`kgan.images`. The model they are
attached to must expose:

* ``latent_dim`` (int): size of the latent vectors, and
* ``generate(z)``: maps a float32 array ``[n, latent_dim]`` to float images
  ``[n, H, W, C]`` in ``[-1, 1]``,

as :class:`kgan.GAN` does.

Example:

```python
out = "runs/mnist"
gan.fit(
    dataset,
    epochs=20,
    callbacks=[
        kgan.callbacks.SampleGrid(out, num_samples=64),
        kgan.callbacks.TrainingGif(out),
    ],
)
# runs/mnist/epoch_0001.png ... epoch_0020.png and runs/mnist/training.gif
```
"""

import glob
import math
import numbers
import os

import keras
import numpy as np

from kgan import images as _images
from kgan import text as _text

__all__ = ["SampleGrid", "TrainingGif", "TextSamples"]


_check_int = _images._check_int


def _check_basename(name, value):
    if (
        not isinstance(value, str)
        or value in ("", ".", "..")
        or os.path.basename(value) != value
        or (os.altsep and os.altsep in value)
    ):
        raise ValueError(
            f"`{name}` must be a plain file name (no directories), "
            f"got {value!r}."
        )
    return value


class SampleGrid(keras.callbacks.Callback):
    """Saves a grid of generated samples from a fixed latent batch.

    A batch of latent vectors is drawn once, from `seed`, the first time
    training begins (when the model's ``latent_dim`` is known) and kept in
    the attribute ``z``; later calls to ``fit`` with the same callback reuse
    it. Generating from the same ``z`` every time makes the grids of
    successive epochs directly comparable. At the end of every `every`-th
    epoch, ``model.generate(z)`` is tiled into a PNG written to
    ``out_dir/filename`` (nothing is written outside `out_dir`).

    Args:
        out_dir: Directory for the PNG files; created if needed.
        num_samples: Number of samples in each grid (>= 1).
        cols: Grid columns. Defaults to ``ceil(sqrt(num_samples))``.
        seed: Seed for ``numpy.random.default_rng`` used to draw ``z``:
            ``default_rng(seed).standard_normal((num_samples, latent_dim))``
            as float32. ``None`` draws a different batch per callback.
        every: Write a grid after epochs ``every, 2 * every, ...``
            (1-based, >= 1).
        scale: Integer nearest-neighbour upscaling of each tile (>= 1), for
            small images.
        padding: Pixels between tiles and around the grid (>= 0).
        pad_value: Gray level (0-255) of the padding; mid-gray keeps tiles
            apart on dark or light backgrounds.
        filename: File name template, formatted with the 1-based
            ``epoch``. Must be a plain file name.

    Attributes:
        z: The fixed latent batch, ``[num_samples, latent_dim]`` float32,
            or ``None`` before training begins. It may be assigned before
            training to use a chosen batch.
        paths: List of the paths written so far, in order.

    Example:

    ```python
    grids = SampleGrid("runs/demo", num_samples=16, every=5, scale=4)
    gan.fit(dataset, epochs=20, callbacks=[grids])
    grids.paths  # ['runs/demo/epoch_0005.png', ..., 'runs/demo/epoch_0020.png']
    ```
    """

    def __init__(
        self,
        out_dir,
        num_samples=64,
        cols=None,
        seed=0,
        every=1,
        scale=1,
        padding=1,
        pad_value=128,
        filename="epoch_{epoch:04d}.png",
    ):
        super().__init__()
        self.out_dir = os.fspath(out_dir)
        self.num_samples = _check_int("num_samples", num_samples, 1)
        self.cols = None if cols is None else _check_int("cols", cols, 1)
        if seed is not None and (
            isinstance(seed, bool) or not isinstance(seed, numbers.Integral)
        ):
            raise ValueError(f"`seed` must be an integer or None, got {seed!r}.")
        self.seed = seed
        self.every = _check_int("every", every, 1)
        self.scale = _check_int("scale", scale, 1)
        self.padding = _check_int("padding", padding, 0)
        self.pad_value = pad_value
        if not isinstance(filename, str):
            raise ValueError(f"`filename` must be a string, got {filename!r}.")
        try:
            example = filename.format(epoch=1)
        except (KeyError, IndexError, ValueError) as e:
            raise ValueError(
                f"`filename` must be a template formatted with `epoch` only, "
                f"got {filename!r} ({e!r})."
            ) from None
        _check_basename("filename", example)
        if filename.format(epoch=2) == example:
            raise ValueError(
                "`filename` must contain `{epoch}` so that each epoch gets "
                f"its own file, got {filename!r}."
            )
        self.filename = filename
        self.z = None
        self.paths = []

    def _latent_dim(self):
        model = self.model
        if model is None:
            raise ValueError(
                "SampleGrid has no model; pass it to `fit` or call "
                "`set_model` first."
            )
        latent_dim = getattr(model, "latent_dim", None)
        if (
            isinstance(latent_dim, bool)
            or not isinstance(latent_dim, numbers.Integral)
            or latent_dim < 1
        ):
            raise ValueError(
                "SampleGrid needs a model with an integer `latent_dim` >= 1, "
                f"got {latent_dim!r} from {type(model).__name__}."
            )
        return int(latent_dim)

    def _ensure_z(self):
        latent_dim = self._latent_dim()
        if self.z is None:
            rng = np.random.default_rng(self.seed)
            self.z = rng.standard_normal(
                (self.num_samples, latent_dim)
            ).astype("float32")
        else:
            self.z = np.asarray(self.z, dtype="float32")
            if self.z.ndim != 2 or self.z.shape[1] != latent_dim:
                raise ValueError(
                    f"SampleGrid.z has shape {self.z.shape} but the model's "
                    f"latent_dim is {latent_dim}."
                )
        return self.z

    def on_train_begin(self, logs=None):
        self._ensure_z()
        os.makedirs(self.out_dir, exist_ok=True)

    def on_epoch_end(self, epoch, logs=None):
        epoch = int(epoch) + 1  # Keras counts epochs from 0.
        if epoch % self.every:
            return
        self.save_grid(epoch)

    def save_grid(self, epoch):
        """Generates from ``z`` and writes the grid for `epoch` (1-based).

        Returns:
            The path written.
        """
        z = self._ensure_z()
        samples = np.asarray(self.model.generate(z))
        path = os.path.join(self.out_dir, self.filename.format(epoch=epoch))
        path = _images.save_image_grid(
            samples, path, cols=self.cols, scale=self.scale, padding=self.padding,
            pad_value=self.pad_value,
        )
        self.paths.append(path)
        return path


class TrainingGif(keras.callbacks.Callback):
    """Assembles the saved sample grids into an animated GIF.

    When training ends, every file in `frames_dir` matching `pattern` is
    taken in sorted (lexicographic) file-name order and written with
    :func:`kgan.images.write_gif` to ``out_dir/filename``; every grid is
    one frame, even when consecutive grids are identical. Grids from
    earlier ``fit`` calls in the same directory are included, so a resumed
    run gives one continuous animation. If no file matches, nothing is
    written and no error is raised.

    Use it with :class:`SampleGrid` writing to the same directory (its
    zero-padded default file names sort in epoch order).

    Args:
        out_dir: Directory for the GIF; created if needed.
        frames_dir: Directory holding the frames. Defaults to `out_dir`.
        filename: Name of the GIF file (a plain file name).
        duration: Seconds each frame is shown (> 0).
        pattern: Glob pattern (a plain file name pattern) selecting the
            frames in `frames_dir`.

    Attributes:
        path: Path of the GIF written by the last ``on_train_end``, or
            ``None`` if none was written.

    Example:

    ```python
    gan.fit(
        dataset,
        epochs=30,
        callbacks=[SampleGrid("runs/demo"), TrainingGif("runs/demo")],
    )
    # -> runs/demo/training.gif with 30 frames
    ```
    """

    def __init__(
        self,
        out_dir,
        frames_dir=None,
        filename="training.gif",
        duration=0.25,
        pattern="epoch_*.png",
    ):
        super().__init__()
        self.out_dir = os.fspath(out_dir)
        self.frames_dir = self.out_dir if frames_dir is None else os.fspath(frames_dir)
        self.filename = _check_basename("filename", filename)
        if (
            isinstance(duration, bool)
            or not isinstance(duration, numbers.Real)
            or not math.isfinite(duration)
            or duration <= 0
        ):
            raise ValueError(f"`duration` must be a number > 0, got {duration!r}.")
        self.duration = float(duration)
        self.pattern = _check_basename("pattern", pattern)
        self.path = None

    def frame_paths(self):
        """Returns the frame files currently matching, in sorted order."""
        found = glob.glob(
            os.path.join(glob.escape(self.frames_dir), self.pattern)
        )
        return sorted(p for p in found if os.path.isfile(p))

    def on_train_end(self, logs=None):
        frames = self.frame_paths()
        if not frames:
            self.path = None
            return
        self.path = _images.write_gif(
            frames,
            os.path.join(self.out_dir, self.filename),
            duration=self.duration,
        )


class TextSamples(SampleGrid):
    """Writes generated text from a fixed latent batch, one sample per line.

    The text counterpart of :class:`SampleGrid` (same fixed ``z``, drawn once
    from `seed`): after every `every`-th epoch, ``model.generate_text(z)``
    is written to ``out_dir/filename`` (UTF-8, one sample per line; an
    empty sample is an empty line). The model must have ``latent_dim`` and
    ``generate_text(z)``, as :class:`kgan.TextGAN`.

    Args:
        out_dir: Directory for the text files; created if needed.
        num_samples: Samples per file (>= 1).
        seed: Seed of ``z`` (see :class:`SampleGrid`).
        every: Write after epochs ``every, 2 * every, ...``.
        filename: File name template formatted with the 1-based ``epoch``.

    Example:

    ```python
    texts = TextSamples("runs/names/samples", num_samples=32)
    gan.fit(data.train.repeat(), steps_per_epoch=100, epochs=10, callbacks=[texts])
    texts.paths[-1]  # 'runs/names/samples/epoch_0010.txt'
    ```
    """

    def __init__(self, out_dir, num_samples=32, seed=0, every=1,
                 filename="epoch_{epoch:04d}.txt"):
        super().__init__(out_dir, num_samples=num_samples, seed=seed, every=every,
                         filename=filename)

    def save_grid(self, epoch):
        """Generates from ``z`` and writes the samples for `epoch`; returns the path."""
        z = self._ensure_z()
        path = os.path.join(self.out_dir, self.filename.format(epoch=epoch))
        _text.write_lines(self.model.generate_text(z), path)
        self.paths.append(path)
        return path

