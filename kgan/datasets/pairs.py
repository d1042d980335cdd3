"""Image-to-image data: paired and unpaired `(a, b)` batches, offline.

`load_pairs` gives `(source, target)` batches for paired translation
(pix2pix); `load_unpaired` gives `(a, b)` batches whose pairing is broken
(CycleGAN). Values are float32 in `[-1, 1]`, `[batch, H, W, C]`, like
every kgan image dataset.

**Fonts** (`"fonts"`): the same character drawn in a source font and in the
target font, from the TrueType fonts inside matplotlib (the 22 fonts of the
`"glyphs"` dataset) or any font files you name. By default the 21 other
fonts are the sources and **DejaVu Serif Bold Italic** is the target (many
fonts -> one style, as in zi2zi). Fonts are named by their family and style
(`"DejaVu Sans Bold"`, `"cmr10"`, `"STIXGeneral Italic"`; a family alone
means its regular face), by file name (`"cmtt10.ttf"`), by the path of a
.ttf/.otf/.ttc file, or by the family name of a font installed on the
system (e.g. `"AR PL UMing TW"` on Debian with `fonts-arphic-uming`: the
AR PL Ming and Kai fonts share about 18,000 ideographs). A named font that
lacks a requested character is an error naming the font and the
characters.

**Held-out characters.** The test split is the characters training never
sees, in any font (neither as source nor as target): by default every
sixth character from the fourth, `characters[3::6]`, which for
`A-Z a-z 0-9` is `D J P V b h n t z 5` (10 characters; 52 train).
`held_out_characters=` chooses others; `held_out_fonts=` also moves whole
source fonts to the test split.

**Sketches** (`"sketch-glyphs"`, `"sketch-digits"`): an edge map computed
at load time (Canny by default, `edges="sobel"` for Sobel magnitudes;
scikit-image) -> the image. Glyphs hold out the same characters as
`"fonts"`; digits are the 5,000 MNIST digits of `"mnist5k"` with every
tenth (indices 9, 19, ...) held out.

**Folders**: `A/` and `B/` holding the same file names (matched by their
path without extension), or a folder of side-by-side images (A the left
half, B the right, as the pix2pix datasets ship). Sub-folders `train/` and
`test/` (or `val/`) give the splits; without them every tenth pair in name
order is the test split. For `load_unpaired`, `A/` and `B/` (or `trainA/`,
`trainB/`, `testA/`, `testB/`) may hold any file names.

**tensorflow-datasets**: the unpaired `cycle_gan/...` datasets (e.g.
`"cycle_gan/horse2zebra"`) work with `load_unpaired` if their data is on
disk or can be downloaded.

Example:

```python
ds = kgan.datasets.load_pairs("fonts", image_size=32, batch_size=16, seed=0, steps=100)
source, target = next(iter(ds))  # [16, 32, 32, 1] each
test = kgan.datasets.pairs.font_pairs("test", 32)
test.characters[test.char_index[0]], test.source_fonts[test.font_index[0]]  # 'D', 'DejaVu Sans Bold'
```
"""

import dataclasses
import functools
import os
import pathlib

import numpy as np
import tensorflow as tf

from kgan.datasets._common import check_batch_size, resize_array
from kgan.datasets.images import IMAGE_EXTENSIONS, find_image_files
from kgan.validation import check_seed, is_int

__all__ = [
    "DEFAULT_TARGET_FONT",
    "FONTS",
    "FONT_OPTIONS",
    "FontPairs",
    "check_image_size",
    "edge_map",
    "font_pairs",
    "held_out_characters",
    "load_pairs",
    "load_unpaired",
]

FONTS = "fonts"
SKETCH_GLYPHS = "sketch-glyphs"
SKETCH_DIGITS = "sketch-digits"
NAMES = (FONTS, SKETCH_GLYPHS, SKETCH_DIGITS)
DEFAULT_IMAGE_SIZE = 32
DEFAULT_TARGET_FONT = "DejaVu Serif Bold Italic"
SPLITS = ("train", "test")
_REGULAR_STYLES = ("regular", "book", "roman", "normal", "medium")
_FONT_EXTENSIONS = (".ttf", ".otf", ".ttc")
_TEST_EVERY = 10  # folders and digits without a split: every tenth is held out
FONT_OPTIONS = ("source_fonts", "target_font", "characters", "held_out_characters",
                "held_out_fonts")


# ---------------------------------------------------------------- checks


