# %% [markdown]
# # 08 · Super-resolution: photos four times larger
#
# **You will learn:** how kgan makes low-resolution (LR) training pairs from real photos,
# how good plain bicubic interpolation already is, how a generator trained first for PSNR
# (an L1 loss) and then in a GAN game compares with it in numbers and to the eye, and how to
# export the model and upscale a photo of any size in tiles.
#
# Everything runs offline on a CPU: the photos install with kgan's dependencies.

# %% [markdown]
# ## Setup
#
# `KGAN_TUTORIAL_QUICK=1` (what CI sets) trains a tiny generator for a few steps. Without
# it you get the full run shown in this notebook: the `srresnet-photos-x4` recipe that
# `kgan train --task super-resolution` uses, a few minutes on 2 cores.

# %%
import os
import shutil

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from IPython.display import Image, display

import kgan
from kgan.datasets import photos
from kgan.tasks.super_resolution.upscale import upscale_image

QUICK = os.environ.get("KGAN_TUTORIAL_QUICK") == "1"
SMALL = dict(epochs=2, psnr_epochs=1, steps_per_epoch=2, filters=8, blocks=1, batch_size=4,
             hr_size=32)
OUT = os.path.join(os.environ.get("KGAN_TUTORIAL_OUT", "runs"), "08_super_resolution")
shutil.rmtree(OUT, ignore_errors=True)  # this tutorial's own files from an earlier run
keras.utils.set_random_seed(0)
tf.get_logger().setLevel("ERROR")  # no INFO lines from TensorFlow while it writes the export

task = kgan.tasks.get("super-resolution")
recipe = task.recipe("srresnet-photos-x4", **(SMALL if QUICK else {}))
SCALE = recipe.scale
print(f"{'quick' if QUICK else 'full'} mode: {recipe.epochs} epochs ({recipe.psnr_epochs} of "
      f"them L1 only) of {recipe.steps_per_epoch} batches; files go to {OUT}/")

# %% [markdown]
# ## The photos
#
# `"photos"` are the real photographs inside the wheels of scikit-image, scikit-learn and
# matplotlib: 14 for training and 3 held out (chelsea, coffee and flower), which training
# never sees and on which we judge every method below.

# %%
print("training:", ", ".join(f"{name} {image.shape[0]}x{image.shape[1]}"
                             for name, image in photos.training_images()))
held_out = photos.held_out_images()
fig, axes = plt.subplots(1, 3, figsize=(10, 2.7))
for ax, (name, image) in zip(axes, held_out):
    ax.imshow(image)
    ax.set_title(f"held out: {name} {image.shape[0]}x{image.shape[1]}")
    ax.axis("off")
plt.show()

# %% [markdown]
# ## Training pairs
#
# `kgan.datasets.load_super_resolution` cuts random `hr_size` crops (a random photo, a
# random place, one of the 8 flips and quarter turns; the same for a seed, new ones each
# pass) and makes each LR crop with `photos.downscale`: antialiased bicubic, the kernel of
# MATLAB's `imresize`, rounded to whole grey levels as a saved LR photo would be. It is the
# one place kgan makes LR images, so training, baselines and benchmarks agree.

# %%
data = kgan.datasets.load_super_resolution(
    "photos", scale=SCALE, hr_size=recipe.hr_size, batch_size=recipe.batch_size, seed=0,
    steps=recipe.steps_per_epoch)
lr, hr = next(iter(data))
print("lr", lr.shape, "hr", hr.shape, lr.dtype.name, "in [-1, 1]")
rows = [[low, high] for low, high in zip(lr.numpy()[:4], hr.numpy()[:4])]
kgan.images.comparison_grid(rows, f"{OUT}/pairs.png")  # LR (pixels enlarged) | HR
display(Image(f"{OUT}/pairs.png", width=2 * 3 * (recipe.hr_size + 2)))

# %% [markdown]
# ## The baseline: bicubic
#
# Every method is judged on the whole held-out photos (cut to a multiple of the scale),
# under the conventions of published tables: PSNR and SSIM on the luma Y (BT.601, as
# MATLAB's `rgb2ycbcr`) with `SCALE` pixels cropped from the border. Sharpness is the
# high-frequency (Laplacian) energy relative to the original's: 1.0 is as sharp.

