"""Image-to-image on held-out characters: identity, L1-only U-Net, pix2pix, CycleGAN; inpainting.

Every model row trains for the same number of steps (`--steps`, default the
recipes' 10 epochs x 40 steps = 400) with the recipes' settings
(`pix2pix-fonts`, `cyclegan-fonts`, `inpaint-digits`), then is measured on
data it never saw:

- **Fonts** (`kgan.datasets.load_pairs("fonts")`: 21 source fonts -> DejaVu
  Serif Bold Italic, 32 px; the test split is the 10 held-out characters
  `D J P V b h n t z 5` in every source font, 210 pairs). Rows: identity
  (the input as output), an L1-only U-Net (pix2pix's generator trained on
  the L1 loss alone, no discriminator), pix2pix (`Pix2Pix`), CycleGAN
  (`CycleGAN` on `load_unpaired("fonts")`: the same characters, the pairing
  hidden), and **real targets** (the true target glyphs as outputs: what a
  perfect model would score, i.e. the ceiling the two classifiers allow).
  Columns: L1 and PSNR, SSIM (`kgan.metrics.psnr` / `ssim`)
  against the true targets; **domain FD**, the Fréchet distance between the
  outputs' and the real targets' features from a CNN trained on real glyphs
  (`kgan.metrics.FeatureExtractor.fit`, the character classifier below);
  **content kept**, the share of outputs the character classifier (trained
  on every real glyph of the 22 fonts except the 10 test targets, the
  target font's held-out characters, so that the real-targets row measures
  them as unseen glyphs; each glyph also moved 2 px up, down, left and
  right, 8 epochs of the 5x images) reads as the input's character; **style
  reached**, the share a font classifier (trained on the same glyphs,
  labelled by font) reads as the target font; wall time of training.
- **Fonts, held-out fonts**: the same rows trained again with 4 of the 21
  source fonts held out (`held_out_fonts`: every fifth from the third), and
  scored on those fonts' glyphs of the 52 characters that were trained on
  (208 pairs): unseen source fonts whose target glyphs the models did see.
  The classifiers saw these target glyphs too, so the real-targets row is
  no ceiling here. The targets below are checked on both tables (the
  image-to-image targets speak of held-out characters or fonts).
- **Inpainting** (`load_inpainting(recipe data)`, the held-out tenth with
  fixed masks): the pix2pix generator with the mask as an input channel
  trained on L1 only, and the inpaint GAN (`InpaintingGAN`). Columns: domain
  FD of the filled images (pixels outside the hole kept, as `kgan inpaint`
  does) against the held-out originals, with a CNN trained on the data's
  labels (40 epochs too), and PSNR inside the hole only (`10 log10(2^2 /
  MSE)` on values in [-1, 1], over the hole pixels of all images).
- **Speed**: steps/s of kgan's `Pix2Pix.fit` against a hand-written
  TF-tutorial pix2pix step (two gradient tapes, Adam, BCE + 100 L1) on the
  same networks, batch and data, in this run (medians of interleaved
  repeats, `--speed-repeats`), with kgan's `train_step` also timed alone in
  the hand-written step's Python loop (what `fit`'s own loop adds shows as
  the difference), and each one's share of this
  machine's float32 matmul GFLOP/s (`benchmarks/common.matmul_gflops`).
  FLOPs per step: 3 x (one generator forward + two discriminator forwards),
  a backward pass counted as twice its forward, the forwards counted by
  TensorFlow's graph profiler (the U-Net takes any size, so
  `common.forward_flops`, which reads static layer shapes, cannot).

Targets (PASS/MISS, never tuned to pass): pix2pix keeps content >= 95% and
reaches style >= 90%, with a domain FD lower than the L1-only U-Net's at an
SSIM no more than 0.02 below it; CycleGAN keeps content >= 85% and reaches
style >= 80%; the inpaint GAN's domain FD is lower than L1-only's at a
masked-region PSNR no more than 0.5 dB below it; kgan's Pix2Pix step is at
least as fast as the hand-written one.

Run (alone on the machine: other processes change every timing):

    python benchmarks/image_to_image.py              # the recipes' 400 steps per model
    python benchmarks/image_to_image.py --steps 1600 # every row trained 4x longer
    python benchmarks/image_to_image.py --speed-only # the speed comparison alone
    python benchmarks/image_to_image.py --fonts-only # the classifiers and the held-out fonts
    python benchmarks/image_to_image.py --quick      # smoke run: tiny models, 2 steps
    python benchmarks/image_to_image.py --fonts-only --steps 6400 --train-seeds 0,1,2 --rows l1,pix2pix
    python benchmarks/image_to_image.py --fonts-only --steps 6400 --train-seeds 0,1,2 --rows cyclegan

The last two train the held-out fonts' L1-only and pix2pix rows, then its
CycleGAN row, with three training seeds (the classifiers stay those of
`--seed`) and judge the targets on each row's medians: one seed's domain
FD moves by several units with the training randomness alone. Each trained
row starts from the global seed again (`keras.utils.set_random_seed`), so a
row's figures do not depend on which rows ran before it.
"""

