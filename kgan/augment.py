"""Differentiable augmentation for discriminator inputs (DiffAugment).

Zhao et al. 2020 (arXiv:2006.10738) augment *both* the real images and the
generator's fakes with the same family of random, differentiable transforms
before the discriminator sees them, so the discriminator cannot memorize a
small training set and the generator still gets gradients through the
transform. Every function here is pure: images `[batch, H, W, C]` in about
[-1, 1] in, images of the same shape out, with independent random parameters
per example drawn from `seed`.

`seed` is anything `keras.random` accepts: an int, `None`, or a
`keras.random.SeedGenerator` (what `kgan.GAN` passes, so training stays
reproducible and works under `jit_compile=True`).
"""

import keras
import tensorflow as tf
from keras import ops

POLICIES = ("color", "translation", "cutout")


def _uniform(shape, seed, low=0.0, high=1.0):
    return keras.random.uniform(shape, minval=low, maxval=high, seed=seed)


def brightness(images, seed=None):
    """Adds one offset in [-0.5, 0.5) per image.

    Example:

    ```python
    brighter = kgan.augment.brightness(images, seed=0)
    ```
    """
    offset = _uniform((ops.shape(images)[0], 1, 1, 1), seed, -0.5, 0.5)
    return images + ops.cast(offset, images.dtype)


def saturation(images, seed=None):
    """Scales each pixel's distance from its channel mean by a factor in [0, 2)
    per image (no effect on one-channel images).

    Example:

    ```python
    washed = kgan.augment.saturation(images, seed=0)
    ```
    """
    factor = ops.cast(_uniform((ops.shape(images)[0], 1, 1, 1), seed, 0.0, 2.0), images.dtype)
    mean = ops.mean(images, axis=-1, keepdims=True)
    return (images - mean) * factor + mean


def contrast(images, seed=None):
    """Scales each image's distance from its mean by a factor in [0.5, 1.5).

    Example:

    ```python
    flatter = kgan.augment.contrast(images, seed=0)
    ```
    """
    factor = ops.cast(_uniform((ops.shape(images)[0], 1, 1, 1), seed, 0.5, 1.5), images.dtype)
    mean = ops.mean(images, axis=(1, 2, 3), keepdims=True)
    return (images - mean) * factor + mean


def color(images, seed=None):
    """Brightness, then saturation, then contrast, each random per image.

    Example:

    ```python
    augmented = kgan.augment.color(images, seed=keras.random.SeedGenerator(0))
    ```
    """
    if isinstance(seed, int):
        seed = keras.random.SeedGenerator(seed)
    return contrast(saturation(brightness(images, seed), seed), seed)


def translation(images, ratio=0.125, seed=None):
    """Shifts each image by a random whole number of pixels, up to
    `ratio * side` in each direction, filling the uncovered border with 0.

    Args:
        images: `[batch, H, W, C]`.
        ratio: largest shift as a fraction of the side.
        seed: see the module docstring.

    Example:

    ```python
    shifted = kgan.augment.translation(images, ratio=0.125, seed=0)
    ```
    """
    if isinstance(seed, int):
        seed = keras.random.SeedGenerator(seed)
    batch = ops.shape(images)[0]
    height, width = int(images.shape[1]), int(images.shape[2])
    pad_h, pad_w = int(height * ratio + 0.5), int(width * ratio + 0.5)
    if pad_h == 0 and pad_w == 0:
        return images
    shift_h = ops.floor(_uniform((batch, 1), seed, 0.0, 2 * pad_h + 1.0))
    shift_w = ops.floor(_uniform((batch, 1), seed, 0.0, 2 * pad_w + 1.0))
    padded = ops.pad(images, [[0, 0], [pad_h, pad_h], [pad_w, pad_w], [0, 0]])
    # Output row i of example b reads padded row i + shift_h[b] (shift 0..2*pad).
    rows = ops.cast(ops.arange(height)[None, :] + ops.cast(shift_h, "int32"), "int32")
    cols = ops.cast(ops.arange(width)[None, :] + ops.cast(shift_w, "int32"), "int32")
    shifted = tf.gather(padded, rows, axis=1, batch_dims=1)
    return tf.gather(shifted, cols, axis=2, batch_dims=1)


def cutout(images, ratio=0.5, seed=None):
    """Sets one random square of side `ratio * side` per image to 0 (clipped
    at the border).

    Args:
        images: `[batch, H, W, C]`.
        ratio: side of the square as a fraction of the image side.
        seed: see the module docstring.

    Example:

    ```python
    holed = kgan.augment.cutout(images, ratio=0.5, seed=0)
    ```
    """
    if isinstance(seed, int):
        seed = keras.random.SeedGenerator(seed)
    batch = ops.shape(images)[0]
    height, width = int(images.shape[1]), int(images.shape[2])
    size_h, size_w = int(height * ratio + 0.5), int(width * ratio + 0.5)
    # The square's centre is a uniformly random pixel.
    top = ops.floor(_uniform((batch, 1, 1), seed, 0.0, float(height))) - size_h // 2
    left = ops.floor(_uniform((batch, 1, 1), seed, 0.0, float(width))) - size_w // 2
    rows = ops.cast(ops.arange(height), "float32")[None, :, None]
    cols = ops.cast(ops.arange(width), "float32")[None, None, :]
    inside = ops.logical_and(
        ops.logical_and(rows >= top, rows < top + size_h),
        ops.logical_and(cols >= left, cols < left + size_w),
    )
    keep = ops.cast(ops.logical_not(inside), images.dtype)[..., None]
    return images * keep


_FUNCTIONS = {"color": color, "translation": translation, "cutout": cutout}


def check_policy(policy):
    """Validates a policy: `None`/"" (off) or comma-separated names from
    `POLICIES`; returns it normalized ("color,translation,cutout" order kept
    as given) or `None`.

    Example:

    ```python
    kgan.augment.check_policy("translation, cutout")  # "translation,cutout"
    ```
    """
    if policy is None:
        return None
    if not isinstance(policy, str):
        raise ValueError(
            f"`augment` must be None or a comma-separated string of {', '.join(POLICIES)}; "
            f"got {policy!r}."
        )
    names = [name.strip() for name in policy.split(",") if name.strip()]
    unknown = [name for name in names if name not in _FUNCTIONS]
    if unknown:
        raise ValueError(
            f"`augment`: unknown augmentation {unknown[0]!r}; choose from {', '.join(POLICIES)}."
        )
    return ",".join(names) or None


def diff_augment(images, policy="color,translation,cutout", seed=None):
    """Applies the augmentations named in `policy`, in order.

    Args:
        images: `[batch, H, W, C]` in about [-1, 1].
        policy: comma-separated names from `POLICIES`; `None` or "" returns
            `images` unchanged.
        seed: see the module docstring.

    Example:

    ```python
    seed = keras.random.SeedGenerator(0)
    real_seen = kgan.augment.diff_augment(real, seed=seed)
    fake_seen = kgan.augment.diff_augment(fake, seed=seed)  # gradients reach `fake`
    ```
    """
    policy = check_policy(policy)
    if policy is None:
        return images
    if isinstance(seed, int):
        seed = keras.random.SeedGenerator(seed)
    for name in policy.split(","):
        images = _FUNCTIONS[name](images, seed=seed)
    return images
