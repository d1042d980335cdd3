"""The class-conditional image task: `kgan.ConditionalGAN`, ask for a class, get it."""

import os

import keras
import numpy as np
import tensorflow as tf

from kgan import callbacks, datasets, export, images, networks, precision
from kgan.tasks.base import Argument
from kgan.tasks.conditional.model import ConditionalGAN
from kgan.tasks.conditional.recipes import CGAN_DIGITS, CGAN_GLYPHS, ConditionalRecipe
from kgan.tasks.images import ImageTask, random_images, to_uint8_graph
from kgan.validation import parse_positive_int

__all__ = ["ConditionalTask"]


class ConditionalTask(ImageTask):
    """Images of a requested class: `kgan.ConditionalGAN` on labelled images.

    Its run directory holds a class grid per epoch (one row per class, one
    fixed noise vector per column), `training.gif` and `interpolation.gif`
    (the class input moving between classes); `run.json` records the
    `class_names`. `kgan sample --labels 0,3,A` takes labels or class
    names. The export serves `(z, label) -> images uint8` and
    `(label, seed) -> images`.

    Example:

    ```python
    task = kgan.tasks.get("conditional")
    gan = task.build("cgan-digits", image_shape=(8, 8, 1), num_classes=10)
    gan.fit(kgan.datasets.load("digits", batch_size=64, labels=True), epochs=60)
    sevens = gan.generate([7] * 16, seed=0)
    ```
    """

    name = "conditional"
    description = "images of a requested class (kgan.ConditionalGAN)"
    model_class = ConditionalGAN
    recipe_class = ConditionalRecipe
    recipes = (CGAN_DIGITS, CGAN_GLYPHS)
    labels = True
    sample_file = ".npz, keys 'images': uint8 (N, H, W, C) and 'labels'"
    sample_arguments = (
        Argument("--labels", "comma-separated labels, e.g. 0,1,2; a token that is not an "
                             "integer is a class name from run.json, e.g. A,b (default: --n "
                             "samples cycling through the classes; the .npz then also holds "
                             "'labels')"),
        Argument("--n-per-label", "samples per label given with --labels (default: "
                                  "%(default)s)", parse_positive_int, 8),
    )

    def build(self, recipe=None, *, image_shape, num_classes, seed=None, **overrides):
        """A compiled `kgan.ConditionalGAN` built as `kgan train --model cgan` builds it.

        Args:
            recipe: a recipe name (default `"cgan-digits"`) or a
                `ConditionalRecipe`.
            image_shape: `(height, width, channels)` of the images.
            num_classes: the number of classes (labels `0 .. num_classes - 1`).
            seed: seed of the training noise.
                `precision="auto"` measures both policies on random images first.
            **overrides: recipe fields to change, e.g. `conditioning="projection"`.
        """
        recipe = self.recipe(recipe, **overrides)
        recipe = self.resolve_auto_precision(
            recipe, lambda: (random_images((recipe.batch_size, *image_shape)),
                             np.arange(recipe.batch_size, dtype="int32") % num_classes),
            lambda r: self.build(r, image_shape=image_shape, num_classes=num_classes, seed=seed))
        with precision.scope(recipe.precision):
            generator, discriminator = networks.get(
                recipe.model, image_shape=tuple(image_shape), latent_dim=recipe.latent_dim,
                filters=recipe.filters, num_classes=num_classes, conditioning=recipe.conditioning)
        gan = ConditionalGAN(
            generator, discriminator, num_classes=num_classes, latent_dim=recipe.latent_dim,
            class_loss_weight=recipe.class_loss_weight, seed=seed,
            ema_decay=recipe.ema_decay or None, augment=recipe.augment or None,
            r1_weight=recipe.r1_weight, r1_every=recipe.r1_every)
        gan.compile(**self.compile_arguments(recipe))
        return gan

    def load_data(self, recipe, seed):
        data = super().load_data(recipe, seed)
        data.info["class_names"] = datasets.class_names(recipe.data, image_size=recipe.image_size)
        return data

    def build_for_data(self, recipe, data, seed):
        return self.build(recipe, image_shape=data.sample_shape,
                          num_classes=len(data.info["class_names"]), seed=seed)

    def callbacks(self, model, recipe, out, seed):
        return [callbacks.ClassGrid(os.path.join(out, "samples"),
                                    samples_per_class=recipe.samples_per_class,
                                    seed=0 if seed is None else seed,
                                    scale=self.grid_scale(model.sample_shape))]

    def final_artefacts(self, recipe, seed):
        def interpolation_gif(model, data, out):
            walk = callbacks.ClassInterpolationGif(
                out, samples_per_pair=recipe.samples_per_class,
                seed=0 if seed is None else seed, scale=self.grid_scale(model.sample_shape))
            walk.set_model(model)
            walk.write()

        return {**super().final_artefacts(recipe, seed), "interpolation.gif": interpolation_gif}

    # ---------------------------------------------------------------- sample

    def sample_plan(self, model, n, info, labels=None, n_per_label=8):
        if labels is None:
            chosen = np.arange(n) % model.num_classes
        else:
            chosen = np.repeat(parse_labels(labels, info.get("class_names") or []), n_per_label)
        chosen = model.check_labels(chosen)
        return {"labels": chosen}, lambda start, z: model.generate(
            chosen[start:start + len(z)], z=z)

    def sample(self, model, out, n, seed, info, labels=None, n_per_label=8):
        """As `ImageTask.sample`; with `labels`, `n_per_label` samples per label (not `n`)."""
        if labels is not None:
            n = len(parse_labels(labels, info.get("class_names") or [])) * n_per_label
        return super().sample(model, out, n, seed, info, labels=labels, n_per_label=n_per_label)

    # ---------------------------------------------------------------- export

    def export(self, model, path, overwrite=False):
        """Writes the generator as a SavedModel that serves images of requested classes.

        Signatures: `serving_default` takes `z`, float32 `[batch,
        latent_dim]`, and `label`, int32 `[batch]`, and returns `images`,
        uint8 `[batch, H, W, C]`; a label outside `[0, num_classes)`, or a
        `label` whose length differs from `z`'s, fails inside the signature
        (`InvalidArgumentError` naming `label`). `generate` takes `label`
        int32 `[batch]` and `seed` int32: one image per label from seeded
        noise. The generator is `model.sampling_generator`.
        """
        if not isinstance(model, ConditionalGAN):
            raise ValueError(f"`gan` must be a kgan.ConditionalGAN; got {type(model).__name__}.")
        export.check_path(path)
        export.check_overwrite(overwrite)
        archive = _label_archive(model.sampling_generator, model.latent_dim, model.num_classes)
        return export.write_archive(archive, path, overwrite=overwrite)

    def serving(self, model):
        """`z` float32 `[batch, latent_dim]`, `label` int32 `[batch]` -> `images` uint8: the
        export's `serving_default` (see `export`)."""
        if not isinstance(model, ConditionalGAN):
            raise ValueError(f"`gan` must be a kgan.ConditionalGAN; got {type(model).__name__}.")
        return _label_serving(model.sampling_generator, model.latent_dim, model.num_classes)

    def export_summary(self, model):
        return "serving_default: z, label -> images uint8"

    def serving_example(self, model, n=4, seed=0):
        z = np.random.default_rng(seed).standard_normal((n, model.latent_dim)).astype("float32")
        labels = (np.arange(n) % model.num_classes).astype("int32")
        return ({"z": z, "label": labels},
                {"images": images.to_uint8(model.generate(labels, z=z))})

    def explore_app(self, run_dir, info):
        from kgan.tasks.conditional import explore

        return explore.explore_app(run_dir, info)


