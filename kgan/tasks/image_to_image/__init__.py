"""The image-to-image tasks: pix2pix (paired), inpainting, and their shared base.

`ImageToImageTask` is the base every image-to-image task subclasses (held-out
sample grids input | output | target, translation of any image size, the
uint8 export, `kgan translate`); `Pix2PixTask` ("pix2pix") and
`InpaintTask` ("inpaint") are registered tasks.
"""

from kgan.tasks.image_to_image.callbacks import TranslationSamples
from kgan.tasks.image_to_image.model import InpaintingGAN, Pix2Pix, keep_known_pixels
from kgan.tasks.image_to_image.recipes import (
    INPAINT_DIGITS, PIX2PIX_FONTS, PIX2PIX_SKETCH, FontDataRecipe, ImageToImageRecipe,
    InpaintRecipe, PairedRecipe, Pix2PixRecipe,
)
from kgan.tasks.image_to_image.task import ImageToImageTask, InpaintTask, Pix2PixTask
from kgan.tasks.image_to_image.cycle_samples import CycleSamples
from kgan.tasks.image_to_image.cyclegan import CycleGAN, ImagePool
from kgan.tasks.image_to_image.cyclegan_task import CYCLEGAN_FONTS, CycleGANRecipe, CycleGANTask
from kgan.tasks.image_to_image.translate import inpaint_image, translate_image

__all__ = ["CYCLEGAN_FONTS", "CycleGAN", "CycleGANRecipe", "CycleGANTask", "CycleSamples",
           "FontDataRecipe", "ImagePool", "INPAINT_DIGITS", "ImageToImageRecipe", "ImageToImageTask",
           "InpaintRecipe", "InpaintTask", "InpaintingGAN", "PIX2PIX_FONTS", "PIX2PIX_SKETCH",
           "PairedRecipe", "Pix2Pix", "Pix2PixRecipe", "Pix2PixTask", "TranslationSamples", "inpaint_image",
           "keep_known_pixels", "translate_image"]
