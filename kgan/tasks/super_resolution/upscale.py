"""`kgan upscale RUN_DIR IMAGE_OR_DIR --out OUT`: a super-resolution run's generator on your images.

Every input is read and every output path is checked before anything is
written: an unreadable image, an image too small, an output that exists
without `--overwrite` or a run of another task stops the command with one
message and no file written. Images larger than `--tile` LR pixels a side
are processed in overlapping tiles (`kgan.tiling.apply_tiled`), so memory
stays bounded for any image size.
"""

import argparse
import os

import numpy as np

from kgan import saving
from kgan.tasks import image_files

__all__ = ["MIN_SIDE", "OVERLAP", "TILE", "parse_tile", "run", "upscale_image"]

# LR pixels a side per tile: a 4x output tile of 512 x 512 keeps a 64-filter
# generator's activations near 200 MB.
TILE = 128
# LR pixels each tile shares with its neighbours. `apply_tiled` is exact for
# receptive fields up to OVERLAP // 4 = 8 LR pixels (a 1-block generator's);
# the default 4-block one sees about 14, the rest is feathered.
OVERLAP = 32
# The smallest LR side upscaled.
MIN_SIDE = 4


def parse_tile(text):
    """`--tile`'s text -> LR pixels a side (`None` for 0: whole images)."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value != 0 and value < 2 * OVERLAP + 1:
        raise argparse.ArgumentTypeError(
            f"expected 0 (whole images) or an integer >= {2 * OVERLAP + 1} (twice the "
            f"{OVERLAP}-pixel overlap, plus 1); got {text!r}")
    return value or None


def upscale_image(model, image, tile=TILE, psnr=False):
    """`image` (uint8 `[H, W, C]`) upscaled by `model` (a `SuperResolutionGAN`), uint8.

    Tiles of `tile` LR pixels a side (`None`: the whole image at once)
    overlap by `OVERLAP` pixels and are blended (`kgan.tiling.apply_tiled`).
    """
    generator = model.psnr_model if psnr else model.sampling_generator

    def upscale(batch):
        return np.asarray(generator(batch, training=False))

    return image_files.tiled_uint8(upscale, image, model.scale, tile, OVERLAP)


def _load(run_dir):
    from kgan.tasks.super_resolution.model import SuperResolutionGAN

    path = os.path.join(run_dir, "gan.keras")
    if not os.path.isfile(path):
        raise ValueError(f"RUN_DIR {run_dir!r} has no gan.keras; give a run directory written "
                         "by kgan train --task super-resolution.")
    model = saving.load_model(path)
    if not isinstance(model, SuperResolutionGAN):
        raise ValueError(f"RUN_DIR {run_dir!r} is a run of another task ({type(model).__name__});"
                         " kgan upscale needs a super-resolution run.")
    return model


def run(args):
    """Runs `kgan upscale` on the parsed arguments."""
    plan = image_files.plan_outputs(args.image_or_dir, args.out, what="upscaled image")
    model = _load(args.run_dir)
    image_files.check_inputs(plan, model.channels, args.overwrite, MIN_SIDE, "kgan upscale")
    image_files.convert_files(
        plan, lambda image: upscale_image(model, image, tile=args.tile, psnr=args.psnr_model),
        model.channels)
    which = "L1-phase" if args.psnr_model else "final"
    print(f"Wrote {len(plan)} image{'s' * (len(plan) > 1)} upscaled {model.scale}x by the "
          f"{which} generator to {args.out}")
    return args.out
