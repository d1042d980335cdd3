"""The `kgan explore` page of image-to-image runs: upload an image, get it translated
(pix2pix, CycleGAN) or with its centre filled in (inpainting)."""

import numpy as np

from kgan import explore

__all__ = ["centre_hole", "explore_app", "export_translator"]

# Pixels a side per tile and shared between tiles, as `kgan translate`'s defaults.
TILE, OVERLAP = 512, 64


def centre_hole(height, width):
    """A uint8 `[H, W, 1]` mask (255 = hole) of the centred box half the image's sides."""
    mask = np.zeros((height, width, 1), np.uint8)
    mask[height // 4:height // 4 + height // 2, width // 4:width // 4 + width // 2] = 255
    return mask


def export_translator(run_dir, inpaint=False):
    """uint8 `[H, W, C]` -> uint8 `[H, W, C']` by `run_dir/saved_model`'s `serving_default`,
    in overlapping tiles above `TILE` pixels a side (`kgan.tiling.apply_tiled`); with
    `inpaint`, the centred box of `centre_hole` is the hole filled in."""
    import tensorflow as tf

    from kgan.tiling import apply_tiled

    serve = explore.load_export(run_dir).signatures["serving_default"]

    def run(batch):
        pixels = tf.cast(np.rint(batch[..., :-1] if inpaint else batch), tf.uint8)
        if inpaint:
            return serve(images=pixels, masks=tf.cast(batch[..., -1:], tf.uint8))["images"].numpy()
        return serve(images=pixels)["images"].numpy()

    def translate(image):
        image = np.asarray(image, "float32")
        if inpaint:
            image = np.concatenate([image, centre_hole(*image.shape[:2])], axis=-1)
        out = apply_tiled(run, image, 1, TILE, OVERLAP)
        return np.clip(np.rint(out), 0, 255).astype(np.uint8)

    return translate


def explore_app(task, run_dir, info):
    """The page: an uploaded image beside what the run's export makes of it."""
    channels = (info.get("input_shape") or info.get("image_shape") or [0, 0, 3])[-1]
    if not task.translatable:
        channels = (info.get("image_shape") or [0, 0, 3])[-1]
        description = ("Upload an image: the run's export fills in its centre (a box half "
                       "the image's height and width), and the PNG can be downloaded.")
    else:
        description = ("Upload an image: the run's export translates it (padded to the size "
                       "the network takes; in overlapping tiles for large images), and the PNG "
                       "can be downloaded.")
    return explore.image_page(
        export_translator(run_dir, inpaint=not task.translatable),
        f"Image-to-image: {task.name}", description,
        image_mode="L" if channels == 1 else "RGB")