def check_image_size(image_size, minimum, name="image_size"):
    """Raises a ValueError if `image_size` is below a network's minimum.

    The image-to-image tasks call it with their network's smallest input
    (a U-Net of depth d needs `2**d` pixels) before loading anything.

    Args:
        image_size: The side of the images (an int), or their
            `(height, width)`.
        minimum: The smallest side the network accepts.
        name: The argument or flag to name in the error.

    Returns:
        `image_size`, unchanged.

    Example:

    ```python
    check_image_size(16, minimum=32)  # ValueError: `image_size`=16 is smaller than ...
    ```
    """
    sides = tuple(image_size) if isinstance(image_size, (tuple, list)) else (image_size,)
    if not all(is_int(side) for side in sides):
        raise ValueError(f"`{name}` must be an integer; got {image_size!r}.")
    if min(sides) < minimum:
        shown = image_size if len(sides) == 1 else "x".join(map(str, sides))
        raise ValueError(
            f"`{name}`={shown} is smaller than the network's minimum of {minimum} pixels; "
            f"use `{name}` >= {minimum} (or a shallower network).")
    return image_size


def _check_split(split):
    if split not in SPLITS:
        raise ValueError(f"`split` must be 'train' or 'test'; got {split!r}.")


def _check_steps(steps):
    if steps is not None and (not is_int(steps) or steps < 1):
        raise ValueError(f"`steps` must be None or a positive integer; got {steps!r}.")


def _check_channels(channels):
    if channels not in (None, 1, 3):
        raise ValueError(f"`channels` must be None (keep), 1 or 3; got {channels!r}.")


def _check_size(image_size):
    if image_size is not None and (not is_int(image_size) or image_size < 4):
        raise ValueError(f"`image_size` must be None (native size) or an integer >= 4; got "
                         f"{image_size!r}.")


def _check_options(options, allowed, what):
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        accepted = ", ".join(f"`{o}`" for o in allowed) or "none"
        raise ValueError(f"Unknown option(s) {', '.join(f'`{o}`' for o in unknown)} for {what}; "
                         f"it accepts: {accepted}.")


# ---------------------------------------------------------------- fonts


def _font_name(path):
    from matplotlib.ft2font import FT2Font

    font = FT2Font(os.fspath(path))
    family, style = font.family_name, font.style_name
    return family if style.lower() in _REGULAR_STYLES else f"{family} {style}"


@functools.lru_cache(maxsize=1)
def _matplotlib_fonts():
    from kgan.datasets.glyphs import matplotlib_font_files

    return tuple((_font_name(path), path) for path in matplotlib_font_files())


@functools.lru_cache(maxsize=1)
def _system_fonts():
    from matplotlib import font_manager

    found = []
    for path in sorted(font_manager.findSystemFonts()):
        try:
            found.append((_font_name(path), path))
        except (OSError, RuntimeError):
            continue
    return tuple(found)


def _lookup(spec, fonts):
    key = spec.lower()
    for name, path in fonts:
        base = os.path.basename(path).lower()
        if key in (name.lower(), base, os.path.splitext(base)[0]):
            return name, path
    return None


def _resolve_font(spec, argument):
    """`(name, path)` of a font given by name, file name or path."""
    if isinstance(spec, os.PathLike) or (
            isinstance(spec, str) and (os.sep in spec or spec.lower().endswith(_FONT_EXTENSIONS))):
        path = os.fspath(spec)
        if os.path.isfile(path):
            try:
                return _font_name(path), path
            except (OSError, RuntimeError) as err:
                raise ValueError(f"`{argument}`: {path!r} is not a font file ({err}).") from None
        found = _lookup(os.path.basename(path), _matplotlib_fonts())
        if found is None:
            raise ValueError(f"`{argument}`: font file {path!r} does not exist.")
        return found
    if not isinstance(spec, str) or not spec.strip():
        raise ValueError(f"`{argument}` must name fonts (family and style, file name or path); "
                         f"got {spec!r}.")
    spec = spec.strip()
    found = _lookup(spec, _matplotlib_fonts()) or _lookup(spec, _system_fonts())
    if found is None:
        known = sorted({name for name, _ in _matplotlib_fonts()})
        raise ValueError(
            f"`{argument}`: no font named {spec!r} in matplotlib or on this system. "
            f"matplotlib's: {', '.join(known)}; or give the path of a .ttf/.otf/.ttc file.")
    return found


def _font_list(value, argument):
    if isinstance(value, (str, os.PathLike)):
        value = [v for v in os.fspath(value).split(",")] if isinstance(value, str) else [value]
    try:
        specs = list(value)
    except TypeError:
        raise ValueError(f"`{argument}` must be font names or paths; got {value!r}.") from None
    if not specs:
        raise ValueError(f"`{argument}` names no font.")
    return [_resolve_font(spec, argument) for spec in specs]


def _missing_characters(path, characters):
    from matplotlib.ft2font import FT2Font

    charmap = FT2Font(path).get_charmap()
    return [c for c in characters if ord(c) not in charmap]


def _check_covers(font, characters, argument):
    name, path = font
    missing = _missing_characters(path, characters)
    if missing:
        shown = "".join(missing[:20]) + ("..." if len(missing) > 20 else "")
        raise ValueError(
            f"`{argument}`: font {name!r} ({path}) lacks {len(missing)} of the requested "
            f"`characters`: {shown!r}. Choose `characters` it draws or another font.")