import argparse
import dataclasses
import math
import statistics
import subprocess
import sys
import time

from common import REPO_ROOT, matmul_gflops, print_machine  # noqa: E402

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

sys.path.insert(0, str(REPO_ROOT))  # benchmark this checkout's kgan
tf.get_logger().setLevel("ERROR")  # predict's retracing notes for each new model

import kgan  # noqa: E402,F401
from kgan import datasets, metrics  # noqa: E402
from kgan.datasets import masks, pairs  # noqa: E402

# Epochs of all three classifiers (character, font, inpainting's digits): 40 (about 700 steps
# on the 1,354 glyphs) rather than FeatureExtractor.fit's default of about 250 steps. The
# glyph classifiers see each glyph also moved by GLYPH_SHIFT pixels up, down, left and right
# (5x the images, so 40 / 5 epochs, the same steps): without the moved copies the font
# classifier named the target font for 8 of its 10 unseen glyphs (never t or z), with them
# for all 10.
CLASSIFIER_EPOCHS = 40
GLYPH_SHIFT = 2

# The second fonts table holds out every fifth source font from the third (4 of the 21:
# DejaVu Sans Oblique, DejaVu Sans Mono, STIXGeneral Bold, cmr10) and scores their glyphs of
# the training characters: unseen source fonts, target glyphs seen in training.
HELD_OUT_FONTS = slice(2, None, 5)

# --rows: the trained rows of the fonts tables (the L1-only U-Net, pix2pix, CycleGAN).
ROWS = ("l1", "pix2pix", "cyclegan")

TARGETS = {
    "pix2pix_content": 0.95, "pix2pix_style": 0.90, "pix2pix_ssim_drop": 0.02,
    "cyclegan_content": 0.85, "cyclegan_style": 0.80, "inpaint_psnr_drop": 0.5,
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=None,
                        help="training steps of every model row (default: the recipes' "
                             "epochs x steps per epoch)")
    parser.add_argument("--speed-steps", type=int, default=50,
                        help="timed steps of each pix2pix step in the speed comparison")
    parser.add_argument("--speed-repeats", type=int, default=5,
                        help="interleaved repeats of the speed comparison; medians reported")
    parser.add_argument("--speed-only", action="store_true",
                        help="only the speed comparison (a few minutes)")
    parser.add_argument("--fonts-only", action="store_true",
                        help="only the classifiers and the held-out fonts table")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the classifiers, and of the model rows' training unless "
                             "--train-seeds")
    parser.add_argument("--train-seeds", type=parse_seeds, default=None,
                        help="comma-separated training seeds of the fonts tables' model rows "
                             "(e.g. 0,1,2): each seed's table, then their medians, which the "
                             "targets judge")
    parser.add_argument("--rows", type=parse_rows, default=list(ROWS),
                        help="comma-separated trained rows of the fonts tables, of "
                             f"{', '.join(ROWS)} (default: all; identity and the real targets "
                             "are always scored)")
    parser.add_argument("--quick", action="store_true",
                        help="tiny models for 2 steps, 16 px, small classifiers: checks the "
                             "script, not the figures")
    return parser.parse_args(argv)


