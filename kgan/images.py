"""Image utilities: sample grids, side-by-side comparisons and GIFs.

Pure functions that take numpy arrays (or plain Python data) and write
files. Nothing here depends on Keras, so the helpers can be used on their
own, e.g. to turn saved samples into a grid. Loss curves are in
:mod:`kgan.history`.

Conventions:

* Float images are mapped from a value range ``drange`` (default
  ``(-1, 1)``, the range of a ``tanh`` generator) to ``uint8`` by
  :func:`to_uint8`.
* A grid produced by :func:`make_grid` has ``padding`` pixels *between*
  tiles and *around the outside*::

      grid_height = rows * (H * scale + padding) + padding
      grid_width  = cols * (W * scale + padding) + padding

  Tile ``k`` (row-major) has its top-left corner at
  ``(padding + r * (H * scale + padding), padding + c * (W * scale + padding))``
  with ``r, c = divmod(k, cols)``. :func:`split_grid` is the inverse.
* Every file is written atomically: the data goes to a temporary file in
  the destination directory, which is then renamed over the destination
  with :func:`os.replace`. Readers never see a half-written file and a
  failed write leaves no temporary file behind. Parent directories are
  created as needed.
"""

import io
import math
import os

import numpy as np

from kgan import files
from kgan.validation import check_duration, check_int

__all__ = [
    "to_uint8",
    "make_grid",
    "split_grid",
    "save_image_grid",
    "write_gif",
    "comparison_grid",
]




# ---------------------------------------------------------------------------
# Argument checks


def _check_drange(drange):
    try:
        lo, hi = (float(v) for v in drange)
    except (TypeError, ValueError):
        raise ValueError(
            f"`drange` must be a pair of numbers (low, high), got {drange!r}."
        ) from None
    if not (math.isfinite(lo) and math.isfinite(hi) and hi > lo):
        raise ValueError(
            f"`drange` must be finite with high > low, got {drange!r}."
        )
    return lo, hi


def _png_bytes(image):
    import imageio.v3 as iio

    return iio.imwrite("<bytes>", image, extension=".png")


# ---------------------------------------------------------------------------
# Grids


def to_uint8(images, drange=(-1.0, 1.0)):
    """Maps float images from `drange` to `uint8` values in [0, 255].

    Values are scaled linearly so that ``drange[0]`` maps to 0 and
    ``drange[1]`` to 255, then rounded to the nearest integer and clipped
    (values outside `drange` saturate). The shape is preserved.

    Args:
        images: Array-like of shape ``[N, H, W, C]`` or ``[H, W, C]`` (a
            2-D ``[H, W]`` image is accepted too). An array that is already
            ``uint8`` is returned as an unchanged copy.
        drange: ``(low, high)`` value range of the input.

    Returns:
        A ``uint8`` numpy array with the same shape as `images`.

    Raises:
        ValueError: if `images` contains NaN, has fewer than 2 or more than
            4 dimensions, or `drange` is not a finite increasing pair.
    """
    arr = np.asarray(images)
    if arr.ndim not in (2, 3, 4):
        raise ValueError(
            "`images` must have shape [N, H, W, C] or [H, W, C], "
            f"got shape {arr.shape}."
        )
    if arr.dtype == np.uint8:
        return arr.copy()
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise ValueError(f"`images` must be numeric, got dtype {arr.dtype}.")
    if np.iscomplexobj(arr):
        raise ValueError("`images` must be real-valued, got complex values.")
    lo, hi = _check_drange(drange)
    arr = arr.astype(np.float64)
    if np.isnan(arr).any():
        raise ValueError(
            f"`images` contains {int(np.isnan(arr).sum())} NaN value(s); "
            "cannot convert to uint8 (did training diverge?)."
        )
    scaled = (arr - lo) * (255.0 / (hi - lo))
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


def _as_batch(images):
    """Returns `images` as a 4-D array ``[N, H, W, C]``."""
    arr = np.asarray(images)
    if arr.ndim == 3:
        arr = arr[None]
    if arr.ndim != 4:
        raise ValueError(
            "`images` must have shape [N, H, W, C] or [H, W, C], "
            f"got shape {arr.shape}."
        )
    if arr.shape[0] == 0:
        raise ValueError("`images` is empty (N == 0); nothing to draw.")
    if min(arr.shape[1:]) == 0:
        raise ValueError(f"`images` has an empty dimension: {arr.shape}.")
    return arr


def _grid_layout(n, cols):
    if cols is None:
        cols = math.ceil(math.sqrt(n))
    cols = check_int(cols, "cols")
    rows = math.ceil(n / cols)
    return rows, cols


