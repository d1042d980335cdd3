"""The export core: SavedModel archives written atomically, with kgan's signatures.

Each task builds its own `keras.export.ExportArchive` (its signatures, its
inputs and outputs); this package writes it and provides the parts every
task shares:

- `noise_archive`: the two signatures of a generator of noise, with any
  output mapping (`serving_default`: `z` -> outputs; `generate`: `n`,
  `seed` -> outputs from seeded noise).
- `write_archive`: writes an archive into a temporary directory next to
  the target and renames it into place, so the target never holds a
  half-written export; with `overwrite=True` an existing export is moved
  aside only once the new one is complete.
- `check_path`, `check_overwrite`: the argument checks.

`kgan.export_generator(model, path)` picks the task of `model` and calls
its export.

Example:

```python
from kgan import export

archive = export.noise_archive(generator, latent_dim=32,
                               outputs=lambda x: {"points": x})
export.write_archive(archive, "exports/points")
```
"""

import os
import shutil
import tempfile

import keras
import tensorflow as tf

from kgan.validation import check_bool

__all__ = [
    "GENERATE_SIGNATURE",
    "SERVING_SIGNATURE",
    "check_overwrite",
    "check_path",
    "noise_archive",
    "write_archive",
]

SERVING_SIGNATURE = "serving_default"
GENERATE_SIGNATURE = "generate"


def check_path(path):
    """The absolute local directory that `path` names, or a `ValueError` naming `path`."""
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"`path` must be a str or path-like; got {type(path).__name__}.")
    path = os.fspath(path)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not path.strip():
        raise ValueError("`path` must not be empty.")
    if "://" in path:
        raise ValueError(f"`path` must be a local directory; got {path!r}.")
    target = os.path.abspath(path)
    if os.path.dirname(target) == target:
        raise ValueError(f"`path` cannot be a file-system root; got {path!r}.")
    return target


def check_overwrite(overwrite):
    """`overwrite` as a bool, or a `ValueError` naming it."""
    return check_bool(overwrite, "overwrite")


def check_target(target, overwrite):
    """Raises `FileExistsError` unless `target` may be (re)written."""
    if not os.path.lexists(target):
        return
    if not overwrite:
        raise FileExistsError(
            f"`path` {target!r} already exists; pass overwrite=True to replace it."
        )
    if not _is_replaceable(target):
        raise FileExistsError(
            f"`path` {target!r} exists and is not a SavedModel directory (no saved_model.pb) "
            "or an empty directory; refusing to replace it even with overwrite=True."
        )


def _is_replaceable(target):
    if os.path.islink(target) or not os.path.isdir(target):
        return False
    entries = os.listdir(target)
    return not entries or "saved_model.pb" in entries


def noise_archive(generator, latent_dim, outputs):
    """An `ExportArchive` tracking `generator`, with both noise signatures traced.

    Args:
        generator: a Keras model of noise `[batch, latent_dim]`, run with
            `training=False`.
        latent_dim: the noise size.
        outputs: maps the generator's output to the signature's output dict,
            e.g. `lambda x: {"points": x}`.
    """
    archive = keras.export.ExportArchive()
    archive.track(generator)

    def serve(z):
        return outputs(generator(z, training=False))

    def generate(n, seed):
        z = tf.random.stateless_normal(
            tf.stack([n, latent_dim]), seed=tf.stack([seed, 0]), dtype=tf.float32
        )
        return serve(z)

    # The Python parameter names become the signature's input names.
    archive.add_endpoint(
        SERVING_SIGNATURE, serve,
        input_signature=[tf.TensorSpec([None, latent_dim], tf.float32, name="z")],
    )
    archive.add_endpoint(
        GENERATE_SIGNATURE, generate,
        input_signature=[tf.TensorSpec([], tf.int32, name="n"),
                         tf.TensorSpec([], tf.int32, name="seed")],
    )
    return archive


def write_archive(archive, path, overwrite=False):
    """Writes `archive` as a SavedModel at `path`, atomically; returns the absolute path.

    Args:
        archive: a `keras.export.ExportArchive`.
        path: directory to create (local file system); its parents are
            created if needed.
        overwrite: replace an existing export at `path`. Only a directory
            holding a SavedModel (`saved_model.pb`) or an empty directory is
            ever replaced; anything else raises `FileExistsError`.

    Raises:
        ValueError: a bad `path` or `overwrite`.
        FileExistsError: `path` exists and may not be replaced. Nothing is
            changed.
    """
    target = check_path(path)
    overwrite = check_overwrite(overwrite)
    check_target(target, overwrite)
    parent, name = os.path.split(target)
    os.makedirs(parent, exist_ok=True)
    # The holder is private (mode 0700) and only ever temporary; the export
    # inside it is created by TensorFlow with the usual permissions.
    holder = tempfile.mkdtemp(prefix=f".{name}.export-", dir=parent)
    try:
        staged = os.path.join(holder, "new")
        archive.write_out(staged, verbose=False)
        if not os.path.isfile(os.path.join(staged, "saved_model.pb")):
            raise RuntimeError(f"the SavedModel was not written to {staged!r}.")
        _move_into_place(staged, target, overwrite, holder)
    finally:
        shutil.rmtree(holder, ignore_errors=True)
    return target


def _move_into_place(staged, target, overwrite, holder):
    """Renames the finished export `staged` to `target` (same file system)."""
    if not os.path.lexists(target):
        os.rename(staged, target)
        return
    # `target` appeared or existed: check again now, right before replacing it.
    check_target(target, overwrite)
    old = os.path.join(holder, "old")
    os.rename(target, old)
    try:
        os.rename(staged, target)
    except BaseException:
        os.rename(old, target)  # put the previous export back
        raise
    # `old` is deleted with the holder.
