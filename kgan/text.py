"""Pure functions between token ids, one-hot rows and strings.

The text models share one convention: id 0 is the end token (and the
padding after it); ids 1.. are characters, `vocabulary[i]` being the string
of id `i` (`vocabulary[0] == ""`). A sample is `[length]` ids or
`[length, vocab_size]` scores (one-hots, probabilities or soft one-hots);
its string is the characters before the first end token.

Example:

```python
vocabulary = ["", "A", "B"]
kgan.text.decode_ids([[1, 2, 0, 1]], vocabulary)            # ["AB"]
kgan.text.decode([[[0, 1, 0], [1, 0, 0]]], vocabulary)       # ["A"]  (argmax)
kgan.text.decode(probabilities, vocabulary, sample=True, seed=0)
```
"""

import os

import numpy as np

from kgan import files

__all__ = ["END_ID", "check_vocabulary", "decode", "decode_ids", "first_end_mask", "write_lines"]

END_ID = 0


def check_vocabulary(vocabulary):
    """Validates a vocabulary; returns it as a list of str.

    Raises:
        ValueError: unless it is a sequence of distinct strings whose first
            entry is `""` (the end token) and whose others are non-empty.
    """
    if isinstance(vocabulary, str) or not hasattr(vocabulary, "__len__"):
        raise ValueError(f"`vocabulary` must be a list of strings; got {vocabulary!r}.")
    vocabulary = [str(token) if isinstance(token, np.str_) else token for token in vocabulary]
    if (len(vocabulary) < 2 or vocabulary[0] != ""
            or not all(isinstance(t, str) and t for t in vocabulary[1:])
            or len(set(vocabulary)) != len(vocabulary)):
        raise ValueError(
            "`vocabulary` must list distinct strings with the end token \"\" first and at "
            f"least one character after it; got {vocabulary[:8]!r}"
            f"{' ...' if len(vocabulary) > 8 else ''}."
        )
    return vocabulary


def decode_ids(ids, vocabulary):
    """Strings from token ids `[n, length]`: the characters before the first 0.

    Args:
        ids: integer array-like `[n, length]`.
        vocabulary: list of str, `vocabulary[0] == ""`.

    Returns:
        A list of `n` strings.

    Example:

    ```python
    decode_ids([[3, 1, 0, 2], [0, 1, 1, 1]], ["", "a", "b", "c"])  # ["ca", ""]
    ```
    """
    vocabulary = check_vocabulary(vocabulary)
    ids = np.asarray(ids)
    if ids.ndim != 2 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"`ids` must be integers of shape (n, length); got {ids.dtype} {ids.shape}.")
    if ids.size and (ids.min() < 0 or ids.max() >= len(vocabulary)):
        raise ValueError(
            f"`ids` must lie in [0, {len(vocabulary) - 1}] for this vocabulary; "
            f"got values in [{ids.min()}, {ids.max()}]."
        )
    table = np.asarray(vocabulary, dtype=object)
    texts = []
    for row in ids:
        ends = np.flatnonzero(row == END_ID)
        texts.append("".join(table[row[:ends[0]] if len(ends) else row]))
    return texts


def decode(scores, vocabulary, sample=False, seed=None):
    """Strings from per-position scores `[n, length, vocab_size]`.

    Args:
        scores: one-hots, probabilities or soft one-hots (a generator's
            output), non-negative.
        vocabulary: list of str, `vocabulary[0] == ""`.
        sample: `False` takes the argmax at each position (for a generator
            that already sampled, e.g. Gumbel-softmax, this recovers its
            tokens); `True` draws each position's token from the scores
            normalised to sum to 1 (for per-position softmax outputs).
        seed: seed of `numpy.random.default_rng` when `sample` is true.

    Returns:
        A list of `n` strings.
    """
    vocabulary = check_vocabulary(vocabulary)
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 3 or scores.shape[2] != len(vocabulary):
        raise ValueError(
            f"`scores` must have shape (n, length, {len(vocabulary)}) for this vocabulary; "
            f"got {scores.shape}."
        )
    if not sample:
        return decode_ids(scores.argmax(axis=-1), vocabulary)
    if not np.all(np.isfinite(scores)) or scores.min() < 0:
        raise ValueError("`scores` must be finite and non-negative to sample from them.")
    totals = scores.sum(axis=-1, keepdims=True)
    probabilities = np.where(totals > 0, scores / np.where(totals > 0, totals, 1.0),
                             1.0 / scores.shape[2])
    cumulative = np.cumsum(probabilities, axis=-1)
    draws = np.random.default_rng(seed).random(scores.shape[:2] + (1,)) * cumulative[..., -1:]
    ids = np.minimum((cumulative <= draws).sum(axis=-1), scores.shape[2] - 1)
    return decode_ids(ids, vocabulary)


def first_end_mask(ids):
    """1 for positions up to and including the first end token, else 0.

    Those are the positions a sequence's likelihood is scored on: its
    characters and the end token that stops it (none if it fills `length`).

    Example:

    ```python
    first_end_mask([[2, 1, 0, 0], [1, 1, 1, 1]])  # [[1, 1, 1, 0], [1, 1, 1, 1]]
    ```
    """
    ids = np.asarray(ids)
    ended_before = np.cumsum(ids == END_ID, axis=-1) - (ids == END_ID)
    return (ended_before == 0).astype(np.float32)


def write_lines(texts, path):
    """Writes one text per line (UTF-8), atomically (`kgan.files.write_text`).

    Returns:
        `path`.

    Raises:
        ValueError: a text contains a line break (it would read back as two).
    """
    texts = list(texts)
    for text in texts:
        if "\n" in text or "\r" in text:
            raise ValueError(f"`texts`: {text!r} contains a line break.")
    return files.write_text(os.fspath(path), "".join(f"{text}\n" for text in texts))
