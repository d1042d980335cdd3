"""The image-to-image tasks: `ImageToImageTask` (their shared base), `Pix2PixTask`, `InpaintTask`.

`ImageToImageTask` holds what every image-to-image task shares, whatever
its model (pix2pix, CycleGAN, inpainting): the held-out sample grids
(input | output | target), the deterministic translation of images of any
size (padded to the multiple the generator needs, then cropped back), the
uint8 image-in/image-out export, `kgan sample`, the `kgan explore` page and
what `kgan translate` calls. A subclass says which generator translates
(`translation_generator`, with a `direction` where there are two) and how
its data loads (`dataset`).
"""

import os

import keras
import numpy as np
import tensorflow as tf

from kgan import datasets, export, files, images, metrics, networks
from kgan.networks.pix2pix import MIN_SIDE
from kgan.tasks.base import Argument, TaskData
from kgan.tasks.image_to_image import translate
from kgan.tasks.image_to_image.callbacks import TranslationSamples
from kgan.tasks.image_to_image.model import InpaintingGAN, Pix2Pix, keep_known_pixels
from kgan.tasks.image_to_image.recipes import (
    INPAINT_DIGITS, PIX2PIX_FONTS, PIX2PIX_SKETCH, ImageToImageRecipe, InpaintRecipe,
    Pix2PixRecipe,
)
from kgan.tasks.image_to_image.sizes import (
    generator_multiple, minimum_side, pad_amounts, padded_call,
)
from kgan.tasks.images import ImageTask, random_images, to_uint8_graph
from kgan.validation import parse_positive_int

__all__ = ["ImageToImageTask", "InpaintTask", "Pix2PixTask"]


def _channels(generator, index):
    shape = (generator.inputs if index == 0 else generator.outputs)[0].shape
    return int(shape[-1])


