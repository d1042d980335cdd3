"""Reader for MNIST-style IDX files (plain or gzip-compressed).

An IDX file starts with a 4-byte magic number `0x0000TTNN` (`TT` is the
element type, `NN` the number of dimensions), then `NN` big-endian uint32
dimension sizes, then the data in row-major order.
"""

import gzip
import pathlib
import re
import zlib

import numpy as np

from kgan.datasets._common import Source, resize_array

IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801

_TYPE_NAMES = {
    0x08: "unsigned byte",
    0x09: "signed byte",
    0x0B: "int16",
    0x0C: "int32",
    0x0D: "float32",
    0x0E: "float64",
}
_UINT8 = 0x08

IMAGES_PATTERN = re.compile(r"^(?P<prefix>.*)-images[-.]idx3-ubyte(?P<gz>\.gz)?$")


def is_idx_images_name(path):
    return IMAGES_PATTERN.match(pathlib.Path(path).name) is not None


def _read_bytes(path):
    raw = pathlib.Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as err:
            raise ValueError(
                f"IDX file {str(path)!r} is a corrupted gzip file ({err})."
            ) from None
    return raw


def read_idx(path, magic):
    """Reads one IDX file and returns its uint8 contents as a numpy array.

    Args:
        path: Path of the file, plain or gzip-compressed.
        magic: Expected magic number, `IMAGES_MAGIC` or `LABELS_MAGIC`.

    Returns:
        A uint8 array with the shape given in the file's header.

    Raises:
        ValueError: naming the file, if the magic number, the element type or
            the size does not match.
    """
    name = str(path)
    kind = "images" if magic == IMAGES_MAGIC else "labels"
    raw = _read_bytes(path)
    if len(raw) < 4:
        raise ValueError(
            f"IDX file {name!r} is truncated: {len(raw)} bytes, "
            "too short for the 4-byte magic number."
        )
    found = int.from_bytes(raw[:4], "big")
    ndim = magic & 0xFF
    type_code = raw[2]
    if raw[:2] == b"\x00\x00" and raw[3] == ndim and type_code in _TYPE_NAMES:
        if type_code != _UINT8:
            raise ValueError(
                f"IDX file {name!r} holds {_TYPE_NAMES[type_code]} values "
                f"(type 0x{type_code:02X}); only unsigned bytes (0x08) are "
                "supported."
            )
    elif found != magic:
        raise ValueError(
            f"{name!r} is not an IDX {kind} file: magic number 0x{found:08X}, "
            f"expected 0x{magic:08X}."
        )
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise ValueError(
            f"IDX file {name!r} is truncated: {len(raw)} bytes, the header "
            f"alone needs {header_size}."
        )
    dims = tuple(int(d) for d in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    expected = int(np.prod(dims, dtype=np.int64))
    actual = len(raw) - header_size
    if actual < expected:
        raise ValueError(
            f"IDX file {name!r} is truncated: the header announces shape "
            f"{dims} ({expected} bytes of data) but only {actual} bytes follow."
        )
    if actual > expected:
        raise ValueError(
            f"IDX file {name!r} has {actual - expected} unexpected bytes after "
            f"the {expected} bytes of data announced for shape {dims}."
        )
    data = np.frombuffer(raw, np.uint8, count=expected, offset=header_size)
    return data.reshape(dims)


def find_images_files(directory):
    """IDX image files directly inside `directory`, in sorted order."""
    return sorted(
        path
        for path in pathlib.Path(directory).iterdir()
        if path.is_file() and is_idx_images_name(path)
    )


def labels_file_for(images_path):
    """The labels file that belongs to an IDX images file, or None."""
    images_path = pathlib.Path(images_path)
    prefix = IMAGES_PATTERN.match(images_path.name).group("prefix")
    for sep in ("-", "."):
        for suffix in ("", ".gz"):
            candidate = images_path.with_name(f"{prefix}-labels{sep}idx1-ubyte{suffix}")
            if candidate.is_file():
                return candidate
    return None


def load_idx_source(paths, image_size=None):
    """Reads and concatenates IDX image files (plus labels where all have them)."""
    images, labels = [], []
    for path in paths:
        data = read_idx(path, IMAGES_MAGIC)
        if images and data.shape[1:] != images[0].shape[1:]:
            raise ValueError(
                f"IDX file {str(path)!r} holds {data.shape[1]}x{data.shape[2]} "
                f"images but {str(paths[0])!r} holds "
                f"{images[0].shape[1]}x{images[0].shape[2]}; they cannot be "
                "combined."
            )
        images.append(data)
        label_path = labels_file_for(path) if is_idx_images_name(path) else None
        if label_path is None:
            labels.append(None)
            continue
        label_data = read_idx(label_path, LABELS_MAGIC)
        if label_data.shape[0] != data.shape[0]:
            raise ValueError(
                f"IDX labels file {str(label_path)!r} has {label_data.shape[0]} "
                f"labels but {str(path)!r} has {data.shape[0]} images."
            )
        labels.append(label_data)

    stacked = np.concatenate(images) if len(images) > 1 else images[0]
    unit = stacked.astype(np.float32)[..., np.newaxis]
    unit = unit / np.float32(127.5) - np.float32(1.0)
    unit = resize_array(unit, image_size)
    has_labels = all(item is not None for item in labels)
    return Source(
        description="IDX files " + ", ".join(repr(str(p)) for p in paths),
        num_examples=unit.shape[0],
        has_labels=has_labels,
        images=unit,
        labels=np.concatenate(labels).astype(np.int32) if has_labels else None,
        labels_hint="IDX images need a matching *-labels-idx1-ubyte[.gz] file "
        "next to them.",
    )
