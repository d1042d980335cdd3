"""The super-resolution task: `SuperResolutionGAN`, LR photos in, `scale` times larger out."""

import os

import keras
import numpy as np
import tensorflow as tf

from kgan import datasets, export, files, images, metrics, networks, precision
from kgan.datasets import photos
from kgan.tasks.base import Argument, Command, TaskData
from kgan.tasks.images import ImageTask, random_images, to_uint8_graph
from kgan.tasks.super_resolution.callbacks import ComparisonSamples
from kgan.tasks.super_resolution.model import SuperResolutionGAN
from kgan.tasks.super_resolution.recipes import (
    SRRESNET_PHOTOS_X2, SRRESNET_PHOTOS_X4, SRRESNET_PHOTOS_X4_LONG, SuperResolutionRecipe,
)
from kgan.tasks.super_resolution import upscale

__all__ = ["SuperResolutionTask", "held_out_crops"]

PSNR_EXPORT = "psnr_saved_model"


def held_out_crops(scale, hr_size, channels):
    """`(lr, hr)` float32 arrays of every `hr_size` crop of the held-out photos, in order."""
    batches = datasets.load_super_resolution(
        "photos", scale=scale, hr_size=hr_size, batch_size=256, split="held_out")
    lr, hr = (np.concatenate(part) for part in zip(*((a.numpy(), b.numpy())
                                                     for a, b in batches)))
    if channels == 1 and lr.shape[-1] == 3:
        lr, hr = (np.asarray(tf.image.rgb_to_grayscale(x)) for x in (lr, hr))
    return lr, hr


