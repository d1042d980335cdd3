"""`kgan translate` and `kgan inpaint`: an image-to-image run's generator on your images.

`kgan translate RUN_DIR IMAGE_OR_DIR --out OUT` works for the runs of every
image-to-image task that translates (pix2pix, CycleGAN with `--direction`);
`kgan inpaint RUN_DIR IMAGE --mask MASK --out OUT` for inpainting runs.
Every input is read and every output path checked before anything is
written; a bad input stops the command with one message and no file
written. Images of any size: up to `--tile` pixels a side an image is
translated whole, padded by reflection to the multiple of `2**depth` the
U-Net needs and cropped back; larger images are translated in overlapping
tiles of `--tile` pixels blended without seams (`kgan.tiling.apply_tiled`),
so memory stays bounded.
"""

import argparse
import json
import os

import numpy as np

from kgan import images, saving
from kgan.tasks import image_files
from kgan.tasks.base import Argument, Command
from kgan.tasks.image_to_image.sizes import minimum_side

__all__ = ["INPAINT", "OVERLAP", "TILE", "TRANSLATE", "inpaint_image", "parse_tile",
           "translate_image"]

# Pixels a side per tile: a 512 x 512 tile keeps a 64-filter U-Net's activations
# near 300 MB.
TILE = 512
# Pixels each tile shares with its neighbours; the U-Net sees its whole tile, so
# the tiles' differences are feathered away over the middle half of the overlap.
OVERLAP = 64


