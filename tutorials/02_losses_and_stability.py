# %% [markdown]
# # 02 · Losses and stability
#
# **You will learn:** the five adversarial losses kgan ships and what they change; how to
# tell, with a number, whether a generator covers every kind of digit; what mode collapse
# looks like; and one way to fix it.
#
# The networks and data are those of tutorial 01: a DCGAN on the 8×8 digits of
# scikit-learn. Only the loss (and later the optimizer) changes.

# %% [markdown]
# ## Five losses
#
# With $r = D(x)$ the logit on a real sample and $f = D(G(z))$ the logit on a fake, and
# $\operatorname{softplus}(t) = \log(1 + e^t)$:
#
# | `loss=` | discriminator minimises | generator minimises |
# |---|---|---|
# | `"minimax"` | $\operatorname{softplus}(-r) + \operatorname{softplus}(f)$ | $-\operatorname{softplus}(f)$ |
# | `"non_saturating"` | same | $\operatorname{softplus}(-f)$ |
# | `"least_squares"` | $(r - 1)^2 + f^2$ (halved) | $(f - 1)^2$ (halved) |
# | `"hinge"` | $\max(0, 1 - r) + \max(0, 1 + f)$ | $-f$ |
# | `"wasserstein"` | $f - r$ | $-f$ |
#
# (each term averaged over the batch). The first two share the discriminator and differ
# in what the generator follows: minimax is the original game, whose generator gradient
# vanishes when $D$ confidently rejects a fake; non-saturating is steep exactly there.
# Least squares penalises logits by their distance from the targets, so even fakes that
# are already on the "real" side keep being pulled in. Hinge stops pushing a logit once it
# is past its margin. Wasserstein treats $D$ as a *critic* whose score difference estimates
# a distance between the distributions; it needs $D$ to be smooth (1-Lipschitz), which the
# **gradient penalty** (`gp_weight=10`) encourages, and the critic is usually trained several
# times per generator step (`d_steps=5`).

# %% [markdown]
# ## Setup
#
# `KGAN_TUTORIAL_QUICK=1` (what CI sets) trains each model for a few batches only; the
# numbers and pictures in this notebook come from the full run (about four minutes on a
# laptop CPU).

# %%
import os
import shutil
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Image, display
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

import kgan

QUICK = os.environ.get("KGAN_TUTORIAL_QUICK") == "1"
EPOCHS = 2 if QUICK else 30
OUT = os.path.join(os.environ.get("KGAN_TUTORIAL_OUT", "runs"), "02_losses_and_stability")
shutil.rmtree(OUT, ignore_errors=True)  # this tutorial's own files from an earlier run
data = kgan.datasets.load("digits", batch_size=64, seed=0)
if QUICK:
    data = data.take(4)
print(f"{'quick' if QUICK else 'full'} mode: {EPOCHS} epochs per model; files go to {OUT}/")

# %% [markdown]
# ## A yardstick: which digits does the generator draw?
#
# Looking at grids is subjective. A digit classifier trained on the real data gives a
# number: classify 1,000 generated samples and count how many land in each class. A good
# generator draws every digit about as often as the data has it.
# `kgan.metrics.class_coverage` compares the two histograms: `covered` is the fraction of
# the ten classes that the generator produces at least half as often as the data does (1.0
# when all are there, 0.1 when everything looks like one digit), and `kl` is the
# KL divergence of the generated class shares from the real ones (0 when they match,
# $\log 10 \approx 2.3$ for a single class).
#
# Any classifier will do. A logistic regression on the 64 pixels is enough for 8×8 digits
# (tutorial 05 uses kgan's own CNN feature extractor):

# %%
images, labels = kgan.datasets.load_arrays("digits")
flat = images.reshape(len(images), -1)
x_train, x_test, y_train, y_test = train_test_split(flat, labels, test_size=0.25,
                                                    random_state=0)
accuracy = LogisticRegression(max_iter=2000).fit(x_train, y_train).score(x_test, y_test)
print(f"held-out accuracy of the classifier: {accuracy:.3f}")
classifier = LogisticRegression(max_iter=2000).fit(flat, labels)
real_counts = kgan.metrics.class_histogram(classifier.predict(flat), num_classes=10)


