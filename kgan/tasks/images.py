"""What the image tasks share: the image recipe fields, image data, `.npz`
samples, `kgan evaluate`, and uint8 outputs in exported graphs.

`ImageTask` is the base of the unconditional and conditional tasks (and of
any task whose samples are images `[H, W, C]` in [-1, 1]); it is not a task
itself.
"""

import dataclasses
import os
from typing import Optional

import numpy as np
import tensorflow as tf

from kgan import callbacks, datasets, files, images, metrics, precision
from kgan.tasks.base import Argument, Recipe, Task, TaskData, option, optional
from kgan.validation import (
    check_int, check_non_negative, check_unit_interval, parse_augment, parse_non_negative_float,
    parse_positive_int, parse_unit_interval,
)

__all__ = ["ImageRecipe", "ImageTask", "random_images", "to_uint8_graph"]

# Images `kgan sample` generates and writes at a time.
SAMPLE_CHUNK = 4096


def _check_augment(value, name):
    from kgan import augment

    return augment.check_policy(value or None) or ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class ImageRecipe(Recipe):
    """`Recipe` fields of the image tasks.

    Args:
        filters: width of both networks.
        image_size: resize the images to `image_size` x `image_size`
            (`None`: the data's own size).
        r1_weight: `gamma` of the R1 penalty on real data; 0 for none.
        r1_every: apply R1 every `r1_every` discriminator steps, that many
            times as strong (lazy regularization).
        augment: DiffAugment policy for the discriminator's inputs, e.g.
            `"color,translation,cutout"`; `""` for none.
        beta_1: Adam's `beta_1` for both networks.
        precision: `"float32"`, `"mixed_bfloat16"`, or `"auto"`: bfloat16
            where a short measurement on this machine finds it faster
            (`kgan.precision.choose`).
        steps_per_execution: training steps run by one call of the compiled
            step (Keras' `steps_per_execution`): the same steps and results,
            with less time between steps when they are small.
    """

    filters: int = option(32, "network width", parse=parse_positive_int, check=check_int)
    image_size: Optional[int] = option(
        None, "resize images to SIZE x SIZE", parse=parse_positive_int,
        check=optional(check_int), none="the data's own size")
    r1_weight: float = option(0.0, "R1 penalty weight gamma", parse=parse_non_negative_float,
                              check=check_non_negative, absent=0.0)
    r1_every: int = option(1, "lazy R1: the penalty every N discriminator steps, N times as "
                              "strong", parse=parse_positive_int, check=check_int, absent=1)
    augment: str = option("", "DiffAugment policy for D's inputs, e.g. color,translation,cutout; "
                          "'none' disables it", parse=parse_augment, check=_check_augment,
                          absent="")
    beta_1: float = option(0.5, "Adam's beta_1 (momentum) for both networks",
                           parse=parse_unit_interval, check=check_unit_interval, absent=0.5)
    precision: str = option("float32", "dtype policy; auto: bfloat16 where a short measurement "
                                       "on this machine finds it faster",
                            choices=precision.POLICIES, check=precision.check_precision,
                            absent="float32")
    steps_per_execution: int = option(
        1, "training steps per call of the compiled step (same results; less overhead "
           "between small steps)", parse=parse_positive_int, check=check_int, absent=1)


def random_images(shape, seed=0):
    """Uniform float32 images in [-1, 1] of `shape` (e.g. a batch to time a step on)."""
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype("float32")


def to_uint8_graph(images_tensor):
    """In-graph `kgan.images.to_uint8`: [-1, 1] floats -> uint8 [0, 255].

    `round((x + 1) * 127.5)` (round half to even, like `np.rint`), clipped
    to [0, 255]; NaN becomes 0.
    """
    images_tensor = tf.cast(images_tensor, tf.float32)
    scaled = tf.round((images_tensor + 1.0) * 127.5)
    scaled = tf.where(tf.math.is_nan(scaled), tf.zeros_like(scaled), scaled)
    return tf.cast(tf.clip_by_value(scaled, 0.0, 255.0), tf.uint8)


