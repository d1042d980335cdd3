"""Layers kgan's builders use where Keras' own is slower on the same maths."""

import keras
import tensorflow as tf
from keras import ops


@keras.saving.register_keras_serializable(package="kgan")
class FusedBatchNormalization(keras.layers.BatchNormalization):
    """`keras.layers.BatchNormalization` that trains with TensorFlow's fused kernel.

    Keras 3 normalizes with separate mean, variance and scale ops; for 4-D
    channels-last inputs in training mode this layer calls
    `tf.compat.v1.nn.fused_batch_norm` instead, which is the same
    computation (batch mean, biased batch variance, moving averages updated
    with `momentum`) in one kernel and its gradient in another. On a 2-core
    CPU the default 28 px DCGAN step runs 1.14x as fast with it
    (`benchmarks/throughput.py`, "Keras BN" row).
    Every other case (other ranks or axes, masks, renorm, synchronized
    statistics, inference) is Keras' own code. Takes the same arguments.

    Example:

    ```python
    x = kgan.networks.FusedBatchNormalization()(keras.random.normal((8, 7, 7, 16)), training=True)
    ```
    """

    def _fused(self, inputs, training, mask):
        return (
            training and self.trainable and mask is None
            and not self.renorm and not self.synchronized
            and len(inputs.shape) == 4 and self.axis in (-1, 3)
        )

    def call(self, inputs, training=None, mask=None):
        if not self._fused(inputs, training, mask):
            return super().call(inputs, training=training, mask=mask)
        # Statistics in float32 even under a mixed-precision policy, as Keras does.
        x = ops.cast(inputs, "float32")
        channels = x.shape[-1]
        gamma = self.gamma if self.scale else ops.ones((channels,), "float32")
        beta = self.beta if self.center else ops.zeros((channels,), "float32")
        outputs, mean, variance = tf.compat.v1.nn.fused_batch_norm(
            x, ops.cast(gamma, "float32"), ops.cast(beta, "float32"),
            epsilon=self.epsilon, is_training=True,
        )
        # The kernel returns the unbiased (Bessel-corrected) variance; Keras
        # averages the biased one.
        count = ops.cast(ops.prod(ops.shape(x)[:-1]), "float32")
        variance = variance * ops.maximum(count - 1.0, 0.0) / count
        self.moving_mean.assign(
            self.moving_mean * self.momentum + mean * (1.0 - self.momentum)
        )
        self.moving_variance.assign(
            self.moving_variance * self.momentum + variance * (1.0 - self.momentum)
        )
        return ops.cast(outputs, self.compute_dtype)
