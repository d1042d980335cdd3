"""Class-conditional DCGAN networks: three ways of telling the networks the class.

Registered as `"cgan"`; its `conditioning` hyper-parameter picks the method:

- `"concat"` (Mirza & Osindero 2014, arXiv:1411.1784): the generator
  concatenates a learned label embedding to the noise; the discriminator
  gets a learned `side x side` label map as an extra input channel.
- `"projection"` (Miyato & Koyama 2018, arXiv:1802.05637): the generator uses
  class-conditional batch normalization (a per-class scale and shift after
  every batch norm); the discriminator adds the inner product of a class
  embedding with its features to its unconditional logit,
  `D(x, y) = w . phi(x) + b + e_y . phi(x)`.
- `"acgan"` (Odena et al. 2017, arXiv:1610.09585): the generator is the
  `"concat"` one; the discriminator sees only the image and has a second
  head that classifies it (`ConditionalGAN` adds the class loss).

Both networks take the class as a *one-hot* (or any class-weight) vector
`[batch, num_classes]` rather than an index: a dense layer without bias on a
one-hot vector is an embedding lookup, and mixing two one-hot vectors moves
the embedding linearly from one class to the other (class interpolation).
`kgan.ConditionalGAN` turns integer labels into one-hot vectors.

The image sizes are those of the DCGAN networks (`kgan.networks.dcgan`):
8, 16, 28, 32, 64, 128, ...

Example:

```python
generator, discriminator = kgan.networks.get(
    "cgan", image_shape=(8, 8, 1), latent_dim=32, num_classes=10, conditioning="projection"
)
images = generator([keras.random.normal((4, 32)), keras.ops.one_hot([0, 1, 2, 3], 10)])
logits = discriminator([images, keras.ops.one_hot([0, 1, 2, 3], 10)])  # (4, 1)
```
"""

import keras
from keras import layers

from kgan.networks.dcgan import check_image_shape, upsampling_plan
from kgan.validation import check_int
from kgan.networks.layers import FusedBatchNormalization
from kgan.networks.network import KeepsDTypePolicy
from kgan.networks.registry import register

CONDITIONING = ("concat", "projection", "acgan")


def check_conditioning(conditioning):
    if conditioning not in CONDITIONING:
        raise ValueError(
            f"`conditioning` must be one of {', '.join(map(repr, CONDITIONING))}; "
            f"got {conditioning!r}."
        )
    return conditioning


def _check_num_classes(num_classes):
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
        raise ValueError(
            f"`num_classes` must be an integer >= 2 (the number of labels); got {num_classes!r}."
        )


def _conditional_batch_norm(x, labels, name):
    """Batch norm whose scale and shift are looked up per class."""
    channels = x.shape[-1]
    x = FusedBatchNormalization(center=False, scale=False, name=f"{name}_bn")(x)
    # Start as a plain batch norm: scale 1, shift 0 for every class.
    gamma = layers.Dense(channels, use_bias=False, kernel_initializer="ones",
                         name=f"{name}_class_scale")(labels)
    beta = layers.Dense(channels, use_bias=False, kernel_initializer="zeros",
                        name=f"{name}_class_shift")(labels)
    gamma = layers.Reshape((1, 1, channels))(gamma)
    beta = layers.Reshape((1, 1, channels))(beta)
    return layers.Add()([layers.Multiply()([x, gamma]), beta])


