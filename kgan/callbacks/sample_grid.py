"""`SampleGrid`: a PNG grid of samples from fixed noise after each epoch."""

from kgan import images
from kgan.callbacks.sample_writer import SampleWriter
from kgan.validation import check_int

__all__ = ["SampleGrid"]


class SampleGrid(SampleWriter):
    """Saves a grid of generated samples from a fixed latent batch.

    The fixed batch `z` is kept as described in `SampleWriter` (drawn once
    from `seed`, saved to `out_dir/epoch_latent.npy`, reused by a resumed
    run). At the end of every `every`-th epoch, `model.generate(z)` is tiled
    into a PNG written to `out_dir/filename` (nothing is written outside
    `out_dir`). The model must have `latent_dim` and `generate(z)`, as
    `kgan.GAN` does.

    Args:
        out_dir: Directory for the PNG files; created if needed.
        num_samples: Number of samples in each grid (>= 1).
        cols: Grid columns. Defaults to `ceil(sqrt(num_samples))`.
        seed: Seed of `z` (see `SampleWriter`).
        every: Write a grid after epochs `every, 2 * every, ...`.
        scale: Integer nearest-neighbour upscaling of each tile (>= 1), for
            small images.
        padding: Pixels between tiles and around the grid (>= 0).
        pad_value: Gray level (0-255) of the padding; mid-gray keeps tiles
            apart on dark or light backgrounds.
        filename: File name template, formatted with the 1-based `epoch`.

    Attributes:
        z: The fixed latent batch (see `SampleWriter`).
        paths: List of the paths written so far, in order.

    Example:

    ```python
    grids = SampleGrid("runs/demo", num_samples=16, every=5, scale=4)
    gan.fit(dataset, epochs=20, callbacks=[grids])
    grids.paths  # ['runs/demo/epoch_0005.png', ..., 'runs/demo/epoch_0020.png']
    ```
    """

    def __init__(self, out_dir, num_samples=64, cols=None, seed=0, every=1, scale=1, padding=1,
                 pad_value=128, filename="epoch_{epoch:04d}.png"):
        super().__init__(out_dir, num_samples=num_samples, seed=seed, every=every,
                         filename=filename)
        self.cols = None if cols is None else check_int(cols, "cols")
        self.scale = check_int(scale, "scale")
        self.padding = check_int(padding, "padding", minimum=0)
        self.pad_value = pad_value

    def save_image(self, samples, path):
        """Writes `samples` as this callback's grid at `path`."""
        images.save_image_grid(samples, path, cols=self.cols, scale=self.scale,
                               padding=self.padding, pad_value=self.pad_value)

    def write(self, z, path):
        self.save_image(self.model.generate(z), path)