def _characters(characters):
    from kgan.datasets.glyphs import CHARACTERS

    if characters is None:
        return "".join(CHARACTERS)
    if not isinstance(characters, str):
        raise ValueError(f"`characters` must be a string of characters; got {characters!r}.")
    unique = "".join(dict.fromkeys(characters))
    blank = [c for c in unique if not c.isprintable() or c.isspace()]
    if blank:
        raise ValueError(f"`characters` must be visible characters; {blank[:5]!r} draw nothing.")
    if len(unique) < 2:
        raise ValueError(f"`characters` needs at least 2 different characters (some to train "
                         f"on, some held out); got {characters!r}.")
    return unique


def held_out_characters(characters=None) -> str:
    """The characters the fonts' test split holds out: every sixth from the fourth.

    Args:
        characters: The characters of the dataset (default `A-Z a-z 0-9`).

    Returns:
        `characters[3::6]`, or the last character when there are fewer
        than 4.

    Example:

    ```python
    held_out_characters()  # 'DJPVbhntz5'
    ```
    """
    characters = _characters(characters)
    return characters[3::6] if len(characters) >= 4 else characters[-1]


@dataclasses.dataclass
class FontPairs:
    """One split of the font pairs, as numpy arrays.

    Attributes:
        source: float32 `[N, S, S, 1]` in `[-1, 1]`, the characters in
            their source fonts (white ink on black).
        target: float32 `[N, S, S, 1]`, the same characters in the target
            font.
        characters: All the dataset's characters (train and test), a str;
            `char_index` indexes it.
        held_out_characters: The characters of the test split only.
        source_fonts: Names of all the source fonts; `font_index` indexes it.
        held_out_fonts: Source fonts seen only in the test split.
        target_font: Name of the target font.
        char_index: int32 `[N]`, each example's character.
        font_index: int32 `[N]`, each example's source font.
        split: `"train"` or `"test"`.
    """

    source: np.ndarray
    target: np.ndarray
    characters: str
    held_out_characters: str
    source_fonts: tuple
    held_out_fonts: tuple
    target_font: str
    char_index: np.ndarray
    font_index: np.ndarray
    split: str


@functools.lru_cache(maxsize=8)
def _render(paths, characters, image_size):
    """uint8 `[n_fonts, n_chars, S, S]` for fonts given by path, cached."""
    from kgan.datasets import glyphs

    if characters == "".join(glyphs.CHARACTERS):
        images, _, names = glyphs.render_glyphs(image_size)
        rendered = dict(zip(names, images.reshape(len(names), len(characters),
                                                  image_size, image_size)))
        default_dir = os.path.dirname(glyphs.matplotlib_font_files()[0])
        out = []
        for path in paths:
            base = os.path.basename(path)
            if os.path.dirname(path) == default_dir and base in rendered:
                out.append(rendered[base])
            else:
                out.append(glyphs.render_font(path, image_size, characters))
        return np.stack(out)
    return np.stack([glyphs.render_font(path, image_size, characters) for path in paths])


def _default_sources(characters, target, image_size):
    from kgan.datasets import glyphs

    _, _, names = glyphs.render_glyphs(image_size)  # the glyphs dataset's fonts (cached)
    default_dir = os.path.dirname(glyphs.matplotlib_font_files()[0])
    fonts = [(_font_name(os.path.join(default_dir, n)), os.path.join(default_dir, n))
             for n in names]
    fonts = [f for f in fonts if f[1] != target[1] and not _missing_characters(f[1], characters)]
    if not fonts:
        raise ValueError(f"None of matplotlib's fonts draws all the `characters`; name fonts "
                         f"that do with `source_fonts`.")
    return fonts