def make_grid(
    images, cols=None, padding=1, pad_value=0, drange=(-1.0, 1.0), scale=1
):
    """Tiles a batch of images into one `uint8` image.

    Tiles are placed row-major. There are `padding` pixels between tiles and
    around the border, so the grid has shape
    ``[rows * (H * scale + padding) + padding,
    cols * (W * scale + padding) + padding, C]``. Padding and empty cells
    (when ``rows * cols > N``) are filled with `pad_value`.

    Args:
        images: Array of shape ``[N, H, W, C]`` (or one ``[H, W, C]``
            image), floats in `drange` or ``uint8``.
        cols: Number of columns. Defaults to ``ceil(sqrt(N))``.
        padding: Pixels between tiles and around the border (>= 0).
        pad_value: ``uint8`` fill value for padding and empty cells: an
            integer in [0, 255] or one such value per channel.
        drange: Value range of float `images`, see :func:`to_uint8`.
        scale: Integer nearest-neighbour upscaling factor applied to each
            tile (handy for tiny 8x8 samples).

    Returns:
        A ``uint8`` array ``[grid_height, grid_width, C]``; ``C`` is kept as
        is, including ``C == 1``.

    Example:

    >>> grid = make_grid(np.zeros((5, 8, 8, 3)), padding=1, scale=2)
    >>> grid.shape
    (35, 52, 3)
    """
    arr = _as_batch(images)
    padding = check_int(padding, "padding", minimum=0)
    scale = check_int(scale, "scale")
    n, h, w, c = arr.shape
    rows, cols = _grid_layout(n, cols)
    tiles = to_uint8(arr, drange)
    if scale > 1:
        tiles = np.repeat(np.repeat(tiles, scale, axis=1), scale, axis=2)
    th, tw = h * scale, w * scale

    fill = np.asarray(pad_value)
    if (
        fill.ndim > 1
        or (fill.ndim == 1 and fill.shape[0] not in (1, c))
        or not np.issubdtype(fill.dtype, np.number)
        or np.any(fill < 0)
        or np.any(fill > 255)
    ):
        raise ValueError(
            "`pad_value` must be an integer in [0, 255] or one such value "
            f"per channel ({c}), got {pad_value!r}."
        )
    grid = np.empty(
        (rows * (th + padding) + padding, cols * (tw + padding) + padding, c),
        dtype=np.uint8,
    )
    grid[...] = np.rint(fill).astype(np.uint8)
    for k in range(n):
        r, col = divmod(k, cols)
        y = padding + r * (th + padding)
        x = padding + col * (tw + padding)
        grid[y : y + th, x : x + tw] = tiles[k]
    return grid


def split_grid(grid, n, tile_shape, cols=None, padding=1, scale=1):
    """Cuts a grid made by :func:`make_grid` back into its tiles.

    The arguments must match those given to :func:`make_grid`. Upscaled
    tiles are reduced back by taking every `scale`-th pixel.

    Args:
        grid: The grid, ``[height, width, C]`` or ``[height, width]`` (a
            grayscale grid read back from a PNG).
        n: Number of images in the grid.
        tile_shape: Original (unscaled) image shape, ``(H, W)`` or
            ``(H, W, C)``.
        cols: Number of columns; defaults to ``ceil(sqrt(n))`` as in
            :func:`make_grid`.
        padding: Padding used to build the grid.
        scale: Upscaling factor used to build the grid.

    Returns:
        Array ``[n, H, W, C]`` with the grid's dtype (``C == 1`` for a 2-D
        grid).

    Raises:
        ValueError: if the grid's shape does not match the layout.
    """
    g = np.asarray(grid)
    if g.ndim == 2:
        g = g[..., None]
    if g.ndim != 3:
        raise ValueError(
            f"`grid` must have shape [height, width(, C)], got {g.shape}."
        )
    n = check_int(n, "n")
    padding = check_int(padding, "padding", minimum=0)
    scale = check_int(scale, "scale")
    tile_shape = tuple(int(v) for v in tile_shape)
    if len(tile_shape) not in (2, 3) or min(tile_shape) < 1:
        raise ValueError(
            f"`tile_shape` must be (H, W) or (H, W, C), got {tile_shape!r}."
        )
    h, w = tile_shape[:2]
    if len(tile_shape) == 3 and tile_shape[2] != g.shape[2]:
        raise ValueError(
            f"`tile_shape` has {tile_shape[2]} channel(s) but the grid has "
            f"{g.shape[2]}."
        )
    rows, cols = _grid_layout(n, cols)
    th, tw = h * scale, w * scale
    expected = (rows * (th + padding) + padding, cols * (tw + padding) + padding)
    if g.shape[:2] != expected:
        raise ValueError(
            f"`grid` has size {g.shape[:2]} but {n} tile(s) of {tile_shape} "
            f"in {cols} column(s) with padding={padding}, scale={scale} "
            f"give {expected}."
        )
    out = np.empty((n, h, w, g.shape[2]), dtype=g.dtype)
    for k in range(n):
        r, col = divmod(k, cols)
        y = padding + r * (th + padding)
        x = padding + col * (tw + padding)
        out[k] = g[y : y + th : scale, x : x + tw : scale]
    return out


