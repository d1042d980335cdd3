"""The `kgan explore` page of image-to-image runs: upload an image and get it translated
(pix2pix; CycleGAN either way), or paint the part to fill in (inpainting)."""

import numpy as np

from kgan import explore

__all__ = ["centre_hole", "directions", "explore_app", "export_translator"]

# Pixels a side per tile and shared between tiles, as `kgan translate`'s defaults.
TILE, OVERLAP = 512, 64
# The choice on a CycleGAN run's page, by direction.
DIRECTION_LABELS = {"a2b": "A → B", "b2a": "B → A"}


def centre_hole(height, width):
    """A uint8 `[H, W, 1]` mask (255 = hole) of the centred box half the image's sides."""
    mask = np.zeros((height, width, 1), np.uint8)
    mask[height // 4:height // 4 + height // 2, width // 4:width // 4 + width // 2] = 255
    return mask


def directions(loaded, inverse_signatures):
    """`{label: signature}` of a loaded export's two directions, A -> B first
    (`serving_default` serves the direction it was exported with, `inverse_signatures`
    names the other's signature by that direction, as `task.inverse_signatures`); `{}` for
    an export with one signature."""
    for way, other in inverse_signatures.items():
        if other in loaded.signatures:
            back = "b2a" if way == "a2b" else "a2b"
            found = {DIRECTION_LABELS[way]: "serving_default", DIRECTION_LABELS[back]: other}
            return {label: found[label] for label in DIRECTION_LABELS.values()}
    return {}


def export_translator(run_dir, inpaint=False):
    """`translate(image, mask=None, signature="serving_default")`: uint8 `[H, W, C]` ->
    uint8 `[H, W, C']` by a signature of `run_dir/saved_model`, in overlapping tiles above
    `TILE` pixels a side (`kgan.tiling.apply_tiled`). With `inpaint`, `mask` (uint8
    `[H, W, 1]`, nonzero = hole) is the hole filled in, by default the centred box of
    `centre_hole`."""
    return _translator(explore.load_export(run_dir), inpaint)


def _translator(loaded, inpaint):
    import tensorflow as tf

    from kgan.tiling import apply_tiled

    def translate(image, mask=None, signature="serving_default"):
        serve = loaded.signatures[signature]

        def run(batch):
            pixels = tf.cast(np.rint(batch[..., :-1] if inpaint else batch), tf.uint8)
            if inpaint:
                holes = tf.cast(batch[..., -1:], tf.uint8)
                return serve(images=pixels, masks=holes)["images"].numpy()
            return serve(images=pixels)["images"].numpy()

        image = np.asarray(image, "float32")
        if inpaint:
            mask = centre_hole(*image.shape[:2]) if mask is None else mask
            image = np.concatenate([image, (np.asarray(mask) > 0) * 255.0], axis=-1)
        out = apply_tiled(run, image, 1, TILE, OVERLAP)
        return np.clip(np.rint(out), 0, 255).astype(np.uint8)

    return translate


def explore_app(task, run_dir, info):
    """The page: an uploaded image beside what the run's export makes of it; for inpainting,
    the user paints the hole."""
    loaded = explore.load_export(run_dir)
    translate = _translator(loaded, inpaint=not task.translatable)
    title = f"Image-to-image: {task.name}"
    if not task.translatable:
        channels = (info.get("image_shape") or [0, 0, 3])[-1]
        side = (info.get("image_shape") or [32])[0]
        return explore.masked_image_page(
            lambda image, mask: translate(image, mask), title,
            "Upload an image and paint over what to fill in: the run's export fills the "
            "painted pixels and keeps the rest (with nothing painted, the centred box half "
            "the image's height and width), and the PNG can be downloaded.",
            image_mode="L" if channels == 1 else "RGB", brush_size=max(2, side // 4),
            default_mask=centre_hole)
    channels = (info.get("input_shape") or info.get("image_shape") or [0, 0, 3])[-1]
    mode = "L" if channels == 1 else "RGB"
    description = ("Upload an image: the run's export translates it (padded to the size the "
                   "network takes; in overlapping tiles for large images), and the PNG can "
                   "be downloaded.")
    ways = directions(loaded, task.inverse_signatures)
    if not ways:
        return explore.image_page(translate, title, description, image_mode=mode)
    return explore.image_page(
        lambda image, label: translate(image, signature=ways[label]), title,
        description + " Choose the direction: A → B or back.", image_mode=mode,
        options=list(ways), option_label="direction")