def parse_tile(text):
    """`--tile`'s text -> pixels a side (`None` for 0: whole images)."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value != 0 and value < 2 * OVERLAP + 1:
        raise argparse.ArgumentTypeError(
            f"expected 0 (whole images) or an integer >= {2 * OVERLAP + 1} (twice the "
            f"{OVERLAP}-pixel overlap, plus 1); got {text!r}")
    return value or None


def translate_image(task, model, image, direction=None, tile=TILE):
    """`image` (uint8 `[H, W, C_in]`) translated by `model` (a run of `task`), uint8.

    Whole (padded and cropped) up to `tile` pixels a side (`None`: always
    whole); larger images in overlapping tiles (`kgan.tiling.apply_tiled`).
    """
    fn = task.translate_function(model, direction)
    return image_files.tiled_uint8(fn, image, 1, tile, OVERLAP)


def inpaint_image(task, model, image, mask, tile=TILE):
    """`image` (uint8 `[H, W, C]`) with the hole of `mask` (float32 `{0, 1}` `[H, W, 1]`,
    1 = hole) filled in by `model`, an inpainting run of `task`; uint8.

    The input is `kgan.datasets.masks.masked_input(image, mask)`; the pixels
    outside the hole are the image's own.
    """
    from kgan.datasets import masks

    source = masks.masked_input(image.astype("float32") / 127.5 - 1.0, mask)
    fn = task.translate_function(model)
    from kgan.tiling import apply_tiled

    return images.to_uint8(apply_tiled(fn, source, 1, tile, OVERLAP))


def _open(run_dir, command):
    """`(task, model)` of an image-to-image run directory."""
    from kgan.tasks import registry

    path = os.path.join(run_dir, "gan.keras")
    if not os.path.isfile(path):
        raise ValueError(f"RUN_DIR {run_dir!r} has no gan.keras; give a run directory written "
                         "by kgan train --task pix2pix, cyclegan or inpaint.")
    try:
        with open(os.path.join(run_dir, "run.json")) as f:
            info = json.load(f)
    except (OSError, ValueError):
        info = {}
    model = saving.load_model(path)
    task = registry.for_run(info, model)
    if not hasattr(task, "translate_function"):
        raise ValueError(f"RUN_DIR {run_dir!r} is a run of the {task.name} task; {command} "
                         "needs an image-to-image run (pix2pix, cyclegan or inpaint).")
    return task, model


def run_translate(args):
    """Runs `kgan translate` on the parsed arguments."""
    plan = image_files.plan_outputs(args.image_or_dir, args.out, what="translated image")
    task, model = _open(args.run_dir, "kgan translate")
    if not task.translatable:
        raise ValueError(f"RUN_DIR {args.run_dir!r} is a run of the {task.name} task, whose "
                         "inputs need a mask; use kgan inpaint RUN_DIR IMAGE --mask MASK.")
    direction = task.check_direction(args.direction)
    generator = task.translation_generator(model, direction)
    channels = task.input_channels(model, direction)
    image_files.check_inputs(plan, channels, args.overwrite, minimum_side(generator),
                             "kgan translate")
    image_files.convert_files(
        plan, lambda image: translate_image(task, model, image, direction, tile=args.tile),
        channels)
    way = f" ({direction})" if direction else ""
    print(f"Wrote {len(plan)} image{'s' * (len(plan) > 1)} translated by the {task.name} "
          f"generator{way} to {args.out}")
    return args.out


def run_inpaint(args):
    """Runs `kgan inpaint` on the parsed arguments."""
    from kgan.datasets import masks

    if os.path.isdir(args.image):
        raise ValueError(f"IMAGE {args.image!r} is a folder; kgan inpaint takes one image and "
                         "its mask.")
    plan = image_files.plan_outputs(args.image, args.out, what="inpainted image")
    # The image and its mask are checked before the model is loaded.
    height, width = image_files.read_image(args.image).shape[:2]
    if not os.path.isfile(args.mask):
        raise ValueError(f"--mask {args.mask!r} is not a file; give a black-and-white image "
                         "of the image's size (white: the hole).")
    hole = masks.check_mask(args.mask, (height, width), "--mask")
    task, model = _open(args.run_dir, "kgan inpaint")
    if task.translatable:
        raise ValueError(f"RUN_DIR {args.run_dir!r} is a run of the {task.name} task; kgan "
                         "inpaint needs an inpainting run (kgan train --task inpaint); "
                         "kgan translate takes this one.")
    channels = task.output_channels(model)
    image_files.check_inputs(plan, channels, args.overwrite,
                             minimum_side(task.translation_generator(model)), "kgan inpaint")
    image = image_files.read_image(args.image, channels=channels)
    filled = inpaint_image(task, model, image, hole, tile=args.tile)
    images.save_image_grid(filled, args.out, padding=0, cols=1)
    print(f"Wrote the image with its {int(hole.sum())}-pixel hole filled in to {args.out}")
    return args.out


_TILE_HELP = (f"process images larger than this many pixels a side in overlapping tiles, so "
              f"memory stays bounded (default: {TILE}; 0: whole images)")

TRANSLATE = Command(
    "translate", "translate images with an image-to-image run's generator",
    (Argument("run_dir", "a run directory of the pix2pix or cyclegan task"),
     Argument("image_or_dir", "an image file, or a folder of images"),
     Argument("--out", "the PNG to write (for one image) or the folder (for a folder)",
              required=True),
     Argument("--direction", "a2b or b2a, for runs that translate both ways (default: the "
                             "first)"),
     Argument("--tile", _TILE_HELP, type=parse_tile, default=TILE),
     Argument("--overwrite", "replace existing output files", switch=True)),
    run=run_translate,
    description="Translate an image, or every image in a folder, with RUN_DIR's generator (the "
                "EMA one, in inference mode: deterministic) and write PNGs of the same size. "
                "Any size: an image is padded by reflection to the multiple the generator "
                "needs and cropped back; images larger than --tile are processed in "
                "overlapping tiles, blended without seams.")

INPAINT = Command(
    "inpaint", "fill the hole of an image with an inpainting run's generator",
    (Argument("run_dir", "a run directory of the inpaint task"),
     Argument("image", "the image file"),
     Argument("--mask", "a black-and-white image of the same size: white (255) or 1 marks the "
                        "hole, black (0) the pixels kept", required=True),
     Argument("--out", "the PNG to write", required=True),
     Argument("--tile", _TILE_HELP, type=parse_tile, default=TILE),
     Argument("--overwrite", "replace an existing output file", switch=True)),
    run=run_inpaint,
    description="Fill the hole that MASK marks in IMAGE with RUN_DIR's generator (the EMA one, "
                "in inference mode: deterministic) and write a PNG; the pixels outside the hole "
                "are the image's own. Any size: padded by reflection to the multiple the "
                "generator needs, in overlapping tiles above --tile.")
