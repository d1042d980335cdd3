"""Text corpora for the text GANs: characters -> one-hot sequences.

`load_text` reads one sample per line, builds a character vocabulary with
Keras' `StringLookup` (id 0 is the end token and the padding after it, as in
`kgan.text`), splits off held-out text and returns a `TextData` whose
`train` dataset yields float32 one-hots `[batch, max_length, vocab_size]`.

Built-in, offline corpus:

- `"surnames"`: the 88,799 surnames of the 1990 US census (upper case,
  2-13 letters), shipped as `dist.all.last` inside the PyPI package `names`
  (Trey Hunner, MIT licence; the census data are public domain).

Any UTF-8 text file works too, one sample per line.

Example:

```python
data = kgan.datasets.load_text("surnames", batch_size=64, seed=0)
batch = next(iter(data.train))   # float32 [64, 13, 27], one-hot
data.vocabulary[:4]              # ['', 'A', 'B', 'C']
data.held_out_texts[:3]          # three held-out surnames
```
"""

import dataclasses
import os
from typing import List

import numpy as np
import tensorflow as tf

from kgan.datasets import _common
from kgan.validation import is_int
from kgan.text import END_ID, decode_ids

__all__ = ["TextData", "load_text", "read_lines", "text_corpora", "SURNAMES"]

SURNAMES = "surnames"
LONG_LINES = ("error", "truncate", "drop")


def text_corpora():
    """Names of the built-in text corpora (offline): `["surnames"]`."""
    return [SURNAMES]


@dataclasses.dataclass
class TextData:
    """A character corpus split for training and evaluation.

    Attributes:
        train: `tf.data.Dataset` of float32 one-hots
            `[batch_size, max_length, vocab_size]`, full batches, reshuffled
            each epoch (finite: add `.repeat()` for step-based epochs).
        train_texts: the training lines (a list of str).
        held_out_texts: the held-out lines, never in `train`.
        vocabulary: `vocabulary[i]` is the string of id `i`; `vocabulary[0]`
            is `""`, the end token.
        max_length: positions per sample.
        lookup: the `keras.layers.StringLookup` mapping characters to ids.
        description: where the text came from.
        num_truncated: lines cut to `max_length` (`long_lines="truncate"`).
        num_dropped: lines dropped as too long (`long_lines="drop"`).
    """

    train: tf.data.Dataset
    train_texts: List[str]
    held_out_texts: List[str]
    vocabulary: List[str]
    max_length: int
    lookup: object
    description: str
    num_truncated: int = 0
    num_dropped: int = 0

    @property
    def vocab_size(self):
        return len(self.vocabulary)

    @property
    def sample_shape(self):
        return (self.max_length, len(self.vocabulary))

    def encode(self, texts):
        """Token ids `int32 [n, max_length]` of `texts` (0 after the last character).

        Raises:
            ValueError: a text is longer than `max_length` or has a
                character outside the vocabulary.
        """
        return encode(texts, self.lookup, self.max_length)

    def one_hot(self, texts):
        """float32 one-hots `[n, max_length, vocab_size]` of `texts`."""
        return np.eye(len(self.vocabulary), dtype=np.float32)[self.encode(texts)]

    def decode(self, ids):
        """Strings of token ids `[n, max_length]`."""
        return decode_ids(ids, self.vocabulary)


