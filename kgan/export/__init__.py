"""The export core: SavedModel archives written atomically, with kgan's signatures.

Each task builds its own `keras.export.ExportArchive` (its signatures, its
inputs and outputs); this package writes it and provides the parts every
task shares:

- `noise_serving`: the computation of a generator of noise's
  `serving_default` (`z` -> outputs), as `(function, input_signature)`,
  the form `Task.serving` returns; `noise_archive`: an archive with it and
  `generate` (`n`, `seed` -> outputs from seeded noise).
- `write_archive`: writes an archive into a temporary directory next to
  the target and renames it into place, so the target never holds a
  half-written export; with `overwrite=True` an existing export is moved
  aside only once the new one is complete. `write_staged` is that
  staging for any writer (`kgan.export.formats` writes ONNX and LiteRT
  with it).
- `check_path`, `check_overwrite`: the argument checks.

`kgan.export_generator(model, path, format=...)` picks the task of `model`
and calls its export (`kgan.export.formats` for ONNX and LiteRT).

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
    "noise_serving",
    "write_archive",
    "write_staged",
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
            f"`path` {target!r} exists and is not a SavedModel directory (no saved_model.pb), "
            f"an ONNX or LiteRT export (no {EXPORT_MARKER}) or an empty directory; refusing to "
            "replace it even with overwrite=True."
        )


# What an ONNX or LiteRT export directory holds beside its model file.
EXPORT_MARKER = "signature.json"


def _is_replaceable(target):
    if os.path.islink(target) or not os.path.isdir(target):
        return False
    entries = os.listdir(target)
    return not entries or "saved_model.pb" in entries or EXPORT_MARKER in entries


def noise_serving(generator, latent_dim, outputs):
    """`(serve, input_signature)`: `z`, float32 `[batch, latent_dim]` -> `outputs(generator(z))`.

    Args:
        generator: a Keras model of noise, run with `training=False`.
        latent_dim: the noise size.
        outputs: maps the generator's output to the output dict, e.g.
            `lambda x: {"points": x}`.
    """
    def serve(z):
        return outputs(generator(z, training=False))

    # The Python parameter names become the signature's input names.
    return serve, [tf.TensorSpec([None, latent_dim], tf.float32, name="z")]


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
    serve, signature = noise_serving(generator, latent_dim, outputs)

    def generate(n, seed):
        z = tf.random.stateless_normal(
            tf.stack([n, latent_dim]), seed=tf.stack([seed, 0]), dtype=tf.float32
        )
        return serve(z)

    archive.add_endpoint(SERVING_SIGNATURE, serve, input_signature=signature)
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
            holding a SavedModel (`saved_model.pb`), an ONNX or LiteRT export
            (`signature.json`) or nothing is ever replaced; anything else
            raises `FileExistsError`.

    Raises:
        ValueError: a bad `path` or `overwrite`.
        FileExistsError: `path` exists and may not be replaced. Nothing is
            changed.
    """
    def write(staged):
        archive.write_out(staged, verbose=False)
        if not os.path.isfile(os.path.join(staged, "saved_model.pb")):
            raise RuntimeError(f"the SavedModel was not written to {staged!r}.")

    return write_staged(path, write, overwrite=overwrite)


def write_staged(path, write, overwrite=False):
    """Runs `write(staged)` to create the directory `staged` beside `path`, then renames it
    to `path`; returns the absolute path. Arguments and replacing as in `write_archive`.

    Example:

    ```python
    export.write_staged("exports/onnx", lambda staged: write_my_files(staged))
    ```
    """
    target = check_path(path)
    overwrite = check_overwrite(overwrite)
    check_target(target, overwrite)
    parent, name = os.path.split(target)
    os.makedirs(parent, exist_ok=True)
    # The holder is private (mode 0700) and only ever temporary; the export
    # inside it is created with the usual permissions.
    holder = tempfile.mkdtemp(prefix=f".{name}.export-", dir=parent)
    try:
        staged = os.path.join(holder, "new")
        write(staged)
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