class ImageToImageTask(ImageTask):
    """Base of the tasks that map images to images; not a task itself.

    Subclasses set `name`, `model_class`, `recipe_class`, `recipes` and
    implement `build`, `dataset(recipe, seed, split)` and, where the model
    has several generators, `translation_generator` and `directions`.

    Class attributes:
        directions: the translation directions the task's runs have (e.g.
            `("a2b", "b2a")`); empty for one direction.
        inverse_signatures: the export's signature of the other direction,
            by the direction `serving_default` serves (empty for one
            direction).
        translatable: whether `kgan translate` takes the task's runs (the
            inpainting task's need a mask: `kgan inpaint`).

    `shown_source(source)` says what the sample grids and `kgan sample`
    show of an input (the inpainting task drops the mask channel).

    Example:

    ```python
    task = kgan.tasks.get("pix2pix")
    model = kgan.saving.load_model("runs/fonts/gan.keras")
    translate = task.translate_function(model)   # float [1, H, W, C_in] -> [1, H, W, C_out]
    out = translate(sources[:1])                  # any H, W: padded, then cropped back
    ```
    """

    recipe_class = ImageToImageRecipe
    directions = ()
    inverse_signatures = {}
    translatable = True
    sample_file = (".npz, keys 'source', 'output', 'target': uint8 held-out inputs, their "
                   "translation and the targets")
    sample_arguments = ()
    evaluate_arguments = (
        Argument("--n", "held-out pairs to score, spread evenly over the held-out set "
                        "(default: all)", parse_positive_int),
    )
    evaluate_description = (
        "L1, PSNR and SSIM of the translation of the held-out inputs (all, or --n of them) "
        "against their targets, beside the input itself.")
    deterministic = True

    # --------------------------------------------------------- translation

    def check_direction(self, direction):
        """`direction`, checked against `directions` (`None`: the first)."""
        if not self.directions:
            if direction not in (None, ""):
                raise ValueError(f"--direction: runs of the {self.name} task translate one way "
                                 f"only; got {direction!r}.")
            return None
        if direction in (None, ""):
            return self.directions[0]
        if direction not in self.directions:
            raise ValueError(f"--direction must be one of {', '.join(self.directions)}; got "
                             f"{direction!r}.")
        return direction

    def translation_generator(self, model, direction=None):
        """The Keras generator that translates in `direction` (the sampling one here)."""
        self.check_direction(direction)
        return model.sampling_generator

    def translate_function(self, model, direction=None):
        """`fn(batch)`: float32 `[b, H, W, C_in]` in [-1, 1] -> `[b, H, W, C_out]`, numpy,
        deterministic (`training=False`), for any `H`, `W` of at least `minimum_side`: the
        batch is padded by reflection to the generator's multiple and cropped back."""
        generator = self.translation_generator(model, direction)
        multiple, minimum = generator_multiple(generator), minimum_side(generator)

        def fn(batch):
            batch = np.asarray(batch, dtype="float32")
            height, width = batch.shape[1:3]
            if min(height, width) < minimum:
                raise ValueError(f"images must be at least {minimum}x{minimum} pixels for this "
                                 f"generator; got {width}x{height}.")
            pad_h, pad_w = pad_amounts(height, width, multiple)
            padded = np.pad(batch, ((0, 0), (0, pad_h), (0, pad_w), (0, 0)), mode="symmetric")
            out = keras.ops.convert_to_numpy(generator(padded, training=False))
            return out[:, :height, :width]

        return fn

    def translate_batch(self, model, source, direction=None, batch_size=16):
        """Outputs for float32 sources `[n, H, W, C_in]` in [-1, 1], numpy, in batches."""
        fn = self.translate_function(model, direction)
        return np.concatenate([fn(source[i:i + batch_size])
                               for i in range(0, len(source), batch_size)])

    def input_channels(self, model, direction=None):
        return _channels(self.translation_generator(model, direction), 0)

    def output_channels(self, model, direction=None):
        return _channels(self.translation_generator(model, direction), 1)

    def shown_source(self, source):
        """What the sample grids show of a source batch (all of it here)."""
        return source

    # ------------------------------------------------------------ kgan train

    def dataset(self, recipe, seed, split="train"):
        """`(source, target)` batches of `recipe`'s data; `split="test"` the held-out ones."""
        raise NotImplementedError

    def load_data(self, recipe, seed):
        dataset = self.dataset(recipe, seed)
        source_spec, target_spec = dataset.element_spec[:2]
        shape = tuple(int(d) for d in target_spec.shape[1:])
        info = {"image_shape": list(shape), "input_shape": [int(d) for d in
                                                            source_spec.shape[1:]]}
        return TaskData(dataset, shape, info=info,
                        fit_arguments={"steps_per_epoch": recipe.steps_per_epoch})

    def held_out(self, recipe, n, seed=None):
        """`n` held-out `(source, target)` float32 arrays: spread evenly over the fixed
        held-out set, in its order (all of it when `n` is None or at least its size), or
        with `seed` a random choice of them."""
        batches = self.dataset(recipe, 0, split="test")
        source, target = (np.concatenate(part) for part in zip(
            *((np.asarray(a), np.asarray(b)) for a, b, *_ in batches)))
        if n is None:
            return source, target
        if seed is not None:
            pick = np.random.default_rng(seed).choice(len(source), n, replace=n > len(source))
        elif n >= len(source):
            pick = np.arange(len(source))
        else:
            # Evenly spread: held-out sets are often sorted (by character, font or class).
            pick = np.round(np.linspace(0, len(source) - 1, n)).astype(int)
        return source[pick], target[pick]

    def callbacks(self, model, recipe, out, seed):
        source, target = self.held_out(recipe, recipe.num_samples)
        return [TranslationSamples(os.path.join(out, "samples"), source, target,
                                   lambda m, x: self.translate_batch(m, x),
                                   shown=self.shown_source)]

    # ---------------------------------------------------------------- export

    def serving(self, model, direction=None):
        """`(function, input_signature)` of the export's `serving_default`.

        `function(images)`: uint8 `[batch, H, W, C_in]` of any `H`, `W` of at
        least `minimum_side` -> `{"images": uint8 [batch, H, W, C_out]}`: the
        translation generator in inference mode (deterministic), on the
        images padded by reflection to its multiple and cropped back. A
        smaller image fails inside the signature with a message.
        """
        generator = self.translation_generator(model, direction)

        def serve(images):
            source = tf.cast(images, tf.float32) / 127.5 - 1.0
            return {"images": to_uint8_graph(padded_call(generator, source))}

        return serve, [tf.TensorSpec([None, None, None, _channels(generator, 0)], tf.uint8,
                                     name="images")]

    def export(self, model, path, overwrite=False, direction=None):
        """Writes a SavedModel whose `serving_default` is `serving(model)` (uint8 images of
        any size in, uint8 images out); it loads with TensorFlow alone."""
        if not isinstance(model, self.model_class):
            raise ValueError(f"`gan` must be a {self.model_class.__name__}; got "
                             f"{type(model).__name__}.")
        export.check_path(path)
        export.check_overwrite(overwrite)
        serve, signature = self.serving(model, direction=direction)
        archive = keras.export.ExportArchive()
        archive.track(self.translation_generator(model, direction))
        archive.add_endpoint(export.SERVING_SIGNATURE, serve, input_signature=signature)
        return export.write_archive(archive, path, overwrite=overwrite)

    def converted_signature(self, model, signature, format):
        """`signature` with the training size for LiteRT (`[batch, image_size, image_size,
        C]`): under a dynamic height and width the U-Net's nearest-neighbour upsampling
        loses the channel count that LiteRT's built-in convolution needs. The SavedModel
        and ONNX exports take any size."""
        from kgan.export import formats

        if format != formats.LITERT:
            return signature
        side = model.image_size
        return [tf.TensorSpec([None, side, side, *spec.shape[3:]], spec.dtype, name=spec.name)
                for spec in signature]

    def export_summary(self, model):
        generator = self.translation_generator(model)
        return (f"serving_default: images uint8 [batch, H, W, {_channels(generator, 0)}] -> "
                f"images uint8 [batch, H, W, {_channels(generator, 1)}], any H, W >= "
                f"{minimum_side(generator)} (padded to a multiple of "
                f"{generator_multiple(generator)} and cropped back)")

    def serving_example(self, model, n=4, seed=0):
        # Not the training size, not square, not a multiple: padded and cropped back.
        side = model.image_size
        generator = self.translation_generator(model)
        source = np.random.default_rng(seed).integers(
            0, 256, (n, side + 3, side + 5, _channels(generator, 0)), dtype=np.uint8)
        output = self.translate_function(model)(source.astype("float32") / 127.5 - 1.0)
        return {"images": source}, {"images": images.to_uint8(output)}

    # ------------------------------------------------------------ kgan sample

    def run_recipe(self, model, info):
        """The recipe of a run from its `run.json` (`info`; the default recipe at the
        model's image size for a bare `.keras` file)."""
        if info:
            return self.recipe_class.from_run(info, self.default_recipe(info.get("model")))
        return self.recipe(image_size=model.image_size,
                           channels=self.output_channels(model))

    def sample(self, model, out, n, seed, info, **options):
        """Writes `n` held-out examples (chosen by `seed`): the inputs, their translation
        and the targets, uint8, to an `.npz` with keys `source`, `output`, `target`."""
        out = out if out.endswith(".npz") else out + ".npz"
        source, target = self.held_out(self.run_recipe(model, info), n, seed=seed)
        arrays = {"source": images.to_uint8(self.shown_source(source)),
                  "output": images.to_uint8(self.translate_batch(model, source)),
                  "target": images.to_uint8(target)}
        files.write_npz(out, arrays)
        return out, (f"Wrote {n} held-out inputs {tuple(source.shape[1:])}, their translation "
                     f"and targets to {out}")

    # ---------------------------------------------------------- kgan evaluate

    def scores(self, output, target, source):
        """`{"l1": ..., "psnr": ..., "ssim": ...}` of `output` against `target` (float
        `[n, H, W, C]` in [-1, 1]): the mean absolute difference of the pixels in [-1, 1],
        and `kgan.metrics.psnr` / `ssim` of the images as uint8."""
        return {"l1": float(np.abs(output - target).mean()),
                "psnr": float(metrics.psnr(output, target)),
                "ssim": float(metrics.ssim(output, target))}

    def evaluate(self, model, run_dir, info, **options):
        """Translates the held-out inputs (`held_out`: all, or `n` spread evenly over
        them; the EMA generator, deterministic) and scores the outputs against the
        targets with `scores`, beside the input shown as its own output (what a
        generator that copies its input would score); prints the table and writes it to
        `metrics.json["held_out"]`."""
        recipe = self.run_recipe(model, info)
        self.check_targets(recipe)
        source, target = self.held_out(recipe, options.get("n"))
        rows = {"output": np.clip(self.translate_batch(model, source), -1.0, 1.0)}
        shown = self.shown_source(source)
        if shown.shape == target.shape:
            rows["input"] = shown
        result = {name: self.scores(outputs, target, source) for name, outputs in rows.items()}
        columns = list(result["output"])
        print(f"kgan evaluate {run_dir}: {len(source)} held-out pairs of {recipe.data} "
              f"{tuple(target.shape[1:])}")
        print(f"{'':<8}" + "".join(f"{c:>10}" for c in columns))
        for name, row in result.items():
            print(f"{name:<8}" + "".join(f"{row[c]:>10.4f}" for c in columns))
        path = files.update_json(os.path.join(run_dir, "metrics.json"), "held_out",
                                 {"data": recipe.data, "n": int(len(source)), **result})
        print(f"Wrote {path}")
        return result

    def check_targets(self, recipe):
        """Raises `ValueError` where the held-out inputs of `recipe.data` have no target."""
        return None

    def explore_app(self, run_dir, info):
        from kgan.tasks.image_to_image import explore

        return explore.explore_app(self, run_dir, info)


