"""The super-resolution task: `SuperResolutionGAN`, low-resolution photos in, 2-4x larger out."""

from kgan.tasks.super_resolution.callbacks import ComparisonSamples
from kgan.tasks.super_resolution.model import PhaseSchedule, SuperResolutionGAN, vgg19_features
from kgan.tasks.super_resolution.recipes import (
    SRRESNET_PHOTOS_X2, SRRESNET_PHOTOS_X4, SuperResolutionRecipe,
)
from kgan.tasks.super_resolution.task import SuperResolutionTask, held_out_crops
from kgan.tasks.super_resolution.upscale import upscale_image

__all__ = ["ComparisonSamples", "PhaseSchedule", "SRRESNET_PHOTOS_X2", "SRRESNET_PHOTOS_X4",
           "SuperResolutionGAN", "SuperResolutionRecipe", "SuperResolutionTask",
           "held_out_crops", "upscale_image", "vgg19_features"]
