"""Recipes of the super-resolution task (`kgan train --task super-resolution`)."""

import argparse
import dataclasses
from typing import Optional

from kgan.networks.srresnet import check_scale
from kgan.tasks.base import option, optional
from kgan.tasks.images import ImageRecipe
from kgan.validation import (
    check_int, check_non_negative, check_positive, parse_non_negative_float,
    parse_non_negative_int, parse_positive_float, parse_positive_int,
)

__all__ = ["SRRESNET_PHOTOS_X2", "SRRESNET_PHOTOS_X4", "SRRESNET_PHOTOS_X4_LONG",
           "SuperResolutionRecipe"]


def _parse_scale(text):
    try:
        return check_scale(int(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected 2, 3 or 4; got {text!r}") from None


def _check_path(value, name):
    if not isinstance(value, str):
        raise ValueError(f"`{name}` must be a file path or ''; got {value!r}.")
    return value


@dataclasses.dataclass(frozen=True, kw_only=True)
class SuperResolutionRecipe(ImageRecipe):
    """`ImageRecipe` plus the options of the super-resolution task.

    Args:
        scale: the upscaling factor: 2, 3 or 4.
        hr_size: side of the HR training crops (a multiple of `scale`).
        blocks: residual blocks of the generator.
        psnr_epochs: epochs of L1-only training before the GAN phase.
        psnr_learning_rate: the generator's Adam learning rate at the start
            of the L1 phase, decayed along a half cosine to its GAN-phase
            rate (`g_learning_rate` or `learning_rate`) by the phase's last
            step (`keras.optimizers.schedules.CosineDecay`); `None` keeps
            the GAN-phase rate throughout.
        l1_weight: weight of the L1 term in the GAN phase.
        adversarial_weight: weight of the relativistic-average term.
        steps_per_epoch: batches per epoch.
        perceptual_weights: a local VGG19 weights file (no top) for the
            perceptual loss; `""` for none (never downloaded).
        perceptual_weight: weight of the perceptual loss.

    Example:

    ```python
    recipe = kgan.tasks.get("super-resolution").recipe("srresnet-photos-x4", epochs=2)
    ```
    """

    # The generator's input is the low-resolution image (no noise), and the crops' size is
    # `hr_size`: no flags for these two.
    latent_dim: int = option(32, "", flag=False, check=check_int)
    image_size: Optional[int] = option(None, "", flag=False, check=optional(check_int))
    scale: int = option(4, "upscaling factor: 2, 3 or 4", parse=_parse_scale, check=check_scale)
    hr_size: int = option(64, "side of the high-resolution training crops",
                          parse=parse_positive_int, check=check_int)
    blocks: int = option(4, "residual blocks of the generator", parse=parse_non_negative_int,
                         check=lambda v, n: check_int(v, n, minimum=0))
    psnr_epochs: int = option(4, "epochs of L1-only training before the GAN phase",
                              parse=parse_non_negative_int,
                              check=lambda v, n: check_int(v, n, minimum=0))
    psnr_learning_rate: Optional[float] = option(
        None, "the generator's learning rate at the start of the L1 phase, decayed along a "
              "half cosine to --learning-rate by its end", parse=parse_positive_float,
        check=optional(check_positive), absent=None, none="--learning-rate")
    l1_weight: float = option(1.0, "weight of the L1 loss in the GAN phase",
                              parse=parse_non_negative_float, check=check_non_negative)
    adversarial_weight: float = option(5e-3, "weight of the relativistic-average GAN loss",
                                       parse=parse_non_negative_float, check=check_non_negative)
    steps_per_epoch: int = option(40, "batches per epoch", parse=parse_positive_int,
                                  check=check_int)
    perceptual_weights: str = option("", "local VGG19 weights file (no top) for a perceptual "
                                         "loss; never downloaded", check=_check_path,
                                     none="none", absent="")
    perceptual_weight: float = option(1.0, "weight of the perceptual loss (with "
                                           "--perceptual-weights)",
                                      parse=parse_non_negative_float, check=check_non_negative,
                                      absent=1.0)

    def __post_init__(self):
        super().__post_init__()
        if self.hr_size % self.scale:
            raise ValueError(f"`hr_size` {self.hr_size} must be a multiple of `scale` "
                             f"{self.scale}.")


SRRESNET_PHOTOS_X4 = SuperResolutionRecipe(
    name="srresnet-photos-x4", model="srresnet", data="photos", scale=4, hr_size=64,
    epochs=8, psnr_epochs=4, batch_size=16, steps_per_epoch=40, filters=32, blocks=4,
    loss="relativistic_average", learning_rate=2e-4, beta_1=0.9, ema_decay=0.999,
    num_samples=4,
    description="The default of `kgan train --task super-resolution`: 4x on the built-in "
                "photos, 4 epochs of L1 then 4 of the relativistic-average GAN game "
                "(ESRGAN's schedule, shrunk to minutes on 2 CPU cores); 0.33 dB (Y) over "
                "bicubic on the held-out photos, srresnet-photos-x4-long 1.16 dB.",
)
"""The default super-resolution recipe: `srresnet-photos-x4`."""

SRRESNET_PHOTOS_X2 = dataclasses.replace(
    SRRESNET_PHOTOS_X4, name="srresnet-photos-x2", scale=2, hr_size=48,
    description="srresnet-photos-x4 at 2x, on 48 px crops.",
)
"""2x on the built-in photos: `srresnet-photos-x2`."""

SRRESNET_PHOTOS_X4_LONG = dataclasses.replace(
    SRRESNET_PHOTOS_X4, name="srresnet-photos-x4-long", epochs=44, psnr_epochs=40,
    steps_per_epoch=50, psnr_learning_rate=1e-3, learning_rate=1e-4,
    description="srresnet-photos-x4 trained for its held-out PSNR: 2000 L1 steps whose "
                "learning rate falls from 1e-3 to 1e-4 along a half cosine, then 200 steps "
                "of the GAN game at 1e-4. Its PSNR-phase model beats bicubic by 1.16 dB (Y) "
                "on the held-out photos at 4x, the default's by 0.33 dB; it took 15 minutes "
                "on 2 shared CPU cores (benchmarks/super_resolution.py --recipe "
                "srresnet-photos-x4-long). The default stays short so a first run takes "
                "minutes.",
)
"""4x for PSNR, a longer L1 phase with a cosine schedule: `srresnet-photos-x4-long`."""