def parse_seeds(text):
    try:
        seeds = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers; got {text!r}")
    if len(set(seeds)) != len(seeds):
        raise argparse.ArgumentTypeError(f"a seed is repeated in {text!r}")
    return seeds


def parse_rows(text):
    rows = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [row for row in rows if row not in ROWS]
    if unknown or not rows:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated rows of {', '.join(ROWS)}; got {text!r}")
    return rows


def lscpu():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return
    wanted = ("Model name", "CPU(s)", "Thread(s) per core", "Flags")
    print("lscpu")
    for line in out.splitlines():
        key = line.partition(":")[0].strip()
        if key in wanted:
            print(f"  {key:<20} {line.partition(':')[2].strip()}")


# ------------------------------------------------------------------ settings


def settings(args):
    """Recipe overrides, image size, steps and classifier epochs for this run."""
    pix2pix = kgan.tasks.get("pix2pix").recipe("pix2pix-fonts")
    steps = args.steps or pix2pix.epochs * pix2pix.steps_per_epoch
    if args.quick:
        return dict(size=16, steps=args.steps or 2, overrides=dict(image_size=16, filters=4),
                    cycle_overrides=dict(image_size=16, filters=4, blocks=1),
                    classifier_epochs=1, speed_steps=min(args.speed_steps, 3), batch=4,
                    speed_repeats=min(args.speed_repeats, 2))
    return dict(size=pix2pix.image_size, steps=steps, overrides={}, cycle_overrides={},
                classifier_epochs=CLASSIFIER_EPOCHS, speed_steps=args.speed_steps,
                speed_repeats=args.speed_repeats, batch=pix2pix.batch_size)


# --------------------------------------------------------------- classifiers


def real_glyphs(size):
    """The classifiers' training glyphs: every real glyph of the 22 fonts except the target
    font's held-out characters (the test targets). Returns images, character labels, font
    labels and the target font's id."""
    train, test = pairs.font_pairs("train", size), pairs.font_pairs("test", size)
    fonts = len(train.source_fonts)
    images = [train.source, test.source]
    chars = [train.char_index, test.char_index]
    font_ids = [train.font_index, test.font_index]
    # The target font's glyphs, each character once; its held-out characters (the test
    # targets, seen by no model) stay unseen by the classifiers too.
    _, first = np.unique(train.char_index, return_index=True)
    images.append(train.target[first])
    chars.append(train.char_index[first])
    font_ids.append(np.full(len(first), fonts, np.int32))
    return (np.concatenate(images), np.concatenate(chars), np.concatenate(font_ids), fonts)


def moved_copies(images, shift=GLYPH_SHIFT):
    """`images` (`[N, H, W, 1]`, background -1) and their copies moved `shift` pixels up,
    down, left and right (the uncovered edge background): `[5N, H, W, 1]`."""
    copies = [images]
    for axis in (1, 2):
        for step in (shift, -shift):
            moved = np.roll(images, step, axis=axis)
            edge = [slice(None)] * 4
            edge[axis] = slice(0, step) if step > 0 else slice(step, None)
            moved[tuple(edge)] = -1.0
            copies.append(moved)
    return np.concatenate(copies)


def classifiers(size, epochs, seed):
    images, chars, font_ids, target_id = real_glyphs(size)
    moved = moved_copies(images)
    copies = len(moved) // len(images)
    epochs = max(1, epochs // copies)
    start = time.perf_counter()
    content = metrics.FeatureExtractor.fit((moved, np.tile(chars, copies)), epochs=epochs,
                                           seed=seed)
    style = metrics.FeatureExtractor.fit((moved, np.tile(font_ids, copies)), epochs=epochs,
                                         seed=seed)
    print(f"\nClassifiers of real glyphs ({len(images)} images of 22 fonts, each also moved "
          f"{GLYPH_SHIFT} px 4 ways: {len(moved)}; {epochs} epochs, "
          f"{time.perf_counter() - start:.0f} s): character accuracy "
          f"{content.metadata['test_accuracy']:.3f}, font accuracy "
          f"{style.metadata['test_accuracy']:.3f} on their own held-out fifth (moved copies "
          "of a glyph can fall on both sides)")
    return content, style, target_id


# --------------------------------------------------------------------- rows


def fit(model, dataset, steps, seed):
    # The global seed, again for each row: what draws from it in training (dropout) then
    # does not depend on which rows ran before.
    keras.utils.set_random_seed(seed)
    start = time.perf_counter()
    model.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0)
    return time.perf_counter() - start


