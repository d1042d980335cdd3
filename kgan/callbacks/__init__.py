"""Keras callbacks for GAN training, one class per module.

Sample writers (`SampleGrid`, `ClassGrid`, `TextSamples`) generate from one
fixed latent batch after each epoch; `TrainingGif` and
`ClassInterpolationGif` write animations when training ends;
`BackupAndResume` and `NaNGuard` make long runs survive crashes and
divergence; `Evaluate` puts FD, KID and the other metrics into the logs;
`TensorBoardSummaries` writes the logs and the sample files as TensorBoard
events.
The image writing itself lives in the pure functions of `kgan.images` and
`kgan.class_images`.

Example:

```python
out = "runs/mnist"
gan.fit(
    dataset,
    epochs=20,
    callbacks=[
        kgan.callbacks.SampleGrid(out, num_samples=64),
        kgan.callbacks.TrainingGif(out),
    ],
)
# runs/mnist/epoch_0001.png ... epoch_0020.png and runs/mnist/training.gif
```
"""

from kgan.callbacks.backup_and_resume import BackupAndResume
from kgan.callbacks.class_grid import ClassGrid
from kgan.callbacks.class_interpolation_gif import ClassInterpolationGif
from kgan.callbacks.evaluate import Evaluate
from kgan.callbacks.nan_guard import NaNGuard
from kgan.callbacks.sample_grid import SampleGrid
from kgan.callbacks.sample_writer import SampleWriter
from kgan.callbacks.tensorboard_summaries import TensorBoardSummaries
from kgan.callbacks.text_samples import TextSamples
from kgan.callbacks.training_gif import TrainingGif

__all__ = [
    "BackupAndResume",
    "ClassGrid",
    "ClassInterpolationGif",
    "Evaluate",
    "NaNGuard",
    "SampleGrid",
    "SampleWriter",
    "TensorBoardSummaries",
    "TextSamples",
    "TrainingGif",
]
