"""The text task: `kgan.TextGAN` on one-hot character sequences."""

import os
import time

import keras
import numpy as np
import tensorflow as tf

from kgan import callbacks, datasets, export, files, networks, text
from kgan.metrics import text as text_metrics
from kgan.tasks.base import Task, TaskData
from kgan.tasks.text.model import TextGAN
from kgan.tasks.text.recipes import (
    MAX_LENGTH_CAP, TEXTGAN_SURNAMES, TEXTGAN_WGAN_SURNAMES, TextRecipe,
)

__all__ = ["TextTask", "export_text_generator", "scores_to_strings"]

# Samples scored against held-out text at the end of a run.
EVAL_SAMPLES = 2000
# Samples `kgan sample` generates and writes at a time.
SAMPLE_CHUNK = 4096


class TextTask(Task):
    """Character sequences from noise: `kgan.TextGAN`, with a maximum-likelihood warm start.

    An epoch is `steps_per_epoch` GAN updates. Its run directory holds
    fixed-noise samples per epoch (`samples/epoch_0001.txt`, one per line)
    and, at the end, `metrics.json` (2,000 samples scored against held-out
    text, with real-vs-real floors); `run.json` records the vocabulary.
    The export serves `z -> text tf.string` and `n, seed -> text`.

    Example:

    ```python
    task = kgan.tasks.get("text")
    data = kgan.datasets.load_text("surnames", batch_size=64, seed=0)
    gan = task.build("textgan-surnames", vocabulary=data.vocabulary, length=data.max_length)
    gan.pretrain(data.train.repeat(), steps_per_epoch=3000)
    gan.fit(data.train.repeat(), steps_per_epoch=60, epochs=60)
    ```
    """

    name = "text"
    description = "character sequences from noise (kgan.TextGAN)"
    model_class = TextGAN
    recipe_class = TextRecipe
    recipes = (TEXTGAN_SURNAMES, TEXTGAN_WGAN_SURNAMES)
    sample_file = "UTF-8 .txt, one sample per line"

    def build(self, recipe=None, *, vocabulary, length, seed=None, **overrides):
        """A compiled `kgan.TextGAN` built as `kgan train --model textgan` builds it.

        Args:
            recipe: a recipe name (default `"textgan-surnames"`) or a `TextRecipe`.
            vocabulary: the strings of the token ids, `""` (the end token) first.
            length: tokens per sample.
            seed: seed of the training noise.
            **overrides: recipe fields to change.
        """
        recipe = self.recipe(recipe, **overrides)
        vocabulary = text.check_vocabulary(vocabulary)
        generator, discriminator = networks.get(
            recipe.model, image_shape=(length, len(vocabulary)), latent_dim=recipe.latent_dim,
            filters=recipe.filters)
        if recipe.pretrain_steps and not hasattr(generator, "log_prob"):
            raise ValueError(
                f"`pretrain_steps` must be 0 for {recipe.model!r}: its generator has no "
                "`log_prob` to train by maximum likelihood."
            )
        gan = TextGAN(
            generator, discriminator, vocabulary=vocabulary, beta_max=recipe.beta_max,
            anneal_steps=recipe.epochs * recipe.steps_per_epoch, d_steps=recipe.d_steps,
            gp_weight=recipe.gp_weight, seed=seed, ema_decay=recipe.ema_decay or None)
        d_rate = recipe.d_learning_rate or recipe.learning_rate
        g_rate = recipe.g_learning_rate or recipe.learning_rate * recipe.g_learning_rate_ratio
        optimizers = [
            keras.optimizers.Adam(rate, beta_1=recipe.beta_1, beta_2=recipe.beta_2,
                                  clipnorm=recipe.clipnorm)
            for rate in (g_rate, d_rate)
        ]
        gan.compile(g_optimizer=optimizers[0], d_optimizer=optimizers[1], loss=recipe.loss)
        return gan

    # ------------------------------------------------------------ kgan train

    def load_data(self, recipe, seed):
        data = datasets.load_text(recipe.data, max_length=recipe.max_length,
                                  batch_size=recipe.batch_size, seed=seed or 0,
                                  long_lines=recipe.long_lines, cap=MAX_LENGTH_CAP)
        if data.num_dropped or data.num_truncated:
            print(f"{'Dropped' if data.num_dropped else 'Truncated'} "
                  f"{data.num_dropped or data.num_truncated} lines longer than "
                  f"{data.max_length} characters.", flush=True)
        info = {"sample_shape": list(data.sample_shape), "vocabulary": data.vocabulary,
                "corpus": data.description}
        return TaskData(data.train.repeat(), data.sample_shape, info=info,
                        fit_arguments={"steps_per_epoch": recipe.steps_per_epoch}, source=data)

    def build_for_data(self, recipe, data, seed):
        return self.build(recipe, vocabulary=data.source.vocabulary,
                          length=data.source.max_length, seed=seed)

    def check_data(self, model, data):
        model.check_data(data.source.train)

    def callbacks(self, model, recipe, out, seed):
        return [callbacks.TextSamples(os.path.join(out, "samples"), num_samples=recipe.num_samples,
                                      seed=0 if seed is None else seed)]

    def before_fit(self, model, data, recipe, out, verbose):
        if not recipe.pretrain_steps:
            return {}
        start = time.perf_counter()
        print(f"Warm start: {recipe.pretrain_steps} maximum-likelihood steps", flush=True)
        mle = model.pretrain(data.dataset, epochs=1, steps_per_epoch=recipe.pretrain_steps,
                             verbose=1 if verbose else 0)
        return {"pretrain_nll_per_token": mle["nll"][-1],
                "pretrain_seconds": time.perf_counter() - start}

    def final_artefacts(self, recipe, seed):
        return {"metrics.json": self.write_metrics}

    def write_metrics(self, model, data, out):
        """Scores 2,000 samples against the held-out text; writes `metrics.json`."""
        source = data.source
        size = min(EVAL_SAMPLES, len(source.held_out_texts), len(source.train_texts))
        samples = model.generate_text(size, seed=12345)
        metrics = text_metrics.evaluate(samples, source.train_texts, source.held_out_texts, seed=0)
        if hasattr(model.sampling_generator, "log_prob"):
            metrics["nll_test"], metrics["nll_test_per_token"] = text_metrics.nll_test(
                model.sampling_generator, source.encode(source.held_out_texts))
        files.write_json(metrics, os.path.join(out, "metrics.json"))
        print(f"{size} samples: JS-4 {metrics['js_4']:.3f} (real-vs-real floor "
              f"{metrics['js_floor_4']:.3f}), unique {metrics['unique']:.3f}, novel "
              f"{metrics['novel']:.3f}, self-BLEU-4 {metrics['self_bleu_4']:.3f}")

    # ----------------------------------------------------- sample, export

    def sample(self, model, out, n, seed, info, **options):
        """Writes `n` samples, one per line, generated and written in chunks; the noise
        comes from `numpy.random.default_rng(seed)`, drawn chunk by chunk."""
        rng = np.random.default_rng(seed)

        def write(tmp):
            with open(tmp, "w", encoding="utf-8", newline="\n") as f:
                for start in range(0, n, SAMPLE_CHUNK):
                    z = rng.standard_normal((min(SAMPLE_CHUNK, n - start), model.latent_dim))
                    f.writelines(f"{t}\n" for t in model.generate_text(z.astype("float32")))

        files.atomic_write(out, write)
        return out, f"Wrote {n} samples to {out}"

    def export(self, model, path, overwrite=False):
        """Writes the generator as a SavedModel mapping noise to strings.

        Signatures: `serving_default` takes `z`, float32 `[batch,
        latent_dim]`, and returns `text`, `tf.string [batch]` (UTF-8): at
        each position the argmax token of the generator's output, the
        characters before the first end token joined. `generate` takes `n`
        and `seed`, int32 scalars, and draws `z ~ N(0, 1)` from a stateless
        RNG (same seed, same text). For a Gumbel-softmax generator
        (`TextGenerator`) the argmax *is* its sample: `z` holds the sampling
        noise, so `serving_default` is deterministic in `z`. The generator
        is `model.sampling_generator`.
        """
        outputs = _text_outputs(model)
        export.check_path(path)
        export.check_overwrite(overwrite)
        archive = export.noise_archive(model.sampling_generator, int(model.latent_dim), outputs)
        return export.write_archive(archive, path, overwrite=overwrite)

    def serving(self, model):
        """`z`, float32 `[batch, latent_dim]` -> `text`, `tf.string [batch]`: the export's
        `serving_default` (see `export`). ONNX and LiteRT cannot express its strings."""
        return export.noise_serving(model.sampling_generator, int(model.latent_dim),
                                    _text_outputs(model))

    def export_summary(self, model):
        return "serving_default: z -> text tf.string"

    def serving_example(self, model, n=4, seed=0):
        z = np.random.default_rng(seed).standard_normal((n, model.latent_dim)).astype("float32")
        texts = model.generate_text(z)
        return {"z": z}, {"text": np.array([t.encode("utf-8") for t in texts], dtype=object)}

    def explore_app(self, run_dir, info):
        from kgan.tasks.text import explore

        return explore.explore_app(run_dir, info)


