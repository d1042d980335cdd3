"""Text sample metrics: n-gram Jensen-Shannon divergence, uniqueness, novelty, BLEU, NLL.

Every string is read as the tokens `[BOS] + characters + [EOS]`: the
boundary markers let n-grams see how texts start and end (and so their
lengths), and give every text, even the empty one, at least one bigram.
They are the sentinels `BOS`/`EOS`, never confused with a character.

Quality and diversity pull apart (Caccia et al. 2018, "Language GANs
Falling Short", arXiv:1811.02549): compare models on several of these at
once, and against the real-vs-real floor at the same sample size.

Example:

```python
from kgan.metrics import text as text_metrics

text_metrics.js_divergence(samples, held_out[:2000], n=4)   # 0 = same 4-gram distribution
text_metrics.unique_fraction(samples), text_metrics.novel_fraction(samples, train)
text_metrics.self_bleu(samples, n=4)   # high = samples resemble each other
text_metrics.evaluate(samples, train, held_out, seed=0)  # all of it, with floors
```
"""

import bisect
import collections
import math
import weakref

import numpy as np
import tensorflow as tf

from kgan.text import END_ID

__all__ = ["BOS", "EOS", "tokens", "ngram_counts", "js_divergence", "unique_fraction",
           "novel_fraction", "bleu", "self_bleu", "masked_log_prob", "sequence_nll", "nll_test",
           "evaluate"]

BOS = "<s>"
EOS = "</s>"
# Chen & Cherry (2014) smoothing "method 1": a precision with no match counts as epsilon.
BLEU_EPSILON = 0.1


def _check_texts(texts, name):
    if isinstance(texts, str) or not hasattr(texts, "__iter__"):
        raise ValueError(f"`{name}` must be a list of strings; got {type(texts).__name__}.")
    texts = list(texts)
    if not texts:
        raise ValueError(f"`{name}` is empty.")
    if not all(isinstance(t, str) for t in texts):
        raise ValueError(f"`{name}` must hold only strings.")
    return texts


def _check_n(n):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"`n` must be a positive integer; got {n!r}.")
    return int(n)


def tokens(text):
    """`[BOS] + list(text) + [EOS]`."""
    return [BOS, *text, EOS]


def _ngrams(text, n):
    t = tokens(text)
    return [tuple(t[i:i + n]) for i in range(len(t) - n + 1)]


def ngram_counts(texts, n):
    """Counts of the character n-grams of `texts` (with boundary markers), a `Counter`."""
    n = _check_n(n)
    counts = collections.Counter()
    for text in _check_texts(texts, "texts"):
        counts.update(_ngrams(text, n))
    return counts


def js_divergence(texts_p, texts_q, n=4):
    """Jensen-Shannon divergence (bits, in [0, 1]) of two texts' n-gram distributions.

    `P` and `Q` are the normalised n-gram counts of each list and
    `M = (P + Q) / 2`: `JS = H(M) - (H(P) + H(Q)) / 2` with base-2 entropies.
    It is 0 for identical distributions and 1 for disjoint ones; for finite
    samples of the same distribution it is above 0 (see `evaluate`'s floor).
    A list with no n-gram of order `n` (e.g. only empty strings for `n=4`)
    is disjoint from one that has some (1), and the same as another that has
    none (0).

    Example:

    ```python
    js_divergence(["ab"], ["ab"], n=1)  # 0.0
    js_divergence(["a"], ["b"], n=1)    # 1/3: only the unigrams a and b differ
    js_divergence(["a"], ["b"], n=2)    # 1.0: bigrams {<s>a, a</s>} vs {<s>b, b</s>} are disjoint
    ```
    """
    p, q = ngram_counts(texts_p, n), ngram_counts(texts_q, n)
    total_p, total_q = sum(p.values()), sum(q.values())
    if not total_p or not total_q:
        # A side with no n-gram of this order (every text shorter than n - 2 characters)
        # shares none with the other: disjoint, unless neither has any.
        return 0.0 if total_p == total_q else 1.0
    divergence = 0.0
    for gram in set(p) | set(q):
        pi, qi = p[gram] / total_p, q[gram] / total_q
        mi = 0.5 * (pi + qi)
        if pi:
            divergence += 0.5 * pi * math.log2(pi / mi)
        if qi:
            divergence += 0.5 * qi * math.log2(qi / mi)
    return max(0.0, min(1.0, divergence))


def unique_fraction(samples):
    """Distinct samples / samples."""
    samples = _check_texts(samples, "samples")
    return len(set(samples)) / len(samples)


def novel_fraction(samples, train_texts):
    """Fraction of the samples (repeats counted) that are not training texts."""
    samples = _check_texts(samples, "samples")
    train = set(_check_texts(train_texts, "train_texts"))
    return sum(s not in train for s in samples) / len(samples)