class Pix2PixTask(ImageToImageTask):
    """pix2pix (Isola et al. 2017): paired images, a U-Net against a PatchGAN, L1 + GAN.

    `kgan train --task pix2pix` trains on `(source, target)` pairs
    (`kgan.datasets.load_pairs`: `fonts`, `sketch-glyphs`, `sketch-digits`
    or a folder of pairs). The run directory holds, per epoch,
    `samples/epoch_0001.png` (rows of held-out examples: input | output |
    target), `training.gif`, `gan.keras` and `saved_model/`, whose
    `serving_default` takes uint8 `images` `[batch, H, W, C]` of any size
    and returns the translation, uint8. `kgan translate RUN_DIR
    IMAGE_OR_DIR --out OUT` translates your images (of any image-to-image
    run); large ones in overlapping tiles.

    Example:

    ```python
    task = kgan.tasks.get("pix2pix")
    recipe = task.recipe("pix2pix-fonts", epochs=2)
    data = task.load_data(recipe, seed=0)
    gan = task.build_for_data(recipe, data, seed=0)
    gan.fit(data.dataset, epochs=2, **data.fit_arguments)
    ```
    """

    name = "pix2pix"
    description = "paired image-to-image translation (Pix2Pix: U-Net, PatchGAN, L1)"
    model_class = Pix2Pix
    recipe_class = Pix2PixRecipe
    recipes = (PIX2PIX_FONTS, PIX2PIX_SKETCH)
    commands = (translate.TRANSLATE,)

    def build(self, recipe=None, *, input_channels=None, channels=None, seed=None, **overrides):
        """A compiled `Pix2Pix` built as `kgan train` builds it.

        Args:
            recipe: a recipe name (default the task's first) or a recipe.
            input_channels: the sources' channels (default `channels`).
            channels: the targets' channels (default the recipe's, else 3).
            seed: seed of the training randomness (`None`: Keras' global seed).
            **overrides: recipe fields to change, e.g. `image_size=16`.
        """
        recipe = self.recipe(recipe, **overrides)
        channels = channels or recipe.channels or 3
        input_channels = input_channels or channels
        size = recipe.image_size

        def batch():
            return (random_images((recipe.batch_size, size, size, input_channels)),
                    random_images((recipe.batch_size, size, size, channels)))

        recipe = self.resolve_auto_precision(
            recipe, batch, lambda r: self.build(r, input_channels=input_channels,
                                                channels=channels, seed=seed))
        from kgan import precision

        with precision.scope(recipe.precision):
            generator, discriminator = networks.get(
                recipe.model, image_shape=(size, size, channels), input_channels=input_channels,
                filters=recipe.filters, dropout=recipe.dropout)
        gan = self.model_class(
            generator, discriminator, l1_weight=recipe.l1_weight, image_size=size, seed=seed,
            ema_decay=recipe.ema_decay or None, augment=recipe.augment or None,
            r1_weight=recipe.r1_weight, r1_every=recipe.r1_every)
        gan.compile(**self.compile_arguments(recipe))
        return gan

    def build_for_data(self, recipe, data, seed):
        return self.build(recipe, input_channels=data.info["input_shape"][-1],
                          channels=data.sample_shape[-1], seed=seed)

    def dataset(self, recipe, seed, split="train"):
        return datasets.load_pairs(
            recipe.data, image_size=recipe.image_size, batch_size=recipe.batch_size,
            split=split, seed=seed, steps=recipe.steps_per_epoch if split == "train" else None,
            channels=recipe.channels, min_size=MIN_SIDE, **recipe.font_options())