class ImageTask(Task):
    """Base of the tasks whose samples are images in [-1, 1].

    Subclasses set `labels` (whether the data's labels are loaded) and
    implement `sample_arrays`.
    """

    recipe_class = ImageRecipe
    labels = False
    sample_file = ".npz, key 'images': uint8 (N, H, W, C)"
    evaluate_description = (
        "FD, KID, IS, precision/recall and coverage of --n images in the features of a domain "
        "classifier (trained once per data and image size, then cached) or of a local "
        "InceptionV3.")
    evaluate_arguments = (
        Argument("--data", "real images to compare with, labelled for the domain extractor "
                           "(default: the run's --data)"),
        Argument("--image-size", "resize the real images (default: the generator's size)",
                 parse_positive_int),
        Argument("--n", "generated images (default: %(default)s)", parse_positive_int, 10000),
        Argument("--n-real", "real images (default: all)", parse_positive_int),
        Argument("--seed", "default: %(default)s", int, 0),
        Argument("--batch-size", "default: %(default)s", parse_positive_int, 250),
        Argument("--max-samples", "features per side for KID and the k-NN metrics "
                                  "(default: %(default)s)", parse_positive_int, 5000),
        Argument("--kid-subset-size", "rows per KID subset (default: %(default)s)",
                 parse_positive_int, 1000),
        Argument("--extractor", "domain extractor .keras file to use, or to train and write if "
                                "missing (default: cached under $KGAN_CACHE_DIR/extractors or "
                                "~/.cache/kgan/extractors)"),
        Argument("--inception-weights", "a local InceptionV3 weights file: use Inception "
                                        "features instead of the domain classifier (never "
                                        "downloaded)"),
    )

    def resolve_auto_precision(self, recipe, make_batch, build):
        """`recipe`, with `precision="auto"` replaced by the policy `choose_precision`
        measures on `make_batch()` (called only then) with `build(recipe)`."""
        if recipe.precision != "auto":
            return recipe
        choice = self.choose_precision(recipe, make_batch(), build)
        return dataclasses.replace(recipe, precision=choice.policy)

    # ------------------------------------------------------------ kgan train

    def load_data(self, recipe, seed):
        dataset = datasets.load(recipe.data, batch_size=recipe.batch_size,
                                image_size=recipe.image_size, seed=seed, labels=self.labels)
        spec = dataset.element_spec[0] if self.labels else dataset.element_spec
        image_shape = tuple(int(d) for d in spec.shape[1:])
        return TaskData(dataset, image_shape, info={"image_shape": list(image_shape)})

    @staticmethod
    def grid_scale(image_shape):
        """Upscaling of grid tiles: small images are shown at 32 px or more."""
        return max(1, 32 // image_shape[0])

    @staticmethod
    def compile_arguments(recipe):
        """`compile` arguments of a recipe: two Adam optimizers, the loss and
        `steps_per_execution`."""
        import keras

        return {
            "g_optimizer": keras.optimizers.Adam(recipe.g_learning_rate or recipe.learning_rate,
                                                 beta_1=recipe.beta_1),
            "d_optimizer": keras.optimizers.Adam(recipe.d_learning_rate or recipe.learning_rate,
                                                 beta_1=recipe.beta_1),
            "loss": recipe.loss,
            "steps_per_execution": recipe.steps_per_execution,
        }

    def final_artefacts(self, recipe, seed):
        def training_gif(model, data, out):
            callbacks.TrainingGif(out, frames_dir=os.path.join(out, "samples")).write()

        return {"training.gif": training_gif}

    # ------------------------------------------------------------ kgan sample

    def sample_plan(self, model, n, info, **options):
        """What `kgan sample` generates: `(arrays, generate)`, the small arrays written
        beside the images (e.g. `{"labels": ...}`) and `generate(start, z)`, the float
        images for rows `start .. start + len(z)` from noise `z`."""
        raise NotImplementedError

    def sample(self, model, out, n, seed, info, **options):
        """Writes `n` images (uint8) to an `.npz`, generated and written in chunks so that
        memory does not grow with `n`; the noise comes from `numpy.random.default_rng(seed)`,
        drawn chunk by chunk (the same images as one draw of all `n` rows)."""
        out = out if out.endswith(".npz") else out + ".npz"
        arrays, generate = self.sample_plan(model, n, info, **options)
        rng = np.random.default_rng(seed)

        def chunks():
            for start in range(0, n, SAMPLE_CHUNK):
                z = rng.standard_normal((min(SAMPLE_CHUNK, n - start), model.latent_dim))
                yield images.to_uint8(generate(start, z.astype("float32")))

        shape = (n, *model.sample_shape)
        files.write_npz(out, arrays, streamed=("images", shape, "uint8", chunks()))
        return out, f"Wrote {n} images {tuple(model.sample_shape)} to {out}"

    # ---------------------------------------------------------- kgan evaluate

    def evaluate(self, model, run_dir, info, **options):
        """FD, KID, IS, precision/recall and coverage of `n` generated images
        against the real data; prints the table and writes `metrics.json`."""
        data = options["data"] or info.get("data")
        run_json = os.path.join(run_dir, "run.json")
        if data is None:
            raise ValueError(f"{run_json!r} does not name the run's data; pass --data.")
        sample_shape = tuple(int(d) for d in model.sample_shape)
        real, _ = datasets.load_arrays(data, image_size=options["image_size"] or sample_shape[0])
        if real.shape[1:] != sample_shape:
            raise ValueError(
                f"--data {data!r} gives images of shape {real.shape[1:]} but the generator "
                f"makes {sample_shape}; pass --data with {sample_shape[-1]} channel(s) or "
                "--image-size."
            )
        if options["inception_weights"]:
            extractor = metrics.FeatureExtractor.inception(options["inception_weights"])
        else:
            extractor, _, _ = metrics.extractor_for(data, sample_shape, path=options["extractor"])
        result = metrics.evaluate(
            model, real, extractor, n=options["n"], n_real=options["n_real"],
            batch_size=options["batch_size"], max_samples=options["max_samples"],
            kid_subset_size=options["kid_subset_size"], seed=options["seed"])
        print(f"kgan evaluate {run_dir} (data: {data})")
        print(result.format_table())
        # One entry per feature extractor, so domain and Inception results live side by side.
        path = files.update_json(os.path.join(run_dir, "metrics.json"), extractor.name,
                                 {**result.to_dict(), "data": data})
        print(f"Wrote {path}")
        return result