def read_lines(path):
    """Reads a UTF-8 file: stripped, non-blank lines.

    Raises:
        ValueError: the file is not valid UTF-8 (the message gives the line
            and byte offset) or holds no non-blank line.
    """
    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise ValueError(
            f"`name_or_path` {os.fspath(path)!r} is not UTF-8 text: byte {error.start} "
            f"(line {line}) is {raw[error.start:error.start + 1]!r}. Convert the file to "
            "UTF-8, one sample per line."
        ) from None
    lines = [line.strip() for line in text.lstrip("\ufeff").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise ValueError(
            f"`name_or_path` {os.fspath(path)!r} holds no text: it is empty or every line "
            "is blank. Expected one sample per line."
        )
    return lines


def _surnames():
    try:
        import names
    except ImportError:
        raise ValueError(
            "The built-in 'surnames' corpus ships with the PyPI package `names`: "
            "`pip install names` (or pass a UTF-8 text file, one sample per line)."
        ) from None
    path = os.path.join(os.path.dirname(names.__file__), "dist.all.last")
    if not os.path.isfile(path):
        raise ValueError(f"The `names` package has no census surname file at {path!r}.")
    with open(path, encoding="ascii") as f:
        # "SMITH          1.006  1.006      1": the surname is the first column.
        lines = [line.split()[0] for line in f if line.strip()]
    return lines, "1990 US census surnames (PyPI package `names`)"


def _resolve(name_or_path):
    if isinstance(name_or_path, str) and name_or_path == SURNAMES:
        return _surnames()
    if not isinstance(name_or_path, (str, os.PathLike)):
        raise ValueError(
            "`name_or_path` must be 'surnames' or the path of a UTF-8 text file; got "
            f"{type(name_or_path).__name__}: {name_or_path!r}."
        )
    path = os.path.expanduser(os.fspath(name_or_path))
    if not os.path.exists(path):
        raise ValueError(
            f"`name_or_path` {os.fspath(name_or_path)!r} is neither a built-in text corpus "
            f"({', '.join(text_corpora())}) nor an existing file."
        )
    if not os.path.isfile(path):
        raise ValueError(f"`name_or_path` {path!r} is not a file (expected UTF-8 text).")
    return read_lines(path), f"text file {path}"


def _fit_length(lines, max_length, long_lines, cap=None):
    """Applies `long_lines`; returns `(lines, max_length, truncated, dropped)`."""
    longest = max(len(line) for line in lines)
    if max_length is None and (cap is None or longest <= cap):
        return lines, longest, 0, 0
    capped = max_length is None
    max_length = cap if capped else max_length
    too_long = [i for i, line in enumerate(lines) if len(line) > max_length]
    if not too_long:
        return lines, max_length, 0, 0
    if long_lines == "error":
        first = too_long[0]
        raise ValueError(
            f"{len(too_long)} of {len(lines)} lines are longer than `max_length`={max_length} "
            f"characters{' (the cap for an unset `max_length`)' if capped else ''} (sample "
            f"{first + 1} has {len(lines[first])}, the longest {longest}). Raise `max_length`, "
            "or pass long_lines='truncate' or long_lines='drop'."
        )
    if long_lines == "truncate":
        return [line[:max_length] for line in lines], max_length, len(too_long), 0
    kept = [line for line in lines if len(line) <= max_length]
    if not kept:
        raise ValueError(f"Every line is longer than `max_length`={max_length}; none is left.")
    return kept, max_length, 0, len(too_long)


def encode(texts, lookup, max_length):
    """Token ids `int32 [n, max_length]` with `lookup` (a `StringLookup`)."""
    texts = [texts] if isinstance(texts, str) else list(texts)
    if not texts:
        return np.zeros((0, max_length), np.int32)
    for text in texts:
        if len(text) > max_length:
            raise ValueError(f"{text!r} is longer than max_length={max_length}.")
    known = set(lookup.get_vocabulary()[1:])
    for text in texts:
        unknown = set(text) - known
        if unknown:
            raise ValueError(f"{text!r} has characters outside the vocabulary: {sorted(unknown)}.")
    with tf.device("/cpu:0"):
        chars = tf.strings.unicode_split(tf.constant(texts), "UTF-8")
        ids = lookup(chars).to_tensor(default_value=END_ID, shape=[len(texts), max_length])
    return ids.numpy().astype(np.int32)


def load_text(name_or_path=SURNAMES, max_length=None, batch_size=64, held_out=0.1, seed=0,
              long_lines="error", shuffle=True, cap=None):
    """Loads a character corpus as one-hot sequences with a held-out split.

    Lines are stripped of surrounding whitespace; blank lines are skipped;
    duplicates are kept (they are part of the distribution). The lines are
    shuffled with `seed` and the first `held_out` of them held out. The
    vocabulary holds every character of the corpus (train and held-out).

    Args:
        name_or_path: `"surnames"` (offline, the default) or the path of a
            UTF-8 text file with one sample per line.
        max_length: positions per sample; `None` uses the longest line (at
            most `cap`). A sample shorter than it ends with the end token (id
            0); one of exactly `max_length` characters has none.
        batch_size: samples per training batch; at most the training lines.
        held_out: fraction in (0, 1) or a count >= 1 of lines held out for
            evaluation.
        seed: int seed of the split and of the training order.
        long_lines: lines longer than `max_length`: `"error"` (default,
            a ValueError naming how many), `"truncate"` (cut to
            `max_length`) or `"drop"`.
        shuffle: reshuffle the training batches each epoch.
        cap: with `max_length=None`, the most characters the longest line
            may set it to; longer lines are then handled by `long_lines` (one
            stray long line would otherwise make every sample that long).

    Returns:
        A `TextData`.

    Raises:
        ValueError: an unknown name or missing file, a file that is not
            UTF-8 or holds no text, too-long lines with `long_lines="error"`,
            or a corpus too small to split into `held_out` lines and at
            least one training batch. Checked before any tensor is built.

    Example:

    ```python
    data = kgan.datasets.load_text("my_lines.txt", max_length=32, long_lines="truncate")
    gan.fit(data.train.repeat(), steps_per_epoch=100, epochs=10)
    ```
    """
    if max_length is not None and (not is_int(max_length) or max_length < 1):
        raise ValueError(f"`max_length` must be None or a positive integer; got {max_length!r}.")
    _common.check_batch_size(batch_size)
    if long_lines not in LONG_LINES:
        raise ValueError(f"`long_lines` must be one of {LONG_LINES}; got {long_lines!r}.")
    if not is_int(seed):
        raise ValueError(f"`seed` must be an integer; got {seed!r}.")
    if isinstance(held_out, bool) or not isinstance(held_out, (int, float, np.integer,
                                                               np.floating)):
        raise ValueError(f"`held_out` must be a fraction in (0, 1) or a count >= 1; got "
                         f"{held_out!r}.")
    if not (0 < held_out < 1 or (float(held_out).is_integer() and held_out >= 1)):
        raise ValueError(f"`held_out` must be a fraction in (0, 1) or a count >= 1; got "
                         f"{held_out!r}.")

    lines, description = _resolve(name_or_path)
    if cap is not None and (not is_int(cap) or cap < 1):
        raise ValueError(f"`cap` must be None or a positive integer; got {cap!r}.")
    lines, max_length, truncated, dropped = _fit_length(lines, max_length, long_lines, cap)
    n_held = int(held_out) if held_out >= 1 else max(1, int(round(held_out * len(lines))))
    if len(lines) - n_held < batch_size:
        raise ValueError(
            f"{description} is too small to split: {len(lines)} samples, {n_held} held out "
            f"(`held_out`={held_out!r}) leaves {len(lines) - n_held} for training, fewer than "
            f"`batch_size`={batch_size}. Use more lines, a smaller `batch_size` or `held_out`."
        )

    order = np.random.default_rng(seed).permutation(len(lines))
    held_out_texts = [lines[i] for i in order[:n_held]]
    train_texts = [lines[i] for i in order[n_held:]]

    import keras

    characters = sorted(set("".join(lines)))
    lookup = keras.layers.StringLookup(vocabulary=characters, mask_token="", num_oov_indices=0)
    vocabulary = [str(token) for token in lookup.get_vocabulary()]
    ids = encode(train_texts, lookup, max_length)
    train = _one_hot_batches(ids, len(vocabulary), batch_size, shuffle, seed)
    return TextData(train=train, train_texts=train_texts, held_out_texts=held_out_texts,
                    vocabulary=vocabulary, max_length=max_length, lookup=lookup,
                    description=description, num_truncated=truncated, num_dropped=dropped)


def _one_hot_batches(ids, vocab_size, batch_size, shuffle, seed):
    with tf.device("/cpu:0"):
        ids_t = tf.convert_to_tensor(ids)
    indices = tf.data.Dataset.range(len(ids))
    if shuffle:
        indices = indices.shuffle(len(ids), seed=seed, reshuffle_each_iteration=True)
    indices = indices.batch(batch_size, drop_remainder=True)
    batches = indices.map(lambda idx: tf.one_hot(tf.gather(ids_t, idx), vocab_size),
                          num_parallel_calls=tf.data.AUTOTUNE)
    return batches.prefetch(tf.data.AUTOTUNE)
