"""The CycleGAN task: unpaired translation between two image domains, both ways.

`CycleGANRecipe` (the recipe fields of `kgan train --task cyclegan`), its
default recipe `cyclegan-fonts`, and `CycleGANTask`, an `ImageToImageTask`
with two directions ("a2b": G, "b2a": F). The export serves both:
`serving_default` A -> B and `b_to_a` B -> A.
"""

import dataclasses
import os

import keras

from kgan import datasets, export, files, images, networks, precision
from kgan.tasks.base import option
from kgan.tasks.image_to_image.cycle_samples import CycleSamples
from kgan.tasks.image_to_image.cyclegan import DIRECTIONS, CycleGAN
from kgan.tasks.image_to_image.recipes import FontDataRecipe, ImageToImageRecipe
from kgan.tasks.image_to_image.sizes import minimum_side
from kgan.tasks.image_to_image.task import ImageToImageTask
from kgan.tasks.images import random_images
from kgan.validation import (
    check_int, check_non_negative, parse_non_negative_float, parse_non_negative_int,
)

__all__ = ["CYCLEGAN_FONTS", "CycleGANRecipe", "CycleGANTask"]

# Training image sides the CycleGAN networks are made for.
MIN_SIDE = 16
MAX_SIDE = 256
# The export's signature for the second direction.
INVERSE_SIGNATURE = {"a2b": "b_to_a", "b2a": "a_to_b"}
# Data whose test split holds the true pairs (so the sample grids show a target).
PAIRED_TEST_DATA = (datasets.pairs.FONTS,)


@dataclasses.dataclass(frozen=True, kw_only=True)
class CycleGANRecipe(ImageToImageRecipe, FontDataRecipe):
    """`ImageToImageRecipe` plus the CycleGAN options and the choice of fonts
    (`FontDataRecipe`) for the `fonts` data.

    Args:
        blocks: residual blocks of each ResNet generator.
        downsamplings: stride-2 stages of each generator.
        cycle_weight: weight of the cycle-consistency loss (CycleGAN's 10).
        identity_weight: weight of the identity loss, as a fraction of
            `cycle_weight` (CycleGAN's 0.5).
        pool_size: fakes kept in each discriminator's history pool
            (CycleGAN's 50).

    Example:

    ```python
    recipe = kgan.tasks.get("cyclegan").recipe("cyclegan-fonts", epochs=2)
    ```
    """

    blocks: int = option(6, "residual blocks of each generator", parse=parse_non_negative_int,
                         check=lambda v, n: check_int(v, n, minimum=0))
    downsamplings: int = option(2, "stride-2 stages of each generator",
                                parse=parse_non_negative_int,
                                check=lambda v, n: check_int(v, n, minimum=0))
    cycle_weight: float = option(10.0, "weight of the cycle-consistency loss",
                                 parse=parse_non_negative_float, check=check_non_negative)
    identity_weight: float = option(0.5, "weight of the identity loss, as a fraction of "
                                         "--cycle-weight", parse=parse_non_negative_float,
                                    check=check_non_negative)
    pool_size: int = option(50, "generated images each discriminator's history pool keeps",
                            parse=parse_non_negative_int,
                            check=lambda v, n: check_int(v, n, minimum=0))

    def __post_init__(self):
        super().__post_init__()
        if self.model == "resnet_generator" and not MIN_SIDE <= self.image_size <= MAX_SIDE:
            raise ValueError(f"`image_size` must be {MIN_SIDE} to {MAX_SIDE} for the CycleGAN "
                             f"networks; got {self.image_size}.")
        self.check_font_options()


CYCLEGAN_FONTS = CycleGANRecipe(
    name="cyclegan-fonts", model="resnet_generator", data="fonts", image_size=32, channels=1,
    epochs=10, batch_size=8, steps_per_epoch=40, filters=16, blocks=4, downsamplings=2,
    learning_rate=4e-4, beta_1=0.0, ema_decay=0.999, num_samples=8, loss="least_squares",
    cycle_weight=10.0, identity_weight=0.5, pool_size=50,
    description="The default of `kgan train --task cyclegan`: characters in matplotlib's "
                "source fonts (A) and in the target font (B), unpaired, 32 px, two ResNet "
                "generators of 16 filters and 4 blocks and two PatchGANs, least squares, "
                "cycle weight 10, identity 0.5, Adam at 4e-4 without momentum (beta_1 0); "
                "judged on the true pairs of characters never seen in training. One run "
                "(seed 0) took 2 min 33 s on a 2-core Xeon with AMX that a benchmark shared; "
                "its held-out outputs are 0.082 from the targets in mean absolute difference, "
                "the sources 0.121.",
)
"""Unpaired font style transfer: `cyclegan-fonts`."""


