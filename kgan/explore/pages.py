"""What every page shares: images made big enough to see, and the image-in, image-out page."""

import os
import tempfile

import numpy as np

from kgan import images
from kgan.explore.server import blocks, gradio

__all__ = [
    "DISPLAY_SIZE", "MIN_TILE", "for_display", "image_page", "live", "output_image", "page_title",
]

# Small samples are upscaled (nearest neighbour) to at least this many pixels across,
# and each image to at least MIN_TILE.
DISPLAY_SIZE = 160
MIN_TILE = 40


def for_display(batch, cols=None, padding=1):
    """uint8 images `[N, H, W, C]` as one uint8 picture for a `gradio.Image`: a grid
    (no border around a single image), upscaled (nearest neighbour) to at least
    `DISPLAY_SIZE` pixels across and `MIN_TILE` per image, grayscale as `[H, W]`."""
    batch = np.asarray(batch)
    cols = cols or int(np.ceil(np.sqrt(len(batch))))
    width = batch.shape[2]
    scale = max(1, -(-DISPLAY_SIZE // (width * cols)), -(-MIN_TILE // width))
    grid = images.make_grid(batch, cols=cols, padding=padding if len(batch) > 1 else 0,
                            scale=scale)
    return grid[..., 0] if grid.shape[-1] == 1 else grid


def output_image(label, elem_id):
    """A `gradio.Image` that shows a result: PNG (lossless), download and full screen, no
    share button (sharing would upload it)."""
    return gradio().Image(label=label, type="numpy", format="png", interactive=False,
                          buttons=["download", "fullscreen"], elem_id=elem_id)


def live(page, function, inputs, output):
    """Runs `function(*inputs)` into `output` when `page` loads and whenever an input changes."""
    page.load(function, inputs, output)
    for component in inputs:
        component.change(function, inputs, output)


def page_title(run_dir):
    """`"kgan explore: NAME"`, NAME the run directory's own name."""
    return f"kgan explore: {os.path.basename(os.path.normpath(os.fspath(run_dir)))}"


def _as_image(array, name):
    array = np.asarray(array)
    if array.ndim == 2:
        array = array[..., None]
    if array.ndim != 3 or array.dtype != np.uint8:
        raise ValueError(f"{name} must be a uint8 image [H, W, C]; got {array.dtype} "
                         f"{array.shape}.")
    return array


def image_page(function, title, description="", image_mode="RGB"):
    """A page that runs `function` on an uploaded image: output beside input, a download button.

    Args:
        function: uint8 `[H, W, C]` -> uint8 `[H', W', C']` (e.g. an
            upscaler); `C` is 3 for `image_mode="RGB"`, 1 for `"L"`.
        title: the page's title and heading.
        description: Markdown under the heading.
        image_mode: the mode uploads are converted to (`"RGB"`, `"L"`, `"RGBA"`).

    Returns:
        A `gradio.Blocks`; serve it with `kgan.explore.launch`.

    Example:

    ```python
    page = kgan.explore.image_page(lambda x: x[::-1], "Flip")
    kgan.explore.launch(page, port=7860)
    ```
    """
    gr = gradio()
    downloads = tempfile.mkdtemp(prefix="kgan-explore-")

    def run(uploaded):
        if uploaded is None:
            return None, gr.update(value=None, interactive=False)
        result = _as_image(function(_as_image(uploaded, "the upload")), "`function`'s output")
        path = os.path.join(downloads, "output.png")
        images.save_image_grid(result[None], path, padding=0)
        shown = result[..., 0] if result.shape[-1] == 1 else result
        return shown, gr.update(value=path, interactive=True)

    with blocks(title) as page:
        gr.Markdown(f"# {title}\n\n{description}".strip())
        with gr.Row():
            source = gr.Image(label="input", type="numpy", image_mode=image_mode,
                              sources=["upload", "clipboard"], elem_id="input", format="png")
            output = output_image("output", "output")
        download = gr.DownloadButton("Download the output (PNG)", interactive=False,
                                     elem_id="download")
        source.change(run, inputs=source, outputs=[output, download])
    return page