def l1_only(generator, learning_rate, beta_1):
    """Pix2pix's generator trained on the L1 distance alone (no discriminator)."""
    model = keras.Model(generator.inputs, generator.outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate, beta_1=beta_1), loss="mae")
    return model


def predict(model, x):
    return np.asarray(model.predict(x, batch_size=64, verbose=0), np.float32)


def held_out_fonts(size):
    """The source fonts of the second fonts table, comma-separated."""
    return ",".join(pairs.font_pairs("train", size).source_fonts[HELD_OUT_FONTS])


def unseen_fonts_only(test):
    """The test pairs of the held-out fonts whose characters were trained on."""
    fonts = [test.source_fonts.index(f) for f in test.held_out_fonts]
    trained = [i for i, c in enumerate(test.characters) if c not in test.held_out_characters]
    keep = np.isin(test.font_index, fonts) & np.isin(test.char_index, trained)
    return dataclasses.replace(test, source=test.source[keep], target=test.target[keep],
                               char_index=test.char_index[keep],
                               font_index=test.font_index[keep])


def font_rows(cfg, seed, font_options=None, select=None, rows=ROWS):
    """Trains the `rows` (of ROWS) on the fonts data (`font_options`: `load_pairs`' font
    choices) and translates its test split, or the part of it that `select` keeps."""
    s = cfg["size"]
    font_options = font_options or {}
    task = kgan.tasks.get("pix2pix")
    recipe = task.recipe("pix2pix-fonts", **cfg["overrides"])
    batch = cfg["batch"]
    train = datasets.load_pairs("fonts", image_size=s, batch_size=batch, seed=seed,
                                steps=cfg["steps"], **font_options)
    test = pairs.font_pairs("test", s, **font_options)
    if select is not None:
        test = select(test)
    outputs, seconds = {"identity": test.source}, {"identity": 0.0}

    # Built in this order (weights draw from the global seed), then trained.
    if "pix2pix" in rows:
        gan = task.build(recipe, channels=1, seed=seed, batch_size=batch)
    if "l1" in rows:
        baseline_net = task.build(recipe, channels=1, seed=seed, batch_size=batch).generator
        baseline = l1_only(baseline_net, recipe.learning_rate, recipe.beta_1)
        seconds["L1-only U-Net"] = fit(baseline, train, cfg["steps"], seed)
        outputs["L1-only U-Net"] = predict(baseline, test.source)
    if "pix2pix" in rows:
        seconds["pix2pix"] = fit(gan, train, cfg["steps"], seed)
        outputs["pix2pix"] = gan.generate(test.source)

    try:
        cycle_task = kgan.tasks.get("cyclegan") if "cyclegan" in rows else None
    except (KeyError, ValueError) as error:
        print(f"\nCycleGAN row skipped: the cyclegan task is not available ({error}).")
        cycle_task = None
    if cycle_task is not None:
        # Its weights too start from the global seed, whichever rows ran before.
        keras.utils.set_random_seed(seed)
        cycle = cycle_task.build("cyclegan-fonts", channels=1, seed=seed, batch_size=batch,
                                 **cfg["cycle_overrides"])
        unpaired = datasets.load_unpaired("fonts", image_size=s, batch_size=batch, seed=seed,
                                          steps=cfg["steps"], **font_options)
        seconds["CycleGAN"] = fit(cycle, unpaired, cfg["steps"], seed)
        outputs["CycleGAN"] = np.asarray(cycle.translate(test.source, direction="a2b"))
    outputs["real targets"], seconds["real targets"] = test.target, 0.0
    return test, outputs, seconds


