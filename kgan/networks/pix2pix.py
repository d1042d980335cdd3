"""Image-to-image networks: a U-Net generator and a PatchGAN discriminator (pix2pix).

The generator (Isola et al. 2017, arXiv:1611.07004; Ronneberger et al.
2015, arXiv:1505.04597) halves the image `depth` times with strided
convolutions and doubles it back, each decoder stage concatenated with the
encoder stage of the same size (the skip connections carry the edges and
positions the output must keep). Choices that differ from the pix2pix
paper, each against a complaint users have of its implementations:

- Instance normalization (`GroupNormalization(groups=-1)`) instead of
  batch normalization: an image is normalized by its own statistics, in
  training and in inference alike, so outputs do not change between
  `training=True` and `training=False` or with the batch.
- Dropout is the generator's only noise, as in pix2pix, but only in
  training (Keras' `Dropout`): `training=False` (sampling, export, `kgan
  translate`) is deterministic.
- The decoder upsamples by nearest-neighbour resizing and a 3x3
  convolution rather than a transposed convolution, which leaves no
  checkerboard pattern (Odena et al. 2016, doi:10.23915/distill.00003).
- Fully convolutional: any height and width that are multiples of
  `2**depth` (`multiple`); kgan's serving pads other sizes and crops back.

The discriminator judges `(source, image)` pairs concatenated on the
channels and returns one logit per patch; its number of strided layers
grows with the image size, so its receptive field stays about a quarter of
the training image's side (16 px up to 64 px images, 34 px at 128, 70 px
at 256, pix2pix's).
"""

import math

import keras
from keras import layers

from kgan.networks.network import KeepsDTypePolicy
from kgan.networks.registry import register
from kgan.validation import check_int

__all__ = ["MAX_DEPTH", "MAX_SIDE", "MIN_SIDE", "PatchGANDiscriminator", "UNetGenerator",
           "patch_layers", "receptive_field", "unet_depth"]

# A 256 px image reaches 1 x 1 after 8 halvings, pix2pix's deepest U-Net.
MAX_DEPTH = 8
MIN_SIDE = 16
MAX_SIDE = 256


def _check_channels(channels, name):
    if check_int(channels, name) not in (1, 2, 3, 4):
        raise ValueError(f"`{name}` must be 1 to 4 (grey, RGB, with a mask); got {channels!r}.")
    return int(channels)


def _check_side(side):
    if not isinstance(side, int) or isinstance(side, bool) or not MIN_SIDE <= side <= MAX_SIDE:
        raise ValueError(f"`image_shape`/`image_size`: the pix2pix networks take square images "
                         f"of {MIN_SIDE} to {MAX_SIDE} pixels a side; got {side!r}.")
    return side


def unet_depth(side):
    """Halvings of the U-Net for training images of `side` px: as many as divide `side`
    (the bottleneck stays whole), at most `MAX_DEPTH`. 16 -> 4, 32 -> 5, 48 -> 4, 256 -> 8."""
    side = _check_side(side)
    depth = 0
    while depth < MAX_DEPTH and side % 2 ** (depth + 1) == 0:
        depth += 1
    return depth


def patch_layers(side):
    """Strided layers of the PatchGAN for `side` px images: 1 up to 64 px, 2 at 128, 3 at 256."""
    side = _check_side(side)
    return max(1, min(3, int(math.log2(side)) - 5))


def receptive_field(strided):
    """Input pixels a side that one PatchGAN logit sees with `strided` 4x4 stride-2 layers
    (then two 4x4 stride-1 ones): 16, 34, 70 for 1, 2, 3."""
    field = 4 + 3  # the two stride-1 convolutions
    for _ in range(check_int(strided, "strided")):
        field = 2 * field + 2
    return field


def _width(filters, i):
    return filters * min(2 ** i, 8)


def _instance_norm(name):
    return layers.GroupNormalization(groups=-1, epsilon=1e-5, name=name)


