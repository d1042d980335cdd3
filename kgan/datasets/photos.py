"""Real photographs for super-resolution, offline: `"photos"` and folders of your own.

The built-in `"photos"` are the photographs that install inside kgan's
dependencies' wheels, read as files (nothing is downloaded):

- scikit-image (`skimage/data/`): astronaut, camera, coins, moon, brick,
  grass, gravel, hubble_deep_field, immunohistochemistry (`ihc.png`),
  retina, rocket, motorcycle (`motorcycle_left.png`), chelsea, coffee;
- scikit-learn (`sklearn/datasets/images/`): china, flower;
- matplotlib (`mpl-data/sample_data/`): grace_hopper.

**Held out:** chelsea, coffee and flower (`HELD_OUT`) are never used for
training; `held_out_images()` returns them whole, and `split="held_out"`
cuts crops from them. The other 14 photos are the training set; the
smallest is coins, 303x384, so `hr_size` is at most 303 (300 for the
held-out split: chelsea is 300x451). Grey photos (camera, coins, moon,
brick, grass, gravel) are repeated into 3 channels.

**Low resolution is made in one place**, `downscale`: antialiased bicubic
resizing (`tf.image.resize(..., "bicubic", antialias=True)`, Keys' cubic
with a = -0.5 widened by the scale, the kernel of MATLAB's `imresize`),
clipped to the value range, and rounded to whole grey levels for uint8
input, as an LR photo saved to disk would be.

**Reading images** (`read_image`) gives uint8 `[H, W, C]`, C = 1 for grey
images and 3 for colour. Palette images become RGB; an alpha channel is
dropped (the colour values are kept as stored, not composited on a
background); 16-bit images become 8-bit by `round(v / 257)`, which maps
0 -> 0 and 65535 -> 255 and undoes the usual `v * 257` widening exactly.
A missing, unreadable or corrupt file raises one `ValueError` naming it.
A folder of images (`load_super_resolution("path/to/folder", ...)`) is
read whole before training, and a corrupt file stops it with that error:
kgan checks data before it writes anything.

Example:

```python
from kgan.datasets import photos

ds = kgan.datasets.load_super_resolution("photos", scale=4, hr_size=96, batch_size=16, seed=0)
lr, hr = next(iter(ds))  # [16, 24, 24, 3], [16, 96, 96, 3], float32 in [-1, 1]
name, image = photos.held_out_images()[0]  # 'chelsea', uint8 [300, 451, 3]
lr_image = photos.downscale(image[:300, :448], 4)  # uint8 [75, 112, 3]
```
"""

import functools
import importlib.util
import math
import os
import pathlib

import numpy as np
import tensorflow as tf

from kgan.datasets._common import check_batch_size, uint8_to_unit
from kgan.datasets.images import find_image_files
from kgan.validation import check_seed, is_int

__all__ = [
    "HELD_OUT",
    "NAME",
    "SCALES",
    "bicubic_upscale",
    "downscale",
    "held_out_images",
    "read_image",
    "training_images",
]

NAME = "photos"
SCALES = (2, 3, 4)
HELD_OUT = ("chelsea", "coffee", "flower")

# name -> (package, path inside the installed package)
_PHOTOS = {
    "astronaut": ("skimage", "data/astronaut.png"),
    "camera": ("skimage", "data/camera.png"),
    "coins": ("skimage", "data/coins.png"),
    "moon": ("skimage", "data/moon.png"),
    "brick": ("skimage", "data/brick.png"),
    "grass": ("skimage", "data/grass.png"),
    "gravel": ("skimage", "data/gravel.png"),
    "hubble_deep_field": ("skimage", "data/hubble_deep_field.jpg"),
    "immunohistochemistry": ("skimage", "data/ihc.png"),
    "retina": ("skimage", "data/retina.jpg"),
    "rocket": ("skimage", "data/rocket.jpg"),
    "motorcycle": ("skimage", "data/motorcycle_left.png"),
    "china": ("sklearn", "datasets/images/china.jpg"),
    "grace_hopper": ("matplotlib", "mpl-data/sample_data/grace_hopper.jpg"),
    "chelsea": ("skimage", "data/chelsea.png"),
    "coffee": ("skimage", "data/coffee.png"),
    "flower": ("sklearn", "datasets/images/flower.jpg"),
}
_PIP_NAMES = {"skimage": "scikit-image", "sklearn": "scikit-learn", "matplotlib": "matplotlib"}


