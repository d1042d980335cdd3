"""Inpainting masks: random holes, the network's input, and checks of users' masks.

**Convention.** A mask is float32 `{0, 1}` of shape `[H, W, 1]` (or
`[n, H, W, 1]`): **1 marks the hole** (pixels to fill in), 0 the pixels
that are kept. The inpainting network's input is built in one place,
`masked_input`: the image with the hole set to 0 (mid-grey in the
`[-1, 1]` range), followed by the mask as one more channel, `[.., H, W,
C + 1]`.

**Random masks** (`random_masks`) come in three kinds:

- `"box"`: one axis-aligned rectangle whose height and width are each
  drawn uniformly from 25% to 50% of the image's, placed uniformly: the
  hole covers 6.25% to 25% of the image.
- `"stroke"`: free-form brush strokes (as in free-form inpainting): 1 to 3
  strokes, each a polyline of 2 to 4 segments with random angles, drawn
  with a round brush 8% to 15% of the image side wide; a mask is redrawn
  until its hole covers 5% to 40% of the image.
- `"mixed"`: each mask is a box or a stroke mask with probability 1/2.

Masks depend only on `(n, height, width, kind, seed)`: the same seed gives
the same masks on every machine (numpy's PCG64 generator and Pillow's
line drawing).

Example:

```python
from kgan.datasets import masks

holes = masks.random_masks(4, 32, 32, "stroke", seed=0)  # float32 {0, 1} [4, 32, 32, 1]
inputs = masks.masked_input(images, holes)  # [4, 32, 32, C + 1]
user_mask = masks.check_mask("hole.png", image.shape, "mask")  # float32 [H, W, 1]
```
"""

import os

import numpy as np
import tensorflow as tf

from kgan.validation import check_seed, is_int

__all__ = ["MASK_KINDS", "check_mask", "check_mask_kind", "load_inpainting", "masked_input",
           "random_masks"]

MASK_KINDS = ("box", "stroke", "mixed")
BOX_SIDE = (0.25, 0.5)  # of the image's height / width
STROKE_COVERAGE = (0.05, 0.4)  # of the image's area
_STROKE_WIDTH = (0.08, 0.15)  # of the image side
_MIN_SIDE = 4


def check_mask_kind(mask_kind, name="mask_kind"):
    """Returns `mask_kind` if it is one of `MASK_KINDS`, else raises a ValueError."""
    if not isinstance(mask_kind, str) or mask_kind not in MASK_KINDS:
        raise ValueError(f"`{name}` must be one of {', '.join(map(repr, MASK_KINDS))}; "
                         f"got {mask_kind!r}.")
    return mask_kind


def _box(rng, height, width):
    mask = np.zeros((height, width), np.float32)
    h = max(1, int(round(height * rng.uniform(*BOX_SIDE))))
    w = max(1, int(round(width * rng.uniform(*BOX_SIDE))))
    y = int(rng.integers(0, height - h + 1))
    x = int(rng.integers(0, width - w + 1))
    mask[y:y + h, x:x + w] = 1.0
    return mask


def _stroke(rng, height, width):
    from PIL import Image, ImageDraw

    side = min(height, width)
    low, high = STROKE_COVERAGE
    for _ in range(100):
        image = Image.new("L", (width, height), 0)
        draw = ImageDraw.Draw(image)
        for _ in range(int(rng.integers(1, 4))):
            brush = max(1, int(round(side * rng.uniform(*_STROKE_WIDTH))))
            points = [(rng.uniform(0, width), rng.uniform(0, height))]
            angle = rng.uniform(0, 2 * np.pi)
            for _ in range(int(rng.integers(2, 5))):
                angle += rng.uniform(-np.pi / 2, np.pi / 2)
                length = side * rng.uniform(0.15, 0.4)
                x = float(np.clip(points[-1][0] + length * np.cos(angle), 0, width - 1))
                y = float(np.clip(points[-1][1] + length * np.sin(angle), 0, height - 1))
                points.append((x, y))
            draw.line(points, fill=255, width=brush, joint="curve")
            r = brush / 2
            for x, y in (points[0], points[-1]):  # round caps
                draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
        mask = (np.asarray(image) > 127).astype(np.float32)
        if low <= mask.mean() <= high:
            return mask
    return _box(rng, height, width)  # not reached for images >= 4x4 in practice


