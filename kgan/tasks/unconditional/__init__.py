"""The unconditional image task: `kgan.GAN`, images from noise."""

from kgan.tasks.unconditional.recipes import (
    DCGAN_DIGITS, DCGAN_MNIST, DCGAN_MNIST5K, UnconditionalRecipe,
)
from kgan.tasks.unconditional.task import UnconditionalTask

__all__ = [
    "DCGAN_DIGITS", "DCGAN_MNIST", "DCGAN_MNIST5K", "UnconditionalRecipe", "UnconditionalTask",
]
