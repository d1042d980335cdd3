"""`SuperResolutionGAN`: low-resolution images in, `scale` times larger ones out.

A `kgan.GAN` trained as ESRGAN is (Wang et al. 2018, arXiv:1809.00219), in
two phases that follow the model's own epoch count:

1. epochs `1 .. psnr_epochs`: the generator alone learns to minimise the L1
   distance to the high-resolution image (the PSNR-oriented model;
   `psnr_step`);
2. later epochs: the GAN game, `GAN.train_step` unchanged, with the
   generator's loss `l1_weight * L1 + adversarial_weight * relativistic
   average loss` (+ `perceptual_weight * VGG19 feature distance` when a
   local VGG19 weights file is named) and the relativistic-average
   discriminator loss (`kgan.losses.relativistic_average_*`).

It overrides GAN's hooks: `unpack_data` splits a batch `(lr, hr)` into the
real HR images and the LR condition, `generator_inputs` is the LR batch,
`generator_loss` adds the L1 (and perceptual) terms. The PSNR-phase
generator is kept (`psnr_generator`) when the GAN phase begins.
"""

import os

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from kgan import losses as losses_lib
from kgan.models import GAN
from kgan.models import step as step_lib
from kgan.validation import check_int, check_non_negative

__all__ = ["PhaseSchedule", "SuperResolutionGAN", "vgg19_features"]


def vgg19_features(weights, channels):
    """A VGG19 feature extractor (`block5_conv4`) for images in [-1, 1], from a local
    weights file (`keras.applications.VGG19(weights=path, include_top=False)`).

    Raises:
        ValueError: `weights` is not an existing file.
    """
    if not os.path.isfile(weights):
        raise ValueError(
            f"`perceptual_weights`: no such file {weights!r}; give a local "
            "VGG19 weights file without the top (vgg19_weights_tf_dim_ordering_tf_kernels_notop"
            ".h5); kgan never downloads it.")
    vgg = keras.applications.VGG19(weights=weights, include_top=False,
                                   input_shape=(None, None, 3))
    features = keras.Model(vgg.input, vgg.get_layer("block5_conv4").output)
    features.trainable = False

    def extract(images):
        images = ops.cast(images, "float32")
        if channels == 1:
            images = ops.repeat(images, 3, axis=-1)
        return features(keras.applications.vgg19.preprocess_input((images + 1.0) * 127.5),
                        training=False)

    return extract


class _Untracked:
    """Holds an object Keras must not save with the model (the VGG19 weights)."""

    def __init__(self, value):
        self.value = value


