"""GAN models: one `train_step` that variants subclass."""

from kgan.models.gan import GAN
from kgan.models.conditional import ConditionalGAN
from kgan.models.text import TextGAN

__all__ = ["GAN", "ConditionalGAN", "TextGAN"]