@keras.saving.register_keras_serializable(package="kgan")
class ConditionalDCGANGenerator(KeepsDTypePolicy, keras.Model):
    """DCGAN generator conditioned on a class: `[z, labels]` -> images in [-1, 1].

    Args:
        image_shape: `(side, side, channels)` of the output images.
        latent_dim: size of the noise vector `z`.
        num_classes: number of classes; `labels` is `[batch, num_classes]`
            (one-hot, or class weights to blend classes).
        conditioning: `"concat"` or `"acgan"` (label embedding concatenated
            to `z`), or `"projection"` (class-conditional batch norm).
        filters: channels of the last upsampling block; doubled per block
            towards the input.
        kernel_size: kernel size of the transposed convolutions.
        embedding_dim: size of the label embedding for `"concat"`/`"acgan"`;
            `None` uses `latent_dim`.

    Example:

    ```python
    generator = kgan.networks.ConditionalDCGANGenerator((8, 8, 1), latent_dim=16, num_classes=10)
    images = generator([keras.random.normal((2, 16)), keras.ops.one_hot([3, 7], 10)])  # (2, 8, 8, 1)
    ```
    """

    def __init__(self, image_shape=(28, 28, 1), latent_dim=128, num_classes=10,
                 conditioning="concat", filters=64, kernel_size=4, embedding_dim=None, **kwargs):
        image_shape = check_image_shape(image_shape)
        check_int(latent_dim, "latent_dim")
        _check_num_classes(num_classes)
        check_conditioning(conditioning)
        check_int(filters, "filters")
        check_int(kernel_size, "kernel_size")
        if embedding_dim is not None:
            check_int(embedding_dim, "embedding_dim")
        base, steps = upsampling_plan(image_shape[0])
        class_norm = conditioning == "projection"

        z = keras.Input((latent_dim,), name="z")
        labels = keras.Input((num_classes,), name="labels")
        if class_norm:
            x = z
        else:
            embedding = layers.Dense(embedding_dim or latent_dim, use_bias=False,
                                     name="label_embedding")(labels)
            x = layers.Concatenate(name="z_and_label")([z, embedding])
        width = filters * 2**steps
        x = layers.Dense(base * base * width, use_bias=False, name="project")(x)
        x = layers.Reshape((base, base, width))(x)

        def normalize(x, name):
            if class_norm:
                return _conditional_batch_norm(x, labels, name)
            return FusedBatchNormalization(name=f"{name}_bn")(x)

        x = layers.ReLU()(normalize(x, "project"))
        for i in range(steps):
            width //= 2
            x = layers.Conv2DTranspose(
                width, kernel_size, strides=2, padding="same", use_bias=False, name=f"up{i}"
            )(x)
            x = layers.ReLU()(normalize(x, f"up{i}"))
        x = layers.Conv2D(image_shape[2], 3, padding="same", name="to_image")(x)
        images = layers.Activation("tanh", dtype="float32", name="images")(x)
        super().__init__(inputs=[z, labels], outputs=images, **kwargs)

        self.image_shape = image_shape
        self.latent_dim = latent_dim
        self.num_classes = num_classes
        self.conditioning = conditioning
        self.filters = filters
        self.kernel_size = kernel_size
        self.embedding_dim = embedding_dim

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype_policy": self.dtype_policy.name,
            "image_shape": list(self.image_shape),
            "latent_dim": self.latent_dim,
            "num_classes": self.num_classes,
            "conditioning": self.conditioning,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "embedding_dim": self.embedding_dim,
        }