def random_masks(n, height, width, kind="mixed", seed=None) -> np.ndarray:
    """Draws `n` random hole masks (1 = hole, 0 = kept).

    Args:
        n: Number of masks, a positive integer.
        height: Mask height in pixels, an integer >= 4.
        width: Mask width in pixels, an integer >= 4.
        kind: `"box"` (one rectangle, 25%-50% of each side), `"stroke"`
            (free-form brush strokes covering 5%-40% of the image) or
            `"mixed"` (each mask a box or strokes, half and half).
        seed: None (fresh randomness) or an integer >= 0: the same seed
            gives the same masks.

    Returns:
        float32 numpy array `[n, height, width, 1]` of 0s and 1s.

    Example:

    ```python
    holes = random_masks(8, 32, 32, "box", seed=0)
    holes.shape, float(holes.mean())  # (8, 32, 32, 1), about 0.14
    ```
    """
    if not is_int(n) or n < 1:
        raise ValueError(f"`n` must be a positive integer; got {n!r}.")
    for name, value in (("height", height), ("width", width)):
        if not is_int(value) or value < _MIN_SIDE:
            raise ValueError(f"`{name}` must be an integer >= {_MIN_SIDE}; got {value!r}.")
    check_mask_kind(kind, "kind")
    rng = np.random.default_rng(check_seed(seed))
    masks = []
    for _ in range(int(n)):
        use_box = kind == "box" or (kind == "mixed" and rng.random() < 0.5)
        masks.append(_box(rng, height, width) if use_box else _stroke(rng, height, width))
    return np.stack(masks)[..., np.newaxis]


def masked_input(images, masks):
    """The inpainting network's input: the image with its hole set to 0, then the mask.

    `images * (1 - masks)` (the hole becomes 0, mid-grey in `[-1, 1]`)
    concatenated with `masks` on the channel axis. This is the one place
    kgan builds that input, for training, evaluation and `kgan inpaint`.

    Args:
        images: float `[H, W, C]` or `[batch, H, W, C]` in `[-1, 1]`; a
            numpy array or a tensor.
        masks: `{0, 1}` masks of the same rank with 1 channel (1 = hole),
            the same height and width; a numpy array or a tensor.

    Returns:
        `[.., H, W, C + 1]` float32: a numpy array if both arguments are
        numpy arrays, else a tensor.

    Raises:
        ValueError: if the ranks, heights, widths or the mask's channel
            count do not fit.

    Example:

    ```python
    holes = random_masks(16, 32, 32, "mixed", seed=0)
    inputs = masked_input(images, holes)  # [16, 32, 32, C + 1]
    ```
    """
    use_numpy = not (tf.is_tensor(images) or tf.is_tensor(masks))
    image_shape, mask_shape = tuple(images.shape), tuple(masks.shape)
    if len(image_shape) not in (3, 4) or len(mask_shape) != len(image_shape):
        raise ValueError(
            f"`images` must be [H, W, C] or [batch, H, W, C] and `masks` of the same rank; "
            f"got shapes {image_shape} and {mask_shape}.")
    if (mask_shape[-1] != 1 or mask_shape[-3:-1] != image_shape[-3:-1]
            or (len(image_shape) == 4 and None not in (image_shape[0], mask_shape[0])
                and mask_shape[0] != image_shape[0])):
        raise ValueError(
            f"`masks` must have 1 channel and the images' batch, height and width: images "
            f"{image_shape}, masks {mask_shape}.")
    if use_numpy:
        images = np.asarray(images, np.float32)
        masks = np.asarray(masks, np.float32)
        return np.concatenate([images * (1.0 - masks), masks], axis=-1)
    images = tf.cast(images, tf.float32)
    masks = tf.cast(masks, tf.float32)
    return tf.concat([images * (1.0 - masks), masks], axis=-1)


def _read_mask(path, name):
    from kgan.datasets.photos import read_image

    try:
        return read_image(path)
    except ValueError as err:
        raise ValueError(f"`{name}`: {err}") from None