def font_pairs(split="train", image_size=DEFAULT_IMAGE_SIZE, *, source_fonts=None,
               target_font=None, characters=None, held_out_characters=None,
               held_out_fonts=None) -> FontPairs:
    """The font pairs of one split as numpy arrays, with each example's character and font.

    Training pairs are every training source font x every training
    character; the test split is every source font x every held-out
    character, plus every character of the held-out fonts. Order: by font,
    then by character (fixed). Rendering is cached per process.

    Args:
        split: `"train"` or `"test"`.
        image_size: Side of the square glyph images, an integer >= 4.
        source_fonts: None (matplotlib's glyph fonts other than the target
            that draw all `characters`), or font names / file names / paths,
            as a list or a comma-separated string.
        target_font: None (`DEFAULT_TARGET_FONT`) or one font.
        characters: None (`A-Z a-z 0-9`) or a string of characters.
        held_out_characters: None (`characters[3::6]`, see
            `held_out_characters()`) or a string: the test characters.
        held_out_fonts: None or some of `source_fonts`, seen only in test.

    Returns:
        A `FontPairs`.

    Raises:
        ValueError: naming the argument, for an unknown font, a font that
            lacks requested characters (named), the target among the
            sources, held-out characters or fonts outside the dataset, or
            nothing left to train on.

    Example:

    ```python
    train = font_pairs("train", 32)
    train.source.shape, len(train.source_fonts)  # (1092, 32, 32, 1), 21
    test = font_pairs("test", 32)
    sorted(set(test.characters[i] for i in test.char_index))  # the 10 held-out characters
    ```
    """
    _check_split(split)
    if not is_int(image_size) or image_size < 4:
        raise ValueError(f"`image_size` must be an integer >= 4; got {image_size!r}.")
    characters = _characters(characters)
    target = _resolve_font(DEFAULT_TARGET_FONT if target_font is None else target_font,
                           "target_font")
    _check_covers(target, characters, "target_font")
    if source_fonts is None:
        sources = _default_sources(characters, target, int(image_size))
    else:
        sources = _font_list(source_fonts, "source_fonts")
        for font in sources:
            _check_covers(font, characters, "source_fonts")
        if target[1] in [path for _, path in sources]:
            raise ValueError(f"`source_fonts` includes the `target_font` {target[0]!r}; a font "
                             "cannot be its own source.")
        sources = list(dict.fromkeys(sources))

    if held_out_characters is None:
        held = characters[3::6] if len(characters) >= 4 else characters[-1]
    else:
        if not isinstance(held_out_characters, str) or not held_out_characters:
            raise ValueError(f"`held_out_characters` must be a non-empty string; got "
                             f"{held_out_characters!r}.")
        outside = [c for c in held_out_characters if c not in characters]
        if outside:
            raise ValueError(f"`held_out_characters` {''.join(outside)!r} are not among the "
                             "`characters`.")
        held = "".join(c for c in characters if c in held_out_characters)
    if len(held) == len(characters):
        raise ValueError("`held_out_characters` holds out every character; nothing is left "
                         "to train on.")
    held_fonts = []
    if held_out_fonts is not None:
        for font in _font_list(held_out_fonts, "held_out_fonts"):
            if font not in sources:
                raise ValueError(f"`held_out_fonts`: {font[0]!r} is not one of the "
                                 "`source_fonts`.")
            held_fonts.append(font)
        if len(held_fonts) == len(sources):
            raise ValueError("`held_out_fonts` holds out every source font; nothing is left "
                             "to train on.")

    paths = tuple(path for _, path in sources) + (target[1],)
    rendered = _render(paths, characters, int(image_size))
    glyphs = rendered.astype(np.float32)[..., np.newaxis] / np.float32(127.5) - np.float32(1.0)
    is_held_char = np.array([c in held for c in characters])
    font_idx, char_idx = [], []
    for f, font in enumerate(sources):
        held_font = font in held_fonts
        for c in range(len(characters)):
            in_test = held_font or is_held_char[c]
            if in_test == (split == "test"):
                font_idx.append(f)
                char_idx.append(c)
    font_idx = np.array(font_idx, np.int32)
    char_idx = np.array(char_idx, np.int32)
    return FontPairs(
        source=glyphs[font_idx, char_idx], target=glyphs[-1][char_idx],
        characters=characters, held_out_characters=held,
        source_fonts=tuple(name for name, _ in sources),
        held_out_fonts=tuple(name for name, _ in held_fonts), target_font=target[0],
        char_index=char_idx, font_index=font_idx, split=split)


# ---------------------------------------------------------------- sketches


def edge_map(images, method="canny") -> np.ndarray:
    """Edge maps of images in `[-1, 1]` (white edges on black), in `[-1, 1]`.

    Args:
        images: float `[N, H, W, C]` in `[-1, 1]` (colour is made grey first).
        method: `"canny"` (thin binary edges, skimage's Canny with sigma 1)
            or `"sobel"` (Sobel gradient magnitude, each image scaled so
            its strongest edge is 1).

    Returns:
        float32 `[N, H, W, 1]` in `[-1, 1]`.

    Example:

    ```python
    sketches = edge_map(images)  # [N, H, W, 1]
    ```
    """
    from skimage import feature, filters

    if method not in ("canny", "sobel"):
        raise ValueError(f"`edges` must be 'canny' or 'sobel'; got {method!r}.")
    grey = (np.asarray(images, np.float32).mean(axis=-1) + 1.0) / 2.0
    out = np.empty(grey.shape, np.float32)
    for i, image in enumerate(grey):
        if method == "canny":
            out[i] = feature.canny(image, sigma=1.0)
        else:
            magnitude = filters.sobel(image)
            peak = magnitude.max()
            out[i] = magnitude / peak if peak > 0 else magnitude
    return (out * 2.0 - 1.0)[..., np.newaxis]