# ---------------------------------------------------------------- reading


def _to_uint8_from_16bit(values):
    return ((np.asarray(values, np.uint32) + 128) // 257).astype(np.uint8)


def _png_bit_depth(head):
    # The IHDR chunk follows the 8-byte signature; its bit depth is byte 24.
    if head[:8] == b"\x89PNG\r\n\x1a\n" and len(head) > 24:
        return head[24]
    return None


def _decode_pil(path):
    from PIL import Image

    with Image.open(path) as image:
        image.load()  # decodes the pixels: truncated data fails here
        mode = image.mode
        if mode == "P":
            image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        elif mode == "PA":
            image = image.convert("RGBA")
        elif mode in ("1", "L", "LA", "La"):
            image = image.convert("L")
        elif mode.startswith("I"):
            array = np.asarray(image)
            return _to_uint8_from_16bit(np.clip(array, 0, 65535))[..., None]
        elif mode not in ("RGB", "RGBA"):
            if mode == "F":
                raise ValueError("floating-point pixels; save it as an 8-bit image")
            image = image.convert("RGB")  # CMYK, YCbCr, LAB, ...
        array = np.asarray(image)
    if array.ndim == 2:
        return array[..., None]
    return array[..., :3]  # alpha dropped


def read_image(path, channels=None) -> np.ndarray:
    """Reads an image file (png, jpg, bmp, gif, ...) as uint8 `[H, W, C]`.

    Grey images give C = 1, colour images C = 3. Palette images are
    converted to RGB, an alpha channel is dropped (colour values kept as
    stored), and 16-bit images are reduced to 8 bits by `round(v / 257)`
    (0 -> 0, 65535 -> 255; a `v * 257` widened 8-bit image comes back
    exactly). An animated GIF gives its first frame.

    Args:
        path: The image file.
        channels: None keeps the image's own (1 or 3); 3 repeats a grey
            image into RGB; 1 turns colour into grey by ITU-R BT.601 luma
            (`0.299 R + 0.587 G + 0.114 B`, rounded).

    Returns:
        A uint8 numpy array `[H, W, C]`.

    Raises:
        ValueError: naming the file, if it does not exist, is a directory,
            or is not an image or is corrupt or truncated; or for a bad
            `channels`.

    Example:

    ```python
    image = kgan.datasets.photos.read_image("photo.png", channels=3)  # uint8 [H, W, 3]
    ```
    """
    if channels not in (None, 1, 3):
        raise ValueError(f"`channels` must be None, 1 or 3; got {channels!r}.")
    path = os.fspath(path)
    if not os.path.exists(path):
        raise ValueError(f"Image file {path!r} does not exist.")
    if os.path.isdir(path):
        raise ValueError(f"{path!r} is a directory, not an image file.")
    try:
        with open(path, "rb") as f:
            head = f.read(32)
        if _png_bit_depth(head) == 16:
            data = tf.io.read_file(path)
            image = _to_uint8_from_16bit(tf.io.decode_png(data, dtype=tf.uint16).numpy())
            if image.shape[-1] in (2, 4):
                image = image[..., :-1]  # alpha dropped
        else:
            image = _decode_pil(path)
    except Exception as err:  # PIL and TensorFlow raise many types for bad files.
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ValueError(
            f"Could not read {path!r} as an image: it is not an image file, or it is "
            f"corrupt or truncated ({reason})."
        ) from None
    return _convert_channels(image, channels)


def _convert_channels(image, channels):
    if channels is None or image.shape[-1] == channels:
        return np.ascontiguousarray(image)
    if channels == 3:
        return np.repeat(image, 3, axis=-1)
    luma = image.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    return np.clip(np.rint(luma), 0, 255).astype(np.uint8)[..., None]


# ---------------------------------------------------------------- the photos


def _package_file(package, relative):
    spec = importlib.util.find_spec(package)
    for root in (spec.submodule_search_locations or ()) if spec else ():
        path = os.path.join(root, relative)
        if os.path.isfile(path):
            return path
    raise ValueError(
        f"The built-in {NAME!r} come with {_PIP_NAMES[package]}, which is not installed or "
        f"lacks {package}/{relative}: `pip install {_PIP_NAMES[package]}` (a kgan dependency)."
    )


@functools.lru_cache(maxsize=None)
def _photo(name):
    image = read_image(_package_file(*_PHOTOS[name]), channels=3)
    image.setflags(write=False)
    return image


def training_images() -> list:
    """The 14 training photos, whole: a list of `(name, uint8 [H, W, 3])`.

    Returns:
        The photos of `"photos"` that `split="train"` crops from (every
        built-in photo except `HELD_OUT`), read-only arrays.

    Example:

    ```python
    [name for name, _ in kgan.datasets.photos.training_images()][:2]  # ['astronaut', 'camera']
    ```
    """
    return [(name, _photo(name)) for name in _PHOTOS if name not in HELD_OUT]


def held_out_images() -> list:
    """The held-out photos, whole: `[(name, uint8 [H, W, 3]), ...]`.

    chelsea (300x451, a cat), coffee (400x600, a cup) and flower (427x640);
    training on `"photos"` never sees them. Compare models on these.

    Returns:
        A list of `(name, image)` with read-only uint8 `[H, W, 3]` arrays.

    Example:

    ```python
    for name, image in kgan.datasets.photos.held_out_images():
        print(name, image.shape)  # chelsea (300, 451, 3), ...
    ```
    """
    return [(name, _photo(name)) for name in HELD_OUT]


# ---------------------------------------------------------------- resizing


def _check_scale(scale):
    if not is_int(scale) or int(scale) not in SCALES:
        raise ValueError(f"`scale` must be one of {', '.join(map(str, SCALES))}; got {scale!r}.")
    return int(scale)


def _resize(images, size, method):
    """Resizes a `[..., H, W, C]` tensor; uint8 stays uint8 (rounded), float stays in [-1, 1]."""
    is_uint8 = images.dtype == tf.uint8
    resized = tf.image.resize(tf.cast(images, tf.float32), size, method=method, antialias=True)
    if is_uint8:
        return tf.cast(tf.clip_by_value(tf.round(resized), 0.0, 255.0), tf.uint8)
    return tf.clip_by_value(resized, -1.0, 1.0)


def _apply(image, argument, scale, resize):
    is_tensor = tf.is_tensor(image)
    images = image if is_tensor else np.asarray(image)
    if images.dtype not in (np.uint8, tf.uint8) and not (
            images.dtype.is_floating if is_tensor else np.issubdtype(images.dtype, np.floating)):
        raise ValueError(f"`{argument}` must be uint8 or float in [-1, 1]; got dtype {images.dtype}.")
    if len(images.shape) not in (3, 4):
        raise ValueError(f"`{argument}` must be [H, W, C] or [N, H, W, C]; got shape "
                         f"{tuple(images.shape)}.")
    height, width = images.shape[-3], images.shape[-2]
    out = resize(tf.convert_to_tensor(images), height, width)
    return out if is_tensor else out.numpy()


def downscale(hr, scale):
    """The low-resolution version of `hr`: antialiased bicubic, 1/`scale` the size.

    The one place kgan makes LR images from HR ones (training pairs,
    baselines, benchmarks). uint8 input gives uint8 output rounded to whole
    grey levels; float input (in [-1, 1]) gives float32 clipped to [-1, 1].

    Args:
        hr: `[H, W, C]` or `[N, H, W, C]`, uint8 or float in [-1, 1]; a
            numpy array or a tensor (the result is of the same kind). H and
            W must be multiples of `scale`.
        scale: 2, 3 or 4.

    Returns:
        `[H / scale, W / scale, C]` (or with the batch dimension).

    Raises:
        ValueError: for a bad `scale`, or a size that `scale` does not divide.

    Example:

    ```python
    lr = kgan.datasets.photos.downscale(hr_uint8, 4)  # [96, 96, 3] -> [24, 24, 3] uint8
    ```
    """
    scale = _check_scale(scale)

    def resize(images, height, width):
        if height is not None and width is not None and (height % scale or width % scale):
            raise ValueError(
                f"`hr` is {height}x{width}, which `scale`={scale} does not divide; crop it "
                f"first, e.g. hr[:{height - height % scale}, :{width - width % scale}].")
        shape = tf.shape(images)
        return _resize(images, (shape[-3] // scale, shape[-2] // scale), "bicubic")

    return _apply(hr, "hr", scale, resize)


def bicubic_upscale(lr, scale):
    """`lr` enlarged `scale` times by bicubic interpolation: the baseline an SR model must beat.

    Args:
        lr: `[H, W, C]` or `[N, H, W, C]`, uint8 or float in [-1, 1], numpy
            or tensor (the result is of the same kind and dtype).
        scale: 2, 3 or 4.

    Returns:
        `[H * scale, W * scale, C]` (or with the batch dimension).

    Example:

    ```python
    baseline = kgan.datasets.photos.bicubic_upscale(lr, 4)  # [24, 24, 3] -> [96, 96, 3]
    ```
    """
    scale = _check_scale(scale)

    def resize(images, height, width):
        shape = tf.shape(images)
        return _resize(images, (shape[-3] * scale, shape[-2] * scale), "bicubic")

    return _apply(lr, "lr", scale, resize)


# ---------------------------------------------------------------- datasets


def _check_hr_size(hr_size, scale, images, what):
    if not is_int(hr_size) or hr_size < scale:
        raise ValueError(f"`hr_size` must be a positive integer (the side of the HR crops, "
                         f"a multiple of `scale`); got {hr_size!r}.")
    if hr_size % scale:
        raise ValueError(
            f"`hr_size`={hr_size} is not divisible by `scale`={scale}: the LR crops would "
            f"not have a whole size. Use a multiple of {scale}, e.g. "
            f"{max(scale, hr_size - hr_size % scale)}.")
    name, image = min(images, key=lambda item: min(item[1].shape[:2]))
    if hr_size > min(image.shape[:2]):
        raise ValueError(
            f"`hr_size`={hr_size} is larger than the smallest {what}, {name} "
            f"({image.shape[0]}x{image.shape[1]} pixels, height x width); use `hr_size` <= "
            f"{min(image.shape[:2]) - min(image.shape[:2]) % scale} or leave that image out.")
    return int(hr_size)


def _folder_images(path):
    files = find_image_files(path)
    if not files:
        raise ValueError(f"`name_or_path` {str(path)!r} holds no image files (png, jpg, jpeg, "
                         "bmp, gif, searched recursively).")
    images = [(str(p.relative_to(path)), read_image(p)) for p in files]
    channels = max(image.shape[-1] for _, image in images)
    return [(name, _convert_channels(image, channels)) for name, image in images]


def _resolve(name_or_path, split):
    if isinstance(name_or_path, str) and name_or_path == NAME:
        return training_images() if split == "train" else held_out_images()
    if not isinstance(name_or_path, (str, os.PathLike)):
        raise ValueError(f"`name_or_path` must be {NAME!r} or a folder of images; got "
                         f"{name_or_path!r}.")
    path = pathlib.Path(name_or_path).expanduser()
    if not path.is_dir():
        raise ValueError(f"`name_or_path` {os.fspath(name_or_path)!r} is neither {NAME!r} nor "
                         "an existing folder of images.")
    images = _folder_images(path)
    if split == "train":
        return images
    channels = images[0][1].shape[-1]
    return [(name, _convert_channels(image, channels)) for name, image in held_out_images()]


def _random_crops(images, hr_size):
    """A map from a random int64 to one randomly placed, flipped and rotated uint8 crop."""
    channels = images[0][1].shape[-1]
    shapes = np.array([image.shape[:2] for _, image in images], np.int64)
    starts = np.concatenate([[0], np.cumsum(shapes[:, 0] * shapes[:, 1] * channels)[:-1]])
    with tf.device("/cpu:0"):
        pixels = tf.constant(np.concatenate([image.reshape(-1) for _, image in images]))
    shapes_t, starts_t = tf.constant(shapes), tf.constant(starts)

    def crop(key):
        def uniform(stream, high):
            return tf.random.stateless_uniform([], tf.stack([key, stream]), 0, high, tf.int64)

        k = uniform(0, len(images))
        height, width = shapes_t[k][0], shapes_t[k][1]
        image = tf.reshape(pixels[starts_t[k]:starts_t[k] + height * width * channels],
                           tf.stack([height, width, channels]))
        y, x = uniform(1, height - hr_size + 1), uniform(2, width - hr_size + 1)
        patch = image[y:y + hr_size, x:x + hr_size]
        transform = uniform(3, 8)  # the 8 flips and quarter turns of a square
        patch = tf.image.rot90(patch, tf.cast(transform % 4, tf.int32))
        patch = tf.cond(transform >= 4, lambda: tf.image.flip_left_right(patch), lambda: patch)
        return tf.ensure_shape(patch, (hr_size, hr_size, channels))

    return crop


def _grid_crops(images, hr_size):
    """Non-overlapping crops covering each image's centre, image by image."""
    crops = []
    for _, image in images:
        height, width = image.shape[:2]
        top, left = (height % hr_size) // 2, (width % hr_size) // 2
        for y in range(top, height - hr_size + 1, hr_size):
            for x in range(left, width - hr_size + 1, hr_size):
                crops.append(image[y:y + hr_size, x:x + hr_size])
    return np.stack(crops)


def load_super_resolution(name_or_path=NAME, *, scale, hr_size, batch_size, seed=None,
                          split="train", steps=None) -> tf.data.Dataset:
    """`(lr, hr)` training pairs of photo crops, float32 in [-1, 1].

    `split="train"`: random `hr_size` crops of the training images (each
    batch element picks an image uniformly, a position uniformly, and one
    of the 8 flips and quarter turns), LR made by `downscale`. A given
    `seed` gives the same batches in every run; each pass over the dataset
    (each Keras epoch) draws new crops. `split="held_out"`: the
    non-overlapping `hr_size` crops of the held-out photos, in order, no
    flips (the same for every seed). Everything is checked and the images
    are read before the dataset is returned.

    Args:
        name_or_path: `"photos"` (the built-in photos, see
            `kgan.datasets.photos`) or a folder of your images (png, jpg,
            jpeg, bmp, gif, searched recursively; all are read up front and
            a corrupt one stops with its name; 3 channels if any image has
            colour, else 1). A folder's held-out split is the built-in
            held-out photos, with the folder's channels.
        scale: 2, 3 or 4: LR crops are `hr_size / scale` pixels wide.
        hr_size: Side of the HR crops; divisible by `scale` and at most
            the smallest image's height and width.
        batch_size: Crops per batch, a positive integer.
        seed: None or an integer >= 0 fixing the crops.
        split: `"train"` or `"held_out"`.
        steps: Batches per pass. None: for `"train"`, as many batches as
            the training images hold non-overlapping crops (at least 1);
            for `"held_out"`, every crop once (the last batch may be
            smaller). A number: that many full batches per pass
            (held-out crops repeat).

    Returns:
        A prefetched `tf.data.Dataset` of `(lr, hr)`: float32
        `[batch_size, hr_size / scale, hr_size / scale, C]` and
        `[batch_size, hr_size, hr_size, C]`.

    Raises:
        ValueError: before any work, for a `scale` other than 2, 3 or 4, an
            `hr_size` that `scale` does not divide or that is larger than
            the smallest image (named), a bad `batch_size`, `seed`,
            `split` or `steps`, or an unreadable image in a folder.

    Example:

    ```python
    ds = kgan.datasets.load_super_resolution(scale=4, hr_size=96, batch_size=16, seed=0,
                                             steps=100)
    lr, hr = next(iter(ds))  # (16, 24, 24, 3), (16, 96, 96, 3)
    ```
    """
    scale = _check_scale(scale)
    check_batch_size(batch_size)
    seed = check_seed(seed)
    if split not in ("train", "held_out"):
        raise ValueError(f"`split` must be 'train' or 'held_out'; got {split!r}.")
    if steps is not None and (not is_int(steps) or steps < 1):
        raise ValueError(f"`steps` must be None or a positive integer; got {steps!r}.")
    images = _resolve(name_or_path, split)
    what = "training image" if split == "train" else "held-out image"
    hr_size = _check_hr_size(hr_size, scale, images, what)

    if split == "train":
        if steps is None:
            crops = sum((im.shape[0] // hr_size) * (im.shape[1] // hr_size) for _, im in images)
            steps = max(1, math.ceil(crops / batch_size))
        keys = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
        hr = keys.take(steps * batch_size).map(_random_crops(images, hr_size),
                                               num_parallel_calls=tf.data.AUTOTUNE)
        hr = hr.batch(batch_size, drop_remainder=True)
    else:
        hr = tf.data.Dataset.from_tensor_slices(_grid_crops(images, hr_size))
        if steps is None:
            hr = hr.batch(batch_size)
        else:
            hr = hr.repeat().batch(batch_size, drop_remainder=True).take(steps)

    def pair(hr_batch):
        return uint8_to_unit(downscale(hr_batch, scale)), uint8_to_unit(hr_batch)

    return hr.map(pair, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)