def font_table(title, test, outputs, seconds, content, style, target_id):
    real_features = content.predict(test.target)[0]
    rows, kept = {}, {}
    print(f"\nFonts, {title} ({len(test.source)} pairs, {len(test.source_fonts)} source "
          f"fonts -> {test.target_font})")
    print(f"{'row':<16}{'L1':>8}{'PSNR':>8}{'SSIM':>8}{'domain FD':>11}{'content':>9}"
          f"{'style':>8}{'train s':>9}")
    for name, out in outputs.items():
        out = np.clip(out, -1.0, 1.0)
        features, char_probs = content.predict(out)
        _, font_probs = style.predict(out)
        row = dict(
            l1=float(np.abs(out - test.target).mean()),
            psnr=metrics.psnr(out, test.target), ssim=metrics.ssim(out, test.target),
            fd=float(metrics.frechet_distance(real_features, features)),
            content=float((char_probs.argmax(-1) == test.char_index).mean()),
            style=float((font_probs.argmax(-1) == target_id).mean()),
            seconds=seconds[name])
        rows[name] = row
        print(f"{name:<16}{row['l1']:>8.4f}{row['psnr']:>8.2f}{row['ssim']:>8.4f}"
              f"{row['fd']:>11.3f}{row['content']:>9.3f}{row['style']:>8.3f}"
              f"{row['seconds']:>9.1f}")
        if name in ("pix2pix", "CycleGAN"):
            kept[name] = char_probs.argmax(-1) == test.char_index
    for name, right in kept.items():
        print(f"{name} content by source font: " + ", ".join(
            f"{font} {right[test.font_index == f].mean():.2f}"
            for f, font in enumerate(test.source_fonts) if (test.font_index == f).any()))
        by_char = sorted((right[test.char_index == c].mean(), char)
                         for c, char in enumerate(test.characters) if (test.char_index == c).any())
        print(f"{name} content, the 8 characters kept least: "
              + ", ".join(f"{char} {share:.2f}" for share, char in by_char[:8]))
    return rows


# --------------------------------------------------------------- inpainting


def masked_psnr(filled, target, holes):
    squared = ((filled - target) ** 2 * holes).sum()
    count = holes.sum() * target.shape[-1]
    return 10.0 * math.log10(4.0 / max(squared / max(count, 1.0), 1e-12))


def inpaint_rows(cfg, seed):
    task = kgan.tasks.get("inpaint")
    recipe = task.recipe(None, **cfg["overrides"])
    s, batch = cfg["size"], cfg["batch"]
    kwargs = dict(image_size=s, batch_size=batch, mask_kind=recipe.mask_kind)
    train = datasets.load_inpainting(recipe.data, seed=seed, steps=cfg["steps"], **kwargs)
    test = [(x.numpy(), y.numpy()) for x, y in datasets.load_inpainting(recipe.data,
                                                                        split="test", **kwargs)]
    inputs = np.concatenate([x for x, _ in test])
    target = np.concatenate([y for _, y in test])
    holes = inputs[..., -1:]

    gan = task.build(recipe, channels=1, seed=seed, batch_size=batch)
    baseline = l1_only(task.build(recipe, channels=1, seed=seed, batch_size=batch).generator,
                       recipe.learning_rate, recipe.beta_1)
    seconds = {"L1-only U-Net": fit(baseline, train, cfg["steps"], seed)}
    filled = {"L1-only U-Net": np.asarray(
        inputs[..., :-1] * (1 - holes) + predict(baseline, inputs) * holes)}
    seconds["inpaint GAN"] = fit(gan, train, cfg["steps"], seed)
    filled["inpaint GAN"] = np.asarray(gan.generate(inputs))

    images, labels = datasets.load_arrays(recipe.data, image_size=s)
    extractor = metrics.FeatureExtractor.fit((images, labels), epochs=cfg["classifier_epochs"],
                                             seed=seed)
    real = extractor.predict(target)[0]
    print(f"\nInpainting {recipe.data!r}, {recipe.mask_kind} holes, the held-out tenth "
          f"({len(target)} images, fixed masks covering {holes.mean():.1%}); domain features "
          f"from a classifier of its labels (accuracy "
          f"{extractor.metadata['test_accuracy']:.3f})")
    print(f"{'row':<16}{'domain FD':>11}{'hole PSNR':>11}{'train s':>9}")
    rows = {}
    for name, out in filled.items():
        out = np.clip(out, -1.0, 1.0)
        rows[name] = dict(fd=float(metrics.frechet_distance(real, extractor.predict(out)[0])),
                          psnr=masked_psnr(out, target, holes), seconds=seconds[name])
        print(f"{name:<16}{rows[name]['fd']:>11.3f}{rows[name]['psnr']:>11.2f}"
              f"{rows[name]['seconds']:>9.1f}")
    return rows