class _References:
    """Clipping counts and lengths of a reference set, optionally leave-one-out.

    For each n-gram it keeps the largest count over the references, how many
    references reach it, and the second largest, so the largest count over
    all references *but one* is known without rescanning them.
    """

    def __init__(self, texts, n):
        self.n = n
        self.best = [dict() for _ in range(n + 1)]
        for text in texts:
            for k in range(1, n + 1):
                for gram, count in collections.Counter(_ngrams(text, k)).items():
                    top, holders, second = self.best[k].get(gram, (0, 0, 0))
                    if count > top:
                        top, holders, second = count, 1, top
                    elif count == top:
                        holders += 1
                    elif count > second:
                        second = count
                    self.best[k][gram] = (top, holders, second)
        self.lengths = sorted(collections.Counter(len(tokens(t)) for t in texts).items())
        self.length_values = [length for length, _ in self.lengths]

    def max_count(self, gram, k, own_count):
        top, holders, second = self.best[k].get(gram, (0, 0, 0))
        if own_count is None or own_count < top or holders > 1:
            return top
        return second

    def closest_length(self, length, exclude=None):
        """The reference length closest to `length` (the shorter on a tie)."""
        candidates = []
        i = bisect.bisect_left(self.length_values, length)
        for j in (i - 1, i, i + 1, i - 2):
            if 0 <= j < len(self.lengths):
                value, count = self.lengths[j]
                if value == exclude and count == 1:
                    continue
                candidates.append(value)
        if not candidates:  # only the excluded length was near: scan all
            candidates = [v for v, c in self.lengths if not (v == exclude and c == 1)]
        return min(candidates, key=lambda v: (abs(v - length), v))


def _sentence_bleu(text, references, n, leave_out):
    hypothesis_length = len(tokens(text))
    log_precision = 0.0
    for k in range(1, n + 1):
        counts = collections.Counter(_ngrams(text, k))
        total = sum(counts.values())
        matched = sum(
            min(count, references.max_count(gram, k, count if leave_out else None))
            for gram, count in counts.items()
        )
        precision = matched / total if matched else BLEU_EPSILON / max(total, 1)
        log_precision += math.log(precision) / n
    reference_length = references.closest_length(
        hypothesis_length, exclude=hypothesis_length if leave_out else None)
    brevity = 1.0 if hypothesis_length > reference_length else math.exp(
        1.0 - reference_length / hypothesis_length)
    return brevity * math.exp(log_precision)


def bleu(hypotheses, references, n=4):
    """Mean sentence BLEU-n of `hypotheses`, each against all of `references`.

    Per hypothesis (Papineni et al. 2002), on marker-padded characters:
    uniform weights `1/n` over the modified precisions of orders 1..n, each
    n-gram's count clipped by its largest count in any one reference; the
    brevity penalty `exp(1 - r/c)` when the hypothesis length `c` is not
    above the closest reference length `r` (the shorter on ties). A
    precision with no match, or an order the hypothesis is too short for,
    counts as `0.1 / max(count, 1)` (Chen & Cherry 2014, method 1).

    Example:

    ```python
    bleu(["abc"], ["abc", "xyz"], n=4)  # 1.0
    ```
    """
    n = _check_n(n)
    hypotheses = _check_texts(hypotheses, "hypotheses")
    refs = _References(_check_texts(references, "references"), n)
    return float(np.mean([_sentence_bleu(h, refs, n, leave_out=False) for h in hypotheses]))


def self_bleu(samples, n=4):
    """Leave-one-out self-BLEU-n: each sample against all the *other* samples.

    A sample is never among its own references (an identical other sample
    is). High values mean the samples look alike (low diversity). Needs at
    least 2 samples.
    """
    n = _check_n(n)
    samples = _check_texts(samples, "samples")
    if len(samples) < 2:
        raise ValueError("`samples`: self-BLEU needs at least 2 samples.")
    refs = _References(samples, n)
    return float(np.mean([_sentence_bleu(s, refs, n, leave_out=True) for s in samples]))


def masked_log_prob(generator, z, ids, training=False):
    """`(sum of log p over the scored positions, their count)` per sequence: the characters
    and the first end token of each row of `ids`, given noise `z`."""
    log_probs = generator.log_prob(z, ids, training=training)
    ended_before = tf.cumsum(tf.cast(ids == END_ID, tf.float32), axis=1, exclusive=True)
    mask = tf.cast(ended_before == 0, tf.float32)
    return tf.reduce_sum(log_probs * mask, axis=1), tf.reduce_sum(mask, axis=1)


# One traced scorer per generator, so repeated evaluations do not retrace.
_SCORERS = weakref.WeakKeyDictionary()