@keras.saving.register_keras_serializable(package="kgan")
class UNetGenerator(KeepsDTypePolicy, keras.Model):
    """U-Net generator: images `[b, H, W, input_channels]` -> `[b, H, W, channels]` in [-1, 1].

    `depth` encoder stages (4x4 convolution, stride 2, instance norm except
    at the first and innermost, leaky ReLU 0.2) of `filters * min(2**i, 8)`
    channels; `depth - 1` decoder stages (nearest upsampling, 3x3
    convolution, instance norm, dropout in the first `dropout_layers`
    during training only, ReLU, concatenation with the encoder stage of the
    same size); a last upsampling and 3x3 convolution to `channels`, tanh.
    `H` and `W` must be multiples of `multiple = 2**depth`.

    Args:
        input_channels: channels of the source images (an inpainting input
            has the image's channels plus the mask's one).
        channels: channels of the output images, 1 or 3.
        filters: width of the first stage.
        depth: number of halvings (`unet_depth(side)` suits a side).
        dropout: dropout rate of the noisy decoder stages, training only.
        dropout_layers: how many decoder stages, from the innermost, drop.

    Example:

    ```python
    generator = kgan.networks.UNetGenerator(input_channels=1, channels=1, filters=8, depth=4)
    generator(keras.ops.zeros((2, 16, 48, 1))).shape  # (2, 16, 48, 1): any multiple of 16
    ```
    """

    def __init__(self, input_channels=3, channels=3, filters=64, depth=8, dropout=0.5,
                 dropout_layers=3, **kwargs):
        input_channels = _check_channels(input_channels, "input_channels")
        channels = _check_channels(channels, "channels")
        check_int(filters, "filters")
        depth = check_int(depth, "depth")
        if depth > MAX_DEPTH:
            raise ValueError(f"`depth` must be at most {MAX_DEPTH}; got {depth}.")
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"`dropout` must be in [0, 1); got {dropout!r}.")
        check_int(dropout_layers, "dropout_layers", minimum=0)

        source = keras.Input((None, None, input_channels), name="source")
        x = source
        skips = []
        for i in range(depth):
            x = layers.Conv2D(_width(filters, i), 4, strides=2, padding="same",
                              name=f"down{i}_conv")(x)
            if 0 < i < depth - 1:  # the innermost may be 1 x 1: nothing to normalize over
                x = _instance_norm(f"down{i}_norm")(x)
            x = layers.LeakyReLU(0.2, name=f"down{i}_relu")(x)
            skips.append(x)
        for n, i in enumerate(reversed(range(depth - 1))):
            x = layers.UpSampling2D(2, interpolation="nearest", name=f"up{i}_resize")(x)
            x = layers.Conv2D(_width(filters, i), 3, padding="same", name=f"up{i}_conv")(x)
            x = _instance_norm(f"up{i}_norm")(x)
            if dropout and n < dropout_layers:
                x = layers.Dropout(float(dropout), name=f"up{i}_dropout")(x)
            x = layers.ReLU(name=f"up{i}_relu")(x)
            x = layers.Concatenate(name=f"up{i}_skip")([x, skips[i]])
        x = layers.UpSampling2D(2, interpolation="nearest", name="out_resize")(x)
        x = layers.Conv2D(channels, 3, padding="same", name="out_conv")(x)
        # Images stay float32 even under a mixed-precision policy.
        image = layers.Activation("tanh", dtype="float32", name="image")(x)
        super().__init__(inputs=source, outputs=image, **kwargs)

        self.input_channels = input_channels
        self.channels = channels
        self.filters = filters
        self.depth = depth
        self.dropout = float(dropout)
        self.dropout_layers = dropout_layers

    @property
    def multiple(self):
        """Image sides must be multiples of this (and at least this)."""
        return 2 ** self.depth

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype_policy": self.dtype_policy.name,
            "input_channels": self.input_channels,
            "channels": self.channels,
            "filters": self.filters,
            "depth": self.depth,
            "dropout": self.dropout,
            "dropout_layers": self.dropout_layers,
        }