def check_mask(mask, image_shape, name="mask") -> np.ndarray:
    """Checks a user's mask against an image and returns it as float32 `{0, 1}` `[H, W, 1]`.

    Accepted: a bool array, a uint8 array of 0s and 1s or of 0s and 255s
    (as a black-and-white PNG stores it), a float array of 0.0s and 1.0s,
    or the path of such an image file. 1 / 255 / True marks the hole. The
    shape is `[H, W]` or `[H, W, C]` with all channels equal (a grey mask
    saved as RGB). Anything else is refused, so that a soft or resized
    mask (grey values) does not silently become a different hole.

    Args:
        mask: The mask: a numpy array (or tensor), or a path to an image.
        image_shape: The image's shape, `[H, W]` or `[H, W, C]`.
        name: The argument or flag to name in errors.

    Returns:
        float32 numpy array `[H, W, 1]` of 0s and 1s.

    Raises:
        ValueError: naming `name`, for an unreadable file, another height
            or width than the image's, channels that differ, or values that
            are not binary.

    Example:

    ```python
    hole = check_mask("hole.png", image.shape, "--mask")
    inputs = masked_input(image, hole)  # [H, W, C + 1]
    ```
    """
    if isinstance(mask, (str, os.PathLike)):
        mask = _read_mask(mask, name)
    array = np.asarray(mask)
    if array.ndim == 3 and array.shape[-1] > 1:
        if not (array == array[..., :1]).all():
            raise ValueError(
                f"`{name}` has {array.shape[-1]} channels that differ; a mask is one channel "
                "(or equal channels), 1/255/True = hole.")
        array = array[..., :1]
    if array.ndim == 2:
        array = array[..., np.newaxis]
    if array.ndim != 3:
        raise ValueError(f"`{name}` must be [H, W] or [H, W, 1]; got shape {array.shape}.")
    height, width = (int(v) for v in tuple(image_shape)[:2])
    if array.shape[:2] != (height, width):
        raise ValueError(
            f"`{name}` is {array.shape[0]}x{array.shape[1]} (height x width) but the image is "
            f"{height}x{width}; the mask must have the image's size.")
    values = np.unique(array)
    if array.dtype == np.bool_:
        binary = array
    elif array.dtype == np.uint8 and set(values.tolist()) <= {0, 255}:
        binary = array == 255
    elif array.dtype == np.uint8 and set(values.tolist()) <= {0, 1}:
        binary = array == 1
    elif np.issubdtype(array.dtype, np.floating) and set(values.tolist()) <= {0.0, 1.0}:
        binary = array == 1.0
    else:
        shown = ", ".join(str(v) for v in values[:6]) + (", ..." if len(values) > 6 else "")
        raise ValueError(
            f"`{name}` must be binary: bool, uint8 0/1 or 0/255, or float 0.0/1.0 (1 = hole); "
            f"got {array.dtype} values {shown}.")
    return binary.astype(np.float32)


# ---------------------------------------------------------------- inpainting data

TEST_MASK_SEED = 1234  # the held-out split's masks are the same for every seed
_TEST_EVERY = 10


def _check_inpainting_args(image_size, batch_size, split, seed, steps, channels, mask_kind):
    from kgan.datasets._common import check_batch_size

    if image_size is not None and (not is_int(image_size) or image_size < _MIN_SIDE):
        raise ValueError(f"`image_size` must be None (native size) or an integer >= "
                         f"{_MIN_SIDE}; got {image_size!r}.")
    check_batch_size(batch_size)
    if split not in ("train", "test"):
        raise ValueError(f"`split` must be 'train' or 'test'; got {split!r}.")
    if steps is not None and (not is_int(steps) or steps < 1):
        raise ValueError(f"`steps` must be None or a positive integer; got {steps!r}.")
    if channels not in (None, 1, 3):
        raise ValueError(f"`channels` must be None (keep), 1 or 3; got {channels!r}.")
    check_mask_kind(mask_kind)
    return check_seed(seed)


