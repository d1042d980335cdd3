"""Training histories: read a Keras `CSVLogger` file, plot the loss curves.

Pure functions over plain Python data; matplotlib is used through its Agg
canvas, so pyplot and the user's backend are left alone.

Example:

```python
history = kgan.history.read_history_csv("runs/digits/history.csv")
kgan.history.save_loss_plot(history, "runs/digits/losses.png")
```
"""

import csv
import io
import math
import os

import numpy as np

from kgan import files

__all__ = ["read_history_csv", "save_loss_plot", "trim_history_csv"]

# Keys of a training history that are not losses or metrics and are not
# plotted by default.
_NON_METRIC_KEYS = frozenset({"epoch", "lr", "learning_rate"})

# Cell values a Keras ``CSVLogger`` writes for a missing metric.
_MISSING_CELLS = frozenset({"", "na", "n/a", "none", "null"})

def _history_dict(history):
    if hasattr(history, "history") and isinstance(history.history, dict):
        history = history.history  # a keras.callbacks.History
    if not isinstance(history, dict):
        raise ValueError(
            "`history` must be a dict of metric name -> list of per-epoch "
            f"values, got {type(history).__name__}."
        )
    return history


def _numeric_series(values):
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if arr.ndim != 1 or arr.size == 0:
        return None
    return arr


def save_loss_plot(history, path, keys=None):
    """Plots per-epoch losses/metrics to a PNG file.

    Draws one line per key against the 1-based epoch number. ``val_*`` keys
    are dashed. Non-finite values leave gaps. If `history` has an
    ``"epoch"`` entry (as read from a ``CSVLogger`` file by
    :func:`read_history_csv`, 0-based), it gives the x positions;
    otherwise epochs are ``1..len(values)``.

    Uses :class:`matplotlib.figure.Figure` with the Agg canvas directly, so
    pyplot is not imported and the user's matplotlib backend is untouched.

    Args:
        history: Dict of metric name -> list of per-epoch floats, e.g.
            ``model.fit(...).history`` (a ``History`` object is accepted
            too) or the result of :func:`read_history_csv`.
        path: Destination PNG path; parent directories are created. The
            write is atomic.
        keys: Names to plot. Defaults to every key with a non-empty list of
            numbers, except ``epoch``, ``lr`` and ``learning_rate``.

    Returns:
        The path written, as a string.

    Raises:
        ValueError: if a requested key is missing or not numeric, or there
            is nothing to plot.

    Example:

    >>> history = model.fit(dataset, epochs=20)
    >>> save_loss_plot(history.history, "out/losses.png")
    'out/losses.png'
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    history = _history_dict(history)
    if keys is None:
        keys = [
            k
            for k in history
            if k not in _NON_METRIC_KEYS and _numeric_series(history[k]) is not None
        ]
        if not keys:
            raise ValueError(
                "`history` has no numeric loss/metric series to plot; "
                f"keys are {sorted(history)}."
            )
    else:
        if isinstance(keys, str):
            keys = [keys]
        keys = list(keys)
        if not keys:
            raise ValueError("`keys` is empty; nothing to plot.")
        for k in keys:
            if k not in history:
                raise ValueError(
                    f"`keys` names {k!r}, which is not in `history` "
                    f"(available: {sorted(history)})."
                )
            if _numeric_series(history[k]) is None:
                raise ValueError(
                    f"`keys` names {k!r}, whose values are not a non-empty "
                    "list of numbers."
                )

    epochs = _numeric_series(history.get("epoch", ()))

    fig = Figure(figsize=(6.4, 4.0), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    colors = {}
    for k in keys:
        y = _numeric_series(history[k])
        if epochs is not None and epochs.shape == y.shape:
            x = epochs + 1
        else:
            x = np.arange(1, y.size + 1)
        base = k[4:] if k.startswith("val_") else k
        style = "--" if k.startswith("val_") else "-"
        kwargs = {"color": colors[base]} if base in colors else {}
        (line,) = ax.plot(
            x, y, style, marker="o" if y.size == 1 else None, label=k, **kwargs
        )
        colors.setdefault(base, line.get_color())
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return files.atomic_write_bytes(path, buf.getvalue())


def _parse_cell(cell, column, line):
    text = cell.strip()
    if text.lower() in _MISSING_CELLS:
        return None
    try:
        return float(text)
    except ValueError:
        raise ValueError(
            f"line {line}, column {column!r}: {cell!r} is not a number."
        ) from None


def read_history_csv(path, separator=","):
    """Reads a Keras ``CSVLogger`` file into a history dict.

    Missing values (``NA`` or empty cells) become NaN. Columns with no
    values at all are dropped: ``CSVLogger`` adds ``val_*`` columns filled
    with ``NA`` when there is no validation data, and dropping them makes
    the result match ``History.history``. The ``epoch`` column (0-based,
    as written by ``CSVLogger``) is kept.

    Args:
        path: Path of the CSV file.
        separator: Field separator, as given to ``CSVLogger``.

    Returns:
        Dict of column name -> list of floats, in file column order.

    Raises:
        ValueError: if the file has no header or holds non-numeric values.
    """
    with open(path, newline="") as f:
        reader = csv.reader(f, delimiter=separator)
        header = None
        columns = None
        for line, row in enumerate(reader, start=1):
            if not row or all(not c.strip() for c in row):
                continue
            if header is None:
                header = [c.strip() for c in row]
                columns = {name: [] for name in header}
                continue
            if row == header:  # a repeated header, e.g. from a bad append
                continue
            if len(row) != len(header):
                raise ValueError(
                    f"{os.fspath(path)} line {line} has {len(row)} field(s), "
                    f"the header has {len(header)}."
                )
            for name, cell in zip(header, row):
                columns[name].append(_parse_cell(cell, name, line))
    if header is None:
        raise ValueError(f"{os.fspath(path)} is empty: no CSV header found.")
    return {
        name: [math.nan if v is None else v for v in values]
        for name, values in columns.items()
        if not values or any(v is not None for v in values)
    }


def trim_history_csv(path, epochs):
    """Keeps the header and the rows of the first `epochs` epochs of a `CSVLogger` file.

    A run killed mid-epoch may have logged epochs its backup does not hold;
    a resumed run trims them before logging again. A missing file is left
    missing.
    """
    if not os.path.isfile(path):
        return
    with open(path, newline="") as f:
        lines = f.readlines()
    kept = lines[:1] + [line for line in lines[1:] if int(line.split(",", 1)[0]) < epochs]
    files.write_text(path, "".join(kept))
