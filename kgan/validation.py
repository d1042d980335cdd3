"""Argument checks shared by the whole package.

Each check returns the value in its canonical type or raises one
`ValueError` naming the argument and what was expected. The `parse_*`
functions are the command-line twins: they read a flag's text and raise
`argparse.ArgumentTypeError`, which argparse prints beside the flag.

Example:

```python
from kgan.validation import check_int

self.num_samples = check_int(num_samples, "num_samples")          # >= 1
self.padding = check_int(padding, "padding", minimum=0)
```
"""

import argparse
import math
import numbers
import os

__all__ = [
    "check_basename",
    "check_bool",
    "check_duration",
    "check_int",
    "check_non_negative",
    "check_positive",
    "check_unit_interval",
    "check_seed",
    "is_int",
    "parse_augment",
    "parse_non_negative_float",
    "parse_non_negative_int",
    "parse_positive_float",
    "parse_positive_int",
    "parse_unit_interval",
]


def is_int(value):
    """True for Python and NumPy integers, False for bools."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_int(value, name, minimum=1):
    """Returns `value` as an `int` if it is an integer >= `minimum`."""
    if not is_int(value) or value < minimum:
        expected = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"`{name}` must be {expected}; got {value!r}.")
    return int(value)


def _check_number(value, name, accept, expected):
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not accept(number):
        raise ValueError(f"`{name}` must be {expected}; got {value!r}.")
    return number


def check_non_negative(value, name):
    """Returns `value` as a `float` if it is a number >= 0 (infinity included)."""
    return _check_number(value, name, lambda v: v >= 0.0, "a number >= 0")


def check_positive(value, name):
    """Returns `value` as a `float` if it is a number > 0."""
    return _check_number(value, name, lambda v: v > 0.0, "a number > 0")


def check_unit_interval(value, name):
    """Returns `value` as a `float` if it is a number in [0, 1)."""
    return _check_number(value, name, lambda v: 0.0 <= v < 1.0, "a number in [0, 1)")


def check_seed(value, name="seed"):
    """`None`, or an integer >= 0 as an `int`."""
    if value is None:
        return None
    if not is_int(value) or value < 0:
        raise ValueError(f"`{name}` must be None or an integer >= 0; got {value!r}.")
    return int(value)


def check_bool(value, name):
    """Returns `value` as a `bool` if it is `True` or `False` (NumPy bools too)."""
    if not isinstance(value, bool) and type(value).__name__ != "bool_":
        raise ValueError(f"`{name}` must be True or False; got {value!r}.")
    return bool(value)


def check_duration(value, name="duration"):
    """Returns `value` as a `float` if it is a finite number > 0."""
    if (isinstance(value, bool) or not isinstance(value, numbers.Real)
            or not math.isfinite(value) or value <= 0):
        raise ValueError(f"`{name}` must be a number > 0, got {value!r}.")
    return float(value)


def check_basename(value, name):
    """Returns `value` if it is a plain file name (no directory part)."""
    if (
        not isinstance(value, str)
        or value in ("", ".", "..")
        or os.path.basename(value) != value
        or (os.altsep and os.altsep in value)
    ):
        raise ValueError(f"`{name}` must be a plain file name (no directories), got {value!r}.")
    return value


# ------------------------------------------------------------- command line


def parse_positive_int(text):
    """A flag's text -> an int >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _parse_float(text, accept, expected):
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not accept(value):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def parse_positive_float(text):
    """A flag's text -> a float > 0."""
    return _parse_float(text, lambda v: v > 0, "a positive number")


def parse_non_negative_float(text):
    """A flag's text -> a float >= 0."""
    return _parse_float(text, lambda v: v >= 0.0, "a number >= 0")


def parse_unit_interval(text):
    """A flag's text -> a float in [0, 1)."""
    return _parse_float(text, lambda v: 0.0 <= v < 1.0, "a number in [0, 1)")


def parse_augment(text):
    """A DiffAugment policy flag -> the canonical policy, `""` for none."""
    from kgan import augment

    if text.strip().lower() == "none":
        return ""
    try:
        return augment.check_policy(text) or ""
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def parse_non_negative_int(text):
    """A flag's text -> an int >= 0."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return value