def _sketch_glyphs(split, image_size, edges):
    from kgan.datasets import glyphs

    images, labels, _ = glyphs.render_glyphs(image_size)
    held = held_out_characters()
    in_test = np.isin(labels, [glyphs.CHARACTERS.index(c) for c in held])
    keep = in_test if split == "test" else ~in_test
    target = images[keep].astype(np.float32)[..., np.newaxis] / np.float32(127.5) - 1.0
    return edge_map(target, edges), target


def _sketch_digits(split, image_size, edges):
    from kgan.datasets.mnist5k import load_mnist5k_source

    images = load_mnist5k_source(image_size).images
    in_test = np.arange(len(images)) % _TEST_EVERY == _TEST_EVERY - 1
    target = images[in_test if split == "test" else ~in_test]
    return edge_map(target, edges), target


# ---------------------------------------------------------------- folders


def _to_unit(images, image_size, channels, what):
    """uint8 images (a list, channel counts may differ) -> float32 `[N, S, S, C]`."""
    from kgan.datasets.photos import _convert_channels

    channels = channels or max(image.shape[-1] for _, image in images)
    sizes = {}
    for name, image in images:
        sizes.setdefault(image.shape[:2], name)
    if image_size is None and len(sizes) > 1:
        shown = ", ".join(f"{h}x{w} ({n!r})" for (h, w), n in list(sizes.items())[:3])
        raise ValueError(f"The images of {what} differ in size (height x width: {shown}); pass "
                         "`image_size` to resize them all to one square size.")
    out = []
    for _, image in images:
        unit = _convert_channels(image, channels).astype(np.float32)[None] / 127.5 - 1.0
        out.append(resize_array(unit, image_size)[0])
    return np.stack(out).astype(np.float32)


def _files_by_key(directory):
    files = find_image_files(directory)
    return {p.relative_to(directory).with_suffix("").as_posix(): p for p in files}


def _split_dir(root, split):
    names = ("train",) if split == "train" else ("test", "val")
    for name in names:
        if (root / name).is_dir():
            return root / name, True
    if any((root / n).is_dir() for n in ("train", "test", "val")):
        raise ValueError(f"`name_or_path` {str(root)!r} has split folders but none for "
                         f"`split`={split!r} ({' or '.join(names)}/).")
    return root, False


def _every_tenth(items, split, has_split):
    if has_split:
        return items
    test = [x for i, x in enumerate(items) if i % _TEST_EVERY == _TEST_EVERY - 1]
    return test if split == "test" else [x for x in items if x not in test]


