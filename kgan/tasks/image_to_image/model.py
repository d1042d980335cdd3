"""`Pix2Pix`: a conditional GAN that maps a source image to a target image (Isola et al. 2017).

A `kgan.GAN` trained by `fit` on `(source, target)` batches with GAN's one
`train_step`, through its hooks:

- `unpack_data`: `(source, target)` -> the real images (targets) and the
  condition (sources);
- `generator_inputs`: the source batch (dropout inside the U-Net is the
  only noise, as in pix2pix);
- `score`: the discriminator judges `(source, image)` pairs concatenated on
  the channels, so it asks "is this a plausible output *for this input*";
  with `augment` each pair goes through one set of DiffAugment transforms,
  so source and image stay aligned;
- `generator_loss`: the adversarial term plus `l1_weight` times the L1
  distance to the target (`kgan.losses.l1_loss`), which keeps the output
  close to the target at low frequencies while the PatchGAN judges the
  high ones.

Inference is deterministic: `generate`, `call`, the sample files, `kgan
translate` and the export run the generator with `training=False`, so its
dropout is off (pix2pix kept dropout on at test time as its noise; kgan's
outputs do not change from one call to the next).
"""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from kgan import losses as losses_lib
from kgan.models import GAN, StepRecord
from kgan.validation import check_int, check_non_negative

__all__ = ["InpaintingGAN", "Pix2Pix", "keep_known_pixels"]


def _channels(network, name):
    try:
        channels = network.inputs[0].shape[-1]
    except (AttributeError, IndexError, TypeError, ValueError):
        channels = getattr(network, "input_channels", None)
    if channels is None:
        raise ValueError(f"`{name}` must take images (batch, H, W, channels) with a known "
                         "number of channels.")
    return int(channels)


