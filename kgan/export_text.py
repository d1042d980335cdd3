"""Export a text GAN's generator as a SavedModel that serves strings.

Signatures (loading needs TensorFlow only, not kgan):

- `serving_default`: input `z`, float32 `[batch, latent_dim]`; output
  `text`, `tf.string [batch]` (UTF-8): at each position the argmax token of
  the generator's output, the characters before the first end token joined.
- `generate`: inputs `n` and `seed`, int32 scalars; `z ~ N(0, 1)` from a
  stateless RNG (same seed, same text), then as `serving_default`.

For a Gumbel-softmax generator (`TextGenerator`) the argmax *is* its sample:
`z` holds the sampling noise, so `serving_default` is deterministic in `z`.

Example:

```python
kgan.export_text_generator(gan, "exports/names")

import tensorflow as tf
model = tf.saved_model.load("exports/names")
model.signatures["generate"](n=tf.constant(3), seed=tf.constant(0))["text"]
# <tf.Tensor: shape=(3,), dtype=string, numpy=array([b'MARTEN', ...])>
```
"""

import os
import shutil
import tempfile

import keras
import numpy as np
import tensorflow as tf

from kgan import text as text_lib
from kgan.export import GENERATE_SIGNATURE, SERVING_SIGNATURE
from kgan.export import _check_path, _check_target, _move_into_place, build_archive

__all__ = ["export_text_generator"]


def export_text_generator(gan, path, overwrite=False):
    """Writes `gan`'s generator as a SavedModel mapping noise to strings.

    Written to a temporary directory beside `path` and renamed into place,
    with the same overwrite rules as `kgan.export_generator`.

    Args:
        gan: a `kgan.TextGAN` (its `generator`, `latent_dim` and
            `vocabulary` are used).
        path: directory to create.
        overwrite: replace an existing SavedModel (or empty directory) at
            `path`.

    Returns:
        The absolute path of the export.

    Raises:
        ValueError: `gan` is not a text GAN, or a bad argument.
        FileExistsError: `path` exists and may not be replaced.
    """
    vocabulary = getattr(gan, "vocabulary", None)
    if vocabulary is None or not hasattr(gan, "generator"):
        raise ValueError(
            f"`gan` must be a kgan.TextGAN (with a `vocabulary`); got {type(gan).__name__}."
        )
    vocabulary = text_lib.check_vocabulary(vocabulary)
    target = _check_path(path)
    if not isinstance(overwrite, (bool, np.bool_)):
        raise ValueError(f"`overwrite` must be True or False; got {overwrite!r}.")
    _check_target(target, bool(overwrite))
    archive = build_archive(
        gan.generator, int(gan.latent_dim),
        lambda scores: {"text": scores_to_strings(scores, vocabulary)},
    )

    parent, name = os.path.split(target)
    os.makedirs(parent, exist_ok=True)
    holder = tempfile.mkdtemp(prefix=f".{name}.export-", dir=parent)
    try:
        staged = os.path.join(holder, "new")
        archive.write_out(staged, verbose=False)
        if not os.path.isfile(os.path.join(staged, "saved_model.pb")):
            raise RuntimeError(f"the SavedModel was not written to {staged!r}.")
        _move_into_place(staged, target, bool(overwrite), holder)
    finally:
        shutil.rmtree(holder, ignore_errors=True)
    return target


def scores_to_strings(scores, vocabulary):
    """In-graph `kgan.text.decode` (argmax): `[n, length, vocab]` -> `tf.string [n]`."""
    table = tf.constant(vocabulary, dtype=tf.string)
    ids = tf.argmax(scores, axis=-1, output_type=tf.int32)
    ended = tf.cumsum(tf.cast(ids == text_lib.END_ID, tf.int32), axis=1) > 0
    characters = tf.where(ended, tf.constant(""), tf.gather(table, ids))
    return tf.strings.reduce_join(characters, axis=1)