def save_image_grid(images, path, **make_grid_kwargs):
    """Writes a grid of images to a PNG file.

    Grayscale images (``C == 1``) are written as a single-channel PNG, so
    reading the file back gives a 2-D array.

    Args:
        images: Array ``[N, H, W, C]``, see :func:`make_grid`.
        path: Destination PNG path; parent directories are created. The
            write is atomic.
        **make_grid_kwargs: Passed to :func:`make_grid` (`cols`,
            `padding`, `pad_value`, `drange`, `scale`).

    Returns:
        The path written, as a string.

    Example:

    >>> samples = np.random.uniform(-1, 1, (16, 8, 8, 1))
    >>> save_image_grid(samples, "out/samples.png", scale=4)
    'out/samples.png'
    """
    return _write_png(make_grid(images, **make_grid_kwargs), path)


def _write_png(grid, path):
    if grid.shape[2] == 1:
        grid = grid[..., 0]
    elif grid.shape[2] not in (3, 4):
        raise ValueError(
            f"PNG needs 1, 3 or 4 channels, images have {grid.shape[2]}."
        )
    return files.atomic_write_bytes(path, _png_bytes(grid))


# ---------------------------------------------------------------------------
# Side-by-side comparisons


def comparison_grid(rows, path=None, padding=2, pad_value=255, drange=(-1.0, 1.0)):
    """Rows of equally sized crops side by side, one method per column.

    Each row shows one crop as every method sees it. The columns' order is
    the caller's; kgan uses LR | bicubic | output | HR in the
    super-resolution task's sample files and bicubic | PSNR model | GAN |
    HR in the benchmark's figure. A smaller image (an LR crop) is enlarged
    to the cell size by pixel repetition (nearest neighbour), so its pixels
    stay visible; it must divide the cell size by a whole factor.

    Args:
        rows: A sequence of rows, each a sequence of the same number of
            images `[h, w, C]` (uint8, or floats in `drange`), or an array
            `[rows, columns, H, W, C]`. The largest image sets the cell
            size `H x W`.
        path: If given, the grid is also written there as a PNG,
            atomically (parent directories created; 1 channel is a grey
            PNG).
        padding: Pixels between cells and around the border.
        pad_value: uint8 fill of the padding, white by default.
        drange: Value range of float images, see :func:`to_uint8`.

    Returns:
        A uint8 array `[rows * (H + padding) + padding,
        columns * (W + padding) + padding, C]`.

    Raises:
        ValueError: for no rows, rows of different lengths, channel counts
            that differ, or a size that does not divide the cell size.

    Example:

    >>> grid = comparison_grid([[lr, bicubic, output, hr]], "compare.png")  # lr 24x24, rest 96x96
    >>> grid.shape
    (100, 394, 3)
    """
    rows = [list(row) for row in rows]
    if not rows or not rows[0] or any(len(row) != len(rows[0]) for row in rows):
        raise ValueError("`rows` must be a non-empty sequence of rows with the same, non-zero "
                         f"number of images; got row lengths {[len(row) for row in rows]}.")
    images = [to_uint8(image, drange) for row in rows for image in row]
    if any(image.ndim != 3 for image in images) or len({im.shape[2] for im in images}) != 1:
        raise ValueError("every image in `rows` must be [h, w, C] with the same C; got shapes "
                         f"{sorted({im.shape for im in images})}.")
    height = max(image.shape[0] for image in images)
    width = max(image.shape[1] for image in images)
    cells = []
    for image in images:
        factor = height // image.shape[0]
        if image.shape[:2] != (height // factor, width // factor) or height % factor or (
                width % factor):
            raise ValueError(f"an image of {image.shape[0]}x{image.shape[1]} in `rows` is not "
                             f"the {height}x{width} cell size divided by a whole factor.")
        cells.append(np.repeat(np.repeat(image, factor, axis=0), factor, axis=1))
    grid = make_grid(np.stack(cells), cols=len(rows[0]), padding=padding, pad_value=pad_value)
    if path is not None:
        _write_png(grid, path)
    return grid


# ---------------------------------------------------------------------------
# GIF


