"""A test-only task: a GAN of 2-D points, added from tests/ with no change to kgan.

It is the proof that a new family is one package: it registers a network
pair, a model class, a recipe class with a flag of its own (`--points`), a
sample writer, a `kgan sample` flag (`--decimals`) and an export signature,
and `kgan train | sample | export` (run by `tests/scripts/kgan_points.py`)
train, resume, sample and export it.
"""

import dataclasses
import os

import keras
import numpy as np
import tensorflow as tf

import kgan
from kgan.tasks import Argument, Recipe, Task, TaskData, option
from kgan.validation import check_int, parse_positive_int


@kgan.networks.register("points_mlp")
def points_mlp(image_shape, latent_dim=4, filters=16):
    """Two small MLPs: noise -> a point, a point -> a logit."""
    generator = keras.Sequential([
        keras.Input((latent_dim,)), keras.layers.Dense(filters, activation="relu"),
        keras.layers.Dense(image_shape[0], activation="tanh"),
    ], name="generator")
    discriminator = keras.Sequential([
        keras.Input(tuple(image_shape)), keras.layers.Dense(filters),
        keras.layers.LeakyReLU(0.2), keras.layers.Dense(1),
    ], name="discriminator")
    return generator, discriminator


@keras.saving.register_keras_serializable(package="kgan_tests")
class PointsGAN(kgan.GAN):
    """`kgan.GAN` under its own name, so `kgan.export_generator` finds this task."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class PointsRecipe(Recipe):
    filters: int = option(16, "hidden units", parse=parse_positive_int, check=check_int)
    points: int = option(512, "points in the ring", parse=parse_positive_int, check=check_int)


RING = PointsRecipe(name="mlp-ring", model="points_mlp", data="ring", epochs=2, batch_size=32,
                    latent_dim=4, learning_rate=1e-3, num_samples=16)


def ring(n, seed):
    """`n` points near 8 spots on a circle of radius 0.8, in [-1, 1]."""
    rng = np.random.default_rng(seed)
    angles = rng.integers(8, size=n) * (2 * np.pi / 8)
    points = 0.8 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return np.clip(points + rng.normal(scale=0.05, size=points.shape), -1, 1).astype("float32")


class PointSamples(kgan.callbacks.SampleWriter):
    """Writes the fixed-noise points of each epoch as a CSV file."""

    def __init__(self, out_dir, num_samples=16, seed=0):
        super().__init__(out_dir, num_samples=num_samples, seed=seed,
                         filename="epoch_{epoch:04d}.csv")

    def write(self, z, path):
        write_csv(self.model.generate(z), path, decimals=4)


def write_csv(points, path, decimals):
    rows = "".join(f"{x:.{decimals}f},{y:.{decimals}f}\n" for x, y in np.asarray(points))
    return kgan.files.write_text(path, rows)


class PointsTask(Task):
    name = "points"
    description = "2-D points from noise (a test-only task)"
    model_class = PointsGAN
    recipe_class = PointsRecipe
    recipes = (RING,)
    sample_file = ".csv, one point per line"
    sample_arguments = (Argument("--decimals", "digits after the point (default: %(default)s)",
                                 int, 4),)

    def build(self, recipe=None, *, seed=None, **overrides):
        recipe = self.recipe(recipe, **overrides)
        generator, discriminator = kgan.networks.get(recipe.model, image_shape=(2,),
                                                     latent_dim=recipe.latent_dim,
                                                     filters=recipe.filters)
        gan = PointsGAN(generator, discriminator, latent_dim=recipe.latent_dim, seed=seed,
                        ema_decay=recipe.ema_decay or None)
        gan.compile(g_optimizer=keras.optimizers.Adam(recipe.learning_rate, beta_1=0.5),
                    d_optimizer=keras.optimizers.Adam(recipe.learning_rate, beta_1=0.5),
                    loss=recipe.loss)
        return gan

    def load_data(self, recipe, seed):
        if recipe.data != "ring":
            raise ValueError(f"--data must be 'ring' for the points task; got {recipe.data!r}.")
        points = ring(recipe.points, seed or 0)
        dataset = (tf.data.Dataset.from_tensor_slices(points)
                   .shuffle(len(points), seed=seed).batch(recipe.batch_size, drop_remainder=True))
        return TaskData(dataset, (2,), info={"points": recipe.points})

    def build_for_data(self, recipe, data, seed):
        return self.build(recipe, seed=seed)

    def callbacks(self, model, recipe, out, seed):
        return [PointSamples(os.path.join(out, "samples"), num_samples=recipe.num_samples,
                             seed=0 if seed is None else seed)]

    def sample(self, model, out, n, seed, info, decimals=4):
        path = write_csv(model.generate(n, seed=seed), out, decimals)
        return path, f"Wrote {n} points to {path}"

    def export(self, model, path, overwrite=False):
        archive = kgan.export.noise_archive(model.sampling_generator, model.latent_dim,
                                            lambda x: {"points": tf.cast(x, tf.float32)})
        return kgan.export.write_archive(archive, path, overwrite=overwrite)

    def export_summary(self, model):
        return "serving_default: z -> points float32"

    def serving_example(self, model, n=4, seed=0):
        z = np.random.default_rng(seed).standard_normal((n, model.latent_dim)).astype("float32")
        return {"z": z}, {"points": model.generate(z)}


def register():
    """Adds the task to kgan's registry (the CLI script does; in-process tests need not)."""
    return kgan.tasks.register(PointsTask())