# -------------------------------------------------------------------- speed


def forward_flops(network, shape):
    """FLOPs of one forward pass on a float32 input of `shape`, by TF's graph profiler."""
    from tensorflow.python.profiler import model_analyzer, option_builder

    @tf.autograph.experimental.do_not_convert
    def forward(x):
        return network(x, training=False)

    graph = tf.function(forward).get_concrete_function(tf.TensorSpec(shape, tf.float32)).graph
    options = option_builder.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    return model_analyzer.profile(graph, options=options).total_float_ops


def pix2pix_step_flops(generator, discriminator, source_shape, target_channels):
    """3 x (G forward + 2 D forwards): each forward's backward counted as twice it."""
    pair_shape = source_shape[:-1] + (source_shape[-1] + target_channels,)
    return 3 * (forward_flops(generator, source_shape)
                + 2 * forward_flops(discriminator, pair_shape))


class HandWrittenPix2Pix:
    """The TF tutorial's pix2pix step: two tapes, BCE from logits + 100 L1, two Adams."""

    def __init__(self, generator, discriminator, l1_weight=100.0):
        self.generator, self.discriminator = generator, discriminator
        self.l1_weight = l1_weight
        self.g_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)
        self.d_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)
        self.bce = keras.losses.BinaryCrossentropy(from_logits=True)

    @tf.function
    def step(self, source, target):
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            output = self.generator(source, training=True)
            real = self.discriminator(tf.concat([source, target], -1), training=True)
            fake = self.discriminator(tf.concat([source, output], -1), training=True)
            g_loss = (self.bce(tf.ones_like(fake), fake)
                      + self.l1_weight * tf.reduce_mean(tf.abs(target - output)))
            d_loss = self.bce(tf.ones_like(real), real) + self.bce(tf.zeros_like(fake), fake)
        g_vars = self.generator.trainable_variables
        d_vars = self.discriminator.trainable_variables
        self.g_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, g_vars), g_vars))
        self.d_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_vars), d_vars))
        return g_loss, d_loss


