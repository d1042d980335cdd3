"""kgan: generative adversarial networks as Keras 3 models.

Train with `fit`, watch sample grids and a GIF, save and reload with
`keras.models.load_model`, export a SavedModel for serving.
"""

__version__ = "0.1.0"

from kgan import callbacks, datasets, images, losses, networks  # noqa: E402
from kgan.export import export_generator  # noqa: E402
from kgan.models import GAN  # noqa: E402
from kgan.models import TextGAN  # noqa: E402
from kgan import text  # noqa: E402
from kgan.export_text import export_text_generator  # noqa: E402

__all__ = [
    "GAN",
    "callbacks",
    "datasets",
    "export_generator",
    "images",
    "losses",
    "networks",
    "__version__",
]
__all__ += ["TextGAN", "export_text_generator", "text"]