@keras.saving.register_keras_serializable(package="kgan")
class SuperResolutionGAN(GAN):
    """A super-resolution GAN trained with `fit` on batches `(lr, hr)`.

    The generator maps LR images `[b, h, w, C]` in [-1, 1] to SR images
    `[b, h * scale, w * scale, C]` (fully convolutional: any `h`, `w`); the
    discriminator maps HR images to one logit each. `generate(lr)` and
    `call(lr)` use `sampling_generator` (the EMA generator with
    `ema_decay`). `fit` adds a `PhaseSchedule` callback, which sets the
    phase at the start of every epoch from the model's epoch count (a
    variable saved with the model and in `kgan train`'s backup, so a
    resumed run trains in the right phase).

    Args:
        generator: Keras model, LR -> SR images.
        discriminator: Keras model, HR images -> logits.
        scale: the upscaling factor; read from the generator when `None`.
        hr_size: side of the HR training crops.
        psnr_epochs: epochs of L1-only training before the GAN phase.
        l1_weight: weight of the L1 term in the GAN phase.
        adversarial_weight: weight of the relativistic-average term.
        perceptual_weights: a local VGG19 (no top) weights file for the
            perceptual term; `""` turns it off.
        perceptual_weight: weight of the perceptual term (mean absolute
            difference of VGG19 `block5_conv4` features).
        latent_dim: the generator's input channels (there is no noise); set
            from the generator when `None`.
        **kwargs: `ema_decay`, `ema_warmup`, `seed`, `r1_weight`, ... as for
            `kgan.GAN`.

    Example:

    ```python
    generator, discriminator = kgan.networks.get("srresnet", image_shape=(32, 32, 3), scale=4)
    gan = kgan.tasks.super_resolution.SuperResolutionGAN(
        generator, discriminator, hr_size=32, psnr_epochs=2, ema_decay=0.999)
    gan.compile()  # relativistic-average loss, Adam(1e-4, beta_1=0.9)
    data = kgan.datasets.load_super_resolution(scale=4, hr_size=32, batch_size=16, steps=50)
    gan.fit(data, epochs=4)  # epochs 1-2 L1 only, 3-4 the GAN game
    sr = gan.generate(lr_images)  # numpy, 4x larger, in [-1, 1]
    ```
    """

    def __init__(self, generator, discriminator, scale=None, hr_size=32, psnr_epochs=1,
                 l1_weight=1.0, adversarial_weight=5e-3, perceptual_weights="",
                 perceptual_weight=1.0, latent_dim=None, **kwargs):
        # Needed by `_check_networks` and `example_generator_inputs`, which `GAN.__init__` calls.
        self.scale = check_int(scale if scale is not None else getattr(generator, "scale", None),
                               "scale", minimum=2)
        self.hr_size = check_int(hr_size, "hr_size")
        if self.hr_size % self.scale:
            raise ValueError(f"`hr_size`={hr_size} must be a multiple of `scale`={self.scale}.")
        self.channels = _input_channels(generator)
        self.psnr_epochs = check_int(psnr_epochs, "psnr_epochs", minimum=0)
        self.l1_weight = check_non_negative(l1_weight, "l1_weight")
        self.adversarial_weight = check_non_negative(adversarial_weight, "adversarial_weight")
        self.perceptual_weight = check_non_negative(perceptual_weight, "perceptual_weight")
        if not isinstance(perceptual_weights, str):
            raise ValueError(f"`perceptual_weights` must be a path or ''; got "
                             f"{perceptual_weights!r}.")
        self.perceptual_weights = perceptual_weights
        self._perceptual = _Untracked(
            vgg19_features(perceptual_weights, self.channels) if perceptual_weights else None)
        super().__init__(generator, discriminator, latent_dim=self.channels, **kwargs)
        self.psnr_generator = self._copy_generator()
        self.epochs_trained = self.add_weight(shape=(), initializer="zeros", dtype="int32",
                                              trainable=False, name="epochs_trained")
        self.psnr_frozen = self.add_weight(shape=(), initializer="zeros", dtype="int32",
                                           trainable=False, name="psnr_frozen")
        self.l1_tracker = keras.metrics.Mean(name="l1")
        self._adversarial_phase = None  # the phase `train_step` was traced for

    def _copy_generator(self):
        copy = keras.saving.deserialize_keras_object(
            keras.saving.serialize_keras_object(self.generator))
        if len(copy.weights) != len(self.generator.weights):
            copy(self.example_generator_inputs(1), training=False)
        for target, weight in zip(copy.weights, self.generator.weights):
            target.assign(weight)
        copy.trainable = False
        return copy

    def example_generator_inputs(self, batch_size):
        """LR zeros `[batch_size, hr_size / scale, hr_size / scale, C]`."""
        side = self.hr_size // self.scale
        return ops.zeros((batch_size, side, side, self.channels))

    def _check_networks(self):
        sample_shape = super()._check_networks()
        expected = (self.hr_size, self.hr_size, self.channels)
        if sample_shape != expected:
            raise ValueError(
                f"`generator` must upscale by `scale`={self.scale}: LR crops of "
                f"{self.hr_size // self.scale} px became {sample_shape}, not {expected}.")
        return sample_shape

    # ------------------------------------------------------------ compile

    def compile(self, g_optimizer=None, d_optimizer=None, loss="relativistic_average",
                **kwargs):
        """As `GAN.compile`, with ESRGAN's defaults.

        Args:
            g_optimizer: default Adam(1e-4, beta_1=0.9).
            d_optimizer: default Adam(1e-4, beta_1=0.9).
            loss: `"relativistic_average"` (`kgan.losses.relativistic_average_*`),
                `"relativistic"` or any `GAN.compile` loss.
            **kwargs: as `GAN.compile`.
        """
        g_optimizer = g_optimizer or keras.optimizers.Adam(1e-4, beta_1=0.9)
        d_optimizer = d_optimizer or keras.optimizers.Adam(1e-4, beta_1=0.9)
        pair, name = losses_lib.relativistic_pair(loss)
        super().compile(g_optimizer=g_optimizer, d_optimizer=d_optimizer, loss=pair, **kwargs)
        self.adversarial_loss = name

    @property
    def metrics(self):
        return [*super().metrics, self.l1_tracker]

    # -------------------------------------------------------------- hooks

    def unpack_data(self, data):
        """`(lr, hr)` -> `(hr, lr)`: the real images and the condition."""
        if isinstance(data, (tuple, list)) and len(data) == 1 \
                and isinstance(data[0], (tuple, list)):
            data = data[0]
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise ValueError("`x`: a SuperResolutionGAN trains on batches (lr, hr) "
                             "(kgan.datasets.load_super_resolution).")
        lr, hr = data
        return hr, lr

    def generator_inputs(self, real, condition, batch_size):
        return condition

    def call_generator(self, inputs, condition, training=False):
        return self.generator(inputs, training=training)

    def reconstruction_loss(self, hr, sr):
        """L1 between the SR output and the HR image; updates the `l1` metric."""
        loss = losses_lib.l1_loss(hr, sr)
        self.l1_tracker.update_state(loss)
        return loss

    def generator_loss(self, step):
        l1 = self.reconstruction_loss(step.real, step.fake)
        real = self.adversarial_logits(step.real_output)
        fake = self.adversarial_logits(step.fake_output)
        adversarial = (self.generator_loss_fn(real, fake)
                       if losses_lib.is_relativistic(self.generator_loss_fn)
                       else self.generator_loss_fn(fake))
        loss = self.l1_weight * l1 + self.adversarial_weight * adversarial
        extract = self._perceptual.value
        if extract is not None and self.perceptual_weight:
            loss += self.perceptual_weight * ops.mean(
                ops.abs(extract(step.real) - extract(step.fake)))
        if self.generator.losses:
            loss += sum(self.generator.losses)
        return loss

    # ----------------------------------------------------------- the phases

    def adversarial_phase(self, epoch=None):
        """Whether epoch `epoch` (1-based; default the next one) is a GAN-phase epoch."""
        if epoch is None:
            with tf.init_scope():
                epoch = int(ops.convert_to_numpy(self.epochs_trained)) + 1
        return epoch > self.psnr_epochs

    def begin_epoch(self):
        """Sets the phase of the next epoch; at the first GAN epoch, keeps the PSNR model.

        A train function traced for the other phase is traced again.
        """
        adversarial = self.adversarial_phase()
        if adversarial and not int(ops.convert_to_numpy(self.psnr_frozen)):
            for target, weight in zip(self.psnr_generator.weights,
                                      self.sampling_generator.weights):
                target.assign(weight)
            self.psnr_frozen.assign(1)
        if self._adversarial_phase is not None and self._adversarial_phase != adversarial:
            self.make_train_function(force=True)

    def end_epoch(self):
        self.epochs_trained.assign_add(1)

    @property
    def psnr_model(self):
        """The PSNR-phase generator: kept when the GAN phase began, else the sampling one."""
        if int(ops.convert_to_numpy(self.psnr_frozen)):
            return self.psnr_generator
        return self.sampling_generator

    def train_step(self, data):
        self._adversarial_phase = self.adversarial_phase()
        if self._adversarial_phase:
            return super().train_step(data)
        return self.psnr_step(data)

    def psnr_step(self, data):
        hr, lr = self.unpack_data(data)

        # 1. The generator upsamples the LR batch; the discriminator sits out.
        with tf.GradientTape() as tape:
            sr = self.call_generator(lr, lr, training=True)

            # 2. Its loss is the mean absolute difference to the HR batch:
            #    a supervised, PSNR-oriented start (ESRGAN trains its
            #    generator this way before the game, so the GAN phase
            #    begins from sharp-edged but smooth images).
            loss = self.reconstruction_loss(hr, sr)
            if self.generator.losses:
                loss += sum(self.generator.losses)
            scaled = step_lib.scale_loss(loss, self.g_optimizer)

        # 3. Only the generator steps; its EMA follows.
        step_lib.apply_gradients(tape, scaled, self.g_optimizer, self.generator)
        if self.ema_generator is not None:
            self.update_ema()

        # 4. Report the same metrics as the GAN phase (the discriminator's stay 0).
        self.g_loss_tracker.update_state(loss)
        return step_lib.report_metrics(self.metrics)

    def fit(self, x=None, *args, callbacks=None, **kwargs):
        """`GAN.fit` on a dataset of `(lr, hr)`, with the `PhaseSchedule` callback first."""
        callbacks = list(callbacks or [])
        if not any(isinstance(c, PhaseSchedule) for c in callbacks):
            callbacks.insert(0, PhaseSchedule())
        return super().fit(x, *args, callbacks=callbacks, **kwargs)

    # --------------------------------------------------------------- data

    def check_data(self, x):
        """Raises `ValueError` unless `x` is a dataset of `(lr, hr)` fit for this model."""
        if isinstance(x, tf.data.Dataset):
            spec = x.element_spec
            if not isinstance(spec, (tuple, list)) or len(spec) != 2:
                raise ValueError("`x`: a SuperResolutionGAN trains on a dataset of (lr, hr) "
                                 f"batches; the dataset yields {spec}.")
            lr_shape = tuple(spec[0].shape[1:])
            side = self.hr_size // self.scale
            if lr_shape not in ((side, side, self.channels), (None, None, self.channels)):
                raise ValueError(
                    f"`x`: LR crops must be (batch, {side}, {side}, {self.channels}) for HR "
                    f"crops of {self.hr_size} px at scale {self.scale}; got {lr_shape}.")
            self._check_shape_dtype(spec[1].shape, spec[1].dtype, batched=True)
            first = next(iter(x.take(1)), None)
            if first is None:
                raise ValueError("`x`: the dataset is empty.")
            self._check_values(np.asarray(first[1]))
            self._check_values(np.asarray(first[0]))
        else:
            super().check_data(x)

    # ----------------------------------------------------------- sampling

    def call(self, lr, training=False):
        return self.sampling_generator(lr, training=training)

    def generate(self, lr, batch_size=16, psnr=False):
        """Upscales LR images `[n, h, w, C]` (or one `[h, w, C]`) in [-1, 1].

        Args:
            lr: the LR images.
            batch_size: images per generator call.
            psnr: use the PSNR-phase generator (`psnr_model`).

        Returns:
            NumPy float32 `[n, h * scale, w * scale, C]` (or one image), in
            about [-1, 1] (not clipped).
        """
        lr = np.asarray(lr, dtype="float32")
        single = lr.ndim == 3
        batch = lr[None] if single else lr
        if batch.ndim != 4 or batch.shape[-1] != self.channels or len(batch) == 0:
            raise ValueError(f"`lr` must be images (n, h, w, {self.channels}); got shape "
                             f"{lr.shape}.")
        batch_size = check_int(batch_size, "batch_size")
        generator = self.psnr_model if psnr else self.sampling_generator
        out = np.concatenate([
            ops.convert_to_numpy(generator(batch[i:i + batch_size], training=False))
            for i in range(0, len(batch), batch_size)])
        return out[0] if single else out

    # ------------------------------------------------------ serialization

    def get_config(self):
        config = super().get_config()
        config.update({
            "scale": self.scale,
            "hr_size": self.hr_size,
            "psnr_epochs": self.psnr_epochs,
            "l1_weight": self.l1_weight,
            "adversarial_weight": self.adversarial_weight,
            "perceptual_weights": self.perceptual_weights,
            "perceptual_weight": self.perceptual_weight,
        })
        return config


def _input_channels(generator):
    try:
        channels = generator.inputs[0].shape[-1]
    except (AttributeError, IndexError, TypeError, ValueError):
        channels = getattr(generator, "channels", None)
    if channels is None:
        raise ValueError("`generator` must take images (batch, h, w, channels) with a known "
                         "number of channels.")
    return int(channels)


class PhaseSchedule(keras.callbacks.Callback):
    """Sets a `SuperResolutionGAN`'s phase at the start of each epoch and counts epochs.

    `SuperResolutionGAN.fit` adds it first among the callbacks, so the
    epoch count is already advanced when later callbacks (a backup) save
    the model at the end of an epoch.

    Example:

    ```python
    gan.fit(data, epochs=4, callbacks=[PhaseSchedule()])  # as fit adds it anyway
    ```
    """

    def on_epoch_begin(self, epoch, logs=None):
        self.model.begin_epoch()

    def on_epoch_end(self, epoch, logs=None):
        self.model.end_epoch()
