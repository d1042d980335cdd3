"""The `kgan explore` page of super-resolution runs: upload an image, get it upscaled."""

import numpy as np

from kgan import explore
from kgan.tasks.super_resolution.upscale import OVERLAP, TILE

__all__ = ["explore_app", "export_upscaler"]


def export_upscaler(run_dir, tile=TILE):
    """uint8 `[H, W, C]` -> uint8 `[H * scale, W * scale, C]` by `run_dir/saved_model`'s
    `serving_default`, in overlapping tiles of `tile` pixels (`kgan.tiling.apply_tiled`)."""
    import tensorflow as tf

    from kgan.tiling import apply_tiled

    serve = explore.load_export(run_dir).signatures["serving_default"]
    channels = serve.structured_input_signature[1]["images"].shape[-1]
    scale = int(serve(images=tf.zeros((1, 1, 1, channels), tf.uint8))["images"].shape[1])

    def run(batch):
        return serve(images=tf.cast(np.rint(batch), tf.uint8))["images"].numpy()

    def upscale(image):
        out = apply_tiled(run, np.asarray(image, "float32"), scale, tile, OVERLAP)
        return np.clip(np.rint(out), 0, 255).astype(np.uint8)

    return upscale


def explore_app(run_dir, info):
    """The page: an uploaded image beside its upscaling by the run's export."""
    scale = info.get("scale", "")
    channels = (info.get("image_shape") or [0, 0, 3])[-1]
    return explore.image_page(
        export_upscaler(run_dir), f"Super-resolution {scale}x".strip(),
        "Upload an image: the run's export upscales it (in overlapping tiles for large "
        "images), and the PNG can be downloaded.", image_mode="L" if channels == 1 else "RGB")