@keras.saving.register_keras_serializable(package="kgan")
class ConditionalDCGANDiscriminator(KeepsDTypePolicy, keras.Model):
    """DCGAN discriminator conditioned on a class.

    - `"concat"`: inputs `[images, labels]`, output logits `[batch, 1]`; a
      learned label map is stacked onto the image channels.
    - `"projection"`: inputs `[images, labels]`, output logits `[batch, 1]`
      = unconditional logit + class embedding . image features.
    - `"acgan"`: input `images` only, outputs `[logits [batch, 1],
      class_logits [batch, num_classes]]`.

    `labels` is `[batch, num_classes]` (one-hot).

    Args:
        image_shape: `(side, side, channels)` of the input images.
        num_classes: number of classes.
        conditioning: `"concat"`, `"projection"` or `"acgan"`.
        filters: channels of the first convolution; each later one doubles it.
        kernel_size: kernel size of the strided convolutions.
        dropout: dropout rate after each block (0 disables it).

    Example:

    ```python
    discriminator = kgan.networks.ConditionalDCGANDiscriminator(
        (8, 8, 1), num_classes=10, conditioning="acgan")
    logits, class_logits = discriminator(keras.random.normal((2, 8, 8, 1)))  # (2, 1), (2, 10)
    ```
    """

    def __init__(self, image_shape=(28, 28, 1), num_classes=10, conditioning="concat",
                 filters=64, kernel_size=4, dropout=0.0, **kwargs):
        image_shape = check_image_shape(image_shape)
        _check_num_classes(num_classes)
        check_conditioning(conditioning)
        check_int(filters, "filters")
        check_int(kernel_size, "kernel_size")
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"`dropout` must be in [0, 1); got {dropout!r}.")
        side = image_shape[0]
        _, steps = upsampling_plan(side)

        images = keras.Input(image_shape, name="images")
        labels = keras.Input((num_classes,), name="labels")
        x = images
        if conditioning == "concat":
            label_map = layers.Dense(side * side, use_bias=False, name="label_map")(labels)
            label_map = layers.Reshape((side, side, 1))(label_map)
            x = layers.Concatenate(name="image_and_label")([images, label_map])
        for i in range(steps):
            x = layers.Conv2D(
                filters * 2**i, kernel_size, strides=2, padding="same", name=f"down{i}"
            )(x)
            x = layers.LeakyReLU(0.2)(x)
            if dropout:
                x = layers.Dropout(dropout)(x)
        x = layers.Conv2D(filters * 2**steps, 3, padding="same", name="base")(x)
        x = layers.LeakyReLU(0.2)(x)
        features = layers.Flatten()(x)
        logits = layers.Dense(1, dtype="float32", name="logits")(features)

        if conditioning == "acgan":
            class_logits = layers.Dense(num_classes, dtype="float32",
                                        name="class_logits")(features)
            super().__init__(inputs=images, outputs=[logits, class_logits], **kwargs)
        else:
            if conditioning == "projection":
                embedding = layers.Dense(features.shape[-1], use_bias=False,
                                         name="class_embedding")(labels)
                projection = layers.Dot(axes=1, name="projection")([embedding, features])
                logits = layers.Add(dtype="float32", name="logits_plus_projection")(
                    [logits, projection]
                )
            super().__init__(inputs=[images, labels], outputs=logits, **kwargs)

        self.image_shape = image_shape
        self.num_classes = num_classes
        self.conditioning = conditioning
        self.filters = filters
        self.kernel_size = kernel_size
        self.dropout = dropout

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype_policy": self.dtype_policy.name,
            "image_shape": list(self.image_shape),
            "num_classes": self.num_classes,
            "conditioning": self.conditioning,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "dropout": self.dropout,
        }


@register("cgan")
def cgan(image_shape, latent_dim=128, num_classes=None, conditioning="projection", filters=64,
         kernel_size=4, dropout=0.0, embedding_dim=None):
    """The class-conditional DCGAN pair; `conditioning` picks the method.

    `num_classes` is required. `filters` sets both networks' widths.
    """
    if num_classes is None:
        raise ValueError("`num_classes` is required for the 'cgan' networks (the number of labels).")
    check_conditioning(conditioning)
    generator = ConditionalDCGANGenerator(
        image_shape=image_shape, latent_dim=latent_dim, num_classes=num_classes,
        conditioning=conditioning, filters=filters, kernel_size=kernel_size,
        embedding_dim=embedding_dim, name="generator",
    )
    discriminator = ConditionalDCGANDiscriminator(
        image_shape=image_shape, num_classes=num_classes, conditioning=conditioning,
        filters=filters, kernel_size=kernel_size, dropout=dropout, name="discriminator",
    )
    return generator, discriminator
