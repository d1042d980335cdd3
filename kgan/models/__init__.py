"""GAN models: one `train_step` that variants subclass."""

from kgan.models.gan import GAN

__all__ = ["GAN"]

from kgan.models.text import TextGAN  # noqa: E402

__all__ += ["TextGAN"]
