"""Super-resolution networks: an SRResNet/EDSR-style generator and a VGG-style discriminator.

The generator (Ledig et al. 2017, arXiv:1609.04802; without batch
normalization as in EDSR, Lim et al. 2017, arXiv:1707.02921, and with
residual scaling) is fully convolutional: it takes low-resolution images of
any height and width and returns them `scale` times larger, upsampled by
sub-pixel convolution (`PixelShuffle`, Shi et al. 2016, arXiv:1609.05158).
With `bicubic_residual` its output is added to the bicubic upsampling of its
input (`BicubicUpsample`), so an untrained network already gives the
bicubic image and learns only the detail bicubic interpolation misses.

The discriminator judges high-resolution crops: strided convolutions with
leaky ReLU (VGG-style, as ESRGAN's, without batch normalization), global
average pooling and one logit per image.
"""

import keras
import numpy as np
from keras import layers, ops

from kgan.networks.network import KeepsDTypePolicy
from kgan.networks.registry import register
from kgan.validation import check_bool, check_int, check_positive

__all__ = ["BicubicUpsample", "PixelShuffle", "SRDiscriminator", "SRResNetGenerator",
           "check_scale"]

SCALES = (2, 3, 4)


def check_scale(scale, name="scale"):
    """`scale` as an int in 2, 3, 4, or a `ValueError` naming `name`."""
    if isinstance(scale, bool) or not isinstance(scale, (int, np.integer)) \
            or int(scale) not in SCALES:
        raise ValueError(f"`{name}` must be 2, 3 or 4; got {scale!r}.")
    return int(scale)


def _check_channels(channels):
    if isinstance(channels, bool) or not isinstance(channels, (int, np.integer)) \
            or int(channels) not in (1, 3):
        raise ValueError(f"`channels` must be 1 or 3; got {channels!r}.")
    return int(channels)


@keras.saving.register_keras_serializable(package="kgan")
class PixelShuffle(layers.Layer):
    """Sub-pixel upsampling: `[b, h, w, c * s * s]` -> `[b, h * s, w * s, c]`.

    `keras.ops.depth_to_space` as a layer that saves and loads with the
    model; input channel `(i * s + j) * c + k` becomes pixel `(i, j)` of
    each `s x s` block in output channel `k`.

    Args:
        scale: the block size `s` (>= 2).

    Example:

    ```python
    x = kgan.networks.PixelShuffle(2)(keras.ops.zeros((1, 8, 8, 12)))  # (1, 16, 16, 3)
    ```
    """

    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = check_int(scale, "scale", minimum=2)

    def call(self, inputs):
        return ops.depth_to_space(inputs, self.scale, data_format="channels_last")

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        s = self.scale
        return (b, None if h is None else h * s, None if w is None else w * s, c // (s * s))

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


def _keys_weights(scale):
    """Per output phase `r`, the weights of input offsets -2..2 (Keys' cubic, a = -0.5,
    half-pixel centres: output `o = i * scale + r` samples input `i + (r + 0.5) / scale - 0.5`)."""
    def cubic(t):
        t = abs(t)
        if t <= 1:
            return 1.5 * t**3 - 2.5 * t**2 + 1
        if t < 2:
            return -0.5 * t**3 + 2.5 * t**2 - 4 * t + 2
        return 0.0

    weights = np.zeros((scale, 5))
    for r in range(scale):
        position = (r + 0.5) / scale - 0.5
        for k, offset in enumerate(range(-2, 3)):
            weights[r, k] = cubic(offset - position)
    return weights


@keras.saving.register_keras_serializable(package="kgan")
class BicubicUpsample(layers.Layer):
    """Bicubic upsampling by an integer factor, as a fixed convolution.

    Keys' cubic with a = -0.5 and half-pixel centres, computed as one 5x5
    depthwise convolution per output phase followed by `PixelShuffle`, so it has an
    XLA kernel and no trainable weights. Inside the image it gives
    `tf.image.resize(..., method="bicubic")`'s values; at the border it
    repeats the edge pixels (the resize renormalises its weights instead),
    so the outer `2 * scale` pixels differ slightly.

    Args:
        scale: the factor (>= 2).
        channels: the image channels.

    Example:

    ```python
    up = kgan.networks.BicubicUpsample(4, channels=3)
    up(keras.ops.zeros((1, 8, 8, 3))).shape  # (1, 32, 32, 3)
    ```
    """

    def __init__(self, scale, channels, **kwargs):
        super().__init__(**kwargs)
        self.scale = check_int(scale, "scale", minimum=2)
        self.channels = check_int(channels, "channels")
        weights = _keys_weights(self.scale)
        # One depthwise 5x5 kernel per output phase (ry, rx), the same for every channel.
        kernel = np.zeros((5, 5, self.channels, self.scale**2), "float32")
        for ry in range(self.scale):
            for rx in range(self.scale):
                kernel[:, :, :, ry * self.scale + rx] = np.outer(weights[ry], weights[rx])[
                    :, :, None]
        self._kernel = kernel
        self.shuffle = PixelShuffle(self.scale, dtype=self.dtype_policy)

    def call(self, inputs):
        x = inputs
        for axis in (1, 2):  # repeat the edge pixels twice, as the resize clamps at the border
            first = ops.take(x, ops.zeros((2,), "int32"), axis=axis)
            last = ops.take(x, ops.full((2,), ops.shape(x)[axis] - 1, "int32"), axis=axis)
            x = ops.concatenate([first, x, last], axis=axis)
        kernel = ops.cast(self._kernel, x.dtype)
        phases = ops.depthwise_conv(x, kernel, padding="valid")  # channel c * s * s + phase
        shape = ops.shape(phases)
        phases = ops.reshape(phases, (shape[0], shape[1], shape[2], self.channels,
                                      self.scale**2))
        phases = ops.reshape(ops.transpose(phases, (0, 1, 2, 4, 3)),
                             (shape[0], shape[1], shape[2], self.scale**2 * self.channels))
        return self.shuffle(phases)

    def compute_output_shape(self, input_shape):
        b, h, w, c = input_shape
        s = self.scale
        return (b, None if h is None else h * s, None if w is None else w * s, c)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "channels": self.channels}