class InpaintTask(Pix2PixTask):
    """Inpainting: holes in images filled in by the pix2pix networks, the mask as one more
    input channel.

    `kgan train --task inpaint` trains on images with random holes
    (`kgan.datasets.load_inpainting`, boxes and brush strokes); the input
    is `kgan.datasets.masks.masked_input(image, mask)`, the image with the
    hole set to 0 followed by the mask (1 = hole). The output keeps the
    image's pixels outside the hole and the generator's inside. The export's
    `serving_default` takes uint8 `images` `[batch, H, W, C]` and `masks`
    `[batch, H, W, 1]` (0 keeps a pixel, any other value marks the hole) and
    returns `images`, uint8; `kgan inpaint RUN_DIR IMAGE --mask MASK --out
    OUT` fills a hole in your image.

    Example:

    ```python
    task = kgan.tasks.get("inpaint")
    gan = task.build("inpaint-digits", channels=1, image_size=16, filters=8)
    ```
    """

    name = "inpaint"
    description = "holes in images filled in (pix2pix networks, the mask as an input channel)"
    model_class = InpaintingGAN
    recipe_class = InpaintRecipe
    recipes = (INPAINT_DIGITS,)
    translatable = False
    sample_file = (".npz, keys 'source', 'output', 'target': uint8 held-out images with "
                   "their holes, filled in, and the whole images")
    commands = (translate.INPAINT,)

    def build(self, recipe=None, *, input_channels=None, channels=None, seed=None, **overrides):
        """As `Pix2PixTask.build`; the generator takes `channels + 1` (the mask)."""
        recipe = self.recipe(recipe, **overrides)
        channels = channels or recipe.channels or 3
        return super().build(recipe, input_channels=channels + 1, channels=channels, seed=seed)

    def build_for_data(self, recipe, data, seed):
        return self.build(recipe, channels=data.sample_shape[-1], seed=seed)

    def dataset(self, recipe, seed, split="train"):
        return datasets.load_inpainting(
            recipe.data, image_size=recipe.image_size, batch_size=recipe.batch_size,
            mask_kind=recipe.mask_kind, split=split, seed=seed,
            steps=recipe.steps_per_epoch if split == "train" else None, channels=recipe.channels,
            min_size=MIN_SIDE)

    def shown_source(self, source):
        """The masked image, without its mask channel (the hole shows mid-grey)."""
        return source[..., :-1]

    def scores(self, output, target, source):
        """`ImageToImageTask.scores` plus `hole_l1`: the mean absolute difference inside
        the holes only (the mask channel of `source`, 1 = hole), where the filling is."""
        holes = np.broadcast_to(source[..., -1:] > 0.5, target.shape)
        difference = np.abs(output - target)[holes]
        return {**super().scores(output, target, source),
                "hole_l1": float(difference.mean()) if difference.size else 0.0}

    def translate_function(self, model, direction=None):
        """As the base's, on masked inputs `[b, H, W, C + 1]`; the output keeps the input's
        pixels outside the hole (mask 0) and the generator's inside."""
        fill = super().translate_function(model, direction)

        def fn(batch):
            batch = np.asarray(batch, dtype="float32")
            return keep_known_pixels(batch, fill(batch))

        return fn

    def serving(self, model, direction=None):
        """`(function, input_signature)` of the export's `serving_default`.

        `function(images, masks)`: uint8 `images` `[batch, H, W, C]` and
        `masks` `[batch, H, W, 1]` (0 keeps a pixel, anything else is the
        hole) -> `{"images": uint8 [batch, H, W, C]}`: the input built by
        `kgan.datasets.masks.masked_input`, the generator padded and cropped
        as `ImageToImageTask.serving`, the image's own pixels kept outside
        the hole.
        """
        from kgan.datasets import masks as masks_lib

        generator = self.translation_generator(model, direction)
        channels = _channels(generator, 1)

        def serve(images, masks):
            image = tf.cast(images, tf.float32) / 127.5 - 1.0
            holes = tf.minimum(tf.cast(masks, tf.float32), 1.0)  # 0 keeps, any other value: hole
            source = masks_lib.masked_input(image, holes)
            filled = keep_known_pixels(source, padded_call(generator, source))
            return {"images": to_uint8_graph(filled)}

        return serve, [tf.TensorSpec([None, None, None, channels], tf.uint8, name="images"),
                       tf.TensorSpec([None, None, None, 1], tf.uint8, name="masks")]

    def export_summary(self, model):
        generator = self.translation_generator(model)
        channels = _channels(generator, 1)
        return (f"serving_default: images uint8 [batch, H, W, {channels}], masks uint8 "
                f"[batch, H, W, 1] (non-zero: the hole) -> images uint8 [batch, H, W, "
                f"{channels}], any H, W >= {minimum_side(generator)}")

    def serving_example(self, model, n=4, seed=0):
        from kgan.datasets import masks as masks_lib

        side = model.image_size
        channels = self.output_channels(model)
        rng = np.random.default_rng(seed)
        image = rng.integers(0, 256, (n, side + 3, side + 5, channels), dtype=np.uint8)
        hole = masks_lib.random_masks(n, side + 3, side + 5, "box", seed=seed)
        source = masks_lib.masked_input(image.astype("float32") / 127.5 - 1.0, hole)
        output = self.translate_function(model)(source)
        return ({"images": image, "masks": (hole * 255).astype(np.uint8)},
                {"images": images.to_uint8(output)})
