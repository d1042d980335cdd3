# %% [markdown]
# # 05 · Evaluating a GAN
#
# **You will learn:** how kgan measures a generator offline (Fréchet distance, KID,
# Inception-style score, precision/recall, density/coverage, class coverage), why it uses
# features from a small classifier trained on your own data, and how to read the numbers:
# against reference points, and only at equal sample sizes.

# %% [markdown]
# ## Features first
#
# All these metrics compare generated and real images in a *feature space*, not pixel by
# pixel. The classic choice, FID, uses an Inception network trained on ImageNet photos. For
# 8×8 digits that network has little to say, and it would have to be downloaded. kgan
# instead trains a small CNN classifier on the labelled real data in seconds
# (`FeatureExtractor.fit`); its penultimate layer gives 64 features per image, and its
# softmax gives class probabilities for the score and class coverage. Metrics computed
# with it are named `..._domain`, so they are never confused with Inception-based ones.

# %% [markdown]
# ## Setup
#
# `KGAN_TUTORIAL_QUICK=1` (what CI sets) trains everything for a moment and uses few
# samples; the numbers below come from the full run.

# %%
import os
import shutil

import keras
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Image, display

import kgan

QUICK = os.environ.get("KGAN_TUTORIAL_QUICK") == "1"
EPOCHS = 1 if QUICK else 60
OUT = os.path.join(os.environ.get("KGAN_TUTORIAL_OUT", "runs"), "05_evaluation")
shutil.rmtree(OUT, ignore_errors=True)  # this tutorial's own files from an earlier run
keras.utils.set_random_seed(0)
print(f"{'quick' if QUICK else 'full'} mode: generator trained for {EPOCHS} epoch(s); "
      f"files go to {OUT}/")

# %%
extractor = kgan.metrics.FeatureExtractor.fit("digits", epochs=1 if QUICK else None)
print(extractor.describe())

# %% [markdown]
# ## Reference points
#
# A metric value means little on its own. We split the 1,797 real digits into two halves:
# half A plays "the data", and everything else is compared against it, always with the
# same number of images `N` (898; 200 in quick mode):
#
# * **real**: half B, other real digits. The best any generator can do; FD is not 0 even
#   here, because of sampling noise.
# * **GAN**: the DCGAN of tutorial 01.
# * **one class**: real digits, all of them 1s (perfect quality, no variety; a
#   simulated mode collapse).
# * **noisy**: half B with strong Gaussian noise added (all the variety, poor quality).
# * **untrained**: the generator before training.