def _load_frame(frame, index):
    if isinstance(frame, (str, bytes, os.PathLike)):
        import imageio.v3 as iio

        arr = np.asarray(iio.imread(frame))
    else:
        arr = np.asarray(frame)
    if arr.dtype != np.uint8:
        raise ValueError(
            f"frame {index} has dtype {arr.dtype}; frames must be uint8 "
            "(convert float images with `to_uint8`)."
        )
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[..., 0]
    elif arr.ndim == 3 and arr.shape[2] == 4:
        arr = arr[..., :3]  # GIF has no partial transparency.
    if not (arr.ndim == 2 or (arr.ndim == 3 and arr.shape[2] == 3)):
        raise ValueError(
            f"frame {index} must be [H, W], [H, W, 1], [H, W, 3] or "
            f"[H, W, 4], got shape {arr.shape}."
        )
    if min(arr.shape[:2]) == 0 or max(arr.shape[:2]) > 65535:
        raise ValueError(f"frame {index} has an invalid size {arr.shape}.")
    return arr


def _gif_frame_bytes(arr, centiseconds):
    """Encodes one full-canvas GIF frame with its own colour table."""
    from PIL import GifImagePlugin, Image

    if arr.ndim == 2:
        # Gray values become palette indices into an identity gray ramp.
        image = Image.fromarray(np.ascontiguousarray(arr))
        image.putpalette(bytes(np.repeat(np.arange(256, dtype=np.uint8), 3)))
    else:
        image = Image.fromarray(np.ascontiguousarray(arr)).convert(
            "P", palette=Image.Palette.ADAPTIVE, colors=256
        )
    chunks = GifImagePlugin.getdata(
        image,
        offset=(0, 0),
        duration=centiseconds * 10,  # Pillow takes milliseconds.
        disposal=1,
        include_color_table=True,
    )
    return b"".join(bytes(c) for c in chunks)


def write_gif(frames, path, duration=0.25, loop=0):
    """Writes frames to an animated GIF, keeping every frame.

    Unlike saving through Pillow or imageio directly, identical consecutive
    frames are *not* merged: the file holds exactly ``len(frames)`` frames,
    each shown for `duration` seconds. Each frame gets its own 256-colour
    table, so colour grids are quantized per frame; grayscale frames are
    stored exactly.

    Args:
        frames: Non-empty sequence of ``uint8`` arrays (``[H, W]``,
            ``[H, W, 1]``, ``[H, W, 3]`` or ``[H, W, 4]``, alpha is dropped)
            and/or paths of image files (e.g. PNG grids). All frames must
            have the same height and width.
        path: Destination GIF path; parent directories are created. The
            write is atomic.
        duration: Seconds per frame (> 0). GIF stores hundredths of a
            second, so it is rounded to that (at least 0.01 s).
        loop: Value of the looping extension: 0 loops forever, ``None``
            omits the extension (viewers play the animation once).

    Returns:
        The path written, as a string.

    Raises:
        ValueError: if `frames` is empty, frames differ in size, a frame is
            not ``uint8``, or `duration`/`loop` is invalid.

    Example:

    >>> write_gif(["out/epoch_0001.png", "out/epoch_0002.png"],
    ...           "out/training.gif", duration=0.5)
    'out/training.gif'
    """
    if isinstance(frames, (str, bytes, os.PathLike)):
        raise ValueError(
            "`frames` must be a sequence of frames or paths, got a single "
            f"path {frames!r}."
        )
    frames = list(frames)
    if not frames:
        raise ValueError("`frames` is empty; a GIF needs at least one frame.")
    duration = check_duration(duration)
    if loop is not None:
        loop = check_int(loop, "loop", minimum=0)
        if loop > 65535:
            raise ValueError(f"`loop` must be <= 65535, got {loop}.")
    centiseconds = min(65535, max(1, int(round(float(duration) * 100))))

    arrays = [_load_frame(f, i) for i, f in enumerate(frames)]
    height, width = arrays[0].shape[:2]
    for i, arr in enumerate(arrays):
        if arr.shape[:2] != (height, width):
            raise ValueError(
                "all frames must have the same size: frame 0 is "
                f"{height}x{width} but frame {i} is "
                f"{arr.shape[0]}x{arr.shape[1]} (height x width)."
            )

    out = io.BytesIO()
    # Header and logical screen descriptor: no global colour table (every
    # frame carries a local one), 8-bit colour resolution.
    out.write(b"GIF89a")
    out.write(width.to_bytes(2, "little") + height.to_bytes(2, "little"))
    out.write(bytes([0x70, 0, 0]))
    if loop is not None:
        out.write(b"\x21\xff\x0bNETSCAPE2.0\x03\x01")
        out.write(loop.to_bytes(2, "little") + b"\x00")
    for arr in arrays:
        out.write(_gif_frame_bytes(arr, centiseconds))
    out.write(b"\x3b")  # trailer
    return files.atomic_write_bytes(path, out.getvalue())