@keras.saving.register_keras_serializable(package="kgan")
class PatchGANDiscriminator(KeepsDTypePolicy, keras.Model):
    """PatchGAN: `(source, image)` pairs `[b, H, W, input_channels + channels]` -> patch logits
    `[b, H / 2**strided, W / 2**strided, 1]`.

    A 4x4 stride-2 convolution of `filters` channels, `strided - 1` more
    with instance norm (widths doubling up to `8 * filters`), a 4x4 stride-1
    one with instance norm, all with leaky ReLU 0.2, and a 4x4 stride-1
    convolution to one logit per patch. Each logit sees
    `receptive_field(strided)` input pixels a side.

    Args:
        input_channels: channels of the source images.
        channels: channels of the judged images.
        filters: width of the first convolution.
        strided: number of stride-2 convolutions (`patch_layers(side)`).

    Example:

    ```python
    discriminator = kgan.networks.PatchGANDiscriminator(1, 1, filters=8, strided=1)
    discriminator(keras.ops.zeros((2, 32, 32, 2))).shape  # (2, 16, 16, 1)
    ```
    """

    def __init__(self, input_channels=3, channels=3, filters=64, strided=3, **kwargs):
        input_channels = _check_channels(input_channels, "input_channels")
        channels = _check_channels(channels, "channels")
        check_int(filters, "filters")
        strided = check_int(strided, "strided")

        pairs = keras.Input((None, None, input_channels + channels), name="pairs")
        x = layers.Conv2D(filters, 4, strides=2, padding="same", name="down0_conv")(pairs)
        x = layers.LeakyReLU(0.2, name="down0_relu")(x)
        for i in range(1, strided + 1):
            x = layers.Conv2D(_width(filters, i), 4, strides=2 if i < strided else 1,
                              padding="same", name=f"down{i}_conv")(x)
            x = _instance_norm(f"down{i}_norm")(x)
            x = layers.LeakyReLU(0.2, name=f"down{i}_relu")(x)
        logits = layers.Conv2D(1, 4, padding="same", dtype="float32", name="logits")(x)
        super().__init__(inputs=pairs, outputs=logits, **kwargs)

        self.input_channels = input_channels
        self.channels = channels
        self.filters = filters
        self.strided = strided

    @property
    def receptive_field(self):
        """Input pixels a side that each logit sees."""
        return receptive_field(self.strided)

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype_policy": self.dtype_policy.name,
            "input_channels": self.input_channels,
            "channels": self.channels,
            "filters": self.filters,
            "strided": self.strided,
        }


@register("pix2pix")
def pix2pix(image_shape, latent_dim=None, input_channels=None, filters=64, d_filters=None,
            depth=None, strided=None, dropout=0.5):
    """The pix2pix pair for images of `image_shape` `(side, side, channels)`.

    `latent_dim` is ignored (the generator's input is the source image,
    of `input_channels`, default `channels`). `depth` and `strided` default
    to `unet_depth(side)` and `patch_layers(side)`; the discriminator has
    `d_filters` (default `filters`).
    """
    side, channels = int(image_shape[0]), int(image_shape[-1])
    if int(image_shape[1]) != side:
        raise ValueError(f"`image_shape` must be square; got {tuple(image_shape)}.")
    input_channels = channels if input_channels is None else input_channels
    generator = UNetGenerator(
        input_channels=input_channels, channels=channels, filters=filters,
        depth=unet_depth(side) if depth is None else depth, dropout=dropout, name="generator")
    discriminator = PatchGANDiscriminator(
        input_channels=input_channels, channels=channels, filters=d_filters or filters,
        strided=patch_layers(side) if strided is None else strided, name="discriminator")
    return generator, discriminator
