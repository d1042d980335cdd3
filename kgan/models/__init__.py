"""GAN models: one `train_step` that variants subclass."""

from kgan.models.gan import GAN
from kgan.models.conditional import ConditionalGAN

__all__ = ["GAN", "ConditionalGAN"]
