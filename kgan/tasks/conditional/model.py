"""`kgan.ConditionalGAN`: ask for a class, get it.

A `kgan.GAN` whose generator and discriminator also see a class label. It
overrides only the hooks of `GAN` (the training step is `GAN.train_step`):

- `unpack_data` splits a batch into `(images, labels)`;
- `call_generator` / `call_discriminator` pass the labels as one-hot vectors;
- `adversarial_logits` picks the real/fake logit out of an auxiliary-
  classifier (AC-GAN) discriminator's `(logits, class_logits)`;
- `discriminator_loss` / `generator_loss` add the AC-GAN class loss;
- `generate` and `call` take labels, and sample with `sampling_generator`
  (the EMA generator when `ema_decay` is set) like every kgan model.

Fakes are generated for the labels of the real batch they are compared
with, so every step sees the classes in the proportions of the data and the
discriminator judges real and fake examples of the same classes.
"""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from kgan import losses as losses_lib
from kgan.models import GAN
from kgan.validation import check_int, check_non_negative, is_int

# A dataset's labels are read in full before training, up to this many.
LABEL_SCAN_LIMIT = 100_000


def _shape_text(shape):
    return "(" + ", ".join("batch" if d is None else str(d) for d in shape) + ")"


@keras.saving.register_keras_serializable(package="kgan")
class ConditionalGAN(GAN):
    """A class-conditional GAN trained with `fit` on `(images, labels)`.

    The generator takes `[z, labels]` with `z` `[batch, latent_dim]` and
    `labels` one-hot `[batch, num_classes]`. The discriminator takes
    `[images, labels]` (input concatenation, projection) or `images` alone
    (AC-GAN); it returns logits `[batch, 1]`, or `[logits, class_logits]`
    with `class_logits` `[batch, num_classes]` for an auxiliary classifier,
    whose cross-entropy (`kgan.losses.class_loss`, weighted by
    `class_loss_weight`) is added to the discriminator's loss on real and
    fake examples and to the generator's loss on fake ones. Which kind of
    discriminator it is, is read from the network (its inputs and outputs).

    Data: a `tf.data.Dataset` of `(images, labels)` (e.g.
    `kgan.datasets.load(..., labels=True)`), or arrays as `fit(images,
    labels)`. Labels are integers in `[0, num_classes)`. Before training,
    `fit` checks them (integer type, range, one label per image, and that
    the data has exactly `num_classes` classes); a dataset's labels are read
    in full for this, up to `LABEL_SCAN_LIMIT` examples. Fakes are generated
    for the real batch's labels.

    Args:
        generator: Keras model, `[z, one-hot labels]` -> samples.
        discriminator: Keras model, `[samples, one-hot labels]` or `samples`
            -> logits or `[logits, class_logits]`.
        num_classes: number of classes (>= 2).
        latent_dim: size of the noise; inferred from the generator's first
            input when `None`.
        class_loss_weight: weight of the auxiliary class loss (AC-GAN only).
        **kwargs: `d_steps`, `gp_weight`, `r1_weight`, `seed`, `ema_decay`,
            `ema_warmup`, `augment` as for `kgan.GAN`.

    Example:

    ```python
    data = kgan.datasets.load("digits", batch_size=64, labels=True)
    generator, discriminator = kgan.networks.get(
        "cgan", image_shape=(8, 8, 1), latent_dim=32, num_classes=10, conditioning="projection")
    gan = kgan.ConditionalGAN(generator, discriminator, num_classes=10)
    gan.compile()
    gan.fit(data, epochs=60)
    sevens = gan.generate([7] * 16, seed=0)  # numpy [16, 8, 8, 1]
    ```
    """

    def __init__(self, generator, discriminator, num_classes, latent_dim=None,
                 class_loss_weight=1.0, d_steps=1, gp_weight=0.0, r1_weight=0.0, seed=None,
                 **kwargs):
        # Needed by `_check_networks`, which `GAN.__init__` calls.
        self.num_classes = check_int(num_classes, "num_classes", minimum=2)
        self.class_loss_weight = check_non_negative(class_loss_weight, "class_loss_weight")
        super().__init__(generator, discriminator, latent_dim=latent_dim, d_steps=d_steps,
                         gp_weight=gp_weight, r1_weight=r1_weight, seed=seed, **kwargs)

    def example_generator_inputs(self, batch_size):
        """`[z, one-hot labels]` of zeros and classes 0, 1, ... for a batch of `batch_size`."""
        labels = ops.arange(batch_size) % self.num_classes
        return [ops.zeros((batch_size, self.latent_dim)), ops.one_hot(labels, self.num_classes)]

    def _check_networks(self):
        """Runs both networks on a tiny batch; learns the discriminator's kind."""
        z, labels = self.example_generator_inputs(2)
        try:
            samples = self.generator([z, labels], training=False)
        except Exception as error:  # a shape mismatch surfaces as many error types
            raise ValueError(
                f"`generator` must take [z (batch, {self.latent_dim}), one-hot labels "
                f"(batch, {self.num_classes})] (`latent_dim`, `num_classes`); calling it "
                f"failed with: {error}"
            ) from None
        sample_shape = tuple(int(d) for d in samples.shape[1:])

        self.discriminator_takes_labels = self._takes_two_inputs(self.discriminator)
        try:
            output = self._discriminate(samples, labels, training=False)
        except Exception as error:
            raise ValueError(
                f"`discriminator` cannot take the generator's output of shape "
                f"{_shape_text((None,) + sample_shape)}"
                f"{' with one-hot labels' if self.discriminator_takes_labels else ''}: {error}"
            ) from None
        self.auxiliary_classifier = isinstance(output, (tuple, list))
        if self.auxiliary_classifier:
            if len(output) != 2 or tuple(output[1].shape) != (2, self.num_classes):
                raise ValueError(
                    "`discriminator` with several outputs must return [logits (batch, 1), "
                    f"class_logits (batch, {self.num_classes})] (`num_classes`); got shapes "
                    f"{[_shape_text((None,) + tuple(o.shape[1:])) for o in output]}."
                )
            logits = output[0]
        else:
            logits = output
        if tuple(logits.shape) not in ((2,), (2, 1)):
            raise ValueError(
                "`discriminator` must return one logit per example, shape (batch,) or "
                f"(batch, 1); got shape {_shape_text((None,) + tuple(logits.shape[1:]))}."
            )
        if not self.discriminator_takes_labels and not self.auxiliary_classifier:
            raise ValueError(
                "`discriminator` sees neither the labels (a second input) nor classifies "
                "(a second output, class logits): it is not conditional."
            )
        return sample_shape

    @staticmethod
    def _takes_two_inputs(model):
        try:
            inputs = model.inputs
        except (AttributeError, ValueError):
            inputs = None
        return isinstance(inputs, (list, tuple)) and len(inputs) == 2

    # --------------------------------------------------------------- hooks

    def _class_vectors(self, labels):
        """Integer labels `[batch]` -> one-hot; class weights `[batch, K]` pass."""
        labels = ops.convert_to_tensor(labels)
        if len(labels.shape) == 2 and keras.backend.is_float_dtype(labels.dtype):
            return labels
        return ops.one_hot(ops.cast(ops.reshape(labels, (-1,)), "int32"), self.num_classes)

    def _discriminate(self, samples, class_vectors, training):
        if self.discriminator_takes_labels:
            return self.discriminator([samples, class_vectors], training=training)
        return self.discriminator(samples, training=training)

    def unpack_data(self, data):
        """`(images, labels)` -> `(images, int32 labels [batch])`."""
        if isinstance(data, (tuple, list)) and len(data) == 1 \
                and isinstance(data[0], (tuple, list)):
            data = data[0]  # fit(x=(images, labels)) arrives as ((images, labels),)
        if not isinstance(data, (tuple, list)) or len(data) < 2:
            raise ValueError(
                "`x`: a ConditionalGAN trains on (images, labels); got batches without labels."
            )
        images, labels = data[0], data[1]
        return images, ops.cast(ops.reshape(labels, (-1,)), "int32")

    def call_generator(self, z, labels, training=False):
        return self.generator([z, self._class_vectors(labels)], training=training)

    def _sample(self, z, labels, training=False):
        return self.sampling_generator([z, self._class_vectors(labels)], training=training)

    def call_discriminator(self, samples, labels, training=False):
        return self._discriminate(samples, self._class_vectors(labels), training)

    def adversarial_logits(self, output):
        return output[0] if self.auxiliary_classifier else output

    def discriminator_loss(self, step):
        loss, penalty = super().discriminator_loss(step)
        if self.auxiliary_classifier and self.class_loss_weight:
            # AC-GAN: the discriminator learns to classify real and fake examples.
            loss += self.class_loss_weight * (
                losses_lib.class_loss(step.condition, step.real_output[1])
                + losses_lib.class_loss(step.condition, step.fake_output[1])
            )
        return loss, penalty

    def generator_loss(self, step):
        loss = super().generator_loss(step)
        if self.auxiliary_classifier and self.class_loss_weight:
            # ... and the generator wants its fakes classified as asked.
            loss += self.class_loss_weight * losses_lib.class_loss(
                step.condition, step.fake_output[1])
        return loss

    # --------------------------------------------------------- data checks

    def fit(self, x=None, y=None, *args, **kwargs):
        """`GAN.fit` on a dataset of `(images, labels)`, or on arrays `fit(images, labels)`."""
        if y is not None:
            # One structure, checked and unpacked like a dataset's batches.
            x, y = (x, y), None
        return super().fit(x, y, *args, **kwargs)

    def check_data(self, x):
        """Raises `ValueError` if `x` is not `(images, labels)` fit for this model."""
        no_labels = (
            "`x`: a ConditionalGAN needs labels: a dataset of (images, labels) "
            "(kgan.datasets.load(..., labels=True)) or fit(images, labels)"
        )
        if isinstance(x, tf.data.Dataset):
            spec = x.element_spec
            if not isinstance(spec, (tuple, list)) or len(spec) < 2:
                raise ValueError(f"{no_labels}; the dataset yields {spec}.")
            self._check_label_spec(spec[1].shape, spec[1].dtype)
            super().check_data(x)
            self._check_labels(self._scan_labels(x), complete=None)
        elif isinstance(x, (np.ndarray, tf.Tensor)):
            raise ValueError(f"{no_labels}; got images only.")
        elif isinstance(x, (tuple, list)) and len(x) == 1 and isinstance(x[0], (tuple, list)):
            self.check_data(x[0])
        elif isinstance(x, (tuple, list)) and x and isinstance(x[0], (np.ndarray, tf.Tensor)):
            if len(x) < 2 or x[1] is None:
                raise ValueError(f"{no_labels}; got images only.")
            labels = np.asarray(x[1])
            if not np.issubdtype(labels.dtype, np.number):
                raise ValueError(
                    f"`y`: labels must be integers (non-integer labels); got dtype {labels.dtype}."
                )
            self._check_label_spec(labels.shape, tf.as_dtype(labels.dtype))
            super().check_data(x)
            num_images = len(x[0])
            if labels.shape[0] != num_images:
                raise ValueError(
                    f"`y`: one label per image is needed; got {labels.shape[0]} labels for "
                    f"{num_images} images (missing labels)."
                )
            self._check_labels(labels.reshape(-1), complete=True)
        else:
            super().check_data(x)

    def _check_label_spec(self, shape, dtype):
        shape = tf.TensorShape(shape)
        if not dtype.is_integer:
            raise ValueError(
                f"`y`: labels must be integers in [0, {self.num_classes}); got dtype "
                f"{dtype.name} (non-integer labels; cast with .astype('int32'))."
            )
        if shape.rank not in (1, 2) or (shape.rank == 2 and shape[1] not in (None, 1)):
            raise ValueError(
                "`y`: labels must have shape (batch,), one integer per image; got shape "
                f"{_shape_text(shape.as_list())}."
            )

    def _scan_labels(self, dataset):
        """Reads up to `LABEL_SCAN_LIMIT` labels; returns `(labels, complete)`."""
        seen, parts = 0, []
        for batch in dataset.map(lambda *element: element[1]):
            labels = np.asarray(batch).reshape(-1)
            parts.append(labels)
            seen += labels.size
            if seen >= LABEL_SCAN_LIMIT:
                return np.concatenate(parts), False
        return (np.concatenate(parts) if parts else np.zeros(0, np.int64)), True

    def _check_labels(self, labels, complete):
        if complete is None:
            labels, complete = labels
        if labels.size == 0:
            raise ValueError("`y`: no labels found (missing labels).")
        low, high = int(labels.min()), int(labels.max())
        if low < 0:
            raise ValueError(
                f"`y`: labels must be in [0, {self.num_classes}); found a negative label {low}."
            )
        if high >= self.num_classes:
            raise ValueError(
                f"`y`: labels must be in [0, {self.num_classes}) (`num_classes`="
                f"{self.num_classes}); found label {high}. The data has at least {high + 1} "
                "classes: set num_classes to match."
            )
        if complete and high + 1 != self.num_classes:
            raise ValueError(
                f"`num_classes`={self.num_classes} disagrees with the data, whose labels go "
                f"from {low} to {high} ({high + 1} classes)."
            )

    # ------------------------------------------------------------ sampling

    def call(self, inputs, training=False):
        z, labels = inputs
        return self._sample(z, labels, training=training)

    def check_labels(self, labels):
        """Returns `labels` as int32 `[n]`, or float32 class weights `[n, num_classes]`.

        Raises:
            ValueError: labels that are not integers, out of range, or class
                weights of the wrong width.
        """
        array = np.asarray(labels)
        if array.ndim == 2:
            if array.shape[1] != self.num_classes or array.shape[0] < 1 \
                    or not np.issubdtype(array.dtype, np.number) \
                    or not np.all(np.isfinite(array)):
                raise ValueError(
                    f"`labels` as class weights must be finite numbers of shape (n, "
                    f"{self.num_classes}); got shape {array.shape}."
                )
            return array.astype("float32")
        if array.ndim != 1 or array.size < 1:
            raise ValueError(
                f"`labels` must be integers of shape (n,) with n >= 1; got shape {array.shape}."
            )
        if not np.issubdtype(array.dtype, np.integer):
            raise ValueError(f"`labels` must be integers; got dtype {array.dtype}.")
        if array.min() < 0 or array.max() >= self.num_classes:
            raise ValueError(
                f"`labels` must be in [0, {self.num_classes}); got values in "
                f"[{array.min()}, {array.max()}]."
            )
        return array.astype("int32")

    def generate(self, n_or_labels, seed=None, batch_size=256, z=None):
        """Generates samples of the requested classes as a NumPy array.

        Uses the EMA generator when the GAN has `ema_decay`.

        Args:
            n_or_labels: a number `n` of samples (labels `0, 1, ...,
                num_classes - 1, 0, 1, ...`), integer labels `[n]`, or class
                weights `[n, num_classes]` (one-hot rows, or mixtures to blend
                classes).
            seed: int seed of the noise when `z` is not given.
            batch_size: samples per generator call.
            z: optional noise `[n, latent_dim]`.

        Returns:
            `np.ndarray` `[n, *sample_shape]`, in the generator's range.
        """
        if is_int(n_or_labels):
            n = check_int(n_or_labels, "n")
            labels = np.arange(n, dtype="int32") % self.num_classes
        else:
            labels = self.check_labels(n_or_labels)
        if labels.ndim == 1:
            labels = np.eye(self.num_classes, dtype="float32")[labels]
        n = len(labels)
        if z is None:
            z = ops.convert_to_numpy(keras.random.normal((n, self.latent_dim), seed=seed))
        else:
            z = np.asarray(z, dtype="float32")
            if z.shape != (n, self.latent_dim):
                raise ValueError(
                    f"`z` must have shape ({n}, {self.latent_dim}), one row per label; "
                    f"got {z.shape}."
                )
        batch_size = check_int(batch_size, "batch_size")
        chunks = [
            ops.convert_to_numpy(self._sample(
                ops.convert_to_tensor(z[i:i + batch_size]),
                ops.convert_to_tensor(labels[i:i + batch_size])))
            for i in range(0, n, batch_size)
        ]
        return np.concatenate(chunks)

    # ------------------------------------------------------- serialization

    def get_config(self):
        config = super().get_config()
        config.update({
            "num_classes": self.num_classes,
            "class_loss_weight": self.class_loss_weight,
        })
        return config
