"""DCGAN generator and discriminator (Radford et al. 2015, arXiv:1511.06434).

Square images whose side is `base * 2**steps` with `base` in 4..7 and
`steps >= 1`: 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, ..., 128, 256.
The generator projects the noise to a `base x base` map and doubles it
`steps` times with strided transposed convolutions; the discriminator mirrors
it with strided convolutions and ends in one logit.
"""

import keras
from keras import layers

from kgan.networks.layers import FusedBatchNormalization
from kgan.networks.network import KeepsDTypePolicy
from kgan.networks.registry import register
from kgan.validation import check_int

MAX_SIDE = 512


def upsampling_plan(side):
    """Returns `(base, steps)` with `side == base * 2**steps`, `4 <= base <= 7`.

    Raises:
        ValueError: if the side cannot be built that way.
    """
    if isinstance(side, bool) or not isinstance(side, int) or side < 8 or side > MAX_SIDE:
        raise ValueError(_side_message(side))
    base, steps = side, 0
    while base % 2 == 0 and base // 2 >= 4:
        base, steps = base // 2, steps + 1
    if base > 7 or steps < 1:
        raise ValueError(_side_message(side))
    return base, steps


def _side_message(side):
    return (
        f"`image_shape`/`image_size`: the DCGAN networks build square images whose "
        f"side is b * 2**k with b in 4..7 and k >= 1, between 8 and {MAX_SIDE} "
        f"(e.g. 8, 16, 28, 32, 64, 128); got side {side!r}."
    )


def check_image_shape(image_shape):
    """Validates `(side, side, channels)`; returns it as a tuple of ints."""
    try:
        shape = tuple(int(d) for d in image_shape)
    except (TypeError, ValueError):
        shape = None
    if shape is None or len(shape) != 3 or shape[0] != shape[1] or shape[2] not in (1, 3):
        raise ValueError(
            "`image_shape` must be (side, side, channels) with channels 1 or 3; "
            f"got {image_shape!r}."
        )
    upsampling_plan(shape[0])
    return shape


@keras.saving.register_keras_serializable(package="kgan")
class DCGANGenerator(KeepsDTypePolicy, keras.Model):
    """DCGAN generator: noise `[batch, latent_dim]` -> images in [-1, 1].

    Args:
        image_shape: `(side, side, channels)` of the output images.
        latent_dim: size of the input noise vector.
        filters: channels of the last upsampling block; each block towards
            the input doubles it.
        kernel_size: kernel size of the transposed convolutions.

    Example:

    ```python
    generator = kgan.networks.DCGANGenerator(image_shape=(28, 28, 1), latent_dim=64)
    images = generator(keras.random.normal((4, 64)))  # (4, 28, 28, 1)
    ```
    """

    def __init__(self, image_shape=(28, 28, 1), latent_dim=128, filters=64, kernel_size=4, **kwargs):
        image_shape = check_image_shape(image_shape)
        check_int(latent_dim, "latent_dim")
        check_int(filters, "filters")
        check_int(kernel_size, "kernel_size")
        base, steps = upsampling_plan(image_shape[0])

        z = keras.Input((latent_dim,), name="z")
        width = filters * 2**steps
        x = layers.Dense(base * base * width, use_bias=False, name="project")(z)
        x = layers.Reshape((base, base, width))(x)
        x = FusedBatchNormalization(name="project_bn")(x)
        x = layers.ReLU()(x)
        for i in range(steps):
            width //= 2
            x = layers.Conv2DTranspose(
                width, kernel_size, strides=2, padding="same", use_bias=False, name=f"up{i}"
            )(x)
            x = FusedBatchNormalization(name=f"up{i}_bn")(x)
            x = layers.ReLU()(x)
        x = layers.Conv2D(image_shape[2], 3, padding="same", name="to_image")(x)
        # Images stay float32 even under a mixed-precision policy.
        images = layers.Activation("tanh", dtype="float32", name="images")(x)
        super().__init__(inputs=z, outputs=images, **kwargs)

        self.image_shape = image_shape
        self.latent_dim = latent_dim
        self.filters = filters
        self.kernel_size = kernel_size

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype_policy": self.dtype_policy.name,
            "image_shape": list(self.image_shape),
            "latent_dim": self.latent_dim,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
        }