class CycleGANTask(ImageToImageTask):
    """CycleGAN (Zhu et al. 2017): two unpaired image domains, translated both ways.

    `kgan train --task cyclegan` trains `CycleGAN` on `(a, b)` batches with
    the pairing broken (`kgan.datasets.load_unpaired`: `fonts`, or a
    folder with `A/` and `B/`). Each epoch writes `samples/epoch_0001.png`:
    for `fonts`, held-out characters as input | output | true target; for a
    folder, held-out images of A as input | A -> B | back to A. The export's
    `serving_default` translates A -> B and its `b_to_a` signature B -> A,
    uint8 `images` `[batch, H, W, C]` of any `H`, `W` of at least 5 in and
    out. `kgan translate RUN_DIR IMAGE_OR_DIR --out OUT --direction b2a`
    translates your images either way.

    Example:

    ```python
    task = kgan.tasks.get("cyclegan")
    recipe = task.recipe("cyclegan-fonts", epochs=2)
    data = task.load_data(recipe, seed=0)
    gan = task.build_for_data(recipe, data, seed=0)
    gan.fit(data.dataset, epochs=2, **data.fit_arguments)
    b = task.translate_batch(gan, a_images)                  # A -> B
    a = task.translate_batch(gan, b, direction="b2a")        # and back
    ```
    """

    name = "cyclegan"
    description = "unpaired image-to-image translation both ways (CycleGAN: ResNet generators, " \
                  "PatchGANs, cycle consistency)"
    model_class = CycleGAN
    recipe_class = CycleGANRecipe
    recipes = (CYCLEGAN_FONTS,)
    directions = DIRECTIONS
    inverse_signatures = INVERSE_SIGNATURE

    def translation_generator(self, model, direction=None):
        """G for "a2b" (the default), F for "b2a": the EMA copies when the run has them."""
        return model.translator(self.check_direction(direction))

    # --------------------------------------------------------------- Python

    def build(self, recipe=None, *, channels=None, seed=None, **overrides):
        """A compiled `CycleGAN` built as `kgan train` builds it.

        Args:
            recipe: a recipe name (default `"cyclegan-fonts"`) or a
                `CycleGANRecipe`.
            channels: the images' channels (default the recipe's, else 3).
            seed: seed of the training randomness (`None`: Keras' global seed).
            **overrides: recipe fields to change, e.g. `image_size=16`.
        """
        recipe = self.recipe(recipe, **overrides)
        channels = channels or recipe.channels or 3
        size = recipe.image_size

        def batch():
            return (random_images((recipe.batch_size, size, size, channels)),
                    random_images((recipe.batch_size, size, size, channels), seed=1))

        recipe = self.resolve_auto_precision(
            recipe, batch, lambda r: self.build(r, channels=channels, seed=seed))
        with precision.scope(recipe.precision):
            pair = dict(image_shape=(size, size, channels), filters=recipe.filters,
                        blocks=recipe.blocks, downsamplings=recipe.downsamplings)
            generator, discriminator = networks.get(recipe.model, **pair)
            inverse_generator, inverse_discriminator = networks.get(
                recipe.model, prefix="inverse_", **pair)
        gan = CycleGAN(
            generator, discriminator, inverse_generator, inverse_discriminator,
            image_size=size, cycle_weight=recipe.cycle_weight,
            identity_weight=recipe.identity_weight, pool_size=recipe.pool_size, seed=seed,
            ema_decay=recipe.ema_decay or None, augment=recipe.augment or None,
            r1_weight=recipe.r1_weight, r1_every=recipe.r1_every)
        arguments = self.compile_arguments(recipe)
        arguments["inverse_g_optimizer"] = keras.optimizers.Adam(
            recipe.g_learning_rate or recipe.learning_rate, beta_1=recipe.beta_1)
        arguments["inverse_d_optimizer"] = keras.optimizers.Adam(
            recipe.d_learning_rate or recipe.learning_rate, beta_1=recipe.beta_1)
        gan.compile(**arguments)
        return gan

    def build_for_data(self, recipe, data, seed):
        return self.build(recipe, channels=data.sample_shape[-1], seed=seed)

    def dataset(self, recipe, seed, split="train"):
        """`(a, b)` batches: unpaired for training; for `split="test"` the held-out images
        (for `fonts` the true pairs of held-out characters)."""
        return datasets.load_unpaired(
            recipe.data, image_size=recipe.image_size, batch_size=recipe.batch_size,
            split=split, seed=seed, steps=recipe.steps_per_epoch if split == "train" else None,
            channels=recipe.channels, min_size=MIN_SIDE, **recipe.font_options())

    @staticmethod
    def has_targets(recipe):
        """Whether the held-out images of `recipe.data` come with their true translation."""
        return recipe.data in PAIRED_TEST_DATA

    def check_targets(self, recipe):
        if not self.has_targets(recipe):
            raise ValueError(f"the held-out images of `data`={recipe.data!r} have no true "
                             "translation to score against (only the fonts data has); kgan "
                             "sample writes held-out inputs and their translation.")

    def callbacks(self, model, recipe, out, seed):
        if self.has_targets(recipe):
            return super().callbacks(model, recipe, out, seed)
        source, _ = self.held_out(recipe, recipe.num_samples)
        return [CycleSamples(os.path.join(out, "samples"), source,
                             lambda m, x, direction: self.translate_batch(m, x, direction))]

    # ---------------------------------------------------------------- export

    def export(self, model, path, overwrite=False, direction=None):
        """Writes a SavedModel of both generators: `serving_default` translates `direction`
        (default A -> B) and the other signature (`b_to_a`, or `a_to_b`) the other way, each
        uint8 `images` `[batch, H, W, C]` of any `H`, `W` of at least the generator's minimum
        in, uint8 out (a smaller image fails inside the signature with a message). It loads
        with TensorFlow alone."""
        if not isinstance(model, CycleGAN):
            raise ValueError(f"`gan` must be a CycleGAN; got {type(model).__name__}.")
        direction = self.check_direction(direction)
        other = DIRECTIONS[1 - DIRECTIONS.index(direction)]
        export.check_path(path)
        export.check_overwrite(overwrite)
        archive = keras.export.ExportArchive()
        for way, signature_name in ((direction, export.SERVING_SIGNATURE),
                                    (other, INVERSE_SIGNATURE[direction])):
            archive.track(self.translation_generator(model, way))
            serve, signature = self.serving(model, direction=way)
            archive.add_endpoint(signature_name, serve, input_signature=signature)
        return export.write_archive(archive, path, overwrite=overwrite)

    def export_summary(self, model):
        generator = self.translation_generator(model)
        channels = int(generator.inputs[0].shape[-1])
        return (f"serving_default (A -> B) and b_to_a (B -> A): images uint8 [batch, H, W, "
                f"{channels}] -> images uint8 [batch, H, W, {channels}], any H, W >= "
                f"{minimum_side(generator)}")

    # ------------------------------------------------------------ kgan sample

    def sample(self, model, out, n, seed, info, **options):
        """Writes `n` held-out examples (chosen by `seed`), uint8, to an `.npz`: with true
        targets (`fonts`) the keys `source`, `output`, `target`; otherwise `source`
        (images of A), `output` (A -> B) and `cycled` (back to A)."""
        recipe = self.run_recipe(model, info)
        if self.has_targets(recipe):
            return super().sample(model, out, n, seed, info, **options)
        out = out if out.endswith(".npz") else out + ".npz"
        source, _ = self.held_out(recipe, n, seed=seed)
        output = self.translate_batch(model, source)
        arrays = {"source": images.to_uint8(source), "output": images.to_uint8(output),
                  "cycled": images.to_uint8(self.translate_batch(model, output, "b2a"))}
        files.write_npz(out, arrays)
        return out, (f"Wrote {n} held-out images of A {tuple(source.shape[1:])}, their "
                     f"translation to B and back to A to {out}")

