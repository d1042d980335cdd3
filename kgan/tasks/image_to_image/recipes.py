"""Recipes of the image-to-image tasks (`kgan train --task pix2pix`, `--task inpaint`)."""

import dataclasses
from typing import Optional

from kgan.datasets.pairs import FONT_OPTIONS, FONTS
from kgan.networks.pix2pix import MAX_SIDE, MIN_SIDE
from kgan.tasks.base import option, optional
from kgan.tasks.images import ImageRecipe
from kgan.validation import (
    check_int, check_non_negative, check_unit_interval, parse_non_negative_float,
    parse_positive_int, parse_unit_interval,
)

__all__ = ["FontDataRecipe", "INPAINT_DIGITS", "ImageToImageRecipe", "InpaintRecipe",
           "PIX2PIX_FONTS", "PIX2PIX_SKETCH", "PairedRecipe", "Pix2PixRecipe"]

MASK_KINDS = ("box", "stroke", "mixed")


def _check_channels(value, name):
    if value not in (1, 3):
        raise ValueError(f"`{name}` must be 1, 3 or None (the data's own); got {value!r}.")
    return int(value)


def _check_dropout(value, name):
    value = check_unit_interval(value, name)
    if value >= 1.0:
        raise ValueError(f"`{name}` must be in [0, 1); got {value!r}.")
    return value


def _check_font_text(value, name):
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"`{name}` must be a non-empty string or None; got {value!r}.")
    return value


def _font_option(help):
    """A `FontDataRecipe` field: a string or `None` (the data's default), a flag only for
    `--data fonts`."""
    return option(None, f"--data fonts: {help}", check=optional(_check_font_text),
                  absent=None, defaults=False)


def _check_mask_kind(value, name):
    if value not in MASK_KINDS:
        raise ValueError(f"`{name}` must be one of {', '.join(MASK_KINDS)}; got {value!r}.")
    return value


@dataclasses.dataclass(frozen=True, kw_only=True)
class ImageToImageRecipe(ImageRecipe):
    """`ImageRecipe` plus what every image-to-image task has.

    Args:
        image_size: side of the square training images.
        channels: image channels, 1 or 3 (`None`: the data's own).
        steps_per_epoch: batches per epoch.
    """

    latent_dim: int = option(32, "", flag=False, check=check_int)  # the source is the input
    image_size: int = option(32, "side of the square training images", parse=parse_positive_int,
                             check=check_int)
    channels: Optional[int] = option(None, "image channels, 1 or 3", parse=parse_positive_int,
                                     check=optional(_check_channels), absent=None,
                                     none="the data's own")
    steps_per_epoch: int = option(40, "batches per epoch", parse=parse_positive_int,
                                  check=check_int)


@dataclasses.dataclass(frozen=True, kw_only=True)
class FontDataRecipe:
    """The choices of the `fonts` data (`kgan.datasets.font_pairs`), for recipes that
    train on it; each `None` keeps the data's default, and any other value needs
    `data="fonts"`.

    Args:
        source_fonts: the source fonts, comma-separated names, file names or
            `.ttf`/`.otf`/`.ttc` paths (`None`: matplotlib's fonts other than
            the target that draw every character).
        target_font: the target font, named as a source font (`None`:
            DejaVu Serif Bold Italic).
        characters: the characters drawn (`None`: `A-Z a-z 0-9`).
        held_out_characters: the test split's characters, never trained on
            (`None`: every sixth from the fourth).
        held_out_fonts: comma-separated source fonts seen only in the test
            split (`None`: none).
    """

    source_fonts: Optional[str] = _font_option(
        "the source fonts, comma-separated names, file names or .ttf/.otf paths (default: "
        "matplotlib's fonts)")
    target_font: Optional[str] = _font_option(
        "the target font, a name, file name or .ttf/.otf path (default: DejaVu Serif Bold "
        "Italic)")
    characters: Optional[str] = _font_option(
        "the characters drawn, e.g. ABCabc123 (default: A-Z a-z 0-9)")
    held_out_characters: Optional[str] = _font_option(
        "the characters only the held-out split draws (default: every sixth from the fourth)")
    held_out_fonts: Optional[str] = _font_option(
        "comma-separated source fonts only the held-out split draws")

    def font_options(self):
        """The font choices that differ from the data's defaults, as the keyword arguments
        of `kgan.datasets.load_pairs("fonts", ...)`."""
        return {name: getattr(self, name) for name in FONT_OPTIONS
                if getattr(self, name) is not None}

    def check_font_options(self):
        """Raises `ValueError`, naming the field, for a font choice on other data."""
        given = self.font_options()
        if given and self.data != FONTS:
            raise ValueError(f"`{next(iter(given))}` applies only to `data`={FONTS!r}; got "
                             f"`data`={self.data!r}.")


