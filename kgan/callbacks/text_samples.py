"""`TextSamples`: generated text from fixed noise after each epoch, one sample per line."""

from kgan import text
from kgan.callbacks.sample_writer import SampleWriter

__all__ = ["TextSamples"]


class TextSamples(SampleWriter):
    """Writes generated text from a fixed latent batch, one sample per line.

    The fixed batch `z` is kept as described in `SampleWriter`. After every
    `every`-th epoch, `model.generate_text(z)` is written to
    `out_dir/filename` (UTF-8, one sample per line; an empty sample is an
    empty line). The model must have `latent_dim` and `generate_text(z)`, as
    `kgan.TextGAN` does.

    Args:
        out_dir: Directory for the text files; created if needed.
        num_samples: Samples per file (>= 1).
        seed: Seed of `z` (see `SampleWriter`).
        every: Write after epochs `every, 2 * every, ...`.
        filename: File name template formatted with the 1-based `epoch`.

    Example:

    ```python
    texts = TextSamples("runs/names/samples", num_samples=32)
    gan.fit(data.train.repeat(), steps_per_epoch=100, epochs=10, callbacks=[texts])
    texts.paths[-1]  # 'runs/names/samples/epoch_0010.txt'
    ```
    """

    def __init__(self, out_dir, num_samples=32, seed=0, every=1,
                 filename="epoch_{epoch:04d}.txt"):
        super().__init__(out_dir, num_samples=num_samples, seed=seed, every=every,
                         filename=filename)

    def write(self, z, path):
        text.write_lines(self.model.generate_text(z), path)
