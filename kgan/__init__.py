"""kgan: generative adversarial networks as Keras 3 models.

Train with `fit`, watch sample grids and a GIF, save and reload with
`keras.models.load_model`, export a SavedModel for serving. Each family of
GANs (unconditional, conditional, text) is a task in `kgan.tasks` with its
measured recipes: `kgan.tasks.get("unconditional").build("dcgan-mnist",
image_shape=(28, 28, 1))` builds what `kgan train` trains.
"""

__version__ = "0.1.0"

import os as _os  # noqa: E402
import sys as _sys  # noqa: E402


def _is_command_line():
    """Whether this process is the `kgan` command (`kgan ...` or `python -m kgan ...`)."""
    if _sys.argv and _os.path.basename(_sys.argv[0]) == "kgan":
        return True
    argv = list(getattr(_sys, "orig_argv", []))
    return "-m" in argv and argv[argv.index("-m") + 1:argv.index("-m") + 2] == ["kgan"]


if _is_command_line() and "TF_CPP_MIN_LOG_LEVEL" not in _os.environ:
    # `kgan` commands start quietly. TensorFlow's C++ start-up lines (oneDNN, CUDA
    # drivers, absl) do not heed TF_CPP_MIN_LOG_LEVEL, so the process's stderr goes
    # to /dev/null while TensorFlow loads and finds its devices. Setting
    # TF_CPP_MIN_LOG_LEVEL (e.g. to 0) shows them again.
    _os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
    _saved, _devnull = _os.dup(2), _os.open(_os.devnull, _os.O_WRONLY)
    _os.dup2(_devnull, 2)
    try:
        import tensorflow as _tf

        _tf.config.list_physical_devices()
    finally:
        _os.dup2(_saved, 2)
        _os.close(_saved)
        _os.close(_devnull)

from kgan import (  # noqa: E402
    augment, callbacks, class_images, datasets, explore, export, files, history, images, losses,
    metrics, models, networks, saving, tasks, text, validation,
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
    "explore",
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
