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
import zipfile

__all__ = ["atomic_write", "atomic_write_bytes", "read_json", "update_json", "write_json",
           "write_npz", "write_text"]


def atomic_write(path, write):
    """Calls `write(tmp_path)`, then renames the temporary file onto `path`.

    The temporary name keeps `path`'s ending (Keras checks suffixes such as
    `.keras` and `.weights.h5`) and is created with the permissions an
    `open` would give (the umask decides). Returns `path`.

    Raises:
        OSError: the write failed (disk full, no permission, ...); the message
            names `path`, which is left as it was.
    """
    path = os.fspath(path)
    directory, name = os.path.split(os.path.abspath(path))
    tmp = os.path.join(directory, f".tmp-{uuid.uuid4().hex}-{name}")
    try:
        os.makedirs(directory, exist_ok=True)
        write(tmp)
        _fsync(tmp)
        os.replace(tmp, path)
    except OSError as error:
        # Name the file the caller asked for, not the temporary one.
        raise OSError(error.errno, f"could not write {path!r} ({error.strerror or error}); "
                                   "what was there before is unchanged") from None
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


def read_json(path):
    """The JSON object in `path`, or `{}` where there is none (no file, not JSON, not an
    object)."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def update_json(path, key, value):
    """Sets `key` to `value` in the JSON object in `path` (`read_json`; the other keys are
    kept) and writes it back with `write_json`; returns `path`."""
    return write_json({**read_json(path), key: value}, path)


def write_json(data, path):
    """Writes `data` as indented, key-sorted UTF-8 JSON atomically; returns `path`."""
    text = json.dumps(_plain(data), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return write_text(path, text)


def write_npz(path, arrays=None, streamed=None):
    """Writes a compressed `.npz` (as `numpy.savez_compressed` does) atomically; returns `path`.

    Args:
        path: the file.
        arrays: `{name: array}` written whole.
        streamed: `(name, shape, dtype, chunks)`: an array written chunk by
            chunk as `chunks` (an iterable of arrays along the first axis)
            yields them, so it never has to be in memory at once. The chunks
            must fill `shape` exactly.

    Example:

    ```python
    chunks = (to_uint8(gan.generate(z)) for z in noise_chunks)
    write_npz("samples.npz", {"labels": labels}, ("images", (n, 8, 8, 1), "uint8", chunks))
    ```
    """
    import numpy as np

    def write(tmp):
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            if streamed is not None:
                _write_npy_stream(zf, np, *streamed)
            for name, array in (arrays or {}).items():
                with zf.open(f"{name}.npy", "w", force_zip64=True) as f:
                    np.lib.format.write_array(f, np.asanyarray(array), allow_pickle=False)

    return atomic_write(path, write)


def _write_npy_stream(zf, np, name, shape, dtype, chunks):
    dtype, shape = np.dtype(dtype), tuple(int(d) for d in shape)
    header = {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False,
              "shape": shape}
    rows = 0
    with zf.open(f"{name}.npy", "w", force_zip64=True) as f:
        np.lib.format.write_array_header_2_0(f, header)
        for chunk in chunks:
            chunk = np.ascontiguousarray(chunk, dtype=dtype)
            if chunk.shape[1:] != shape[1:]:
                raise ValueError(f"`streamed` {name!r}: a chunk of shape {chunk.shape} does not "
                                 f"fit {shape}.")
            f.write(chunk.tobytes())
            rows += len(chunk)
    if rows != shape[0]:
        raise ValueError(f"`streamed` {name!r}: the chunks held {rows} rows, not {shape[0]}.")