# %%
evaluation = []
for name, image in held_out:
    high = image[:image.shape[0] // SCALE * SCALE, :image.shape[1] // SCALE * SCALE]
    evaluation.append((name, high, photos.downscale(high, SCALE)))


def scores(outputs):
    pairs = list(zip(outputs, [high for _, high, _ in evaluation]))
    return {
        "PSNR Y": np.mean([kgan.metrics.psnr(o, h, on="y", crop_border=SCALE) for o, h in pairs]),
        "SSIM Y": np.mean([kgan.metrics.ssim(o, h, on="y", crop_border=SCALE) for o, h in pairs]),
        "sharpness": np.mean([kgan.metrics.sharpness(o, h, crop_border=SCALE) for o, h in pairs]),
    }


def show(table):
    print(f"{'':<12}{'PSNR Y dB':>10}{'SSIM Y':>9}{'sharpness':>11}")
    for method, row in table.items():
        print(f"{method:<12}{row['PSNR Y']:>10.2f}{row['SSIM Y']:>9.4f}{row['sharpness']:>11.3f}")


outputs = {"bicubic": [photos.bicubic_upscale(low, SCALE) for _, _, low in evaluation]}
table = {"bicubic": scores(outputs["bicubic"])}
show(table)

# %% [markdown]
# Bicubic keeps the coarse picture, so PSNR is already high, but the fine texture is gone:
# a few percent of the original's high-frequency energy.
#
# ## The generator starts as bicubic
#
# `task.build` makes the recipe's `SuperResolutionGAN`: an SRResNet-style generator (residual
# blocks, sub-pixel upsampling) whose output is *added* to a bicubic upsampling of its input,
# with the last convolution starting at zero. Untrained, it is bicubic interpolation, and
# training only has to learn the detail bicubic misses.

# %%
gan = task.build(recipe, seed=0)
print(f"generator: {gan.generator.count_params():,} weights, discriminator: "
      f"{gan.discriminator.count_params():,}")
show({"untrained": scores([upscale_image(gan, low) for _, _, low in evaluation])})

# %% [markdown]
# ## Phase 1: the PSNR model
#
# For the first `psnr_epochs` epochs the generator alone minimises the L1 distance to the
# HR crop; the discriminator sits out. `task.callbacks` adds the run's sample writer: after
# every epoch it writes the same held-out crops as LR | bicubic | output | HR.

# %%
callbacks = task.callbacks(gan, recipe, OUT, seed=0)
gan.fit(data, epochs=recipe.psnr_epochs, callbacks=callbacks, verbose=2)
outputs["PSNR model"] = [upscale_image(gan, low, psnr=True) for _, _, low in evaluation]
table["PSNR model"] = scores(outputs["PSNR model"])
show(table)

# %% [markdown]
# ## Phase 2: the GAN game
#
# From the next epoch on, `fit` plays the relativistic-average GAN game (ESRGAN): the
# generator's loss is L1 plus a small adversarial term, and the discriminator learns to tell
# its outputs from real HR crops. The phase follows the model's own epoch count, so the
# second `fit` simply continues. The PSNR-phase generator is kept as `gan.psnr_model`.

# %%
gan.fit(data, initial_epoch=recipe.psnr_epochs, epochs=recipe.epochs, callbacks=callbacks,
        verbose=2)
outputs["GAN"] = [upscale_image(gan, low) for _, _, low in evaluation]
table["GAN"] = scores(outputs["GAN"])
show(table)

# %% [markdown]
# ## Compare by eye
#
# The middle of each held-out photo, enlarged: bicubic | PSNR model | GAN | original.
# PSNR and SSIM reward being close to the original on average, which a blurred guess does
# well; sharpness and the eye reward texture. A generator this small, trained for minutes,
# recovers only part of the detail bicubic lost: compare the sharpness column with the
# original's 1.0, and the fur, the rim of the cup and the petals with the last column. The
# super-resolution benchmark (`benchmarks/super_resolution.py`) measures such models at
# length, FD on patches included.

# %% tags=["readme-picture"]
CROP = 96
rows = []
for i, (_, high, _) in enumerate(evaluation):
    y, x = (high.shape[0] - CROP) // 2, (high.shape[1] - CROP) // 2
    rows.append([outputs[m][i][y:y + CROP, x:x + CROP] for m in ("bicubic", "PSNR model", "GAN")]
                + [high[y:y + CROP, x:x + CROP]])
kgan.images.comparison_grid(rows, f"{OUT}/compare.png")
display(Image(f"{OUT}/compare.png", width=2 * (4 * (CROP + 2) + 2)))

# %% [markdown]
# ## Export and upscale a photo
#
# The export serves uint8 images of any size: `images` `[batch, H, W, 3]` in,
# `[batch, 4H, 4W, 3]` out, loadable with TensorFlow alone.

# %%
task.export(gan, f"{OUT}/saved_model")
served = tf.saved_model.load(f"{OUT}/saved_model").signatures["serving_default"]
name, high, low = evaluation[1]
big = served(images=tf.constant(low[None]))["images"][0].numpy()
print(f"{name}: {low.shape} -> {big.shape} {big.dtype}, "
      f"PSNR Y {kgan.metrics.psnr(big, high, on='y', crop_border=SCALE):.2f} dB")

# %% [markdown]
# A large photo does not need to fit in memory at once: `kgan.tiling.apply_tiled` runs the
# generator on overlapping tiles and blends them with feathered weights, so there are no
# seams. `kgan upscale RUN_DIR photo.png --out photo_4x.png` does this for `kgan train`'s runs
# (`--tile` LR pixels a side). Tiled and whole agree to a grey level or so: the generator sees
# further than the overlap, and the feathering hides the difference.

# %%
whole = upscale_image(gan, low, tile=None)
tiled = upscale_image(gan, low, tile=80)
print(f"largest difference, tiles of 80 LR px vs whole: "
      f"{np.abs(whole.astype(int) - tiled.astype(int)).max()} grey levels")