class SuperResolutionTask(ImageTask):
    """Super-resolution: `SuperResolutionGAN` with the `srresnet` networks.

    `kgan train --task super-resolution` trains `srresnet-photos-x4` on the
    built-in photos (or `--data FOLDER` of your images): L1 first, then the
    relativistic-average GAN game (ESRGAN). Its run directory holds a
    comparison per epoch (`samples/epoch_0001.png`: rows of held-out crops,
    columns LR nearest-upscaled | bicubic | output | HR), `training.gif`,
    and `psnr_saved_model/`, the export of the L1-phase generator. The
    export serves `images` uint8 `[batch, H, W, C]` -> `images` uint8
    `[batch, H * scale, W * scale, C]` for any `H` and `W`.
    `kgan upscale RUN_DIR IMAGE_OR_DIR --out OUT` upscales your images,
    tiled with overlap so memory stays bounded.

    Example:

    ```python
    task = kgan.tasks.get("super-resolution")
    gan = task.build("srresnet-photos-x4", epochs=2)
    data = task.load_data(task.recipe("srresnet-photos-x4"), seed=0)
    gan.fit(data.dataset, epochs=2, **data.fit_arguments)
    ```
    """

    name = "super-resolution"
    description = "photos upscaled 2-4x (SuperResolutionGAN, ESRGAN-style)"
    model_class = SuperResolutionGAN
    recipe_class = SuperResolutionRecipe
    recipes = (SRRESNET_PHOTOS_X4, SRRESNET_PHOTOS_X2, SRRESNET_PHOTOS_X4_LONG)
    deterministic = True
    sample_file = (".npz, keys 'lr', 'sr', 'hr': uint8 held-out crops, their upscaling and "
                   "the original")
    sample_arguments = ()
    evaluate_arguments = ()
    evaluate_description = (
        "PSNR and SSIM (luma, a border of --scale pixels left out) and sharpness of the "
        "upscaled held-out photos against the originals, beside bicubic upscaling and the "
        "PSNR-phase model.")
    commands = (Command(
        "upscale", "upscale images with a super-resolution run's generator",
        (Argument("run_dir", "a run directory of the super-resolution task"),
         Argument("image_or_dir", "an image file, or a folder of images"),
         Argument("--out", "the PNG to write (for one image) or the folder (for a folder)",
                  required=True),
         Argument("--psnr-model", "use the generator of the L1 phase (smoother, higher PSNR)",
                  switch=True),
         Argument("--tile", f"process images in tiles of this many LR pixels a side, with "
                            f"overlap, so memory stays bounded (default: {upscale.TILE}; 0: "
                            "whole images)", type=upscale.parse_tile, default=upscale.TILE),
         Argument("--overwrite", "replace existing output files", switch=True)),
        run=upscale.run,
        description="Upscale an image, or every image in a folder, with RUN_DIR's generator "
                    "(the EMA one; --psnr-model: the L1-phase one) and write PNGs. Any size: "
                    "images larger than --tile are processed in overlapping tiles, blended "
                    "without seams."),)

    # --------------------------------------------------------------- Python

    def build(self, recipe=None, *, channels=3, seed=None, **overrides):
        """A compiled `SuperResolutionGAN` built as `kgan train` builds it.

        Args:
            recipe: a recipe name (default `"srresnet-photos-x4"`) or a
                `SuperResolutionRecipe`.
            channels: image channels, 1 or 3.
            seed: seed of the training randomness (`None`: Keras' global seed).
            **overrides: recipe fields to change, e.g. `scale=2`.
        """
        recipe = self.recipe(recipe, **overrides)
        side = recipe.hr_size // recipe.scale

        def batch():
            return (random_images((recipe.batch_size, side, side, channels)),
                    random_images((recipe.batch_size, recipe.hr_size, recipe.hr_size, channels)))

        recipe = self.resolve_auto_precision(
            recipe, batch, lambda r: self.build(r, channels=channels, seed=seed))
        with precision.scope(recipe.precision):
            generator, discriminator = networks.get(
                recipe.model, image_shape=(recipe.hr_size, recipe.hr_size, channels),
                scale=recipe.scale, filters=recipe.filters, blocks=recipe.blocks)
        gan = SuperResolutionGAN(
            generator, discriminator, scale=recipe.scale, hr_size=recipe.hr_size,
            psnr_epochs=recipe.psnr_epochs, l1_weight=recipe.l1_weight,
            adversarial_weight=recipe.adversarial_weight,
            perceptual_weights=recipe.perceptual_weights,
            perceptual_weight=recipe.perceptual_weight, seed=seed,
            ema_decay=recipe.ema_decay or None, augment=recipe.augment or None,
            r1_weight=recipe.r1_weight, r1_every=recipe.r1_every)
        gan.compile(**self.compile_arguments(recipe))
        return gan

    @staticmethod
    def compile_arguments(recipe):
        """`ImageTask.compile_arguments`; with `psnr_learning_rate`, the generator's rate
        starts there and follows a half cosine down to its GAN-phase rate over the L1
        phase's steps, then stays at that rate."""
        arguments = ImageTask.compile_arguments(recipe)
        steps = recipe.psnr_epochs * recipe.steps_per_epoch
        if recipe.psnr_learning_rate is None or not steps:
            return arguments
        gan_rate = recipe.g_learning_rate or recipe.learning_rate
        schedule = keras.optimizers.schedules.CosineDecay(
            recipe.psnr_learning_rate, decay_steps=steps,
            alpha=gan_rate / recipe.psnr_learning_rate)
        arguments["g_optimizer"] = keras.optimizers.Adam(schedule, beta_1=recipe.beta_1)
        return arguments

    # ------------------------------------------------------------ kgan train

    def load_data(self, recipe, seed):
        dataset = datasets.load_super_resolution(
            recipe.data, scale=recipe.scale, hr_size=recipe.hr_size,
            batch_size=recipe.batch_size, seed=seed, steps=recipe.steps_per_epoch)
        shape = tuple(int(d) for d in dataset.element_spec[1].shape[1:])
        return TaskData(dataset.repeat(), shape,
                        info={"image_shape": list(shape), "scale": recipe.scale},
                        fit_arguments={"steps_per_epoch": recipe.steps_per_epoch})

    def build_for_data(self, recipe, data, seed):
        return self.build(recipe, channels=data.sample_shape[-1], seed=seed)

    def callbacks(self, model, recipe, out, seed):
        lr, hr = held_out_crops(model.scale, model.hr_size, model.channels)
        # The most detailed crops, in photo order: where bicubic and the model differ.
        pick = np.sort(np.argsort(-hr.std(axis=(1, 2, 3)), kind="stable")[:recipe.num_samples])
        return [ComparisonSamples(os.path.join(out, "samples"), lr[pick], hr[pick])]

    def final_artefacts(self, recipe, seed):
        def psnr_export(model, data, out):
            self.export(model, os.path.join(out, PSNR_EXPORT), overwrite=True, psnr=True)

        return {**super().final_artefacts(recipe, seed), PSNR_EXPORT: psnr_export}

    # ---------------------------------------------------------------- export

    def serving(self, model, psnr=False):
        """`(function, input_signature)` of the export's `serving_default`.

        `function(images)`: uint8 `[batch, H, W, C]` -> `{"images": uint8
        [batch, H * scale, W * scale, C]}`, the generator (EMA, or with
        `psnr` the L1-phase one) in inference mode, its output mapped to
        uint8 like `kgan.images.to_uint8`.
        """
        generator = model.psnr_model if psnr else model.sampling_generator

        def serve(images):
            lr = tf.cast(images, tf.float32) / 127.5 - 1.0
            return {"images": to_uint8_graph(generator(lr, training=False))}

        return serve, [tf.TensorSpec([None, None, None, model.channels], tf.uint8,
                                     name="images")]

    def export(self, model, path, overwrite=False, *, psnr=False):
        """Writes the generator as a SavedModel: `serving_default` takes `images`,
        uint8 `[batch, H, W, C]` of any `H`, `W`, and returns `images`, uint8
        `[batch, H * scale, W * scale, C]`. It loads with TensorFlow alone.

        Args:
            model: a `SuperResolutionGAN`.
            path: the SavedModel directory (see `kgan.export.write_archive`).
            overwrite: replace an existing export.
            psnr: export the L1-phase generator (`model.psnr_model`).
        """
        if not isinstance(model, SuperResolutionGAN):
            raise ValueError(f"`gan` must be a SuperResolutionGAN; got {type(model).__name__}.")
        export.check_path(path)
        export.check_overwrite(overwrite)
        serve, signature = self.serving(model, psnr=psnr)
        archive = keras.export.ExportArchive()
        archive.track(model.psnr_model if psnr else model.sampling_generator)
        archive.add_endpoint(export.SERVING_SIGNATURE, serve, input_signature=signature)
        return export.write_archive(archive, path, overwrite=overwrite)

    def export_summary(self, model):
        return (f"serving_default: images uint8 [batch, H, W, {model.channels}] -> images uint8 "
                f"[batch, {model.scale}H, {model.scale}W, {model.channels}]")

    def serving_example(self, model, n=4, seed=0):
        # A size no training crop had, and not square: the export takes any.
        side = model.hr_size // model.scale
        lr = np.random.default_rng(seed).integers(
            0, 256, (n, side + 3, side + 5, model.channels), dtype=np.uint8)
        sr = model.generate(lr.astype("float32") / 127.5 - 1.0)
        return {"images": lr}, {"images": images.to_uint8(sr)}

    # ------------------------------------------------------------ kgan sample

    def sample(self, model, out, n, seed, info, **options):
        """Writes `n` held-out LR crops (chosen by `seed`), their upscaling and the HR
        crops, uint8, to an `.npz` with keys `lr`, `sr`, `hr`."""
        out = out if out.endswith(".npz") else out + ".npz"
        lr, hr = held_out_crops(model.scale, model.hr_size, model.channels)
        pick = np.random.default_rng(seed).choice(len(lr), n, replace=n > len(lr))
        arrays = {"lr": images.to_uint8(lr[pick]), "hr": images.to_uint8(hr[pick]),
                  "sr": images.to_uint8(model.generate(lr[pick]))}
        files.write_npz(out, arrays)
        return out, (f"Wrote {n} held-out crops {tuple(lr.shape[1:])} and their {model.scale}x "
                     f"upscaling {tuple(hr.shape[1:])} to {out}")

    def explore_app(self, run_dir, info):
        from kgan.tasks.super_resolution import explore

        return explore.explore_app(run_dir, info)

    def evaluate(self, model, run_dir, info, **options):
        """Upscales the held-out photos whole (`kgan.datasets.photos.held_out_images`, each
        cropped to a multiple of the scale and downscaled as in training) with the
        generator (tiled, as `kgan upscale`), the PSNR-phase generator and bicubic
        interpolation, and scores each against the originals as published
        super-resolution tables do: `kgan.metrics.psnr` and `ssim` on luma with a border of
        `scale` pixels left out, and `sharpness`, averaged over the photos. Prints the
        table and writes it to `metrics.json["held_out"]`."""
        from kgan.tasks.super_resolution.upscale import upscale_image

        scale = model.scale
        methods = {"output": lambda lr: upscale_image(model, lr),
                   "psnr model": lambda lr: upscale_image(model, lr, psnr=True),
                   "bicubic": lambda lr: photos.bicubic_upscale(lr, scale)}
        scores = {name: [] for name in methods}
        held_out = photos.held_out_images()
        for _, image in held_out:
            if model.channels == 1:
                image = np.asarray(tf.image.rgb_to_grayscale(image))
            hr = image[:image.shape[0] // scale * scale, :image.shape[1] // scale * scale]
            lr = photos.downscale(hr, scale)
            for name, upscale in methods.items():
                sr = upscale(lr)
                scores[name].append((metrics.psnr(sr, hr, on="y", crop_border=scale),
                                     metrics.ssim(sr, hr, on="y", crop_border=scale),
                                     metrics.sharpness(sr, hr, crop_border=scale)))
        result = {name: dict(zip(("psnr", "ssim", "sharpness"),
                                 (float(v) for v in np.mean(rows, axis=0))))
                  for name, rows in scores.items()}
        print(f"kgan evaluate {run_dir}: the {len(held_out)} held-out photos at {scale}x "
              f"({', '.join(name for name, _ in held_out)}), mean over them")
        print(f"{'':<12}{'psnr (Y)':>10}{'ssim (Y)':>10}{'sharpness':>11}")
        for name, row in result.items():
            print(f"{name:<12}{row['psnr']:>10.3f}{row['ssim']:>10.4f}{row['sharpness']:>11.3f}")
        path = files.update_json(os.path.join(run_dir, "metrics.json"), "held_out",
                                 {"data": "the held-out photos", "n": len(held_out), **result})
        print(f"Wrote {path}")
        return result
