"""Trains a tiny GAN under a tf.distribute strategy; run by tests/test_distribute.py.

Usage: python distributed_training.py {one,mirrored,multiworker,mirrored_nan} OUT.npz [EMA_DECAY]

`one` and `mirrored` (two logical CPUs) train the same model on the same
global batches; `multiworker` reads TF_CONFIG. The final weights go to OUT.npz.
`mirrored_nan` poisons a discriminator weight in the middle of epoch 2 under
the mirrored strategy, with kgan.callbacks.NaNGuard; OUT.npz also holds the
guard's message and whether the weights ended finite.
"""

import sys

import tensorflow as tf

mode, out = sys.argv[1], sys.argv[2]
if mode in ("mirrored", "mirrored_nan"):
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

import keras  # noqa: E402
import numpy as np  # noqa: E402

import kgan  # noqa: E402


class SameNoiseGAN(kgan.GAN):
    """Every example gets the same noise, so replicas and one device agree."""

    def sample_noise(self, batch_size):
        return keras.ops.full((batch_size, self.latent_dim), 0.3)


def build():
    keras.utils.set_random_seed(0)
    generator = keras.Sequential([keras.Input((3,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(16, activation="tanh"),
                                  keras.layers.Reshape((4, 4, 1))])
    discriminator = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Flatten(),
                                      keras.layers.Dense(8, activation="relu"),
                                      keras.layers.Dense(1)])
    ema_decay = float(sys.argv[3]) if len(sys.argv) > 3 else None
    gan = SameNoiseGAN(generator, discriminator, r1_weight=1.0, ema_decay=ema_decay)
    # SGD, unlike Adam, shows a wrongly scaled gradient.
    gan.compile(g_optimizer=keras.optimizers.SGD(0.1), d_optimizer=keras.optimizers.SGD(0.1))
    return gan


strategy = {
    "one": tf.distribute.get_strategy,
    "mirrored": lambda: tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"]),
    "mirrored_nan": lambda: tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"]),
    "multiworker": tf.distribute.MultiWorkerMirroredStrategy,
}[mode]()
with strategy.scope():
    gan = build()
images = np.random.default_rng(0).uniform(-1, 1, (32, 4, 4, 1)).astype("float32")
data = tf.data.Dataset.from_tensor_slices(images).batch(8)
extra, fit_callbacks = {}, []


class PlantNaN(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if (self.epoch, batch) == (1, 1):
            kernel = self.model.discriminator.trainable_weights[0]
            kernel.assign(np.full(kernel.shape, np.nan, "float32"))


if mode == "mirrored_nan":
    guard = kgan.callbacks.NaNGuard()
    fit_callbacks = [guard, PlantNaN()]
history = gan.fit(data, epochs=2 if mode != "mirrored_nan" else 4, verbose=0,
                  callbacks=fit_callbacks)
if mode == "mirrored_nan":
    extra = {"message": np.array(guard.message or ""),
             "finite": np.array(kgan.saving.all_finite(gan.variables))}
np.savez(out, *[keras.ops.convert_to_numpy(v) for v in gan.weights],
         d_loss=np.array(history.history["d_loss"]),
         replicas=np.array(strategy.num_replicas_in_sync), **extra)