def _upsampling_stages(scale):
    return [2, 2] if scale == 4 else [scale]


@keras.saving.register_keras_serializable(package="kgan")
class SRResNetGenerator(KeepsDTypePolicy, keras.Model):
    """SRResNet generator without batch norm: LR `[b, h, w, C]` -> SR `[b, h*s, w*s, C]`.

    A 3x3 convolution to `filters` channels, `blocks` residual blocks
    (conv-ReLU-conv, the branch scaled by `residual_scale`), a convolution
    and a skip from the first convolution, then sub-pixel upsampling
    (a convolution to `filters * k * k` channels and `PixelShuffle(k)`, with
    k = 2, 2 for scale 4 and k = scale otherwise), and a convolution to the
    image's channels. Fully convolutional: any `h` and `w`. Images are in
    [-1, 1] on both sides; the output is not clipped.

    Args:
        scale: 2, 3 or 4.
        channels: image channels, 1 or 3.
        filters: width of the residual blocks.
        blocks: number of residual blocks.
        residual_scale: factor of each residual branch (EDSR's 0.1 keeps
            deep stacks stable).
        bicubic_residual: add the bicubic upsampling of the input to the
            output, so the network learns only the missing detail; the last
            convolution then starts at zero, so the untrained network gives
            the bicubic image.

    Example:

    ```python
    generator = kgan.networks.SRResNetGenerator(scale=4, channels=3, filters=16, blocks=2)
    generator(keras.ops.zeros((1, 24, 40, 3))).shape  # (1, 96, 160, 3)
    ```
    """

    def __init__(self, scale=4, channels=3, filters=64, blocks=16, residual_scale=0.1,
                 bicubic_residual=True, **kwargs):
        scale = check_scale(scale)
        channels = _check_channels(channels)
        check_int(filters, "filters")
        check_int(blocks, "blocks", minimum=0)
        residual_scale = check_positive(residual_scale, "residual_scale")
        check_bool(bicubic_residual, "bicubic_residual")

        lr = keras.Input((None, None, channels), name="lr")
        head = layers.Conv2D(filters, 3, padding="same", name="head")(lr)
        x = head
        for i in range(blocks):
            branch = layers.Conv2D(filters, 3, padding="same", activation="relu",
                                   name=f"block{i}_conv1")(x)
            branch = layers.Conv2D(filters, 3, padding="same", name=f"block{i}_conv2")(branch)
            branch = layers.Rescaling(residual_scale, name=f"block{i}_scale")(branch)
            x = layers.Add(name=f"block{i}_add")([x, branch])
        x = layers.Conv2D(filters, 3, padding="same", name="body_end")(x)
        x = layers.Add(name="global_skip")([head, x])
        for i, factor in enumerate(_upsampling_stages(scale)):
            x = layers.Conv2D(filters * factor * factor, 3, padding="same", name=f"up{i}_conv")(x)
            x = PixelShuffle(factor, name=f"up{i}_shuffle")(x)
            x = layers.ReLU(name=f"up{i}_relu")(x)
        # With the bicubic residual the last convolution starts at zero: the
        # untrained network is bicubic interpolation.
        x = layers.Conv2D(channels, 3, padding="same", name="to_image",
                          kernel_initializer="zeros" if bicubic_residual else "glorot_uniform")(x)
        if bicubic_residual:
            x = layers.Add(name="add_bicubic")(
                [x, BicubicUpsample(scale, channels, name="bicubic")(lr)])
        # Images stay float32 even under a mixed-precision policy.
        sr = layers.Activation("linear", dtype="float32", name="sr")(x)
        super().__init__(inputs=lr, outputs=sr, **kwargs)

        self.scale = scale
        self.channels = channels
        self.filters = filters
        self.blocks = blocks
        self.residual_scale = residual_scale
        self.bicubic_residual = bicubic_residual

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype_policy": self.dtype_policy.name,
            "scale": self.scale,
            "channels": self.channels,
            "filters": self.filters,
            "blocks": self.blocks,
            "residual_scale": self.residual_scale,
            "bicubic_residual": self.bicubic_residual,
        }


