"""Shared, cached pieces of the kgan.metrics tests (trained once per session)."""

import functools

import numpy as np


@functools.lru_cache(maxsize=None)
def digits_extractor():
    """The domain CNN on scikit-learn's digits, kept small so it trains in seconds."""
    from kgan.metrics import FeatureExtractor

    return FeatureExtractor.fit("digits", epochs=8, filters=16, feature_dim=32, seed=0)


@functools.lru_cache(maxsize=None)
def digits_halves():
    """Two disjoint random halves of the digits: (images_a, labels_a, images_b, labels_b)."""
    from kgan import datasets

    images, labels = datasets.load_arrays("digits")
    order = np.random.default_rng(0).permutation(images.shape[0])
    a, b = order[:900], order[900:]
    return images[a], labels[a], images[b], labels[b]