def sequence_nll(generator, ids, batch_size=512, seed=0):
    """Mean negative log-likelihood per sequence (nats), and per scored token.

    The sequence's characters and its end token are scored (positions after
    the end token are not). The generator's `log_prob` conditions on noise
    `z ~ N(0, 1)` (drawn from `seed`): the result is `E_z[-log p(x | z)]`,
    which equals `-log p(x)` when the generator ignores `z` and bounds it
    from above otherwise (Jensen).

    Args:
        generator: a model with `log_prob(z, ids)` and `noise_dim`
            (`kgan.networks.TextGenerator`).
        ids: int array `[n, length]` (e.g. `TextData.encode(held_out_texts)`).
        batch_size: sequences per call.
        seed: seed of `z`.

    Returns:
        `(nll_per_sequence, nll_per_token)` as floats.
    """
    ids = np.asarray(ids, dtype=np.int32)
    if ids.ndim != 2 or len(ids) == 0:
        raise ValueError(f"`ids` must be a non-empty (n, length) array; got shape {ids.shape}.")
    rng = np.random.default_rng(seed)
    total, tokens = 0.0, 0.0
    score = _SCORERS.get(generator)
    if score is None:
        score = _SCORERS[generator] = tf.function(
            lambda z, chunk: masked_log_prob(generator, z, chunk), reduce_retracing=True)
    for i in range(0, len(ids), batch_size):
        chunk = ids[i:i + batch_size]
        z = rng.standard_normal((len(chunk), generator.noise_dim)).astype(np.float32)
        log_prob, count = score(tf.constant(z), tf.constant(chunk))
        total -= float(tf.reduce_sum(log_prob))
        tokens += float(tf.reduce_sum(count))
    return total / len(ids), total / tokens


def nll_test(generator, ids, seed=0):
    """Held-out negative log-likelihood of an autoregressive generator.

    Returns `(nats per sequence, nats per token)`; see
    `sequence_nll` (only for generators with `log_prob`, such as
    `kgan.networks.TextGenerator`).
    """
    if not hasattr(generator, "log_prob"):
        raise ValueError(
            f"`generator` {type(generator).__name__} is not autoregressive (no `log_prob`); "
            "NLL-test is defined for generators that score text token by token."
        )
    return sequence_nll(generator, ids, seed=seed)


def evaluate(samples, train_texts, held_out_texts, n_max=4, seed=0):
    """All sample metrics at once, with the real-vs-real floors.

    The reference is `len(samples)` held-out texts drawn (from `seed`)
    without replacement; the floor is the same metric for as many training
    texts (real data the model saw, so it is the best a perfect memoriser
    could score, at this sample size) against that reference.

    Returns:
        A dict: `js_1 .. js_{n_max}` and `js_floor_1 ..`; `unique`, `novel`
        (and `unique_floor`, `novel_floor` — real text's own values: held-out
        texts not in the training set);
        `self_bleu_4`, `self_bleu_4_floor`; `bleu_4` (against all held-out
        texts) and `bleu_4_floor`; `num_samples`.

    Raises:
        ValueError: fewer held-out or training texts than samples.
    """
    samples = _check_texts(samples, "samples")
    train_texts = _check_texts(train_texts, "train_texts")
    held_out_texts = _check_texts(held_out_texts, "held_out_texts")
    size = len(samples)
    if len(held_out_texts) < size or len(train_texts) < size:
        raise ValueError(
            f"`samples`: {size} samples need as many held-out ({len(held_out_texts)}) and "
            f"training texts ({len(train_texts)}) for the floors; evaluate fewer samples."
        )
    rng = np.random.default_rng(seed)
    reference = [held_out_texts[i] for i in rng.choice(len(held_out_texts), size, replace=False)]
    real = [train_texts[i] for i in rng.choice(len(train_texts), size, replace=False)]
    result = {"num_samples": size}
    for n in range(1, _check_n(n_max) + 1):
        result[f"js_{n}"] = js_divergence(samples, reference, n)
        result[f"js_floor_{n}"] = js_divergence(real, reference, n)
    result["unique"] = unique_fraction(samples)
    result["unique_floor"] = unique_fraction(reference)
    result["novel"] = novel_fraction(samples, train_texts)
    result["novel_floor"] = novel_fraction(reference, train_texts)
    result["self_bleu_4"] = self_bleu(samples, 4) if size > 1 else float("nan")
    result["self_bleu_4_floor"] = self_bleu(reference, 4) if size > 1 else float("nan")
    result["bleu_4"] = bleu(samples, held_out_texts, 4)
    # Real text against the held-out references (the held-out texts are disjoint lines).
    result["bleu_4_floor"] = bleu(real, held_out_texts, 4)
    return result
