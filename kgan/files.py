"""Atomic file writes: a killed process leaves the old file or the new one, never half.

Every file kgan writes goes through `atomic_write`: the data goes to a
temporary file in the destination directory (created if needed), which is
renamed over the destination with `os.replace`. A failed write removes the
temporary file. Nothing here depends on Keras or TensorFlow.

Example:

```python
from kgan import files

files.write_json({"epoch": 3}, "runs/x/state.json")
files.atomic_write("runs/x/gan.keras", model.save)   # anything that writes a path
```
"""

import json
import math
import os
import uuid

__all__ = ["atomic_write", "atomic_write_bytes", "write_json", "write_text"]


def atomic_write(path, write):
    """Calls `write(tmp_path)`, then renames the temporary file onto `path`.

    The temporary name keeps `path`'s ending (Keras checks suffixes such as
    `.keras` and `.weights.h5`) and is created with the permissions an
    `open` would give (the umask decides). Returns `path`.
    """
    path = os.fspath(path)
    directory, name = os.path.split(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    tmp = os.path.join(directory, f".tmp-{uuid.uuid4().hex}-{name}")
    try:
        write(tmp)
        _fsync(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.lexists(tmp):
            os.remove(tmp)
    return path


def _fsync(path):
    if os.path.isfile(path):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_bytes(path, data):
    """Writes the bytes `data` to `path` atomically; returns `path`."""

    def write(tmp):
        with open(tmp, "xb") as f:
            f.write(data)

    return atomic_write(path, write)


def write_text(path, text):
    """Writes `text` as UTF-8 (with `\\n` line ends) to `path` atomically; returns `path`."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def _plain(value):
    """JSON-ready: non-finite floats become `None` (JSON has no NaN)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def write_json(data, path):
    """Writes `data` as indented, key-sorted UTF-8 JSON atomically; returns `path`."""
    text = json.dumps(_plain(data), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return write_text(path, text)
