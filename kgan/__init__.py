"""kgan: generative adversarial networks as Keras 3 models.

Train with `fit`, watch sample grids and a GIF, save and reload with
`keras.models.load_model`, export a SavedModel for serving.
"""

__version__ = "0.1.0"

from kgan import callbacks, datasets, images, losses, metrics, networks, saving, text  # noqa: E402
from kgan.export import export_generator  # noqa: E402
from kgan.export_text import export_text_generator  # noqa: E402
from kgan.models import GAN, ConditionalGAN, TextGAN  # noqa: E402
from kgan.saving import load_model  # noqa: E402
from kgan import augment  # noqa: E402

__all__ = [
    "GAN",
    "ConditionalGAN",
    "TextGAN",
    "callbacks",
    "datasets",
    "export_generator",
    "export_text_generator",
    "images",
    "load_model",
    "losses",
    "metrics",
    "networks",
    "saving",
    "text",
    "__version__",
    "augment",
]
