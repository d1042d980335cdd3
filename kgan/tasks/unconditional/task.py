"""The unconditional image task: `kgan.GAN` on images, noise in, images out."""

import os

import keras
import numpy as np
import tensorflow as tf

from kgan import callbacks, export, images, networks, precision
from kgan.models import GAN, infer_latent_dim
from kgan.tasks.images import ImageTask, random_images, to_uint8_graph
from kgan.tasks.unconditional.recipes import (
    DCGAN_DIGITS, DCGAN_MNIST, DCGAN_MNIST5K, UnconditionalRecipe,
)
from kgan.validation import check_int

__all__ = ["UnconditionalTask"]


class UnconditionalTask(ImageTask):
    """Images from noise: `kgan.GAN` with any registered network pair.

    Its run directory holds a fixed-noise grid per epoch
    (`samples/epoch_0001.png` ...) and `training.gif`. The export serves
    `z -> images uint8` (`serving_default`) and `n, seed -> images`
    (`generate`). It is the default task: it also trains any registered
    network pair that no other task's recipe names.

    Example:

    ```python
    task = kgan.tasks.get("unconditional")
    gan = task.build("dcgan-mnist", image_shape=(28, 28, 1))
    gan.fit(kgan.datasets.load("../shared/data/mnist", batch_size=8, image_size=28), epochs=10)
    ```
    """

    name = "unconditional"
    description = "images from noise (kgan.GAN)"
    model_class = GAN
    recipe_class = UnconditionalRecipe
    recipes = (DCGAN_MNIST5K, DCGAN_DIGITS, DCGAN_MNIST)

    def build(self, recipe=None, *, image_shape, seed=None, **overrides):
        """A compiled `kgan.GAN` built as `kgan train` builds it.

        Args:
            recipe: a recipe name (default `"dcgan-mnist5k"`) or an
                `UnconditionalRecipe`.
            image_shape: `(height, width, channels)` of the images.
            seed: seed of the training noise (`None`: Keras' global seed).
                `precision="auto"` measures both policies on random images first
                (`kgan.precision.choose`).
            **overrides: recipe fields to change, e.g. `filters=64`.
        """
        recipe = self.recipe(recipe, **overrides)
        recipe = self.resolve_auto_precision(
            recipe, lambda: random_images((recipe.batch_size, *image_shape)),
            lambda r: self.build(r, image_shape=image_shape, seed=seed))
        options = {"spectral_norm": True} if recipe.spectral_norm else {}
        with precision.scope(recipe.precision):
            generator, discriminator = networks.get(
                recipe.model, image_shape=tuple(image_shape), latent_dim=recipe.latent_dim,
                filters=recipe.filters, **options)
        gan = GAN(generator, discriminator, latent_dim=recipe.latent_dim, seed=seed,
                  ema_decay=recipe.ema_decay or None, augment=recipe.augment or None,
                  r1_weight=recipe.r1_weight, r1_every=recipe.r1_every)
        gan.compile(**self.compile_arguments(recipe))
        return gan

    def build_for_data(self, recipe, data, seed):
        return self.build(recipe, image_shape=data.sample_shape, seed=seed)

    def callbacks(self, model, recipe, out, seed):
        grid = callbacks.SampleGrid(
            os.path.join(out, "samples"), num_samples=recipe.num_samples,
            seed=0 if seed is None else seed, scale=self.grid_scale(model.sample_shape))
        return [grid]

    def sample_plan(self, model, n, info):
        return {}, lambda start, z: model.generate(z)

    # ---------------------------------------------------------------- export

    def export(self, model, path, overwrite=False, *, latent_dim=None):
        """Writes the generator as a SavedModel that serves uint8 images.

        Signatures: `serving_default` takes `z`, float32 `[batch,
        latent_dim]`, and returns `images`, uint8 `[batch, H, W, C]`;
        `generate` takes `n` and `seed` (int32 scalars), draws `z ~ N(0, 1)`
        with a stateless RNG (the same seed, the same images) and returns
        the same `images`. The generator runs in inference mode and its
        [-1, 1] output is mapped to uint8 in the graph like
        `kgan.images.to_uint8`.

        Args:
            model: a `kgan.GAN` (its `sampling_generator` and `latent_dim`),
                or a bare Keras generator of noise `[batch, latent_dim]` ->
                images `[batch, H, W, C]` in [-1, 1].
            path: the SavedModel directory (see `kgan.export.write_archive`
                for `overwrite`).
            latent_dim: the noise size of a bare generator whose input does
                not tell it; for a `kgan.GAN` it must match.
        """
        generator, latent_dim = _resolve_generator(model, latent_dim)
        export.check_path(path)
        export.check_overwrite(overwrite)
        _check_images(generator, latent_dim)
        archive = export.noise_archive(generator, latent_dim, _images)
        return export.write_archive(archive, path, overwrite=overwrite)

    def serving(self, model, *, latent_dim=None):
        """`z`, float32 `[batch, latent_dim]` -> `images`, uint8 `[batch, H, W, C]`: the
        export's `serving_default` (arguments as in `export`)."""
        generator, latent_dim = _resolve_generator(model, latent_dim)
        _check_images(generator, latent_dim)
        return export.noise_serving(generator, latent_dim, _images)

    def export_summary(self, model):
        return "serving_default: z -> images uint8"

    def serving_example(self, model, n=4, seed=0):
        z = np.random.default_rng(seed).standard_normal((n, model.latent_dim)).astype("float32")
        return {"z": z}, {"images": images.to_uint8(model.generate(z))}

    def explore_app(self, run_dir, info):
        from kgan.tasks.unconditional import explore

        return explore.explore_app(run_dir, info)