@keras.saving.register_keras_serializable(package="kgan")
class Pix2Pix(GAN):
    """A pix2pix GAN trained with `fit` on batches `(source, target)`.

    The generator maps sources `[b, H, W, C_in]` in [-1, 1] to images
    `[b, H, W, C_out]` in [-1, 1]; the discriminator maps
    `concat(source, image)` `[b, H, W, C_in + C_out]` to logits, one per
    example or one per patch (`[b, h, w, 1]`, averaged by the losses).
    `generate(source)` and `call(source)` use `sampling_generator` (the
    EMA generator with `ema_decay`) with `training=False`: deterministic.

    Args:
        generator: Keras model, sources -> images (e.g.
            `kgan.networks.UNetGenerator`).
        discriminator: Keras model, (source, image) pairs -> logits (e.g.
            `kgan.networks.PatchGANDiscriminator`).
        l1_weight: weight of the L1 distance to the target in the
            generator's loss (pix2pix's lambda, 100).
        image_size: side of the training images; the networks are checked
            on it.
        latent_dim: the source's channels (there is no noise vector); read
            from the generator when `None`.
        **kwargs: `ema_decay`, `seed`, `r1_weight`, `augment`, ... as for
            `kgan.GAN`.

    Example:

    ```python
    generator, discriminator = kgan.networks.get("pix2pix", image_shape=(32, 32, 1), filters=16)
    gan = kgan.tasks.image_to_image.Pix2Pix(generator, discriminator, image_size=32)
    gan.compile()  # Adam(2e-4, beta_1=0.5) each, the non-saturating loss
    gan.fit(kgan.datasets.load_pairs("fonts", image_size=32, batch_size=16, steps=50), epochs=2)
    outputs = gan.generate(sources)  # numpy [n, 32, 32, 1] in [-1, 1], deterministic
    ```
    """

    def __init__(self, generator, discriminator, l1_weight=100.0, image_size=32, latent_dim=None,
                 **kwargs):
        # Needed by `_check_networks` and `example_generator_inputs`, which `GAN.__init__` calls.
        self.image_size = check_int(image_size, "image_size")
        self.input_channels = _channels(generator, "generator")
        self.l1_weight = check_non_negative(l1_weight, "l1_weight")
        super().__init__(generator, discriminator, latent_dim=self.input_channels, **kwargs)
        self.channels = int(self.sample_shape[-1])
        self.l1_tracker = keras.metrics.Mean(name="l1")

    @property
    def multiple(self):
        """Image sides the generator takes are multiples of this (1: any)."""
        return int(getattr(self.generator, "multiple", 1))

    def example_generator_inputs(self, batch_size):
        """Source zeros `[batch_size, image_size, image_size, C_in]`."""
        return ops.zeros((batch_size, self.image_size, self.image_size, self.input_channels))

    def _check_networks(self):
        source = self.example_generator_inputs(2)
        try:
            images = self.generator(source, training=False)
        except Exception as error:  # a shape mismatch surfaces as many error types
            raise ValueError(
                f"`generator` cannot take sources of shape (batch, {self.image_size}, "
                f"{self.image_size}, {self.input_channels}): {error}") from None
        shape = tuple(int(d) for d in images.shape[1:])
        if len(shape) != 3 or shape[:2] != (self.image_size, self.image_size):
            raise ValueError(
                f"`generator` must keep the image size: sources of {self.image_size} px became "
                f"{shape}.")
        try:
            logits = self.discriminator(ops.concatenate([source, images], axis=-1),
                                        training=False)
        except Exception as error:
            raise ValueError(
                f"`discriminator` cannot take (source, image) pairs of shape (batch, "
                f"{self.image_size}, {self.image_size}, {self.input_channels + shape[-1]}): "
                f"{error}") from None
        if logits.shape[0] != 2 or (len(logits.shape) > 1 and logits.shape[-1] != 1):
            raise ValueError(
                "`discriminator` must return logits (batch,), (batch, 1) or per patch (batch, h, "
                f"w, 1); got shape {tuple(logits.shape)}.")
        return shape

    # ------------------------------------------------------------ compile

    @property
    def metrics(self):
        return [*super().metrics, self.l1_tracker]

    # -------------------------------------------------------------- hooks

    def unpack_data(self, data):
        """`(source, target)` -> `(target, source)`: the real images and the condition."""
        if isinstance(data, (tuple, list)) and len(data) == 1 \
                and isinstance(data[0], (tuple, list)):
            data = data[0]
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise ValueError("`x`: a Pix2Pix model trains on batches (source, target) "
                             "(kgan.datasets.load_pairs).")
        source, target = data
        return target, source

    def generator_inputs(self, real, condition, batch_size):
        return condition

    def pair(self, condition, images):
        """What the discriminator judges: `concat(source, images)` on the channels."""
        return ops.concatenate([ops.cast(condition, images.dtype), images], axis=-1)

    def score(self, real, fake, generator_inputs, condition, training=True, augment=True):
        """The discriminator's verdicts on `(source, target)` and `(source, output)`.

        `real_seen` and `fake_seen` in the `StepRecord` are the pairs as the
        discriminator saw them, so the penalties (R1, GP) differentiate with
        respect to the pair.
        """
        real_seen, fake_seen = self.pair(condition, real), self.pair(condition, fake)
        if augment:
            # One draw of transforms per pair: source and image move together.
            real_seen, fake_seen = self.augment_samples(real_seen), self.augment_samples(fake_seen)
        return StepRecord(
            real=real, fake=fake, real_seen=real_seen, fake_seen=fake_seen,
            generator_inputs=generator_inputs, condition=condition,
            real_output=self.call_discriminator(real_seen, condition, training=training),
            fake_output=self.call_discriminator(fake_seen, condition, training=training),
        )

    def call_discriminator(self, samples, condition, training=False):
        """Runs the discriminator on pairs already built by `pair`."""
        return self.discriminator(samples, training=training)

    def reconstruction_loss(self, target, output):
        """L1 between the output and the target (`kgan.losses.l1_loss`); updates `l1`."""
        loss = losses_lib.l1_loss(target, output)
        self.l1_tracker.update_state(loss)
        return loss

    def generator_loss(self, step):
        """The adversarial loss plus `l1_weight` times the L1 distance to the target."""
        return super().generator_loss(step) + self.l1_weight * self.reconstruction_loss(
            step.real, step.fake)

    # --------------------------------------------------------------- data

    def check_data(self, x):
        """Raises `ValueError` unless `x` is a dataset of `(source, target)` fit for this model."""
        if not isinstance(x, tf.data.Dataset):
            return super().check_data(x)
        spec = x.element_spec
        if not isinstance(spec, (tuple, list)) or len(spec) != 2:
            raise ValueError("`x`: a Pix2Pix model trains on a dataset of (source, target) "
                             f"batches; the dataset yields {spec}.")
        expected = (self.image_size, self.image_size, self.input_channels)
        source_shape = tf.TensorShape(spec[0].shape[1:])
        if not source_shape.is_compatible_with(expected):
            raise ValueError(f"`x`: sources must be (batch, {', '.join(map(str, expected))}) "
                             f"for this generator; got {tuple(source_shape.as_list())}.")
        self._check_shape_dtype(spec[1].shape, spec[1].dtype, batched=True)
        first = next(iter(x.take(1)), None)
        if first is None:
            raise ValueError("`x`: the dataset is empty.")
        self._check_values(np.asarray(first[0]))
        self._check_values(np.asarray(first[1]))

    # ----------------------------------------------------------- sampling

    def call(self, source, training=False):
        return self.sampling_generator(source, training=training)

    def generate(self, source, batch_size=16):
        """The outputs for sources `[n, H, W, C_in]` (or one `[H, W, C_in]`) in [-1, 1].

        Deterministic (`training=False`: no dropout). `H` and `W` must be
        multiples of `multiple`.

        Returns:
            NumPy float32 `[n, H, W, C_out]` (or one image) in [-1, 1].
        """
        source = np.asarray(source, dtype="float32")
        single = source.ndim == 3
        batch = source[None] if single else source
        if batch.ndim != 4 or batch.shape[-1] != self.input_channels or len(batch) == 0:
            raise ValueError(f"`source` must be images (n, H, W, {self.input_channels}); got "
                             f"shape {source.shape}.")
        if batch.shape[1] % self.multiple or batch.shape[2] % self.multiple:
            raise ValueError(f"`source`: height and width must be multiples of {self.multiple} "
                             f"for this generator; got {batch.shape[1]}x{batch.shape[2]}.")
        batch_size = check_int(batch_size, "batch_size")
        out = np.concatenate([
            ops.convert_to_numpy(self.sampling_generator(batch[i:i + batch_size],
                                                         training=False))
            for i in range(0, len(batch), batch_size)])
        return out[0] if single else out

    # ------------------------------------------------------ serialization

    def get_config(self):
        config = super().get_config()
        config.update({"l1_weight": self.l1_weight, "image_size": self.image_size})
        return config


