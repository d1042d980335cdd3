"""CycleGAN's networks: a ResNet-block generator and a PatchGAN discriminator.

The generator (Johnson et al. 2016, arXiv:1603.08155, as CycleGAN uses it,
Zhu et al. 2017, arXiv:1703.10593) maps images to images of the same size:
a 7x7 convolution, `downsamplings` stride-2 convolutions, `blocks` residual
blocks, as many upsamplings, and a 7x7 convolution to the image's channels
with `tanh`. Every convolution pads by reflection (`ReflectionPadding2D`),
so image borders carry no zero frame, and every normalization is instance
normalization: `keras.layers.GroupNormalization(groups=-1)`, one group per
channel, statistics of each image alone in training and at inference (no
moving averages, so a model behaves the same in both modes and no batch
statistic leaks between images). Upsampling is nearest-neighbour resizing
followed by a convolution (Odena et al. 2016, "Deconvolution and
Checkerboard Artifacts"), not a transposed convolution, so outputs have no
checkerboard pattern.

Any height and width of at least `2**downsamplings + 1` pixels works: the
generator reflects the image out to the next multiple of
`2**downsamplings` (`PadToMultiple`), translates that, and crops the result
back to the input's size (`CropToMatch`).

The discriminator is the unconditional PatchGAN (Isola et al. 2017,
arXiv:1611.07004): 4x4 convolutions, `stages` of them strided, with leaky
ReLU and instance normalization, ending in one logit per overlapping patch
(`[b, h, w, 1]`); it sees only an image, never a source.
"""

import keras
import numpy as np
from keras import layers, ops

from kgan.networks.network import KeepsDTypePolicy
from kgan.networks.registry import register
from kgan.validation import check_int

__all__ = ["CropToMatch", "PadToMultiple", "PatchDiscriminator", "ReflectionPadding2D",
           "ResnetGenerator", "minimum_size"]

# An instance normalization's epsilon, as CycleGAN's.
EPSILON = 1e-5


def _check_channels(channels):
    if isinstance(channels, bool) or not isinstance(channels, (int, np.integer)) \
            or int(channels) not in (1, 3):
        raise ValueError(f"`channels` must be 1 or 3; got {channels!r}.")
    return int(channels)


def minimum_size(downsamplings):
    """The smallest height or width a `ResnetGenerator` with `downsamplings` takes."""
    return 2 ** downsamplings + 1


def instance_norm(name):
    """Instance normalization from Keras' own layers: one group per channel."""
    return layers.GroupNormalization(groups=-1, epsilon=EPSILON, name=name)


