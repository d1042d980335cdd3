"""Export a trained generator as a TensorFlow SavedModel for serving.

The SavedModel holds only the generator's weights and two graph functions;
loading it needs TensorFlow alone (kgan need not be installed), so it can be
served by TensorFlow Serving or loaded with `tf.saved_model.load`.

Signatures:

- `serving_default`: input `z`, float32 `[batch, latent_dim]`; output
  `images`, uint8 `[batch, H, W, C]`.
- `generate`: inputs `n` and `seed`, int32 scalars; draws
  `z ~ N(0, 1)` of shape `[n, latent_dim]` with a stateless RNG (the same
  `seed` always gives the same images) and returns the same `images`.

The generator runs in inference mode (`training=False`: batch-norm uses its
moving statistics), and its output in [-1, 1] is mapped to [0, 255] inside
the graph, like `kgan.images.to_uint8`: `round((x + 1) * 127.5)` (round half
to even), clipped to [0, 255]; NaN becomes 0.

A `kgan.ConditionalGAN` is exported with the class as a second input:

- `serving_default`: inputs `z`, float32 `[batch, latent_dim]`, and `label`,
  int32 `[batch]`; output `images`, uint8. A label outside
  `[0, num_classes)`, or a `label` whose length differs from `z`'s, fails
  inside the signature (`InvalidArgumentError` naming `label`).
- `generate`: inputs `label` int32 `[batch]` and `seed` int32; one image per
  label from seeded noise.

Example:

```python
from kgan.export import export_generator

export_generator(gan, "exports/digits")
```
"""

import os
import shutil
import tempfile

import keras
import numpy as np
import tensorflow as tf

from kgan.models.gan import GAN
from kgan.models.conditional import ConditionalGAN

__all__ = ["export_generator", "SERVING_SIGNATURE", "GENERATE_SIGNATURE"]

SERVING_SIGNATURE = "serving_default"
GENERATE_SIGNATURE = "generate"


def export_generator(gan, path, overwrite=False, *, latent_dim=None):
    """Writes the generator as a SavedModel that serves uint8 images.

    The export is written into a temporary directory next to `path` and then
    renamed into place, so `path` never holds a half-written export. With
    `overwrite=True` an existing export at `path` is moved aside only once the
    new one is complete, and deleted after the new one took its place (a
    reader may find `path` missing for that instant, never partly written).

    Args:
        gan: a `kgan.GAN` (its `sampling_generator`, the EMA generator when it
            has `ema_decay`, and its `latent_dim` are used), or a
            bare Keras generator model mapping noise `[batch, latent_dim]` to
            images `[batch, H, W, C]` in [-1, 1]. A `kgan.ConditionalGAN`
            gets signatures that also take `label` (see the module docstring).
        path: directory to create (`str` or path-like, local file system).
            Its parent directories are created if needed.
        overwrite: replace an existing export at `path`. Only a directory
            holding a SavedModel (`saved_model.pb`) or an empty directory is
            ever replaced; anything else raises `FileExistsError`.
        latent_dim: size of the noise vector, for a bare generator whose
            input shape does not tell it (e.g. a subclassed model). Inferred
            when `None`; for a `kgan.GAN` it must match `gan.latent_dim`.

    Returns:
        The absolute path of the export, as a `str`.

    Raises:
        ValueError: a bad argument (the message names it), including a
            generator whose latent size cannot be inferred or whose output is
            not a batch of images `[batch, H, W, C]`.
        FileExistsError: `path` exists and `overwrite` is False, or it exists
            and is not an export that may be replaced. Nothing is changed.

    Example:

    ```python
    from kgan.export import export_generator

    path = export_generator(gan, "exports/digits")

    # Anywhere with TensorFlow (no kgan needed):
    import tensorflow as tf
    model = tf.saved_model.load("exports/digits")
    serve = model.signatures["serving_default"]
    images = serve(z=tf.random.normal([16, 32]))["images"]  # uint8 [16, H, W, C]
    images = model.signatures["generate"](n=tf.constant(16), seed=tf.constant(0))["images"]
    ```

    From the shell (here latent_dim is 32). `saved_model_cli run` reads
    `--input_exprs` with `ast.literal_eval`, so `np.` expressions are refused:
    pass a literal list, or a `.npy` file with `--inputs`:

    ```
    saved_model_cli show --dir exports/digits --tag_set serve --signature_def serving_default
    python -c "import numpy as np; np.save('z.npy', np.random.randn(4, 32))"
    saved_model_cli run --dir exports/digits --tag_set serve \\
        --signature_def serving_default --inputs 'z=z.npy' --outdir samples
    # -> samples/images.npy, uint8 [4, H, W, C]
    ```
    """
    if getattr(gan, "vocabulary", None) is not None:  # a kgan.TextGAN: z -> strings
        from kgan.export_text import export_text_generator

        return export_text_generator(gan, path, overwrite=overwrite)
    generator, latent_dim = _resolve_generator(gan, latent_dim)
    target = _check_path(path)
    if isinstance(overwrite, (bool, np.bool_)):
        overwrite = bool(overwrite)
    else:
        raise ValueError(f"`overwrite` must be True or False; got {overwrite!r}.")
    conditional = isinstance(gan, ConditionalGAN)
    if not conditional:
        _check_output(generator, latent_dim)
    _check_target(target, overwrite)

    if conditional:
        archive = _build_conditional_archive(generator, latent_dim, gan.num_classes)
    else:
        archive = build_archive(generator, latent_dim,
                                lambda images: {"images": _to_uint8(images)})

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


# ---------------------------------------------------------------- arguments