@keras.saving.register_keras_serializable(package="kgan")
class SRDiscriminator(KeepsDTypePolicy, keras.Model):
    """VGG-style discriminator on HR images: `[b, H, W, C]` -> logits `[b, 1]`.

    Pairs of 3x3 convolutions (the second of each pair strided by 2), each
    pair doubling the width up to `8 * filters`, with leaky ReLU and no
    batch normalization; global average pooling, a dense layer and one
    logit. `stages` pairs need images of at least `2**stages` pixels a side;
    any larger size works, so it judges whatever crop size training uses.

    Args:
        channels: image channels, 1 or 3.
        filters: width of the first stage.
        stages: number of conv pairs, each halving the size.

    Example:

    ```python
    discriminator = kgan.networks.SRDiscriminator(channels=3, filters=16)
    discriminator(keras.ops.zeros((2, 32, 32, 3))).shape  # (2, 1)
    ```
    """

    def __init__(self, channels=3, filters=64, stages=3, **kwargs):
        channels = _check_channels(channels)
        check_int(filters, "filters")
        check_int(stages, "stages")

        images = keras.Input((None, None, channels), name="images")
        x = images
        for i in range(stages):
            width = filters * 2 ** min(i, 3)
            x = layers.Conv2D(width, 3, padding="same", name=f"stage{i}_conv")(x)
            x = layers.LeakyReLU(0.2)(x)
            x = layers.Conv2D(width, 3, strides=2, padding="same", name=f"stage{i}_down")(x)
            x = layers.LeakyReLU(0.2)(x)
        x = layers.GlobalAveragePooling2D(name="pool")(x)
        x = layers.Dense(filters * 2 ** min(stages, 3), name="dense")(x)
        x = layers.LeakyReLU(0.2)(x)
        logits = layers.Dense(1, dtype="float32", name="logits")(x)
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


@register("srresnet")
def srresnet(image_shape, latent_dim=None, scale=4, filters=64, blocks=16, residual_scale=0.1,
             bicubic_residual=True, d_filters=None, stages=3):
    """The super-resolution pair for HR crops of `image_shape` `(side, side, channels)`.

    `latent_dim` is ignored (the generator's input is the LR image). The
    discriminator has `d_filters` (default `filters`) and `stages`
    strided pairs, no more than the crop's side allows.
    """
    side, channels = int(image_shape[0]), int(image_shape[-1])
    generator = SRResNetGenerator(
        scale=scale, channels=channels, filters=filters, blocks=blocks,
        residual_scale=residual_scale, bicubic_residual=bicubic_residual, name="generator")
    stages = max(1, min(stages, int(np.log2(side))))
    discriminator = SRDiscriminator(channels=channels, filters=d_filters or filters,
                                    stages=stages, name="discriminator")
    return generator, discriminator
