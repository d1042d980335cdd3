"""`TrainingGif`: the saved sample grids as one animated GIF."""

import glob
import os

import keras

from kgan import images
from kgan.validation import check_basename, check_duration

__all__ = ["TrainingGif"]


class TrainingGif(keras.callbacks.Callback):
    """Assembles the saved sample grids into an animated GIF.

    When training ends, every file in `frames_dir` matching `pattern` is
    taken in sorted (lexicographic) file-name order and written with
    :func:`kgan.images.write_gif` to ``out_dir/filename``; every grid is
    one frame, even when consecutive grids are identical. Grids from
    earlier ``fit`` calls in the same directory are included, so a resumed
    run gives one continuous animation. If no file matches, nothing is
    written and no error is raised.

    Use it with :class:`SampleGrid` writing to the same directory (its
    zero-padded default file names sort in epoch order).

    Args:
        out_dir: Directory for the GIF; created if needed.
        frames_dir: Directory holding the frames. Defaults to `out_dir`.
        filename: Name of the GIF file (a plain file name).
        duration: Seconds each frame is shown (> 0).
        pattern: Glob pattern (a plain file name pattern) selecting the
            frames in `frames_dir`.

    Attributes:
        path: Path of the GIF written by the last ``on_train_end``, or
            ``None`` if none was written.

    Example:

    ```python
    gan.fit(
        dataset,
        epochs=30,
        callbacks=[SampleGrid("runs/demo"), TrainingGif("runs/demo")],
    )
    # -> runs/demo/training.gif with 30 frames
    ```
    """

    def __init__(
        self,
        out_dir,
        frames_dir=None,
        filename="training.gif",
        duration=0.25,
        pattern="epoch_*.png",
    ):
        super().__init__()
        self.out_dir = os.fspath(out_dir)
        self.frames_dir = self.out_dir if frames_dir is None else os.fspath(frames_dir)
        self.filename = check_basename(filename, "filename")
        self.duration = check_duration(duration)
        self.pattern = check_basename(pattern, "pattern")
        self.path = None

    def frame_paths(self):
        """Returns the frame files currently matching, in sorted order."""
        found = glob.glob(
            os.path.join(glob.escape(self.frames_dir), self.pattern)
        )
        return sorted(p for p in found if os.path.isfile(p))

    def write(self):
        """Writes the GIF from the frames there are now; returns its path (None: no frame)."""
        frames = self.frame_paths()
        if not frames:
            self.path = None
            return None
        self.path = images.write_gif(
            frames,
            os.path.join(self.out_dir, self.filename),
            duration=self.duration,
        )
        return self.path

    def on_train_end(self, logs=None):
        self.write()