def keep_known_pixels(source, output):
    """The inpainting result: the input image's pixels outside the hole, `output`'s inside.

    Args:
        source: the inpainting input `[.., H, W, C + 1]`
            (`kgan.datasets.masks.masked_input`: the image with the hole at
            0, then the mask, 1 = hole); NumPy or a tensor.
        output: the generator's images `[.., H, W, C]`.

    Returns:
        `source[..., :C] * (1 - mask) + output * mask`.
    """
    hole = source[..., -1:]
    return source[..., :-1] * (1.0 - hole) + output * hole


@keras.saving.register_keras_serializable(package="kgan")
class InpaintingGAN(Pix2Pix):
    """A `Pix2Pix` that fills holes: its sources are `masked_input(image, mask)`
    `[b, H, W, C + 1]` and its targets the whole images `[b, H, W, C]`.

    Trained exactly as `Pix2Pix` (the L1 term over the whole image, the
    discriminator on `(masked input, image)` pairs). `generate` keeps the
    input's pixels outside the hole (`keep_known_pixels`), as the
    inpainting task's export and `kgan inpaint` do.

    Args:
        generator: Keras model, masked inputs -> images.
        discriminator: Keras model, (masked input, image) pairs -> logits.
        **kwargs: as `Pix2Pix`.

    Example:

    ```python
    generator, discriminator = kgan.networks.get(
        "pix2pix", image_shape=(32, 32, 1), input_channels=2, filters=16)
    gan = kgan.tasks.image_to_image.InpaintingGAN(generator, discriminator, image_size=32)
    gan.compile()
    gan.fit(kgan.datasets.load_inpainting("mnist5k", image_size=32, batch_size=16, steps=50))
    filled = gan.generate(kgan.datasets.masks.masked_input(images, holes))
    ```
    """

    def generate(self, source, batch_size=16):
        """As `Pix2Pix.generate`, with the input's pixels kept outside the hole."""
        return keep_known_pixels(np.asarray(source, dtype="float32"),
                                 super().generate(source, batch_size=batch_size))
