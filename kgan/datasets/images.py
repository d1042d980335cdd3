"""Directories of image files (png, jpg, jpeg, bmp, gif), streamed with tf.data."""

import pathlib

import numpy as np
import tensorflow as tf

from kgan.datasets._common import Source, map_images, resize_tensor, uint8_to_unit

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
_GRAY_MODES = {"1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "I;16N", "F"}


def find_image_files(directory):
    """Image files below `directory` (recursively, hidden folders skipped), sorted."""
    root = pathlib.Path(directory)
    files = []
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.suffix.lower() in IMAGE_EXTENSIONS and path.is_file():
            files.append(path)
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def _scan(files):
    """Decodes every file once: {(height, width): first file}, and whether all are gray.

    A truncated or corrupt file is found here, before training, with its
    name, rather than in the middle of an epoch.
    """
    from PIL import Image

    sizes = {}
    all_gray = True
    for path in files:
        try:
            with Image.open(path) as image:
                width, height = image.size
                mode = image.mode
                image.load()  # decodes the pixels: truncated data fails here
        except Exception as err:  # PIL raises many types for bad files.
            raise ValueError(
                f"Could not read image file {str(path)!r}: {err}"
            ) from None
        sizes.setdefault((height, width), path)
        all_gray = all_gray and mode in _GRAY_MODES
    return sizes, all_gray


def load_image_folder_source(directory, files, image_size=None):
    """Builds a streaming source over `files`, all lying below `directory`.

    Labels exist when every image sits in a sub-folder of `directory`: the
    label is the index of its top-level sub-folder in sorted order.
    """
    root = pathlib.Path(directory)
    top_dirs = [path.relative_to(root).parts for path in files]
    has_labels = all(len(parts) >= 2 for parts in top_dirs)
    if has_labels:
        classes = sorted({parts[0] for parts in top_dirs})
        class_index = {name: i for i, name in enumerate(classes)}
        labels = np.array([class_index[parts[0]] for parts in top_dirs], np.int32)
    else:
        labels = None

    sizes, all_gray = _scan(files)
    channels = 1 if all_gray else 3
    if image_size is None and len(sizes) > 1:
        examples = ", ".join(
            f"{h}x{w} ({str(p)!r})" for (h, w), p in list(sizes.items())[:3]
        )
        raise ValueError(
            f"Images in {str(root)!r} have different sizes (height x width: "
            f"{examples}); pass `image_size` to resize them all to one square "
            "size."
        )
    native_shape = next(iter(sizes)) if len(sizes) == 1 else (None, None)

    paths = np.array([str(p) for p in files])

    def decode(path):
        # Decoding to 3 channels works for every format (GIF and BMP refuse 1);
        # for all-gray folders the three channels are equal, so keep the first.
        image = tf.io.decode_image(
            tf.io.read_file(path), channels=3, expand_animations=False
        )
        image = image[..., :channels]
        image.set_shape(native_shape + (channels,))
        image = uint8_to_unit(image)
        if image_size is not None:
            image = resize_tensor(image, image_size)
        return image

    def stream(batch_size, shuffle, seed, with_labels, drop_remainder):
        if with_labels:
            ds = tf.data.Dataset.from_tensor_slices((paths, labels))
        else:
            ds = tf.data.Dataset.from_tensor_slices(paths)
        if shuffle:
            ds = ds.shuffle(len(paths), seed=seed, reshuffle_each_iteration=True)
        return map_images(ds, decode, with_labels).batch(batch_size,
                                                         drop_remainder=drop_remainder)

    return Source(
        description=f"image folder {str(root)!r}",
        num_examples=len(files),
        has_labels=has_labels,
        stream=stream,
        labels_hint="Put every image in a class sub-folder to get labels.",
        class_names=classes if has_labels else None,
    )