def class_counts(gan, n=1000):
    """How many of n generated samples the classifier puts in each class."""
    fake = gan.generate(n, seed=0)
    return kgan.metrics.class_histogram(classifier.predict(fake.reshape(n, -1)), num_classes=10)


def coverage(counts):
    return kgan.metrics.class_coverage(counts, real_counts)["covered"]


reference = kgan.metrics.class_coverage(real_counts, real_counts)
print(f"the real digits themselves: covered {reference['covered']}, kl {reference['kl']}")


# %% [markdown]
# ## The same model under each loss
#
# One function trains a fresh pair of networks (same seed, so the same initial weights)
# and keeps what we want to compare.

# %%
def train(loss, g_optimizer=None, d_optimizer=None, callbacks=(), **gan_options):
    keras.utils.set_random_seed(0)
    generator, discriminator = kgan.networks.get(
        "dcgan", image_shape=(8, 8, 1), latent_dim=32, filters=32
    )
    gan = kgan.GAN(generator, discriminator, latent_dim=32, **gan_options)
    gan.compile(g_optimizer, d_optimizer, loss=loss)
    start = time.perf_counter()
    history = gan.fit(data, epochs=EPOCHS, verbose=0, callbacks=list(callbacks))
    return gan, history.history, time.perf_counter() - start


runs = {
    "minimax": train("minimax"),
    "non_saturating": train("non_saturating"),
    "least_squares": train("least_squares"),
    "hinge": train("hinge"),
    "WGAN-GP": train("wasserstein", gp_weight=10.0, d_steps=5),
}
print(f"{'loss':16s} {'covered':>7s} {'kl':>6s} {'seconds':>7s}   samples per class 0-9")
for name, (gan, history, seconds) in runs.items():
    counts = class_counts(gan)
    result = kgan.metrics.class_coverage(counts, real_counts)
    print(f"{name:16s} {result['covered']:7.1f} {result['kl']:6.3f} {seconds:7.0f}   {counts}")

# %% [markdown]
# Each row is 16 samples from the same noise for every model:

# %%
fig, axes = plt.subplots(1, len(runs), figsize=(2.6 * len(runs), 2.9), dpi=80)
for ax, (name, (gan, _, _)) in zip(axes, runs.items()):
    grid = kgan.images.make_grid(gan.generate(16, seed=1), scale=3, pad_value=128)
    ax.imshow(grid[..., 0], cmap="gray", interpolation="nearest")
    ax.set_title(name)
    ax.axis("off")
plt.tight_layout()
plt.show()

# %% [markdown]
# On this small problem, with DCGAN's optimizer settings (Adam, learning rate 2e-4,
# $\beta_1 = 0.5$), every loss learns digits and covers all or nearly all ten classes. WGAN-GP costs several times more per epoch
# (five critic updates per generator update, plus the penalty's second-order gradients).
# The losses differ less here than their formulas suggest; the optimizer settings matter
# more, as the next experiment shows.

# %% [markdown]
# ## A run that collapses
#
# Now keep the default non-saturating loss but use a common, innocent-looking optimizer
# setting for both networks: Adam with learning rate 1e-3 and $\beta_1 = 0.9$ (Keras'
# defaults, larger steps and more momentum). A callback records the class counts and a
# grid's worth of samples after every epoch.

# %%
def tracker():
    """A callback recording class counts and 64 samples after every epoch."""
    counts, samples = [], []

    def record(epoch, logs):
        counts.append(class_counts(callback.model))
        samples.append(callback.model.generate(64, seed=0))

    callback = keras.callbacks.LambdaCallback(on_epoch_end=record)
    return callback, counts, samples


def fast_adam():
    return keras.optimizers.Adam(learning_rate=1e-3, beta_1=0.9)


callback, collapsed_counts, collapsed_samples = tracker()
collapsed, collapsed_history, _ = train("non_saturating", fast_adam(), fast_adam(),
                                        callbacks=[callback])