def _images(generated):
    return {"images": to_uint8_graph(generated)}


def _resolve_generator(model, latent_dim):
    """`(generator, latent_dim)` for a GAN or a bare generator."""
    if latent_dim is not None:
        latent_dim = check_int(latent_dim, "latent_dim")
    if isinstance(model, GAN):
        if latent_dim is not None and latent_dim != model.latent_dim:
            raise ValueError(
                f"`latent_dim`={latent_dim} differs from the GAN's latent_dim={model.latent_dim}; "
                "leave it out when exporting a kgan.GAN."
            )
        return model.sampling_generator, int(model.latent_dim)
    if not isinstance(model, keras.layers.Layer):
        raise ValueError(
            f"`gan` must be a kgan.GAN or a Keras generator model; got {type(model).__name__}."
        )
    if latent_dim is None:
        latent_dim = infer_latent_dim(model) if len(getattr(model, "inputs", None) or ()) < 2 \
            else None
    if latent_dim is None:
        raise ValueError(
            "`gan`: the latent size could not be inferred from the generator "
            f"{getattr(model, 'name', '')!r}: it needs a single input of shape "
            "(batch, latent_dim). Pass `latent_dim=` explicitly."
        )
    return model, latent_dim


def _check_images(generator, latent_dim):
    """Raises `ValueError` unless the generator maps noise to float images `(batch, H, W, C)`."""
    try:
        output = generator(tf.zeros((1, latent_dim)), training=False)
    except Exception as error:  # a shape mismatch surfaces as many error types
        raise ValueError(
            f"`gan`: calling the generator on noise of shape (batch, {latent_dim}) failed: {error}"
        ) from None
    shape, dtype = getattr(output, "shape", None), getattr(output, "dtype", None)
    if (shape is None or len(shape) != 4 or any(d is None for d in shape[1:])
            or not tf.as_dtype(dtype).is_floating):
        raise ValueError(
            "`gan`: the generator must return float images of shape (batch, H, W, C); "
            f"got {type(output).__name__} of shape {shape} and dtype {dtype}."
        )