def speed(cfg, seed):
    task = kgan.tasks.get("pix2pix")
    recipe = task.recipe("pix2pix-fonts", **cfg["overrides"])
    batch, steps = cfg["batch"], cfg["speed_steps"]
    source, target = next(iter(datasets.load_pairs("fonts", image_size=cfg["size"],
                                                   batch_size=batch, seed=seed, steps=1)))
    data = tf.data.Dataset.from_tensors((source, target)).repeat().prefetch(2)

    gan = task.build(recipe, channels=1, seed=seed, batch_size=batch, ema_decay=0.0)
    other = task.build(recipe, channels=1, seed=seed, batch_size=batch)
    hand = HandWrittenPix2Pix(other.generator, other.discriminator, recipe.l1_weight)
    flops = pix2pix_step_flops(gan.generator, gan.discriminator, tuple(source.shape),
                               int(target.shape[-1]))

    def time_kgan():
        start = time.perf_counter()
        gan.fit(data, epochs=1, steps_per_epoch=steps, verbose=0)
        return steps / (time.perf_counter() - start)

    def time_loop(step):
        start = time.perf_counter()
        for _ in range(steps):
            out = step(source, target)
        tf.nest.flatten(out)[0].numpy()
        return steps / (time.perf_counter() - start)

    kgan_step = tf.function(lambda source, target: gan.train_step((source, target)))
    time_kgan_step = lambda: time_loop(kgan_step)  # noqa: E731
    time_hand = lambda: time_loop(hand.step)  # noqa: E731

    # Trace and warm up with as many steps as are timed (Keras' per-`fit` set-up is then
    # timed once in each measurement, as a user pays it once per epoch). Then the three take
    # turns, in reverse order in every other repeat, so that a slower spell of the machine
    # falls on all of them.
    time_kgan(), time_kgan_step(), time_hand()
    rates = {"kgan": [], "kgan step": [], "hand": []}
    for repeat in range(cfg["speed_repeats"]):
        order = (("kgan", time_kgan), ("kgan step", time_kgan_step), ("hand", time_hand))
        for name, measure in (order if repeat % 2 == 0 else order[::-1]):
            rates[name].append(measure())
    ratios = [k / h for k, h in zip(rates["kgan"], rates["hand"])]
    kgan_rate, hand_rate = statistics.median(rates["kgan"]), statistics.median(rates["hand"])
    step_rate = statistics.median(rates["kgan step"])
    peak = matmul_gflops(size=1024 if cfg["size"] < 32 else 2048)
    print(f"\nSpeed: pix2pix steps of batch {batch} at {cfg['size']} px ({flops / 1e9:.2f} "
          f"GFLOP per step), {steps} timed steps each, medians of {cfg['speed_repeats']} "
          f"interleaved repeats (kgan / hand-written per repeat: "
          f"{', '.join(f'{r:.2f}' for r in ratios)}); matmul peak {peak:.1f} GFLOP/s")
    print(f"{'step':<34}{'steps/s':>9}{'GFLOP/s':>9}{'of the matmul GFLOP/s':>23}")
    for name, rate in (("kgan Pix2Pix.fit (EMA off)", kgan_rate),
                       ("kgan train_step, the same loop", step_rate),
                       ("hand-written, two tapes", hand_rate)):
        print(f"{name:<34}{rate:>9.2f}{rate * flops / 1e9:>9.2f}"
              f"{rate * flops / 1e9 / peak:>23.1%}")
    return kgan_rate, step_rate, hand_rate


# ------------------------------------------------------------------ targets


def verdict(ok, text):
    print(f"  {'PASS' if ok else 'MISS'}  {text}")
    return ok


def median_table(name, seeds, per_seed):
    """Prints and returns each row's median over the training seeds' tables, with how
    often pix2pix's domain FD was the lower one."""
    print(f"\nFonts, {name}: medians over training seeds {', '.join(map(str, seeds))}")
    print(f"{'row':<16}{'L1':>8}{'PSNR':>8}{'SSIM':>8}{'domain FD':>11}{'content':>9}"
          f"{'style':>8}{'train s':>9}")
    medians = {}
    for row in per_seed[0]:
        medians[row] = {key: statistics.median(table[row][key] for table in per_seed)
                        for key in per_seed[0][row]}
        m = medians[row]
        print(f"{row:<16}{m['l1']:>8.4f}{m['psnr']:>8.2f}{m['ssim']:>8.4f}{m['fd']:>11.3f}"
              f"{m['content']:>9.3f}{m['style']:>8.3f}{m['seconds']:>9.1f}")
    for row in ("pix2pix", "CycleGAN"):
        if row in medians:
            print(f"{row} by seed: content " + ", ".join(f"{t[row]['content']:.3f}"
                                                         for t in per_seed)
                  + "; style " + ", ".join(f"{t[row]['style']:.3f}" for t in per_seed)
                  + "; domain FD " + ", ".join(f"{t[row]['fd']:.2f}" for t in per_seed))
    if "pix2pix" in medians and "L1-only U-Net" in medians:
        lower = sum(t["pix2pix"]["fd"] < t["L1-only U-Net"]["fd"] for t in per_seed)
        print(f"L1-only U-Net by seed: domain FD "
              + ", ".join(f"{t['L1-only U-Net']['fd']:.2f}" for t in per_seed)
              + f"; pix2pix's domain FD the lower in {lower} of {len(per_seed)} seeds")
    return medians


