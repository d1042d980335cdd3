"""Shared pieces of the dataset sources: validation, scaling, resizing, batching."""

import dataclasses
from typing import Callable, Optional

import numpy as np
import tensorflow as tf

from kgan.validation import is_int

MIN_IMAGE_SIZE = 4


@dataclasses.dataclass
class Source:
    """A resolved data source.

    In-memory sources fill `images` (float32 in [-1, 1], already resized) and
    `labels`; streaming sources fill `stream`, a callable
    `(batch_size, shuffle, seed, with_labels, drop_remainder) -> tf.data.Dataset`
    that yields converted, resized batches.
    """

    description: str
    num_examples: Optional[int]
    has_labels: bool
    images: Optional[np.ndarray] = None
    labels: Optional[np.ndarray] = None
    stream: Optional[Callable[..., tf.data.Dataset]] = None
    labels_hint: str = ""
    # Names of the label values 0, 1, ... (None: the labels are their own names).
    class_names: Optional[list] = None


def check_batch_size(batch_size):
    if not is_int(batch_size) or batch_size < 1:
        raise ValueError(
            f"`batch_size` must be a positive integer, got {batch_size!r}."
        )


def check_image_size(image_size):
    if image_size is None:
        return
    if not is_int(image_size) or image_size < MIN_IMAGE_SIZE:
        raise ValueError(
            "`image_size` must be None (keep the native size) or an integer "
            f">= {MIN_IMAGE_SIZE} (resize to image_size x image_size), "
            f"got {image_size!r}."
        )


def uint8_to_unit(images):
    """Maps uint8 values 0..255 to float32 -1..1 (0 -> -1, 255 -> 1 exactly)."""
    return tf.cast(images, tf.float32) / 127.5 - 1.0


def resize_tensor(images, image_size):
    """Resizes a `[..., H, W, C]` float tensor in [-1, 1] to `image_size` square."""
    height, width = images.shape[-3], images.shape[-2]
    if height == image_size and width == image_size:
        return images
    # Antialiasing only changes the result when shrinking; with an unknown
    # static size it is switched on, which is harmless for enlarging.
    antialias = (
        height is None
        or width is None
        or image_size < height
        or image_size < width
    )
    resized = tf.image.resize(
        images, (image_size, image_size), method="bilinear", antialias=antialias
    )
    return tf.clip_by_value(resized, -1.0, 1.0)


def resize_array(images, image_size):
    """Resizes a whole `[N, H, W, C]` float32 array up front (one resize call)."""
    if image_size is None:
        return images
    if images.shape[1] == image_size and images.shape[2] == image_size:
        return images
    with tf.device("/cpu:0"):
        resized = resize_tensor(tf.convert_to_tensor(images), image_size)
    return np.asarray(resized.numpy(), dtype=np.float32)


def map_images(ds, convert, with_labels):
    """`convert` applied to the images of `ds` (elements `image` or `(image, label)`)."""
    if with_labels:
        return ds.map(lambda x, y: (convert(x), y), num_parallel_calls=tf.data.AUTOTUNE)
    return ds.map(convert, num_parallel_calls=tf.data.AUTOTUNE)


def in_memory_dataset(images, labels, batch_size, shuffle, seed, with_labels):
    """Batches an in-memory array by shuffling indices and gathering whole batches.

    Gathering a batch per step is cheaper than slicing, buffering and
    re-stacking individual examples, and the shuffle buffer only holds indices.
    """
    num_examples = images.shape[0]
    with tf.device("/cpu:0"):
        images_t = tf.convert_to_tensor(images)
        labels_t = tf.convert_to_tensor(labels) if with_labels else None

    indices = tf.data.Dataset.range(num_examples)
    if shuffle:
        indices = indices.shuffle(
            num_examples, seed=seed, reshuffle_each_iteration=True
        )
    indices = indices.batch(batch_size, drop_remainder=True)

    if with_labels:

        def take(idx):
            return tf.gather(images_t, idx), tf.gather(labels_t, idx)

    else:

        def take(idx):
            return tf.gather(images_t, idx)

    return indices.map(take, num_parallel_calls=tf.data.AUTOTUNE)
