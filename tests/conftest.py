"""Shared tiny fixtures: 8 px images, a few filters, batches of 4-8."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED_MNIST = REPO.parent / "shared" / "data" / "mnist"


def tiny_gan(image_size=8, channels=1, latent_dim=4, filters=2, compile=True, compile_kwargs=None,
             **gan_kwargs):
    """A DCGAN small enough to train a step in milliseconds."""
    import kgan

    generator, discriminator = kgan.networks.get(
        "dcgan", image_shape=(image_size, image_size, channels), latent_dim=latent_dim,
        filters=filters,
    )
    gan = kgan.GAN(generator, discriminator, latent_dim=latent_dim, **gan_kwargs)
    if compile:
        gan.compile(**(compile_kwargs or {}))
    return gan


def real_images(n=16, image_size=8, channels=1, seed=0):
    """Random float32 'images' in [-1, 1]."""
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, image_size, image_size, channels)).astype("float32")


@pytest.fixture
def seeded():
    import keras

    keras.utils.set_random_seed(1234)


@pytest.fixture(autouse=True)
def _op_determinism_stays_local():
    """`kgan train --seed` run in-process enables TF op determinism for the
    whole process, and Keras then silently drops `jit_compile=True`; switch it
    back off so later tests really run under XLA."""
    yield
    import sys

    if "tensorflow" in sys.modules:
        from tensorflow.python.framework import config

        if config.is_op_determinism_enabled():
            config.disable_op_determinism()