def parse_labels(text, names):
    """`"0,1,A"` -> label indices; a token that is not an integer is one of the class `names`."""
    labels = []
    for token in (t.strip() for t in text.split(",")):
        try:
            labels.append(int(token))
            continue
        except ValueError:
            pass
        if token in names:
            labels.append(names.index(token))
        else:
            raise ValueError(
                f"--labels: {token!r} is neither an integer label nor a class name of this "
                f"run{' (' + ' '.join(names) + ')' if names else ''}."
            )
    return labels


def _label_serving(generator, latent_dim, num_classes):
    """`(serve, input_signature)` of a generator of `[z, one-hot label]`."""
    def serve(z, label):
        checks = [
            tf.debugging.assert_equal(
                tf.shape(label)[0], tf.shape(z)[0],
                message="`label` must hold one class per row of `z`"),
            tf.debugging.assert_non_negative(
                label, message=f"`label` must be in [0, {num_classes})"),
            tf.debugging.assert_less(
                label, tf.constant(num_classes, tf.int32),
                message=f"`label` must be in [0, {num_classes})"),
        ]
        # The checks must fail before the generator meets a bad input.
        with tf.control_dependencies(checks):
            z, label = tf.identity(z), tf.identity(label)
        one_hot = tf.one_hot(label, num_classes, dtype=tf.float32)
        return {"images": to_uint8_graph(generator([z, one_hot], training=False))}

    return serve, [tf.TensorSpec([None, latent_dim], tf.float32, name="z"),
                   tf.TensorSpec([None], tf.int32, name="label")]


def _label_archive(generator, latent_dim, num_classes):
    """An `ExportArchive` of a generator of `[z, one-hot label]`, with both signatures."""
    archive = keras.export.ExportArchive()
    archive.track(generator)
    serve, signature = _label_serving(generator, latent_dim, num_classes)

    def generate(label, seed):
        z = tf.random.stateless_normal(
            tf.stack([tf.shape(label)[0], latent_dim]), seed=tf.stack([seed, 0]),
            dtype=tf.float32,
        )
        return serve(z, label)

    archive.add_endpoint(export.SERVING_SIGNATURE, serve, input_signature=signature)
    archive.add_endpoint(
        export.GENERATE_SIGNATURE, generate,
        input_signature=[tf.TensorSpec([None], tf.int32, name="label"),
                         tf.TensorSpec([], tf.int32, name="seed")],
    )
    return archive