def report_fonts(name, fonts):
    t = TARGETS
    real = fonts["real targets"]
    print(f"\nTargets, {name} (real target glyphs: {real['content']:.1%} content, "
          f"{real['style']:.1%} style with these classifiers)")
    for row in ("pix2pix", "CycleGAN"):
        if row not in fonts:
            print(f"  ----  {row} targets not measured (no {row} row)")
            continue
        r, key = fonts[row], row.lower()
        verdict(r["content"] >= t[f"{key}_content"],
                f"{row} keeps content >= {t[f'{key}_content']:.0%}: {r['content']:.1%}")
        verdict(r["style"] >= t[f"{key}_style"],
                f"{row} reaches style >= {t[f'{key}_style']:.0%}: {r['style']:.1%}")
    if "pix2pix" in fonts and "L1-only U-Net" in fonts:
        p, base = fonts["pix2pix"], fonts["L1-only U-Net"]
        verdict(p["fd"] < base["fd"] and p["ssim"] >= base["ssim"] - t["pix2pix_ssim_drop"],
                f"pix2pix domain FD {p['fd']:.3f} < L1-only {base['fd']:.3f} at SSIM "
                f"{p['ssim']:.4f} >= L1-only {base['ssim']:.4f} - {t['pix2pix_ssim_drop']}")
    else:
        print("  ----  pix2pix against L1-only not measured (needs both rows)")


def report(inpaint, rates):
    t = TARGETS
    print("\nTargets, inpainting and speed")
    g, b = inpaint["inpaint GAN"], inpaint["L1-only U-Net"]
    verdict(g["fd"] < b["fd"] and g["psnr"] >= b["psnr"] - t["inpaint_psnr_drop"],
            f"inpaint GAN domain FD {g['fd']:.3f} < L1-only {b['fd']:.3f} at hole PSNR "
            f"{g['psnr']:.2f} dB >= L1-only {b['psnr']:.2f} - {t['inpaint_psnr_drop']} dB")
    kgan_rate, step_rate, hand_rate = rates
    verdict(kgan_rate >= hand_rate,
            f"kgan Pix2Pix.fit at least as fast as the hand-written step: {kgan_rate:.2f} vs "
            f"{hand_rate:.2f} steps/s ({kgan_rate / hand_rate:.2f}x; its train_step alone in "
            f"the hand-written step's loop {step_rate / hand_rate:.2f}x)")


def main(argv=None):
    args = parse_args(argv)
    cfg = settings(args)
    keras.utils.set_random_seed(args.seed)
    print_machine()
    lscpu()
    print(f"\n{cfg['steps']} training steps per model row, batch {cfg['batch']}, "
          f"{cfg['size']} px, seed {args.seed}{' (--quick: not the figures)' if args.quick else ''}")
    if args.speed_only:
        speed(cfg, args.seed)
        return
    content, style, target_id = classifiers(cfg["size"], cfg["classifier_epochs"], args.seed)
    seeds = args.train_seeds or [args.seed]
    splits = {"held-out fonts": (dict(held_out_fonts=held_out_fonts(cfg["size"])),
                                 unseen_fonts_only)}
    if not args.fonts_only:
        splits = {"held-out characters": ({}, None), **splits}
    tables = {}
    for name, (font_options, select) in splits.items():
        per_seed = []
        for seed in seeds:
            test, outputs, seconds = font_rows(cfg, seed, font_options, select,
                                               rows=args.rows)
            title = ("held-out characters " + " ".join(test.held_out_characters)
                     if name == "held-out characters" else "held-out source fonts "
                     + ", ".join(test.held_out_fonts) + ", the trained characters")
            per_seed.append(font_table(
                title + (f", training seed {seed}" if len(seeds) > 1 else ""),
                test, outputs, seconds, content, style, target_id))
        tables[name] = per_seed[0] if len(seeds) == 1 else median_table(name, seeds, per_seed)
    if not args.fonts_only:
        inpaint = inpaint_rows(cfg, args.seed)
        rates = speed(cfg, args.seed)
    for name, fonts in tables.items():
        report_fonts(name, fonts)
    if not args.fonts_only:
        report(inpaint, rates)


if __name__ == "__main__":
    main()
