"""GAN models: one `train_step` that variants subclass."""

from kgan.models.gan import GAN

__all__ = ["GAN"]
