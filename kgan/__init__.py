"""kgan: generative adversarial networks as Keras 3 models.

Train with `fit`, watch sample grids and a GIF, save and reload with
`keras.models.load_model`, export a SavedModel for serving. Each family of
GANs (unconditional, conditional, text) is a task in `kgan.tasks` with its
measured recipes: `kgan.tasks.get("unconditional").build("dcgan-mnist",
image_shape=(28, 28, 1))` builds what `kgan train` trains.
"""

__version__ = "0.1.0"

from kgan import (  # noqa: E402
    augment, callbacks, class_images, datasets, export, files, history, images, losses, metrics,
    models, networks, saving, tasks, text, validation,
)
from kgan.models import GAN  # noqa: E402
from kgan.saving import load_model  # noqa: E402
from kgan.tasks import export_generator  # noqa: E402
from kgan.tasks.conditional import ConditionalGAN  # noqa: E402
from kgan.tasks.text import TextGAN, export_text_generator  # noqa: E402

__all__ = [
    "GAN",
    "ConditionalGAN",
    "TextGAN",
    "augment",
    "callbacks",
    "class_images",
    "datasets",
    "export",
    "export_generator",
    "export_text_generator",
    "files",
    "history",
    "images",
    "load_model",
    "losses",
    "metrics",
    "models",
    "networks",
    "saving",
    "tasks",
    "text",
    "validation",
    "__version__",
]