def load_inpainting(name_or_path, *, image_size, batch_size, mask_kind="mixed", split="train",
                    seed=None, steps=None, channels=None, min_size=None) -> tf.data.Dataset:
    """`(inputs, target)` batches for inpainting: masked images and the whole images.

    `inputs = masked_input(image, mask)`, `[b, H, W, C + 1]`: the image with
    the hole set to 0 (mid-grey) followed by the mask channel (1 = hole,
    0 = kept); `target` is the whole image `[b, H, W, C]`. Images come from
    any dataset `kgan.datasets.load` reads (`"digits"`, `"mnist5k"`,
    `"glyphs"`, a folder, a tensorflow-datasets name), read whole into
    memory. The held-out split is every tenth image (indices 9, 19, ...)
    with fixed masks (`random_masks(n, H, W, mask_kind, seed=TEST_MASK_SEED)`,
    the same for every `seed`), in order, not repeated. The training split
    is the other images, shuffled, each batch with fresh random masks
    (reproducible for a `seed`).

    Args:
        name_or_path: An image dataset name or path, as for
            `kgan.datasets.load`.
        image_size: None (native size) or the side to resize to.
        batch_size: Images per batch.
        mask_kind: `"box"`, `"stroke"` or `"mixed"` (see `random_masks`).
        split: `"train"` or `"test"`.
        seed: None or an integer >= 0 fixing order and masks.
        steps: None (one pass over the training images) or batches per pass.
        channels: None (keep), 1 or 3.
        min_size: None, or the network's smallest side.

    Returns:
        A prefetched `tf.data.Dataset` of float32 `([b, H, W, C + 1], [b,
        H, W, C])`.

    Raises:
        ValueError: naming the argument, for bad arguments or images below
            `min_size`.

    Example:

    ```python
    ds = kgan.datasets.load_inpainting("glyphs", image_size=32, batch_size=16, seed=0)
    inputs, target = next(iter(ds))  # [16, 32, 32, 2], [16, 32, 32, 1]
    holes = inputs[..., -1:]  # 1 = hole
    ```
    """
    from kgan.datasets import load_arrays
    from kgan.datasets.pairs import check_image_size

    seed = _check_inpainting_args(image_size, batch_size, split, seed, steps, channels,
                                  mask_kind)
    if min_size is not None and image_size is not None:
        check_image_size(image_size, min_size)
    images, _ = load_arrays(name_or_path, image_size=image_size)
    if min_size is not None:
        check_image_size(tuple(int(v) for v in images.shape[1:3]), min_size)
    if channels == 3 and images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)
    elif channels == 1 and images.shape[-1] == 3:
        images = (images @ np.array([0.299, 0.587, 0.114], np.float32))[..., None]
    images = np.ascontiguousarray(images, np.float32)
    in_test = np.arange(len(images)) % _TEST_EVERY == _TEST_EVERY - 1
    height, width = images.shape[1:3]
    if split == "test":
        images = images[in_test]
        if len(images) == 0:
            raise ValueError(f"`name_or_path` {name_or_path!r} has fewer than {_TEST_EVERY} "
                             "images: no held-out split.")
        holes = random_masks(len(images), height, width, mask_kind, seed=TEST_MASK_SEED)
        ds = tf.data.Dataset.from_tensor_slices((images, holes)).batch(batch_size)
        if steps is not None:
            ds = ds.take(steps)
        return ds.map(lambda x, m: (masked_input(x, m), x)).prefetch(tf.data.AUTOTUNE)

    images = images[~in_test]
    n = len(images)
    if batch_size > n:
        raise ValueError(f"`batch_size`={batch_size} is larger than the {n} training images.")
    with tf.device("/cpu:0"):
        images_t = tf.constant(images)
    indices = tf.data.Dataset.range(n).shuffle(n, seed=seed, reshuffle_each_iteration=True)
    if steps is None:
        indices = indices.batch(batch_size, drop_remainder=True)
    else:
        indices = indices.repeat().batch(batch_size, drop_remainder=True).take(steps)
    keys = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)

    def draw(key):
        return random_masks(batch_size, height, width, mask_kind, seed=int(key) % (2 ** 63))

    def batch(idx, key):
        holes = tf.numpy_function(draw, [key], tf.float32)
        holes = tf.ensure_shape(holes, (batch_size, height, width, 1))
        x = tf.gather(images_t, idx)
        return masked_input(x, holes), x

    ds = tf.data.Dataset.zip((indices, keys)).map(batch, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)