def _text_outputs(model):
    """The export's output mapping of a `kgan.TextGAN`: scores -> `{"text": strings}`."""
    vocabulary = getattr(model, "vocabulary", None)
    if not isinstance(model, TextGAN) or vocabulary is None:
        raise ValueError(
            f"`gan` must be a kgan.TextGAN (with a `vocabulary`); got {type(model).__name__}."
        )
    vocabulary = text.check_vocabulary(vocabulary)
    return lambda scores: {"text": scores_to_strings(scores, vocabulary)}


def scores_to_strings(scores, vocabulary):
    """In-graph `kgan.text.decode` (argmax): `[n, length, vocab]` -> `tf.string [n]`."""
    table = tf.constant(vocabulary, dtype=tf.string)
    ids = tf.argmax(scores, axis=-1, output_type=tf.int32)
    ended = tf.cumsum(tf.cast(ids == text.END_ID, tf.int32), axis=1) > 0
    characters = tf.where(ended, tf.constant(""), tf.gather(table, ids))
    return tf.strings.reduce_join(characters, axis=1)


def export_text_generator(gan, path, overwrite=False):
    """Writes a `kgan.TextGAN`'s generator as a SavedModel that serves strings.

    The same as `kgan.export_generator` on a text GAN; see `TextTask.export`
    for the signatures.

    Example:

    ```python
    kgan.export_text_generator(gan, "exports/names")

    import tensorflow as tf
    model = tf.saved_model.load("exports/names")
    model.signatures["generate"](n=tf.constant(3), seed=tf.constant(0))["text"]
    ```
    """
    return TextTask().export(gan, path, overwrite=overwrite)