@keras.saving.register_keras_serializable(package="kgan")
class ReflectionPadding2D(layers.Layer):
    """Pads height and width by reflection (the border pixel is not repeated).

    `keras.ops.pad(..., mode="reflect")` as a layer; each padding must be
    smaller than the side it pads.

    Args:
        padding: pixels added on each side, one int for all four sides.

    Example:

    ```python
    x = kgan.networks.ReflectionPadding2D(3)(keras.ops.zeros((1, 8, 9, 3)))  # (1, 14, 15, 3)
    ```
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = check_int(padding, "padding", minimum=0)

    def call(self, inputs):
        p = self.padding
        return ops.pad(inputs, [[0, 0], [p, p], [p, p], [0, 0]], mode="reflect")

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        p = 2 * self.padding
        return (b, None if h is None else h + p, None if w is None else w + p, c)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding}


@keras.saving.register_keras_serializable(package="kgan")
class PadToMultiple(layers.Layer):
    """Reflects images out at the bottom and right to a multiple of `multiple` pixels.

    `CropToMatch` takes the result back to the original size.

    Args:
        multiple: the height and width become multiples of this.

    Example:

    ```python
    x = kgan.networks.PadToMultiple(4)(keras.ops.zeros((1, 9, 12, 3)))  # (1, 12, 12, 3)
    ```
    """

    def __init__(self, multiple=4, **kwargs):
        super().__init__(**kwargs)
        self.multiple = check_int(multiple, "multiple")

    def call(self, inputs):
        shape = ops.shape(inputs)
        pad_h = (-shape[1]) % self.multiple
        pad_w = (-shape[2]) % self.multiple
        return ops.pad(inputs, [[0, 0], [0, pad_h], [0, pad_w], [0, 0]], mode="reflect")

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        m = self.multiple
        return (b, None if h is None else -(-h // m) * m, None if w is None else -(-w // m) * m,
                c)

    def get_config(self):
        return {**super().get_config(), "multiple": self.multiple}


@keras.saving.register_keras_serializable(package="kgan")
class CropToMatch(layers.Layer):
    """`[images, reference]` -> `images` cropped to `reference`'s height and width (top left).

    Example:

    ```python
    padded, original = keras.ops.zeros((1, 12, 12, 3)), keras.ops.zeros((1, 9, 10, 3))
    x = kgan.networks.CropToMatch()([padded, original])  # (1, 9, 10, 3)
    ```
    """

    def call(self, inputs):
        images, reference = inputs
        shape = ops.shape(reference)
        return images[:, :shape[1], :shape[2], :]

    def compute_output_shape(self, input_shape):
        images, reference = input_shape
        return (images[0], reference[1], reference[2], images[3])


@keras.saving.register_keras_serializable(package="kgan")
class ResnetGenerator(KeepsDTypePolicy, keras.Model):
    """ResNet-block generator: images `[b, h, w, C]` -> images `[b, h, w, C]`, both in [-1, 1].

    Reflection padding throughout, instance normalization
    (`GroupNormalization(groups=-1)`), resize-convolution upsampling and a
    `tanh` output. Fully convolutional: any `h`, `w` of at least
    `2**downsamplings + 1` (sizes that are not multiples of
    `2**downsamplings` are reflected out and cropped back).

    Args:
        channels: image channels, 1 or 3 (input and output).
        filters: width of the first convolution; each downsampling doubles it.
        blocks: residual blocks at the lowest resolution (CycleGAN: 6 for
            128 px, 9 for 256 px).
        downsamplings: stride-2 convolutions (and as many upsamplings).

    Example:

    ```python
    generator = kgan.networks.ResnetGenerator(channels=3, filters=8, blocks=2)
    generator(keras.ops.zeros((1, 30, 45, 3))).shape  # (1, 30, 45, 3)
    ```
    """

    def __init__(self, channels=3, filters=64, blocks=9, downsamplings=2, **kwargs):
        channels = _check_channels(channels)
        check_int(filters, "filters")
        check_int(blocks, "blocks", minimum=0)
        check_int(downsamplings, "downsamplings", minimum=0)

        images = keras.Input((None, None, channels), name="images")
        x = PadToMultiple(2 ** downsamplings, name="pad_to_multiple")(images)
        x = ReflectionPadding2D(3, name="stem_pad")(x)
        x = layers.Conv2D(filters, 7, name="stem_conv")(x)
        x = layers.ReLU(name="stem_relu")(instance_norm("stem_norm")(x))
        width = filters
        for i in range(downsamplings):
            width *= 2
            x = ReflectionPadding2D(1, name=f"down{i}_pad")(x)
            x = layers.Conv2D(width, 3, strides=2, name=f"down{i}_conv")(x)
            x = layers.ReLU(name=f"down{i}_relu")(instance_norm(f"down{i}_norm")(x))
        for i in range(blocks):
            branch = ReflectionPadding2D(1, name=f"block{i}_pad1")(x)
            branch = layers.Conv2D(width, 3, name=f"block{i}_conv1")(branch)
            branch = layers.ReLU(name=f"block{i}_relu")(instance_norm(f"block{i}_norm1")(branch))
            branch = ReflectionPadding2D(1, name=f"block{i}_pad2")(branch)
            branch = layers.Conv2D(width, 3, name=f"block{i}_conv2")(branch)
            branch = instance_norm(f"block{i}_norm2")(branch)
            x = layers.Add(name=f"block{i}_add")([x, branch])
        for i in range(downsamplings):
            width //= 2
            # Resize then convolve: no checkerboard, unlike a transposed convolution.
            x = layers.UpSampling2D(2, interpolation="nearest", name=f"up{i}_resize")(x)
            x = ReflectionPadding2D(1, name=f"up{i}_pad")(x)
            x = layers.Conv2D(width, 3, name=f"up{i}_conv")(x)
            x = layers.ReLU(name=f"up{i}_relu")(instance_norm(f"up{i}_norm")(x))
        x = ReflectionPadding2D(3, name="out_pad")(x)
        x = layers.Conv2D(channels, 7, name="out_conv")(x)
        x = CropToMatch(name="crop")([x, images])
        # Images stay float32 even under a mixed-precision policy.
        outputs = layers.Activation("tanh", dtype="float32", name="translated")(x)
        super().__init__(inputs=images, outputs=outputs, **kwargs)

        self.channels = channels
        self.filters = filters
        self.blocks = blocks
        self.downsamplings = downsamplings

    @property
    def min_side(self):
        """The smallest height or width the generator takes."""
        return minimum_size(self.downsamplings)

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype_policy": self.dtype_policy.name,
            "channels": self.channels,
            "filters": self.filters,
            "blocks": self.blocks,
            "downsamplings": self.downsamplings,
        }


@keras.saving.register_keras_serializable(package="kgan")
class PatchDiscriminator(KeepsDTypePolicy, keras.Model):
    """Unconditional PatchGAN: images `[b, H, W, C]` -> patch logits `[b, h, w, 1]`.

    A 4x4 stride-2 convolution with leaky ReLU, `stages - 1` more stride-2
    convolutions with instance normalization (doubling the width up to
    `8 * filters`), one stride-1 convolution and a 4x4 convolution to one
    logit per patch (zero padding 1, as pix2pix). With `stages=3` a logit
    sees a 70x70 patch. Images of at least `3 * 2**stages` pixels a side
    work.

    Args:
        channels: image channels, 1 or 3.
        filters: width of the first convolution.
        stages: stride-2 convolutions.

    Example:

    ```python
    discriminator = kgan.networks.PatchDiscriminator(channels=3, filters=8, stages=2)
    discriminator(keras.ops.zeros((2, 32, 32, 3))).shape  # (2, 6, 6, 1)
    ```
    """

    def __init__(self, channels=3, filters=64, stages=3, **kwargs):
        channels = _check_channels(channels)
        check_int(filters, "filters")
        check_int(stages, "stages")

        images = keras.Input((None, None, channels), name="images")
        x = images
        for i in range(stages + 1):
            width = filters * 2 ** min(i, 3)
            x = layers.ZeroPadding2D(1, name=f"stage{i}_pad")(x)
            x = layers.Conv2D(width, 4, strides=2 if i < stages else 1, name=f"stage{i}_conv")(x)
            if i:
                x = instance_norm(f"stage{i}_norm")(x)
            x = layers.LeakyReLU(0.2, name=f"stage{i}_relu")(x)
        x = layers.ZeroPadding2D(1, name="logits_pad")(x)
        logits = layers.Conv2D(1, 4, dtype="float32", name="logits")(x)
        super().__init__(inputs=images, outputs=logits, **kwargs)

        self.channels = channels
        self.filters = filters
        self.stages = stages

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype_policy": self.dtype_policy.name,
            "channels": self.channels,
            "filters": self.filters,
            "stages": self.stages,
        }


def discriminator_stages(side, stages=3):
    """`stages`, or fewer so that images of `side` pixels keep patches of 2x2 or more."""
    return max(1, min(stages, int(np.log2(side)) - 2))


@register("resnet_generator")
def resnet_generator(image_shape, latent_dim=None, filters=64, blocks=9, downsamplings=2,
                     d_filters=None, stages=3, prefix=""):
    """CycleGAN's pair for images of `image_shape` `(height, width, channels)`.

    `latent_dim` is ignored (the generator's input is an image). The
    discriminator is a `PatchDiscriminator` with `d_filters` (default
    `filters`) and at most `stages` strided convolutions, fewer for small
    images. `prefix` starts the networks' names (`"inverse_"` for
    CycleGAN's B -> A pair).
    """
    side, channels = min(int(image_shape[0]), int(image_shape[1])), int(image_shape[-1])
    if side < minimum_size(downsamplings):
        raise ValueError(
            f"`image_size` {side} is too small for the ResNet generator with {downsamplings} "
            f"downsamplings; it takes images of at least {minimum_size(downsamplings)} px.")
    generator = ResnetGenerator(channels=channels, filters=filters, blocks=blocks,
                                downsamplings=downsamplings, name=f"{prefix}generator")
    discriminator = PatchDiscriminator(channels=channels, filters=d_filters or filters,
                                       stages=discriminator_stages(side, stages),
                                       name=f"{prefix}discriminator")
    return generator, discriminator
