"""The text task: `kgan.TextGAN` on character sequences, with an MLE warm start."""

from kgan.tasks.text.mle import MaximumLikelihood, fit_mle
from kgan.tasks.text.model import TextGAN
from kgan.tasks.text.recipes import TEXTGAN_SURNAMES, TEXTGAN_WGAN_SURNAMES, TextRecipe
from kgan.tasks.text.task import TextTask, export_text_generator, scores_to_strings

__all__ = ["MaximumLikelihood", "TEXTGAN_SURNAMES", "TEXTGAN_WGAN_SURNAMES", "TextGAN",
           "TextRecipe", "TextTask", "export_text_generator", "fit_mle", "scores_to_strings"]