def _resolve_generator(gan, latent_dim):
    """Returns `(generator, latent_dim)` for a GAN or a bare generator."""
    if latent_dim is not None:
        if (isinstance(latent_dim, bool) or not isinstance(latent_dim, (int, np.integer))
                or latent_dim < 1):
            raise ValueError(f"`latent_dim` must be a positive integer; got {latent_dim!r}.")
        latent_dim = int(latent_dim)
    if isinstance(gan, GAN):
        if latent_dim is not None and latent_dim != gan.latent_dim:
            raise ValueError(
                f"`latent_dim`={latent_dim} differs from the GAN's latent_dim={gan.latent_dim}; "
                "leave it out when exporting a kgan.GAN."
            )
        return gan.sampling_generator, int(gan.latent_dim)
    if not isinstance(gan, keras.layers.Layer):
        raise ValueError(
            "`gan` must be a kgan.GAN or a Keras generator model; "
            f"got {type(gan).__name__}."
        )
    if latent_dim is None:
        latent_dim = _infer_latent_dim(gan)
    return gan, latent_dim


def _infer_latent_dim(generator):
    try:
        inputs = generator.inputs
        shape = tuple(inputs[0].shape) if inputs and len(inputs) == 1 else None
    except (AttributeError, IndexError, TypeError, ValueError):
        shape = None
    if shape is None or len(shape) != 2 or shape[1] is None:
        raise ValueError(
            "`gan`: the latent size could not be inferred from the generator "
            f"{getattr(generator, 'name', '')!r}: it needs a single input of shape "
            f"(batch, latent_dim) (got {shape if shape is not None else 'no known input'}). "
            "Pass `latent_dim=` explicitly."
        )
    return int(shape[1])


def _check_output(generator, latent_dim):
    """Runs the generator once; returns its image shape `(H, W, C)`."""
    try:
        images = generator(tf.zeros((1, latent_dim)), training=False)
    except Exception as error:  # a shape mismatch surfaces as many error types
        raise ValueError(
            f"`gan`: calling the generator on noise of shape (batch, {latent_dim}) failed: {error}"
        ) from None
    shape = getattr(images, "shape", None)
    dtype = getattr(images, "dtype", None)
    if (shape is None or len(shape) != 4 or any(d is None for d in shape[1:])
            or not tf.as_dtype(dtype).is_floating):
        raise ValueError(
            "`gan`: the generator must return float images of shape (batch, H, W, C); "
            f"got {type(images).__name__} of shape {shape} and dtype {dtype}."
        )
    return tuple(int(d) for d in shape[1:])


def _check_path(path):
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


def _check_target(target, overwrite):
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


# ---------------------------------------------------------------- the graph


def _to_uint8(images):
    """[-1, 1] floats -> uint8 [0, 255], like `kgan.images.to_uint8`."""
    images = tf.cast(images, tf.float32)
    scaled = tf.round((images + 1.0) * 127.5)  # tf.round rounds half to even, like np.rint
    scaled = tf.where(tf.math.is_nan(scaled), tf.zeros_like(scaled), scaled)
    return tf.cast(tf.clip_by_value(scaled, 0.0, 255.0), tf.uint8)


def build_archive(generator, latent_dim, outputs):
    """An `ExportArchive` tracking `generator`, with both signatures traced.

    `outputs` maps the generator's output to the signature's output dict,
    e.g. `{"images": uint8 images}`.
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


def _build_conditional_archive(generator, latent_dim, num_classes):
    """Like `build_archive`, for a generator taking `[z, one-hot label]`."""
    archive = keras.export.ExportArchive()
    archive.track(generator)

    def serve(z, label):
        checks = [
            tf.debugging.assert_equal(
                tf.shape(label)[0], tf.shape(z)[0],
                message="`label` must hold one class per row of `z`"),
            tf.debugging.assert_non_negative(
                label, message=f"`label` must be in [0, {num_classes})"),
            tf.debugging.assert_less(
                label, tf.constant(num_classes, tf.int32),
                message=f"`label` must be in [0, {num_classes})"),
        ]
        # The checks must fail before the generator meets a bad input.
        with tf.control_dependencies(checks):
            z, label = tf.identity(z), tf.identity(label)
        one_hot = tf.one_hot(label, num_classes, dtype=tf.float32)
        return {"images": _to_uint8(generator([z, one_hot], training=False))}

    def generate(label, seed):
        z = tf.random.stateless_normal(
            tf.stack([tf.shape(label)[0], latent_dim]), seed=tf.stack([seed, 0]),
            dtype=tf.float32,
        )
        return serve(z, label)

    archive.add_endpoint(
        SERVING_SIGNATURE, serve,
        input_signature=[tf.TensorSpec([None, latent_dim], tf.float32, name="z"),
                         tf.TensorSpec([None], tf.int32, name="label")],
    )
    archive.add_endpoint(
        GENERATE_SIGNATURE, generate,
        input_signature=[tf.TensorSpec([None], tf.int32, name="label"),
                         tf.TensorSpec([], tf.int32, name="seed")],
    )
    return archive


# ---------------------------------------------------------------- the files


def _move_into_place(staged, target, overwrite, holder):
    """Renames the finished export `staged` to `target` (same file system)."""
    if not os.path.lexists(target):
        os.rename(staged, target)
        return
    # `target` appeared or existed: check again now, right before replacing it.
    _check_target(target, overwrite)
    old = os.path.join(holder, "old")
    os.rename(target, old)
    try:
        os.rename(staged, target)
    except BaseException:
        os.rename(old, target)  # put the previous export back
        raise
    # `old` is deleted with the holder.