# %%
images, labels = kgan.datasets.load_arrays("digits")
order = np.random.default_rng(0).permutation(len(images))
half_a, half_b = images[order[: len(images) // 2 + 1]], images[order[len(images) // 2 + 1:]]
N = 200 if QUICK else len(half_b)
half_b = half_b[:N]

ones = images[labels == 1]
one_class = ones[np.arange(N) % len(ones)]
noisy = np.clip(half_b + np.random.default_rng(1).normal(0, 0.5, half_b.shape), -1, 1)


def new_gan():
    keras.utils.set_random_seed(0)
    generator, discriminator = kgan.networks.get(
        "dcgan", image_shape=(8, 8, 1), latent_dim=32, filters=32
    )
    gan = kgan.GAN(generator, discriminator, latent_dim=32)
    gan.compile()
    return gan


untrained = new_gan()
gan = new_gan()
data = kgan.datasets.load("digits", batch_size=64, seed=0)
gan.fit(data.take(4) if QUICK else data, epochs=EPOCHS, verbose=0)

candidates = {"real": half_b, "GAN": gan, "one class": one_class, "noisy": noisy,
              "untrained": untrained}

# %% [markdown]
# Eight images of each, one row per candidate in the order above:

# %% tags=["readme-picture"]
rows = [c.generate(8, seed=0) if hasattr(c, "generate") else c[:8] for c in candidates.values()]
display(Image(kgan.images.save_image_grid(np.concatenate(rows), f"{OUT}/candidates.png", cols=8,
                                          scale=4, pad_value=128)))

# %% [markdown]
# `kgan.metrics.evaluate` streams each candidate through the extractor and computes
# every metric. The real half's features are computed once and reused.

# %%
real_stats = kgan.metrics.feature_statistics(half_a, extractor)
results = {
    name: kgan.metrics.evaluate(candidate, None, extractor, n=N, real_statistics=real_stats,
                                kid_subset_size=N // 2)
    for name, candidate in candidates.items()
}
print(results["GAN"].format_table())

# %%
columns = ["fd", "kid", "is", "precision", "recall", "density", "coverage", "class_coverage"]
print(f"{'':10s}" + "".join(f"{c:>15s}" for c in columns))
for name, result in results.items():
    values = [result.metrics[f"{c}_domain"] for c in columns]
    print(f"{name:10s}" + "".join(f"{v:15.3f}" for v in values))

# %% [markdown]
# ## Reading the table
#
# * **FD** (Fréchet distance, the "F" of FID) fits a Gaussian to each side's features and
#   measures the distance between the two Gaussians: lower is better. **KID** (kernel
#   distance) asks the same question without the Gaussian assumption and is unbiased, so
#   its values from different sample sizes can be compared; lower is better, and it can
#   dip slightly below 0 when the two sides match, as for "real". Both are in units of the
#   features, so only values from the same extractor can be compared.
# * **IS** (the Inception-style score, here with the domain classifier) is high when each
#   image is confidently one class *and* all classes appear. It never looks at real
#   images, so it cannot tell a good copy from a good-looking wrong distribution.
# * **Precision** is the share of generated images that fall inside the real data's
#   neighbourhoods (quality); **recall** the share of real images inside the generated
#   neighbourhoods (variety). **Density** and **coverage** are more outlier-robust versions
#   of the same pair.
# * **Class coverage** is tutorial 02's collapse detector.
#
# The reference rows show why one number is not enough. "one class" has top precision (every
# image is a real digit) but low recall, coverage and class coverage; its FD is large.
# "noisy" has all the variety but poor precision. A good generator must be high on both
# sides, and its FD should be judged against the real-vs-real floor, not against 0.

# %% [markdown]
# ## Equal N, or the numbers are not comparable
#
# FD is biased upwards when estimated from few samples: the same images get a worse FD
# from a hundred samples than from nine hundred, and the real-vs-real floor is far from 0
# at small N. Compare runs only at the same N, with the same extractor.

# %%
sizes = [N // 8, N // 4, N // 2, N]
fd_by_n = {
    name: [kgan.metrics.evaluate(candidates[name], half_a, extractor, n=n,
                                 kid_subset_size=n // 2).metrics["fd_domain"] for n in sizes]
    for name in ("real", "GAN")
}
for name, values in fd_by_n.items():
    print(f"{name:5s} FD at N={sizes}:", " ".join(f"{v:.2f}" for v in values))

fig, ax = plt.subplots(figsize=(5, 3), dpi=80)
for name, values in fd_by_n.items():
    ax.plot(sizes, values, marker="o", label=name)
ax.set_xlabel("N (generated images)")
ax.set_ylabel("FD (domain features)")
ax.legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# ## During training and from the command line
#
# `kgan.callbacks.Evaluate(data, extractor, every=10, n=2000)` adds the metrics to the
# Keras logs every few epochs (so they land in `history.csv` next to the losses), and
# `kgan evaluate RUN_DIR` evaluates a finished `kgan train` run and writes
# `RUN_DIR/metrics.json`.
#
# ## Where next
#
# * [02 · Losses and stability](02_losses_and_stability.ipynb): class coverage catching a
#   collapse as it happens.
# * [01 · A DCGAN on handwritten digits](01_dcgan.ipynb): the model evaluated here.
