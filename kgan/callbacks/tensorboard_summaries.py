"""`TensorBoardSummaries`: each epoch's logs and newest sample files as TensorBoard events."""

import math
import os

import keras

__all__ = ["TensorBoardSummaries"]


class TensorBoardSummaries(keras.callbacks.Callback):
    """Writes every epoch's scalars and sample files to a TensorBoard log directory.

    After each epoch, every numeric entry of the logs (losses, `d_real`,
    `d_fake`, and the metrics `kgan.callbacks.Evaluate` adds) becomes a
    scalar, and the file each of `sample_writers` wrote for this epoch
    becomes an image (`.png`) or a text (`.txt`) summary named after its
    directory. The step is the 1-based epoch, which `fit` keeps across a
    resumed run (`BackupAndResume`), so a resumed run continues the same
    stream. Place it after the sample writers in the callback list. Needs
    the `tensorboard` package (TensorFlow's summary ops come with it).

    Args:
        log_dir: directory of the event files; created if needed.
        sample_writers: `kgan.callbacks.SampleWriter` callbacks of the same
            `fit` (their `paths`).

    Example:

    ```python
    grid = kgan.callbacks.SampleGrid("runs/a/samples")
    gan.fit(data, epochs=5, callbacks=[grid, kgan.callbacks.TensorBoardSummaries(
        "runs/a/tensorboard", [grid])])
    # tensorboard --logdir runs/a/tensorboard
    ```
    """

    def __init__(self, log_dir, sample_writers=()):
        super().__init__()
        self.log_dir = os.fspath(log_dir)
        self.sample_writers = list(sample_writers)
        self._writer = None

    def _summary_writer(self):
        import tensorflow as tf

        if self._writer is None:
            self._writer = tf.summary.create_file_writer(self.log_dir)
        return self._writer

    def on_epoch_end(self, epoch, logs=None):
        import imageio.v3 as iio
        import tensorflow as tf

        step = epoch + 1
        with self._summary_writer().as_default(step=step):
            for name, value in (logs or {}).items():
                try:
                    value = float(value)
                except (TypeError, ValueError):
                    continue
                if math.isfinite(value):
                    tf.summary.scalar(name, value)
            for writer in self.sample_writers:
                path = writer.path_for(step)
                if not writer.paths or writer.paths[-1] != path:
                    continue  # nothing written for this epoch
                name = os.path.basename(writer.out_dir.rstrip(os.sep)) or "samples"
                if path.endswith(".txt"):
                    with open(path, encoding="utf-8") as f:
                        tf.summary.text(name, f.read())
                else:
                    image = iio.imread(path)
                    image = image[..., None] if image.ndim == 2 else image[..., :3]
                    tf.summary.image(name, image[None])
        self._writer.flush()

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None
