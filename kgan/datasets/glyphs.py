"""The built-in `"glyphs"` source: `A-Z a-z 0-9` rendered from TrueType fonts.

A font-design dataset that needs no download: every font that ships inside
matplotlib (`matplotlib/mpl-data/fonts/ttf`) and draws all 62 characters
renders each of them once, white on black, labelled by character (`A` is 0,
`Z` 25, `a` 26, `z` 51, `0` 52, `9` 61). With matplotlib 3.x that is 22
fonts (12 DejaVu, 4 STIX General, 6 Computer Modern) and 1,364 images.

Fonts are taken in file-name order and must map all 62 characters and draw
62 different glyphs (this leaves out the display, symbol-size and
last-resort fonts); Computer Modern's symbol and extension fonts, whose
letter code points hold symbols, are left out by name. Each font is drawn at
one scale, chosen so its tallest and widest glyphs fit the image with a
margin, on a common baseline: upper and lower case keep their relative sizes
(`o` stays smaller than `O`). Glyphs are rendered with Pillow's FreeType at
four times the image size and reduced with a box filter, so the result is
deterministic for given Pillow/FreeType and matplotlib versions.
"""

import functools
import os

import numpy as np

from kgan.datasets._common import Source

NAME = "glyphs"
DEFAULT_IMAGE_SIZE = 32
CHARACTERS = (
    [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    + [chr(c) for c in range(ord("a"), ord("z") + 1)]
    + [str(d) for d in range(10)]
)
# Computer Modern symbol and extension fonts map letter code points to symbols.
EXCLUDED_FONTS = ("cmsy10.ttf", "cmex10.ttf")
_SUPERSAMPLE = 4
_MARGIN = 0.1  # of the image side, on each edge


def matplotlib_font_files():
    """The TrueType files that ship inside matplotlib, sorted by name."""
    import matplotlib

    directory = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    return sorted(
        os.path.join(directory, name)
        for name in os.listdir(directory)
        if name.lower().endswith(".ttf") and name not in EXCLUDED_FONTS
    )


def _covers_all_characters(path):
    from matplotlib.ft2font import FT2Font

    try:
        charmap = FT2Font(path).get_charmap()
    except (OSError, RuntimeError):
        return False
    return all(ord(c) in charmap for c in CHARACTERS)


def render_font(path, image_size=DEFAULT_IMAGE_SIZE, characters=CHARACTERS):
    """Renders the 62 characters (or `characters`) of one font.

    Args:
        path: a TrueType/OpenType font file.
        image_size: side of the square images (>= 4).
        characters: the characters to draw, in order; the font's scale is
            chosen so the tallest and widest of them fit.

    Returns:
        uint8 array `[len(characters), image_size, image_size]` (ink is
        255), in the order of `characters`.

    Example:

    ```python
    glyphs = render_font(matplotlib_font_files()[0], image_size=16)  # (62, 16, 16)
    ```
    """
    from PIL import Image, ImageDraw, ImageFont

    canvas = image_size * _SUPERSAMPLE
    inner = canvas * (1 - 2 * _MARGIN)
    # Measure at a reference size, then scale so the font's extremes fit.
    reference = ImageFont.truetype(path, 200)
    boxes = np.array([reference.getbbox(c, anchor="ls") for c in characters], float)
    top, bottom = boxes[:, 1].min(), boxes[:, 3].max()
    widest = (boxes[:, 2] - boxes[:, 0]).max()
    size = max(1, int(200 * inner / max(bottom - top, widest)))
    font = ImageFont.truetype(path, size)
    scale = size / 200
    baseline = (canvas - (bottom - top) * scale) / 2 - top * scale

    glyphs = []
    for c in characters:
        left, _, right, _ = font.getbbox(c, anchor="ls")
        image = Image.new("L", (canvas, canvas), 0)
        x = (canvas - (right - left)) / 2 - left
        ImageDraw.Draw(image).text((x, baseline), c, font=font, fill=255, anchor="ls")
        glyphs.append(np.asarray(image.resize((image_size, image_size), Image.BOX)))
    return np.stack(glyphs)


@functools.lru_cache(maxsize=4)
def render_glyphs(image_size=DEFAULT_IMAGE_SIZE, fonts=None):
    """Renders every usable font; returns `(images, labels, font_names)`.

    Args:
        image_size: side of the square images.
        fonts: a tuple of font files to use instead of matplotlib's (e.g.
            system fonts); fonts missing a character are skipped.

    Returns:
        uint8 images `[n_fonts * 62, image_size, image_size]`, int32 labels
        `[n_fonts * 62]` (indices into `CHARACTERS`), and the font file
        names used, in order.

    Example:

    ```python
    images, labels, fonts = render_glyphs(32)
    len(fonts), images.shape  # (22, (1364, 32, 32))
    ```
    """
    paths = matplotlib_font_files() if fonts is None else [os.fspath(p) for p in fonts]
    images, names = [], []
    for path in paths:
        if not _covers_all_characters(path):
            continue
        glyphs = render_font(path, image_size)
        if len({g.tobytes() for g in glyphs}) < len(CHARACTERS) or not glyphs.any(axis=(1, 2)).all():
            continue  # a placeholder or symbol font
        images.append(glyphs)
        names.append(os.path.basename(path))
    if not images:
        raise ValueError("No font draws all of A-Z a-z 0-9 (argument `fonts`).")
    images = np.concatenate(images)
    labels = np.tile(np.arange(len(CHARACTERS), dtype=np.int32), len(names))
    return images, labels, tuple(names)


def load_glyphs_source(image_size=None):
    """The glyphs as an in-memory source: float32 `[N, S, S, 1]` in [-1, 1]."""
    size = DEFAULT_IMAGE_SIZE if image_size is None else image_size
    glyphs, labels, fonts = render_glyphs(size)
    images = glyphs.astype(np.float32)[..., np.newaxis] / np.float32(127.5) - np.float32(1.0)
    return Source(
        description=f"glyphs ({len(fonts)} fonts x {len(CHARACTERS)} characters)",
        num_examples=images.shape[0],
        has_labels=True,
        images=images,
        labels=labels,
        class_names=list(CHARACTERS),
    )
