"""What every page shares: images made big enough to see, and the image-in, image-out page."""

import os
import tempfile

import numpy as np

from kgan import images
from kgan.explore.server import blocks, gradio

__all__ = [
    "DISPLAY_SIZE", "MIN_TILE", "for_display", "image_page", "live", "masked_image_page",
    "output_image", "page_title",
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


def image_page(function, title, description="", image_mode="RGB", options=None,
               option_label="option"):
    """A page that runs `function` on an uploaded image: output beside input, a download button.

    Args:
        function: uint8 `[H, W, C]` -> uint8 `[H', W', C']` (e.g. an
            upscaler); `C` is 3 for `image_mode="RGB"`, 1 for `"L"`. With
            `options`, it is called as `function(image, option)`.
        title: the page's title and heading.
        description: Markdown under the heading.
        image_mode: the mode uploads are converted to (`"RGB"`, `"L"`, `"RGBA"`).
        options: labels of a choice shown beside the upload (e.g. the two
            directions of a translation); the first is chosen at the start.
        option_label: the choice's label.

    Returns:
        A `gradio.Blocks`; serve it with `kgan.explore.launch`.

    Example:

    ```python
    page = kgan.explore.image_page(lambda x: x[::-1], "Flip")
    kgan.explore.launch(page, port=7860)
    ```
    """
    gr = gradio()
    save = _downloads()

    def run(uploaded, *option):
        if uploaded is None:
            return None, gr.update(value=None, interactive=False)
        return save(function(_as_image(uploaded, "the upload"), *option))

    with blocks(title) as page:
        gr.Markdown(f"# {title}\n\n{description}".strip())
        inputs = []
        if options:
            inputs.append(gr.Radio(list(options), value=options[0], label=option_label,
                                   elem_id="option"))
        with gr.Row():
            source = gr.Image(label="input", type="numpy", image_mode=image_mode,
                              sources=["upload", "clipboard"], elem_id="input", format="png")
            output = output_image("output", "output")
        download = _download_button()
        inputs.insert(0, source)
        for component in inputs:
            component.change(run, inputs=inputs, outputs=[output, download])
    return page


def masked_image_page(function, title, description="", image_mode="RGB", brush_size=8,
                      default_mask=None):
    """A page where the user uploads an image and paints over part of it: `function` gets the
    image and the painted mask; output beside input, a download button.

    Args:
        function: `(image, mask)` -> uint8 `[H', W', C']`, with `image` uint8
            `[H, W, C]` (`C` as in `image_page`) and `mask` uint8 `[H, W, 1]`,
            255 where the user painted (e.g. the hole an inpainter fills), 0
            elsewhere.
        title: the page's title and heading.
        description: Markdown under the heading.
        image_mode: the mode uploads are converted to (`"RGB"`, `"L"`).
        brush_size: the brush's starting width in image pixels (the page
            lets the user change it).
        default_mask: `(height, width)` -> mask, used while nothing is
            painted (`None`: an all-zero mask).

    Returns:
        A `gradio.Blocks`; serve it with `kgan.explore.launch`.

    Example:

    ```python
    def grey_out(image, mask):
        return np.where(mask > 0, 128, image).astype(np.uint8)

    page = kgan.explore.masked_image_page(grey_out, "Grey out")
    kgan.explore.launch(page, port=7860)
    ```
    """
    from PIL import Image

    gr = gradio()
    save = _downloads()

    def run(edited, last):
        # The editor reports a change before its upload is read (no background yet), and
        # may report the same picture twice: neither reaches `function`. `last` is the
        # browser session's previous (image, mask).
        background = None if edited is None else edited.get("background")
        if background is None:
            return gr.skip(), gr.skip(), last
        background = _as_image(background, "the upload")
        image = _as_image(np.asarray(Image.fromarray(
            background[..., 0] if background.shape[-1] == 1 else background).convert(image_mode)),
            "the upload")
        painted = [np.asarray(layer) for layer in edited.get("layers") or ()]
        painted = [layer[..., -1] > 0 for layer in painted
                   if layer.ndim == 3 and layer.shape[:2] == image.shape[:2]]
        if any(layer.any() for layer in painted):
            mask = np.logical_or.reduce(painted)[..., None].astype(np.uint8) * 255
        elif default_mask is not None:
            mask = _as_image(default_mask(*image.shape[:2]), "`default_mask`'s mask")
        else:
            mask = np.zeros(image.shape[:2] + (1,), np.uint8)
        key = (image.shape, image.tobytes(), mask.tobytes())
        if key == last:
            return gr.skip(), gr.skip(), last
        return (*save(function(image, mask)), key)

    def clear():
        return None, gr.update(value=None, interactive=False), None

    with blocks(title) as page:
        gr.Markdown(f"# {title}\n\n{description}".strip())
        with gr.Row():
            # RGBA, so that the painted layer keeps its alpha: the mask.
            source = gr.ImageEditor(
                label="input (paint over what to change)", type="numpy", image_mode="RGBA",
                sources=["upload", "clipboard"], elem_id="input", format="png",
                brush=gr.Brush(default_size=brush_size, colors=["#ff00ff"],
                               color_mode="fixed"),
                layers=False, transforms=())
            output = output_image("output", "output")
        download = _download_button()
        last = gr.State(None)
        for event in (source.upload, source.change):
            event(run, inputs=[source, last], outputs=[output, download, last])
        source.clear(clear, outputs=[output, download, last])
    return page


def _downloads():
    """`save(result)`: checks `result`, writes it as the PNG the download button serves and
    returns what the output image and the button show."""
    gr = gradio()
    folder = tempfile.mkdtemp(prefix="kgan-explore-")

    def save(result):
        result = _as_image(result, "`function`'s output")
        path = os.path.join(folder, "output.png")
        images.save_image_grid(result[None], path, padding=0)
        shown = result[..., 0] if result.shape[-1] == 1 else result
        return shown, gr.update(value=path, interactive=True)

    return save


def _download_button():
    return gradio().DownloadButton("Download the output (PNG)", interactive=False,
                                   elem_id="download")