@dataclasses.dataclass(frozen=True, kw_only=True)
class PairedRecipe(ImageToImageRecipe):
    """`ImageToImageRecipe` plus the options of the pix2pix networks and loss (the pix2pix
    and inpaint tasks).

    Args:
        l1_weight: weight of the L1 distance to the target (pix2pix's 100).
        dropout: dropout of the U-Net's innermost decoder stages, in
            training only.
    """

    l1_weight: float = option(100.0, "weight of the L1 distance to the target",
                              parse=parse_non_negative_float, check=check_non_negative)
    dropout: float = option(0.5, "dropout of the generator's innermost decoder stages, in "
                                 "training only", parse=parse_unit_interval,
                            check=_check_dropout)

    def __post_init__(self):
        super().__post_init__()
        if self.model == "pix2pix" and not MIN_SIDE <= self.image_size <= MAX_SIDE:
            raise ValueError(f"`image_size` must be {MIN_SIDE} to {MAX_SIDE} for the pix2pix "
                             f"networks (a U-Net and a PatchGAN); got {self.image_size}.")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Pix2PixRecipe(PairedRecipe, FontDataRecipe):
    """`PairedRecipe` plus the choice of fonts (`FontDataRecipe`) for the `fonts` data.

    Example:

    ```python
    recipe = kgan.tasks.get("pix2pix").recipe("pix2pix-fonts", epochs=2)
    mine = kgan.tasks.get("pix2pix").recipe(target_font="DejaVu Sans Mono",
                                            characters="ABCDEFGHabcdefgh")
    ```
    """

    def __post_init__(self):
        super().__post_init__()
        self.check_font_options()


@dataclasses.dataclass(frozen=True, kw_only=True)
class InpaintRecipe(PairedRecipe):
    """`PairedRecipe` plus the holes trained on.

    Args:
        mask_kind: `"box"`, `"stroke"` or `"mixed"` holes
            (`kgan.datasets.masks.random_masks`).
    """

    mask_kind: str = option("mixed", "the holes trained on", choices=MASK_KINDS,
                            check=_check_mask_kind)


PIX2PIX_FONTS = Pix2PixRecipe(
    name="pix2pix-fonts", model="pix2pix", data="fonts", image_size=32, channels=1,
    epochs=10, batch_size=16, steps_per_epoch=40, filters=32, learning_rate=4e-4, beta_1=0.0,
    ema_decay=0.999, num_samples=8, loss="non_saturating",
    description="The default of `kgan train --task pix2pix`: a character in matplotlib's "
                "source fonts -> the same character in the target font, 32 px, a U-Net and a "
                "PatchGAN of 32 filters, Adam at 4e-4 without momentum (beta_1 0), judged on "
                "characters never seen in training. One run (seed 0) took 42 s on an idle "
                "2-core Xeon with AMX; its held-out outputs are 0.070 from the targets in mean "
                "absolute difference, the sources 0.121.",
)
"""Font style transfer on matplotlib's fonts: `pix2pix-fonts`."""

PIX2PIX_SKETCH = dataclasses.replace(
    PIX2PIX_FONTS, name="pix2pix-sketch", data="sketch-glyphs", learning_rate=2e-4, beta_1=0.5,
    description="Edges -> image on the built-in glyphs, 32 px (pix2pix-fonts' networks, with "
                "Adam at 2e-4, beta_1 0.5). One "
                "run (seed 0) took 5 min 55 s on 2 shared CPU cores; its held-out outputs are "
                "0.065 from the targets in mean absolute difference, the edge maps 0.224.",
)
"""Sketch to image on the built-in glyphs: `pix2pix-sketch`."""

INPAINT_DIGITS = InpaintRecipe(
    name="inpaint-digits", model="pix2pix", data="mnist5k", image_size=32, channels=1,
    epochs=10, batch_size=16, steps_per_epoch=40, filters=32, learning_rate=2e-4, beta_1=0.5,
    ema_decay=0.999, num_samples=8, loss="non_saturating", mask_kind="mixed",
    description="The default of `kgan train --task inpaint`: holes (boxes and brush strokes) "
                "in the 5000 handwritten digits filled in, 32 px, the pix2pix networks with "
                "the mask as one more input channel. One run (seed 0) took 8 min 11 s on 2 "
                "shared CPU cores; inside the held-out holes its fill is 0.239 from the true "
                "pixels in mean absolute difference, black 0.374.",
)
"""Inpainting of handwritten digits: `inpaint-digits`."""
