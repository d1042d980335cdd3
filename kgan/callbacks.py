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

__all__ = [
    "BackupAndResume",
    "ClassGrid",
    "ClassInterpolationGif",
    "NaNGuard",
    "SampleGrid",
    "TextSamples",
    "TrainingGif",
]


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
    training begins (when the model's ``latent_dim`` is known), kept in the
    attribute ``z`` and saved to ``out_dir/epoch_latent.npy``; later calls to
    ``fit``, and a new callback on the same `out_dir` (a resumed run), reuse
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

    @property
    def latent_path(self):
        """Where the fixed latent batch is kept: `out_dir/epoch_latent.npy` for
        the default `filename` (the part of `filename` before `{` + `latent.npy`)."""
        return os.path.join(self.out_dir, self.filename.split("{", 1)[0] + "latent.npy")

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
        if self.z is None and os.path.isfile(self.latent_path):
            # A resumed run keeps drawing the same samples.
            self.z = np.load(self.latent_path)
            if len(self.z) != self.num_samples:
                raise ValueError(
                    f"{self.latent_path} holds {len(self.z)} latent vectors but this grid "
                    f"needs {self.num_samples}; give each grid its own `out_dir`."
                )
        if self.z is None:
            rng = np.random.default_rng(self.seed)
            self.z = rng.standard_normal(
                (self.num_samples, latent_dim)
            ).astype("float32")
            os.makedirs(self.out_dir, exist_ok=True)
            tmp = self.latent_path + ".tmp.npy"
            np.save(tmp, self.z)
            os.replace(tmp, self.latent_path)
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
        self.duration = _images._check_duration(duration)
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


class BackupAndResume(keras.callbacks.Callback):
    """Backs up the training state every epoch and resumes from it.

    After each epoch the model's weights, both optimizers' slots and the
    training noise state are written to `backup_dir` (atomically: a killed
    process leaves the previous backup intact). When training begins and a
    backup exists, it is restored and `fit` continues from the epoch after
    it, so a crashed run started again with the same `fit(epochs=...)`
    ends where an uninterrupted run would. Non-finite weights are never
    backed up.

    Args:
        backup_dir: directory for `backup.json` and one weights file.

    Attributes:
        resumed_epoch: the epoch restored at the start of training, or None.

    Example:

    ```python
    backup = kgan.callbacks.BackupAndResume("runs/long/backup")
    gan.fit(dataset, epochs=100, callbacks=[backup])  # rerun the same line after a crash
    ```
    """

    def __init__(self, backup_dir):
        super().__init__()
        self.backup_dir = os.fspath(backup_dir)
        self.resumed_epoch = None
        self._batches = 0

    def on_train_begin(self, logs=None):
        from kgan import saving

        self.resumed_epoch = saving.load_training_state(self.model, self.backup_dir)
        if self.resumed_epoch is not None:
            self.model._initial_epoch = self.resumed_epoch

    def on_epoch_begin(self, epoch, logs=None):
        self._batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self._batches += 1

    def on_epoch_end(self, epoch, logs=None):
        from kgan import saving

        steps = (self.params or {}).get("steps")
        if steps and self._batches < steps:
            return  # stopped mid-epoch (e.g. by NaNGuard): the epoch is not done
        if not saving.all_finite(self.model.variables):
            print(f"BackupAndResume: epoch {epoch + 1} has non-finite weights; "
                  "keeping the previous backup.")
            return
        saving.save_training_state(self.model, self.backup_dir, epoch + 1)

    def on_train_end(self, logs=None):
        # The resume point applies to this fit only.
        self.model._initial_epoch = None


def _optimizers(model):
    found = []
    for name in ("g_optimizer", "d_optimizer", "optimizer"):
        optimizer = getattr(model, name, None)
        if optimizer is not None and optimizer not in found:
            found.append(optimizer)
    return found


class NaNGuard(keras.callbacks.Callback):
    """Stops a diverging run and puts back the last good weights.

    After every batch the logged losses are checked, and after every epoch
    the weights. On a non-finite value the weights and optimizer slots of
    the last good epoch end are restored; then either training stops with
    a message, or, with `lr_factor`, both learning rates are multiplied by
    it and training goes on (at most `max_retries` times).

    Args:
        lr_factor: None to stop, or a factor in (0, 1) for the learning
            rates before continuing.
        max_retries: how many times to lower the learning rates before
            stopping anyway.

    Attributes:
        message: why training stopped, or None.
        retries: how many times the learning rates were lowered.

    Example:

    ```python
    guard = kgan.callbacks.NaNGuard(lr_factor=0.5)
    gan.fit(dataset, epochs=50, callbacks=[guard])
    if guard.message:
        print(guard.message)
    ```
    """

    def __init__(self, lr_factor=None, max_retries=3):
        super().__init__()
        if lr_factor is not None and not (
            isinstance(lr_factor, numbers.Real) and 0 < lr_factor < 1
        ):
            raise ValueError(f"`lr_factor` must be None or in (0, 1), got {lr_factor!r}.")
        self.lr_factor = lr_factor
        self.max_retries = _check_int("max_retries", max_retries, 0)
        self.message = None
        self.retries = 0
        self._good = None

    def _state(self):
        variables = list(self.model.variables)
        for optimizer in _optimizers(self.model):
            variables.extend(optimizer.variables)
        return variables

    def _snapshot(self):
        self._good = [keras.ops.convert_to_numpy(v).copy() for v in self._state()]

    def on_train_begin(self, logs=None):
        self.message = None
        self._snapshot()

    def on_train_batch_end(self, batch, logs=None):
        bad = [k for k, v in (logs or {}).items()
               if isinstance(v, numbers.Real) and not math.isfinite(v)]
        if not bad:
            bad = [k for k, v in (logs or {}).items()
                   if not isinstance(v, numbers.Real)
                   and not np.all(np.isfinite(keras.ops.convert_to_numpy(v)))]
        if bad:
            self._diverged(f"{', '.join(sorted(bad))} became non-finite at batch {batch + 1}")

    def on_epoch_end(self, epoch, logs=None):
        from kgan import saving

        if self.model.stop_training:
            return
        if saving.all_finite(self.model.variables):
            self._snapshot()
        else:
            self._diverged(f"the weights became non-finite in epoch {epoch + 1}")

    def _diverged(self, what):
        for variable, value in zip(self._state(), self._good):
            variable.assign(value)
        self.model.reset_metrics()
        if self.lr_factor is not None and self.retries < self.max_retries:
            self.retries += 1
            for optimizer in _optimizers(self.model):
                optimizer.learning_rate.assign(optimizer.learning_rate * self.lr_factor)
            print(f"NaNGuard: {what}; restored the last good weights and multiplied the "
                  f"learning rates by {self.lr_factor} (retry {self.retries}/{self.max_retries}).")
            return
        self.message = (
            f"Training diverged: {what}. The weights of the last good epoch end were "
            "restored; lower the learning rate (or use NaNGuard(lr_factor=...)) and resume."
        )
        print(f"NaNGuard: {self.message}")
        self.model.stop_training = True


# ---------------------------------------------------------------------------
# Class-conditional models (kgan.ConditionalGAN): the model also exposes
# ``num_classes`` and ``generate(labels, z=...)``.


def _num_classes(model, name):
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
    (one style) across the classes. The noise, ``samples_per_class`` vectors
    drawn once from `seed`, is the same every epoch, so successive grids are
    comparable. Tiles are laid out by :func:`kgan.class_images.class_grid_inputs`.

    Args:
        out_dir: Directory for the PNG files; created if needed.
        classes: Labels of the rows, e.g. ``[0, 1, 2]``; ``None`` shows every
            class of the model.
        samples_per_class: Columns of the grid (>= 1).
        seed, every, scale, padding, pad_value, filename: as for
            :class:`SampleGrid`.

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
            classes = [_check_int("classes", c, 0) for c in classes]
            if not classes:
                raise ValueError("`classes` must name at least one class, or be None.")
        self.classes = classes

    def rows(self):
        """The labels of the grid's rows."""
        num_classes = _num_classes(self.model, "ClassGrid")
        if self.classes is None:
            return list(range(num_classes))
        if max(self.classes) >= num_classes:
            raise ValueError(
                f"`classes` must be in [0, {num_classes}); got {self.classes}."
            )
        return self.classes

    def on_train_begin(self, logs=None):
        self.rows()
        super().on_train_begin(logs)

    def save_grid(self, epoch):
        """Generates the grid for `epoch` (1-based) and writes it; returns the path."""
        from kgan.class_images import class_grid_inputs

        labels, z = class_grid_inputs(self.rows(), self._ensure_z())
        samples = np.asarray(self.model.generate(labels, z=z))
        path = os.path.join(self.out_dir, self.filename.format(epoch=epoch))
        path = _images.save_image_grid(
            samples, path, cols=self.samples_per_class, scale=self.scale,
            padding=self.padding, pad_value=self.pad_value,
        )
        self.paths.append(path)
        return path


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
        self.samples_per_pair = _check_int("samples_per_pair", samples_per_pair, 1)
        self.steps = _check_int("steps", steps, 2)
        self.seed = seed
        self.scale = _check_int("scale", scale, 1)
        if isinstance(duration, bool) or not isinstance(duration, numbers.Real) or duration <= 0:
            raise ValueError(f"`duration` must be a number > 0, got {duration!r}.")
        self.duration = float(duration)
        self.filename = _check_basename("filename", filename)
        self.path = None

    def write(self):
        """Generates the frames from the current model and writes the GIF; returns its path."""
        from kgan.class_images import interpolation_weights, write_grid_gif

        num_classes = _num_classes(self.model, "ClassInterpolationGif")
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


from kgan.evaluation_callback import Evaluate  # noqa: E402  (re-exported)

__all__ += ["Evaluate"]
