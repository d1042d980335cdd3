"""Measured recipes of the text task (`kgan train --model textgan | textgan_wgan`)."""

import dataclasses
from typing import Optional

from kgan.datasets.text import LONG_LINES
from kgan.tasks.base import Recipe, option, optional
from kgan.validation import (
    check_int, check_non_negative, check_positive, parse_non_negative_int, parse_positive_int,
)

__all__ = ["MAX_LENGTH_CAP", "TEXTGAN_SURNAMES", "TEXTGAN_WGAN_SURNAMES", "TextRecipe"]

MAX_LENGTH_CAP = 64
"""Without `max_length`, samples are as long as the longest line, but no longer than this."""


def _long_lines(value, name):
    if value not in LONG_LINES:
        raise ValueError(f"`{name}` must be one of {', '.join(LONG_LINES)}; got {value!r}.")
    return value


@dataclasses.dataclass(frozen=True, kw_only=True)
class TextRecipe(Recipe):
    """`Recipe` fields of the text GANs.

    Args:
        filters: width of the discriminator (of both networks for textgan_wgan).
        max_length: characters per sample (`None`: the longest line, at most
            `MAX_LENGTH_CAP`).
        long_lines: lines longer than `max_length`: `"error"` (refuse the
            corpus), `"truncate"` or `"drop"`.
        steps_per_epoch: GAN updates per epoch.
        pretrain_steps: maximum-likelihood warm-start updates of the generator
            before the GAN (0 for none; generators with `log_prob` only).
        g_learning_rate_ratio: the generator's learning rate as a multiple of
            `learning_rate` when `g_learning_rate` is not set.
        d_steps: critic updates per generator update.
        gp_weight: WGAN-GP gradient penalty weight.
        beta_max: final Gumbel-softmax inverse temperature (1: no annealing).
        beta_1: Adam's `beta_1` for both networks.
        beta_2: Adam's `beta_2` for both networks.
        clipnorm: gradient-norm clipping of both optimizers (`None`: none).
    """

    filters: int = option(32, "network width", parse=parse_positive_int, check=check_int)
    max_length: Optional[int] = option(
        None, "characters per sample", parse=parse_positive_int, check=optional(check_int),
        none=f"the longest line, at most {MAX_LENGTH_CAP}")
    long_lines: str = option("error", "lines longer than --max-length: refuse the corpus, or "
                                      "truncate or drop them", choices=LONG_LINES,
                             check=_long_lines)
    steps_per_epoch: int = option(60, "GAN updates per epoch", parse=parse_positive_int,
                                  check=check_int)
    pretrain_steps: int = option(
        3000, "maximum-likelihood warm-start updates of the generator before the GAN, 0 for "
              "none (textgan only)", parse=parse_non_negative_int,
        check=lambda value, name: check_int(value, name, minimum=0))
    g_learning_rate_ratio: float = option(0.5, "", flag=False, check=check_positive)
    d_steps: int = option(1, "", flag=False, check=check_int)
    gp_weight: float = option(0.0, "", flag=False, check=check_non_negative)
    beta_max: float = option(100.0, "", flag=False, check=check_positive)
    beta_1: float = option(0.9, "", flag=False, check=check_non_negative)
    beta_2: float = option(0.999, "", flag=False, check=check_non_negative)
    clipnorm: Optional[float] = option(5.0, "", flag=False, check=optional(check_positive))


TEXTGAN_SURNAMES = TextRecipe(
    name="textgan-surnames", model="textgan", data="surnames", epochs=60, batch_size=64,
    latent_dim=32, filters=32, loss="relativistic", learning_rate=1e-4,
    description="RelGAN-style (Nie et al. 2019) on the 88,799 census surnames: a 3,000-step "
                "warm start and 60 epochs of 60 steps; JS-4 within 0.1 of the real-vs-real "
                "floor, unique 0.97, novel 0.76 (about 6 minutes on 2 cores).",
)
"""The default recipe of `kgan train --model textgan`: `textgan-surnames`."""

TEXTGAN_WGAN_SURNAMES = TextRecipe(
    name="textgan_wgan-surnames", model="textgan_wgan", data="surnames", epochs=60,
    batch_size=64, latent_dim=32, filters=32, loss="wasserstein", learning_rate=1e-4,
    g_learning_rate_ratio=1.0, pretrain_steps=0, d_steps=5, gp_weight=10.0, beta_max=1.0,
    beta_1=0.5, beta_2=0.9, clipnorm=None,
    description="Gulrajani et al. (2017)'s WGAN-GP language model with their Adam settings.",
)
"""The WGAN-GP language model: `textgan_wgan-surnames`."""
