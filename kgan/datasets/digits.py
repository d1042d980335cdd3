"""The built-in `"digits"` source: scikit-learn's bundled 8x8 handwritten digits."""

import numpy as np

from kgan.datasets._common import Source, resize_array

NAME = "digits"


def load_digits_source(image_size=None):
    """1,797 grayscale 8x8 digits with labels 0-9; values 0..16 map to -1..1."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images = bunch.images.astype(np.float32).reshape(-1, 8, 8, 1)
    images = images / np.float32(8.0) - np.float32(1.0)
    images = resize_array(images, image_size)
    return Source(
        description="scikit-learn digits",
        num_examples=images.shape[0],
        has_labels=True,
        images=images,
        labels=bunch.target.astype(np.int32),
        class_names=[str(d) for d in range(10)],
    )
