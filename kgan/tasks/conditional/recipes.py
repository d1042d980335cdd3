"""Measured recipes of the class-conditional task (`kgan train --model cgan`)."""

import dataclasses

from kgan.networks.conditional import check_conditioning
from kgan.tasks.base import option
from kgan.tasks.images import ImageRecipe
from kgan.validation import check_int, check_non_negative, parse_positive_int

__all__ = ["CGAN_DIGITS", "CGAN_GLYPHS", "ConditionalRecipe"]


def _conditioning(value, name):
    return check_conditioning(value)


@dataclasses.dataclass(frozen=True, kw_only=True)
class ConditionalRecipe(ImageRecipe):
    """`ImageRecipe` plus how the networks see the class.

    Args:
        conditioning: `"concat"`, `"projection"` or `"acgan"` (see
            `kgan.networks.get("cgan", ...)`).
        samples_per_class: columns of the class grid, one row per class.
        class_loss_weight: weight of the AC-GAN class loss.
    """

    conditioning: str = option("acgan", "how the networks see the class",
                               choices=("concat", "projection", "acgan"), check=_conditioning)
    samples_per_class: int = option(8, "columns of the class grid, one row per class",
                                    parse=parse_positive_int, check=check_int)
    class_loss_weight: float = option(1.0, "", flag=False, check=check_non_negative)


CGAN_DIGITS = ConditionalRecipe(
    name="cgan-digits", model="cgan", data="digits", epochs=60, batch_size=64, latent_dim=32,
    filters=32, loss="non_saturating", learning_rate=2e-4, conditioning="acgan",
    description="AC-GAN on scikit-learn's 8x8 digits: 99.9% of the requested digits recognised "
                "by a classifier after 60 epochs (benchmarks/conditional.py).",
)
"""The default recipe of `kgan train --model cgan`: `cgan-digits`."""

CGAN_GLYPHS = dataclasses.replace(
    CGAN_DIGITS, name="cgan-glyphs", data="glyphs", epochs=100, conditioning="projection",
    description="Projection cGAN on the 62 font glyphs at 32x32: a classifier of the real "
                "glyphs reads 0.99 of the grid's tiles as their letters after 100 epochs.",
)
"""Projection cGAN on the font glyphs: `cgan-glyphs`."""
