"""`SampleWriter`: the base of callbacks that write samples from fixed noise."""

import os

import keras
import numpy as np

from kgan.validation import check_basename, check_int, is_int

__all__ = ["SampleWriter"]


class SampleWriter(keras.callbacks.Callback):
    """Writes samples generated from one fixed latent batch after every `every`-th epoch.

    A batch of latent vectors is drawn once, from `seed`, the first time
    training begins (when the model's `latent_dim` is known), kept in the
    attribute `z` and saved to `out_dir/epoch_latent.npy` (the part of
    `filename` before `{`, then `latent.npy`); later calls to `fit`, and a
    new callback on the same `out_dir` (a resumed run), reuse it. Generating
    from the same `z` every time makes successive epochs comparable.

    Subclasses implement `write(z, path)`: generate from `z` with
    `self.model` and write one file at `path`.

    Args:
        out_dir: Directory for the files; created if needed.
        num_samples: Latent vectors in `z` (>= 1).
        seed: Seed of `numpy.random.default_rng` that draws `z`:
            `default_rng(seed).standard_normal((num_samples, latent_dim))`
            as float32. `None` draws a different batch per callback.
        every: Write after epochs `every, 2 * every, ...` (1-based, >= 1).
        filename: File name template, formatted with the 1-based `epoch`.
            Must be a plain file name containing `{epoch...}`.

    Attributes:
        z: The fixed latent batch, `[num_samples, latent_dim]` float32, or
            `None` before training begins. It may be assigned before
            training to use a chosen batch.
        paths: The paths written so far, in order.
    """

    def __init__(self, out_dir, num_samples=64, seed=0, every=1, filename="epoch_{epoch:04d}.png"):
        super().__init__()
        self.out_dir = os.fspath(out_dir)
        self.num_samples = check_int(num_samples, "num_samples")
        if seed is not None and not is_int(seed):
            raise ValueError(f"`seed` must be an integer or None, got {seed!r}.")
        self.seed = seed
        self.every = check_int(every, "every")
        self.filename = self._check_filename(filename)
        self.z = None
        self.paths = []

    @staticmethod
    def _check_filename(filename):
        if not isinstance(filename, str):
            raise ValueError(f"`filename` must be a string, got {filename!r}.")
        try:
            example = filename.format(epoch=1)
        except (KeyError, IndexError, ValueError) as e:
            raise ValueError(
                f"`filename` must be a template formatted with `epoch` only, "
                f"got {filename!r} ({e!r})."
            ) from None
        check_basename(example, "filename")
        if filename.format(epoch=2) == example:
            raise ValueError(
                "`filename` must contain `{epoch}` so that each epoch gets "
                f"its own file, got {filename!r}."
            )
        return filename

    @property
    def latent_path(self):
        """Where the fixed latent batch is kept."""
        return os.path.join(self.out_dir, self.filename.split("{", 1)[0] + "latent.npy")

    def _latent_dim(self):
        if self.model is None:
            raise ValueError(
                f"{type(self).__name__} has no model; pass it to `fit` or call `set_model` first."
            )
        latent_dim = getattr(self.model, "latent_dim", None)
        try:
            return check_int(latent_dim, "latent_dim")
        except ValueError:
            raise ValueError(
                f"{type(self).__name__} needs a model with an integer `latent_dim` >= 1, "
                f"got {latent_dim!r} from {type(self.model).__name__}."
            ) from None

    def fixed_noise(self):
        """The fixed latent batch `z`: drawn (and saved) on first use, else reused."""
        latent_dim = self._latent_dim()
        if self.z is None and os.path.isfile(self.latent_path):
            # A resumed run keeps drawing the same samples.
            self.z = np.load(self.latent_path)
            if len(self.z) != self.num_samples:
                raise ValueError(
                    f"{self.latent_path} holds {len(self.z)} latent vectors but this callback "
                    f"needs {self.num_samples}; give each one its own `out_dir`."
                )
        if self.z is None:
            rng = np.random.default_rng(self.seed)
            self.z = rng.standard_normal((self.num_samples, latent_dim)).astype("float32")
            os.makedirs(self.out_dir, exist_ok=True)
            tmp = self.latent_path + ".tmp.npy"
            np.save(tmp, self.z)
            os.replace(tmp, self.latent_path)
        else:
            self.z = np.asarray(self.z, dtype="float32")
            if self.z.ndim != 2 or self.z.shape[1] != latent_dim:
                raise ValueError(
                    f"{type(self).__name__}.z has shape {self.z.shape} but the model's "
                    f"latent_dim is {latent_dim}."
                )
        return self.z

    def on_train_begin(self, logs=None):
        self.fixed_noise()
        os.makedirs(self.out_dir, exist_ok=True)

    def on_epoch_end(self, epoch, logs=None):
        epoch = int(epoch) + 1  # Keras counts epochs from 0.
        if epoch % self.every == 0:
            self.save(epoch)

    def path_for(self, epoch):
        """The file written for `epoch` (1-based)."""
        return os.path.join(self.out_dir, self.filename.format(epoch=epoch))

    def save(self, epoch):
        """Generates from `z` and writes the file for `epoch` (1-based); returns its path."""
        path = self.path_for(epoch)
        self.write(self.fixed_noise(), path)
        self.paths.append(path)
        return path

    def write(self, z, path):
        """Generates from `z` and writes `path`."""
        raise NotImplementedError(f"{type(self).__name__} must implement `write(z, path)`.")