@keras.saving.register_keras_serializable(package="kgan")
class DCGANDiscriminator(KeepsDTypePolicy, keras.Model):
    """DCGAN discriminator: images `[batch, side, side, channels]` -> logits `[batch, 1]`.

    Strided convolutions with leaky ReLU, one convolution at the base size, and
    no batch normalization, so it can be trained with a gradient penalty.

    Args:
        image_shape: `(side, side, channels)` of the input images.
        filters: channels of the first convolution; each later one doubles it.
        kernel_size: kernel size of the strided convolutions.
        dropout: dropout rate after each block (0 disables it).
        spectral_norm: wrap every convolution and the final dense layer in
            `keras.layers.SpectralNormalization` (Miyato et al. 2018), which
            keeps each layer's largest singular value near 1 by one power
            iteration per training call.

    Example:

    ```python
    discriminator = kgan.networks.DCGANDiscriminator(image_shape=(28, 28, 1), spectral_norm=True)
    logits = discriminator(keras.random.normal((4, 28, 28, 1)))  # (4, 1)
    ```
    """

    def __init__(self, image_shape=(28, 28, 1), filters=64, kernel_size=4, dropout=0.0,
                 spectral_norm=False, **kwargs):
        image_shape = check_image_shape(image_shape)
        if not isinstance(spectral_norm, bool):
            raise ValueError(f"`spectral_norm` must be True or False; got {spectral_norm!r}.")

        def maybe_normalized(layer):
            if not spectral_norm:
                return layer
            return layers.SpectralNormalization(
                layer, name=f"{layer.name}_sn", dtype=layer.dtype_policy
            )

        check_int(filters, "filters")
        check_int(kernel_size, "kernel_size")
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"`dropout` must be in [0, 1); got {dropout!r}.")
        _, steps = upsampling_plan(image_shape[0])

        images = keras.Input(image_shape, name="images")
        x = images
        for i in range(steps):
            x = maybe_normalized(layers.Conv2D(
                filters * 2**i, kernel_size, strides=2, padding="same", name=f"down{i}"
            ))(x)
            x = layers.LeakyReLU(0.2)(x)
            if dropout:
                x = layers.Dropout(dropout)(x)
        # Mirrors the generator's projection: one more block at the base size.
        x = maybe_normalized(layers.Conv2D(filters * 2**steps, 3, padding="same", name="base"))(x)
        x = layers.LeakyReLU(0.2)(x)
        x = layers.Flatten()(x)
        logits = maybe_normalized(layers.Dense(1, dtype="float32", name="logits"))(x)
        super().__init__(inputs=images, outputs=logits, **kwargs)

        self.image_shape = image_shape
        self.filters = filters
        self.kernel_size = kernel_size
        self.dropout = dropout
        self.spectral_norm = spectral_norm

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype_policy": self.dtype_policy.name,
            "image_shape": list(self.image_shape),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "dropout": self.dropout,
            "spectral_norm": self.spectral_norm,
        }


@register("dcgan")
def dcgan(image_shape, latent_dim=128, filters=64, kernel_size=4, dropout=0.0,
          spectral_norm=False):
    """The DCGAN pair. `filters` sets both networks' widths; `spectral_norm`
    applies to the discriminator."""
    generator = DCGANGenerator(
        image_shape=image_shape, latent_dim=latent_dim, filters=filters,
        kernel_size=kernel_size, name="generator",
    )
    discriminator = DCGANDiscriminator(
        image_shape=image_shape, filters=filters, kernel_size=kernel_size,
        dropout=dropout, spectral_norm=spectral_norm, name="discriminator",
    )
    return generator, discriminator
