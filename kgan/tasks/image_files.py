"""What the commands that turn image files into image files share (`kgan upscale`,
`kgan translate`, `kgan inpaint`): reading the inputs, planning the output paths,
checking everything before anything is written, and the loop with its progress bar.

A command plans `[(input, output)]` with `plan_outputs`, checks the plan with
`check_inputs` (every input read once, no output overwritten without
`--overwrite`), then runs `convert_files`, which reads each image, calls the
command's function and writes a PNG.

Example:

```python
plan = image_files.plan_outputs("photos/", "out/")
image_files.check_inputs(plan, channels=3, overwrite=False, min_side=4, command="kgan upscale")
image_files.convert_files(plan, lambda image: image[::-1], channels=3)
```
"""

import os

import numpy as np

from kgan import images
from kgan.datasets.images import find_image_files
from kgan.datasets.photos import read_image

__all__ = ["check_inputs", "convert_files", "plan_outputs", "read_image", "tiled_uint8"]


def plan_outputs(source, out, what="image"):
    """`[(input path, output path)]` for an image file or a folder of images.

    A folder's images (found recursively) map to PNGs at the same relative
    paths under `out`; one image maps to `out`, which must end in `.png`.

    Raises:
        ValueError: naming IMAGE_OR_DIR or --out: a missing input, a folder
            without images, or an output that cannot be what is written.
    """
    if os.path.isdir(source):
        found = find_image_files(source)
        if not found:
            raise ValueError(f"IMAGE_OR_DIR {source!r} holds no png, jpg, jpeg, bmp or gif "
                             "images.")
        if os.path.exists(out) and not os.path.isdir(out):
            raise ValueError(f"--out {out!r} is a file; for a folder of images give a folder.")
        return [(str(p), os.path.join(out, os.path.splitext(os.path.relpath(p, source))[0]
                                      + ".png")) for p in found]
    if not os.path.exists(source):
        raise ValueError(f"IMAGE_OR_DIR {source!r} does not exist.")
    if not out.lower().endswith(".png"):
        raise ValueError(f"--out {out!r}: the {what} is written as PNG; give a path ending in "
                         ".png.")
    if os.path.isdir(out):
        raise ValueError(f"--out {out!r} is a folder; give the PNG file to write.")
    return [(source, out)]


def check_inputs(plan, channels, overwrite, min_side, command):
    """Reads every input of `plan` once; raises `ValueError` for the first problem.

    Problems: an output that exists (without `overwrite`), an input that is
    not an image, or one smaller than `min_side` pixels a side.
    """
    for _, target in plan:
        if os.path.exists(target) and not overwrite:
            raise ValueError(f"--out: {target!r} already exists; pass --overwrite to replace it.")
    for source, _ in plan:
        height, width = read_image(source, channels=channels).shape[:2]
        if min(height, width) < min_side:
            raise ValueError(f"{source!r} is {width}x{height} pixels; {command} needs at "
                             f"least {min_side}x{min_side}.")


def convert_files(plan, convert, channels):
    """Writes `convert(image)` (uint8 `[H, W, C]` -> uint8 `[H', W', C']`) of each input of
    `plan` as a PNG at its output path, with a progress bar when there are several."""
    import keras

    progress = keras.utils.Progbar(len(plan), unit_name="image") if len(plan) > 1 else None
    for i, (source, target) in enumerate(plan):
        result = convert(read_image(source, channels=channels))
        images.save_image_grid(result, target, padding=0, cols=1)
        if progress is not None:
            progress.update(i + 1)


def tiled_uint8(fn, image, scale, tile, overlap):
    """`kgan.tiling.apply_tiled` on a uint8 image: `fn` maps float32 `[1, h, w, C]` in
    [-1, 1] to `[1, h * scale, w * scale, C']` in [-1, 1]; returns uint8."""
    from kgan.tiling import apply_tiled

    out = apply_tiled(fn, np.asarray(image).astype("float32") / 127.5 - 1.0, scale, tile,
                      overlap)
    return images.to_uint8(out)
