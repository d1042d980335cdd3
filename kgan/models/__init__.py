"""The GAN model: one `train_step` built from hooks, and the pieces it shares.

Variants (`kgan.ConditionalGAN`, `kgan.TextGAN`, the models of other tasks)
subclass `GAN` and override its hooks; a game with other players writes its
own step from `kgan.models.step`.
"""

from kgan.models.gan import GAN, infer_latent_dim
from kgan.models.step import StepRecord

__all__ = ["GAN", "StepRecord", "infer_latent_dim"]
