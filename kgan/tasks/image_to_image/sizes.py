"""Image sizes a generator takes: the multiple of its sides, the smallest side, and padding
to them (NumPy and in a graph)."""

import math

import tensorflow as tf

__all__ = ["generator_multiple", "minimum_side", "pad_amounts", "padded_call"]


def generator_multiple(generator):
    """The multiple image sides must be for `generator` (its `multiple`, else 1)."""
    return int(getattr(generator, "multiple", 1))


def minimum_side(generator):
    """The smallest image side translated: padding by reflection (`SYMMETRIC`) to the next
    multiple needs at least half of it (`generator.min_side` where the generator says)."""
    half = max(1, math.ceil(generator_multiple(generator) / 2))
    return int(getattr(generator, "min_side", half))


def pad_amounts(height, width, multiple):
    """Rows and columns added below and to the right to reach multiples of `multiple`."""
    return (multiple - height % multiple) % multiple, (multiple - width % multiple) % multiple


def padded_call(generator, source):
    """`generator(source, training=False)` in a graph for any height and width of at least
    `minimum_side(generator)`: padded by reflection to `generator.multiple`, cropped back."""
    multiple, minimum = generator_multiple(generator), minimum_side(generator)
    height, width = tf.shape(source)[1], tf.shape(source)[2]
    check = tf.debugging.assert_greater_equal(
        tf.minimum(height, width), minimum,
        message=f"images must be at least {minimum}x{minimum} pixels for this generator")
    with tf.control_dependencies([check]):
        # Non-negative operands only: ONNX converts FloorMod to a C-style remainder.
        pad_h, pad_w = pad_amounts(height, width, multiple)
        padded = tf.pad(source, [[0, 0], [0, pad_h], [0, pad_w], [0, 0]], mode="SYMMETRIC")
    return generator(padded, training=False)[:, :height, :width]
