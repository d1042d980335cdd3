"""Apply an image-to-image function tile by tile, blended without seams.

`apply_tiled` cuts an image into overlapping tiles of at most `tile`
pixels, calls `fn` on each, and blends the outputs with feathered weights,
so memory stays bounded by the tile size (plus the output image itself)
however large the image is.

The weights: along every edge a tile shares with a neighbour, the tile's
weight is 0 over the outer quarter of the overlap, rises linearly over its
middle half and is 1 inside, so two neighbours' weights sum to 1 across
the overlap. Borders of the image get full weight. Where `fn`'s receptive
field reaches at most `overlap // 4` input pixels from its centre (a
translation-equivariant conv net with zero padding, say), every pixel with
weight comes from a tile where it sat far enough from the tile's cut edges,
and the tiled result equals `fn(image)` up to float rounding. Networks that
see further get their tile-edge differences feathered away instead.

Example:

```python
from kgan.tiling import apply_tiled

upscaled = apply_tiled(lambda x: model(x, training=False), image, scale=4, tile=128,
                       overlap=32)  # image float32 [H, W, 3] -> [4H, 4W, 3]
```
"""

import numpy as np

from kgan.validation import check_int

__all__ = ["apply_tiled", "tile_starts"]


def tile_starts(length, tile, overlap):
    """Start offsets of tiles covering `length` pixels with at least `overlap` shared.

    The first tile starts at 0, the last ends at `length`, and neighbours
    step `tile - overlap` pixels (the last step may be shorter).

    Args:
        length: Pixels to cover.
        tile: Tile size; a `length <= tile` gives one tile.
        overlap: Pixels neighbouring tiles share at least.

    Returns:
        A list of ints.

    Example:

    >>> tile_starts(10, 4, 1)
    [0, 3, 6]
    """
    if length <= tile:
        return [0]
    return list(range(0, length - tile, tile - overlap)) + [length - tile]


def _ramp(size, starts_cut, ends_cut, overlap, scale):
    """1-D weights of a tile of `size` output pixels: feathered along cut edges."""
    weight = np.ones(size, np.float32)
    if overlap == 0:
        return weight
    zero = (overlap // 4) * scale
    width = overlap * scale - 2 * zero
    position = np.arange(size, dtype=np.float32) + 0.5
    if starts_cut:
        weight = np.minimum(weight, np.clip((position - zero) / width, 0.0, 1.0))
    if ends_cut:
        weight = np.minimum(weight, np.clip((size - position - zero) / width, 0.0, 1.0))
    return weight


def apply_tiled(fn, image, scale, tile=None, overlap=32):
    """`fn` applied to overlapping tiles of `image`, blended into one output.

    Args:
        fn: Maps float32 `[1, h, w, C]` to `[1, h * scale, w * scale, C']`
            (a numpy array or a tensor); it is always called with a batch
            of one tile.
        image: float32 `[H, W, C]` (any value range; `fn` decides).
        scale: The integer factor between `fn`'s output and input sizes.
        tile: Largest tile side in input pixels, or None for one call on
            the whole image (also what an image no larger than `tile`
            gets). Must be larger than `2 * overlap`.
        overlap: Pixels neighbouring tiles share, >= 0 (tiles step
            `tile - overlap`); blending is exact for receptive fields up
            to `overlap // 4`, see the module's docstring.

    Returns:
        A float32 numpy array `[H * scale, W * scale, C']`.

    Raises:
        ValueError: for a bad argument, or when `fn` returns another shape
            than `[1, h * scale, w * scale, C']`.

    Example:

    ```python
    out = apply_tiled(model, lr_image, scale=4, tile=64, overlap=16)
    ```
    """
    image = np.asarray(image, np.float32)
    if image.ndim != 3 or min(image.shape) < 1:
        raise ValueError(f"`image` must be [H, W, C]; got shape {image.shape}.")
    scale = check_int(scale, "scale")
    overlap = check_int(overlap, "overlap", minimum=0)
    height, width = image.shape[:2]
    if tile is not None:
        tile = check_int(tile, "tile")
        if tile <= 2 * overlap:
            raise ValueError(f"`tile`={tile} must be larger than 2 * `overlap`={2 * overlap}.")
    if tile is None or (height <= tile and width <= tile):
        return _call(fn, image, scale)

    out = weights = None
    rows, cols = tile_starts(height, tile, overlap), tile_starts(width, tile, overlap)
    for y in rows:
        for x in cols:
            h, w = min(tile, height), min(tile, width)
            result = _call(fn, image[y:y + h, x:x + w], scale)
            if out is None:
                out = np.zeros((height * scale, width * scale, result.shape[-1]), np.float32)
                weights = np.zeros((height * scale, width * scale, 1), np.float32)
            weight = np.outer(_ramp(h * scale, y > 0, y + h < height, overlap, scale),
                              _ramp(w * scale, x > 0, x + w < width, overlap, scale))[..., None]
            out[y * scale:(y + h) * scale, x * scale:(x + w) * scale] += result * weight
            weights[y * scale:(y + h) * scale, x * scale:(x + w) * scale] += weight
    return out / weights


def _call(fn, tile, scale):
    result = np.asarray(fn(tile[None]), np.float32)
    h, w = tile.shape[:2]
    if result.ndim != 4 or result.shape[:3] != (1, h * scale, w * scale):
        raise ValueError(
            f"`fn` must map [1, {h}, {w}, C] to [1, {h * scale}, {w * scale}, C'] (`scale`="
            f"{scale}); it returned shape {result.shape}.")
    return result[0]
