"""The class-conditional image task: `kgan.ConditionalGAN`."""

from kgan.tasks.conditional.model import ConditionalGAN
from kgan.tasks.conditional.recipes import CGAN_DIGITS, CGAN_GLYPHS, ConditionalRecipe
from kgan.tasks.conditional.task import ConditionalTask, parse_labels

__all__ = ["CGAN_DIGITS", "CGAN_GLYPHS", "ConditionalGAN", "ConditionalRecipe",
           "ConditionalTask", "parse_labels"]