def _folder_pairs(root, split, image_size, channels):
    base, has_split = _split_dir(root, split)
    if (base / "A").is_dir() and (base / "B").is_dir():
        a, b = _files_by_key(base / "A"), _files_by_key(base / "B")
        only_a, only_b = sorted(set(a) - set(b)), sorted(set(b) - set(a))
        if only_a or only_b:
            parts = []
            for side, other, missing in (("A", "B", only_a), ("B", "A", only_b)):
                if missing:
                    shown = ", ".join(repr(m) for m in missing[:5])
                    more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
                    parts.append(f"{len(missing)} in {side}/ have no partner in {other}/ "
                                 f"({shown}{more})")
            raise ValueError(f"`name_or_path` {str(base)!r}: A/ and B/ must hold the same file "
                             f"names; {'; '.join(parts)}.")
        keys = _every_tenth(sorted(a), split, has_split)
        if not keys:
            raise ValueError(f"`name_or_path` {str(base)!r} has no image pairs for `split`="
                             f"{split!r}.")
        from kgan.datasets.photos import read_image

        source = [(k, read_image(a[k])) for k in keys]
        target = [(k, read_image(b[k])) for k in keys]
        return (_to_unit(source, image_size, channels, f"{base / 'A'}"),
                _to_unit(target, image_size, channels, f"{base / 'B'}"))
    files = _every_tenth(find_image_files(base), split, has_split)
    if not files:
        raise ValueError(
            f"`name_or_path` {str(base)!r} holds neither A/ and B/ folders nor side-by-side "
            f"images ({', '.join(IMAGE_EXTENSIONS)}) for `split`={split!r}.")
    from kgan.datasets.photos import read_image

    source, target = [], []
    for path in files:
        image = read_image(path)
        width = image.shape[1]
        if width % 2:
            raise ValueError(f"`name_or_path`: side-by-side image {str(path)!r} is {width} "
                             "pixels wide, an odd number; A is the left half and B the right.")
        source.append((str(path), image[:, :width // 2]))
        target.append((str(path), image[:, width // 2:]))
    return (_to_unit(source, image_size, channels, str(base)),
            _to_unit(target, image_size, channels, str(base)))


def _folder_unpaired(root, split, image_size, channels):
    prefix = "train" if split == "train" else "test"
    if (root / f"{prefix}A").is_dir() and (root / f"{prefix}B").is_dir():
        dirs, has_split = (root / f"{prefix}A", root / f"{prefix}B"), True
    elif (root / "A").is_dir() and (root / "B").is_dir():
        dirs, has_split = (root / "A", root / "B"), False
    else:
        raise ValueError(f"`name_or_path` {str(root)!r} must hold folders A/ and B/ (or "
                         f"{prefix}A/ and {prefix}B/) of images.")
    from kgan.datasets.photos import read_image

    sides = []
    for directory in dirs:
        files = _every_tenth(find_image_files(directory), split, has_split)
        if not files:
            raise ValueError(f"`name_or_path`: {str(directory)!r} holds no images for `split`="
                             f"{split!r}.")
        sides.append([(str(p), read_image(p)) for p in files])
    counts = [sorted({image.shape[-1] for _, image in side}) for side in sides]
    if channels is None and max(counts[0]) != max(counts[1]):
        names = {1: "grey", 3: "colour"}
        raise ValueError(
            f"`name_or_path`: {str(dirs[0])!r} holds {names[max(counts[0])]} images "
            f"({max(counts[0])} channel(s)) but {str(dirs[1])!r} holds "
            f"{names[max(counts[1])]} ({max(counts[1])}); both sides need the same channel "
            "count: pass `channels`=1 or 3 to convert them.")
    return tuple(_to_unit(side, image_size, channels, str(d)) for side, d in zip(sides, dirs))


# ---------------------------------------------------------------- datasets


def _convert(images, channels):
    if channels is None or images.shape[-1] == channels:
        return images
    if channels == 3:
        return np.repeat(images, 3, axis=-1)
    luma = images @ np.array([0.299, 0.587, 0.114], np.float32)
    return luma[..., np.newaxis].astype(np.float32)


def _index_batches(n, batch_size, seed, steps):
    indices = tf.data.Dataset.range(n).shuffle(n, seed=seed, reshuffle_each_iteration=True)
    if steps is None:
        return indices.batch(batch_size, drop_remainder=True)
    return indices.repeat().batch(batch_size, drop_remainder=True).take(steps)


def _paired_dataset(source, target, batch_size, split, seed, steps):
    n = source.shape[0]
    if split == "test":
        ds = tf.data.Dataset.from_tensor_slices((source, target)).batch(batch_size)
        return (ds if steps is None else ds.take(steps)).prefetch(tf.data.AUTOTUNE)
    if batch_size > n:
        raise ValueError(f"`batch_size`={batch_size} is larger than the {n} training pairs.")
    with tf.device("/cpu:0"):
        source_t, target_t = tf.constant(source), tf.constant(target)
    ds = _index_batches(n, batch_size, seed, steps)
    ds = ds.map(lambda i: (tf.gather(source_t, i), tf.gather(target_t, i)),
                num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


def _check_min(images, min_size):
    if min_size is not None:
        check_image_size(tuple(int(v) for v in images.shape[1:3]), min_size)


def _tfds(name_or_path):
    """The tfds module if `name_or_path` is a tensorflow-datasets name, else None."""
    if not isinstance(name_or_path, str) or name_or_path in NAMES or os.path.exists(name_or_path):
        return None
    from kgan.datasets import tfds_source

    tfds = tfds_source.import_tfds()
    if tfds is not None and tfds_source.is_known(tfds, name_or_path):
        return tfds
    return None


def _path(name_or_path, names):
    if not isinstance(name_or_path, (str, os.PathLike)):
        raise ValueError(f"`name_or_path` must be a dataset name or a folder; got "
                         f"{name_or_path!r}.")
    path = pathlib.Path(name_or_path).expanduser()
    if not path.is_dir():
        raise ValueError(
            f"`name_or_path` {os.fspath(name_or_path)!r} is not one of {', '.join(names)}, a "
            "folder, or a tensorflow-datasets name.")
    return path


def _check_common(image_size, batch_size, split, seed, steps, channels):
    _check_size(image_size)
    check_batch_size(batch_size)
    _check_split(split)
    _check_steps(steps)
    _check_channels(channels)
    return check_seed(seed)


def load_pairs(name_or_path, *, image_size, batch_size, split="train", seed=None, steps=None,
               channels=None, min_size=None, **options) -> tf.data.Dataset:
    """`(source, target)` batches for paired image-to-image translation.

    `split="train"` is shuffled (the same order for the same `seed`) and
    reshuffled each pass; with `steps` each pass has exactly `steps` full
    batches (the pairs repeat as needed), without it one pass over the
    pairs (the last incomplete batch dropped). `split="test"` is the fixed
    held-out set in a fixed order, not repeated (the last batch may be
    smaller; `steps` takes only the first batches). Everything is checked
    and read before the dataset is returned.

    Args:
        name_or_path: `"fonts"`, `"sketch-glyphs"`, `"sketch-digits"` or a
            folder (`A/` + `B/` with the same names, or side-by-side
            images); see `kgan.datasets.pairs`.
        image_size: Side of the square images; None keeps a folder's native
            size (32 for the built-in names).
        batch_size: Pairs per batch, a positive integer.
        split: `"train"` or `"test"`.
        seed: None or an integer >= 0 fixing the training order.
        steps: None or batches per pass.
        channels: None (keep the data's), 1 or 3 (convert both sides).
        min_size: None, or the network's smallest side: a smaller image is
            an error before anything is read further.
        **options: For `"fonts"`: `source_fonts`, `target_font`,
            `characters`, `held_out_characters`, `held_out_fonts` (see
            `font_pairs`). For the sketches: `edges` (`"canny"` or
            `"sobel"`).

    Returns:
        A prefetched `tf.data.Dataset` of float32 `([b, S, S, Ca], [b, S, S,
        Cb])` in `[-1, 1]`.

    Raises:
        ValueError: naming the argument, for bad arguments, unknown
            options, fonts lacking characters, folder pairs with missing
            partners (a few named), or images below `min_size`.

    Example:

    ```python
    ds = kgan.datasets.load_pairs("fonts", image_size=32, batch_size=16, seed=0, steps=200)
    test = kgan.datasets.load_pairs("fonts", image_size=32, batch_size=64, split="test")
    ```
    """
    seed = _check_common(image_size, batch_size, split, seed, steps, channels)
    size = DEFAULT_IMAGE_SIZE if image_size is None else image_size
    if isinstance(name_or_path, str) and name_or_path == FONTS:
        _check_options(options, FONT_OPTIONS, "'fonts'")
        if min_size is not None:
            check_image_size(size, min_size)
        pairs = font_pairs(split, size, **options)
        source, target = pairs.source, pairs.target
    elif isinstance(name_or_path, str) and name_or_path in (SKETCH_GLYPHS, SKETCH_DIGITS):
        _check_options(options, ("edges",), repr(name_or_path))
        if min_size is not None:
            check_image_size(size, min_size)
        load = _sketch_glyphs if name_or_path == SKETCH_GLYPHS else _sketch_digits
        source, target = load(split, size, options.get("edges", "canny"))
    elif _tfds(name_or_path) is not None:
        raise ValueError(f"`name_or_path` {name_or_path!r} is a tensorflow-datasets name; its "
                         "images are not paired: use `load_unpaired` (CycleGAN).")
    else:
        path = _path(name_or_path, NAMES)
        _check_options(options, (), "a folder")
        if min_size is not None and image_size is not None:
            check_image_size(image_size, min_size)
        source, target = _folder_pairs(path, split, image_size, channels)
    _check_min(source, min_size)
    source, target = _convert(source, channels), _convert(target, channels)
    return _paired_dataset(source, target, batch_size, split, seed, steps)


def _unpaired_dataset(a, b, batch_size, seed, steps):
    """`a` and `b` (arrays) shuffled independently, repeated and zipped."""
    if steps is None:
        steps = max(1, max(a.shape[0], b.shape[0]) // batch_size)
    seed_b = None if seed is None else seed + 1

    def side(images, side_seed):
        with tf.device("/cpu:0"):
            images_t = tf.constant(images)
        ds = tf.data.Dataset.range(images.shape[0]).shuffle(
            images.shape[0], seed=side_seed, reshuffle_each_iteration=True).repeat()
        return ds.batch(batch_size, drop_remainder=True).map(
            lambda i: tf.gather(images_t, i), num_parallel_calls=tf.data.AUTOTUNE)

    ds = tf.data.Dataset.zip((side(a, seed), side(b, seed_b))).take(steps)
    return ds.prefetch(tf.data.AUTOTUNE)


def _tfds_unpaired(tfds, name, image_size, batch_size, split, seed, steps, channels, data_dir):
    from kgan.datasets import tfds_source
    from kgan.datasets._common import resize_tensor, uint8_to_unit

    builder = tfds.builder(name, data_dir=data_dir)
    tfds_source._prepare(builder, name, data_dir)
    splits = ("trainA", "trainB") if split == "train" else ("testA", "testB")
    known = builder.info.splits  # empty when tfds has no metadata (e.g. mocked data)
    if known and not all(s in known for s in splits):
        raise ValueError(f"`name_or_path` {name!r}: tfds dataset without the splits "
                         f"{splits} of an unpaired (cycle_gan) dataset.")
    image_key, _, shape = tfds_source._pick_features(tfds, builder, name)
    if image_size is None and None in shape[:2]:
        raise ValueError(f"`name_or_path` {name!r} has images of varying size; pass "
                         "`image_size`.")

    def side(split_name, side_seed):
        ds = builder.as_dataset(split=split_name, shuffle_files=split == "train",
                                read_config=tfds.ReadConfig(shuffle_seed=side_seed))

        def convert(example):
            image = uint8_to_unit(example[image_key])
            if channels == 1 and image.shape[-1] == 3:
                image = tf.image.rgb_to_grayscale(image)
            elif channels == 3 and image.shape[-1] == 1:
                image = tf.image.grayscale_to_rgb(image)
            return image if image_size is None else resize_tensor(image, image_size)

        ds = ds.map(convert, num_parallel_calls=tf.data.AUTOTUNE)
        if split == "train":
            ds = ds.shuffle(1000, seed=side_seed, reshuffle_each_iteration=True).repeat()
        return ds.batch(batch_size, drop_remainder=split == "train")

    ds = tf.data.Dataset.zip((side(splits[0], seed),
                              side(splits[1], None if seed is None else seed + 1)))
    if split == "train":
        if steps is None and not known:
            raise ValueError(f"`name_or_path` {name!r}: tfds does not say how many images it "
                             "has; pass `steps`.")
        count = max(known[s].num_examples for s in splits) // batch_size if known else steps
        ds = ds.take(steps or max(1, count))
    elif steps is not None:
        ds = ds.take(steps)
    return ds.prefetch(tf.data.AUTOTUNE)


def load_unpaired(name_or_path, *, image_size, batch_size, split="train", seed=None, steps=None,
                  channels=None, min_size=None, data_dir=None, **options) -> tf.data.Dataset:
    """`(a, b)` batches from two domains with the pairing broken, for CycleGAN.

    For `split="train"`, A and B are shuffled independently (B with
    `seed + 1`) and repeated; a pass has `steps` batches, or as many as the
    larger side fills. For `"fonts"`, A is the training characters in the
    source fonts and B the training characters in the target font: the
    true pairs exist but are hidden, so results can be scored against them;
    `split="test"` returns the TRUE pairs of the held-out characters (as
    `load_pairs("fonts", split="test")`). For a folder the test split is
    `testA/` + `testB/` (or every tenth image of `A/` and `B/`), in order.

    Args:
        name_or_path: `"fonts"`, a folder with `A/` and `B/` (or `trainA/`,
            `trainB/`, `testA/`, `testB/`) of any file names, or a
            tensorflow-datasets `cycle_gan/...` name.
        image_size: As for `load_pairs`.
        batch_size: Images per side per batch.
        split: `"train"` or `"test"`.
        seed: None or an integer >= 0.
        steps: None or batches per pass.
        channels: None (A and B must have the same channel count), 1 or 3.
        min_size: As for `load_pairs`.
        data_dir: tensorflow-datasets data directory (tfds names only).
        **options: For `"fonts"`, as for `load_pairs`.

    Returns:
        A prefetched `tf.data.Dataset` of float32 `([b, S, S, C], [b, S, S,
        C])` in `[-1, 1]`.

    Raises:
        ValueError: naming the argument, for bad arguments, A and B with
            different channel counts, or missing folders.
        DatasetUnavailableError: a tfds dataset not on disk and not
            downloadable.

    Example:

    ```python
    ds = kgan.datasets.load_unpaired("fonts", image_size=32, batch_size=8, seed=0, steps=100)
    a, b = next(iter(ds))  # unrelated characters: A in source fonts, B in the target font
    ```
    """
    seed = _check_common(image_size, batch_size, split, seed, steps, channels)
    size = DEFAULT_IMAGE_SIZE if image_size is None else image_size
    if isinstance(name_or_path, str) and name_or_path == FONTS:
        _check_options(options, FONT_OPTIONS, "'fonts'")
        if min_size is not None:
            check_image_size(size, min_size)
        pairs = font_pairs(split, size, **options)
        a, b = pairs.source, pairs.target
        if split == "train":
            _, first = np.unique(pairs.char_index, return_index=True)
            b = pairs.target[np.sort(first)]  # each training character once
    else:
        tfds = _tfds(name_or_path)
        _check_options(options, (), repr(name_or_path))
        if tfds is not None:
            if min_size is not None and image_size is not None:
                check_image_size(image_size, min_size)
            return _tfds_unpaired(tfds, name_or_path, image_size, batch_size, split, seed,
                                  steps, channels, data_dir)
        path = _path(name_or_path, (FONTS,))
        if min_size is not None and image_size is not None:
            check_image_size(image_size, min_size)
        a, b = _folder_unpaired(path, split, image_size, channels)
    _check_min(a, min_size)
    a, b = _convert(a, channels), _convert(b, channels)
    if split == "test":
        ds = tf.data.Dataset.zip((tf.data.Dataset.from_tensor_slices(a).batch(batch_size),
                                  tf.data.Dataset.from_tensor_slices(b).batch(batch_size)))
        return (ds if steps is None else ds.take(steps)).prefetch(tf.data.AUTOTUNE)
    return _unpaired_dataset(a, b, batch_size, seed, steps)