print("class coverage after each epoch:",
      " ".join(f"{coverage(c):.1f}" for c in collapsed_counts))

# %% [markdown]
# The samples say the same at a glance. Here are those of the epoch with the lowest
# coverage in the second half of training: almost every noise vector gives the same
# image.

# %% tags=["readme-picture"]
half = EPOCHS // 2
worst = half + int(np.argmin([coverage(c) for c in collapsed_counts[half:]]))
print(f"epoch {worst + 1}: class coverage {coverage(collapsed_counts[worst]):.1f},",
      "samples per class", collapsed_counts[worst])
display(Image(kgan.images.save_image_grid(collapsed_samples[worst], f"{OUT}/collapsed.png",
                                          scale=4, pad_value=128)))

# %% [markdown]
# This is **mode collapse**: the generator found a few outputs the discriminator currently
# accepts and maps almost all of its noise there. The discriminator then learns to reject
# that digit, and the generator hops to another one rather than spreading out. The class
# counts per epoch show the hopping; the logs show a discriminator that wins
# (`d_loss` far below the $2 \log 2 \approx 1.39$ of a balanced game, `g_loss` high).

# %%
def plot_counts(ax, counts, title):
    shares = np.array(counts).T / 1000
    ax.imshow(shares, aspect="auto", cmap="viridis", vmin=0, vmax=1, origin="lower",
              extent=(0.5, len(counts) + 0.5, -0.5, 9.5))
    ax.set_yticks(range(10))
    ax.set_xlabel("epoch")
    ax.set_ylabel("digit")
    ax.set_title(title)


fig, axes = plt.subplots(1, 2, figsize=(10, 3.4), dpi=80)
plot_counts(axes[0], collapsed_counts, "share of samples per class")
for key in ("d_loss", "g_loss"):
    axes[1].plot(range(1, EPOCHS + 1), collapsed_history[key], label=key)
axes[1].axhline(2 * np.log(2), color="gray", linestyle=":", label="2 log 2")
axes[1].set_xlabel("epoch")
axes[1].legend()
plt.tight_layout()
plt.show()

# %% [markdown]
# ## A fix: penalise a sharp discriminator
#
# The collapse is driven by a discriminator that becomes too sharp: its gradient around
# the real data is steep, so the generator is shoved from one spot to the next. The **R1
# penalty** adds $\frac{\gamma}{2}\,\mathbb{E}_x\lVert \nabla_x D(x) \rVert^2$ on real samples
# to the discriminator's loss, keeping it flat around the data. Same loss, same fast
# optimizer, plus `r1_weight=10`:

# %%
callback, fixed_counts, _ = tracker()
fixed, fixed_history, _ = train("non_saturating", fast_adam(), fast_adam(),
                                callbacks=[callback], r1_weight=10.0)
print("class coverage after each epoch:", " ".join(f"{coverage(c):.1f}" for c in fixed_counts))
print("last epoch, samples per class:", fixed_counts[-1])

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.4), dpi=80)
plot_counts(axes[0], fixed_counts, "with r1_weight=10")
axes[1].imshow(kgan.images.make_grid(fixed.generate(64, seed=0), scale=3, pad_value=128)[..., 0],
               cmap="gray", interpolation="nearest")
axes[1].axis("off")
plt.tight_layout()
plt.show()

# %% [markdown]
# Other fixes work too: DCGAN's gentler optimizer settings (the first experiment: all
# five losses covered the digits), or the gradient penalty of WGAN-GP, which constrains the
# discriminator in a similar way.
#
# ## Takeaways
#
# * Every kgan loss is one `compile(loss=...)` argument; penalties and critic steps are
#   `GAN(gp_weight=..., r1_weight=..., d_steps=...)`.
# * Loss curves alone do not tell you whether a GAN works. Measure what you care about:
#   here, a classifier's histogram of generated digits exposes a collapse immediately.
# * When a run collapses, first suspect the optimizer and the discriminator's sharpness,
#   then the loss.
#
# ## Where next
#
# * [01 · A DCGAN on handwritten digits](01_dcgan.ipynb): the model used here.
# * [06 · Export and serving](06_export_and_serving.ipynb).
