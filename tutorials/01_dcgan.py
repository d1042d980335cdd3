# %% [markdown]
# # 01 · A DCGAN on handwritten digits
#
# **You will learn:** what a generative adversarial network is, how `kgan.GAN` trains one
# with an ordinary `fit`, how to watch it learn (a sample grid per epoch, a GIF, the loss
# curves), and how to save and reload it.
#
# Everything runs offline on a laptop CPU: the data ships with scikit-learn and the
# full run takes about a minute.

# %% [markdown]
# ## The game
#
# A GAN is two networks trained against each other.
#
# * The **generator** $G$ turns a random vector $z$ (the *latent* noise) into a sample,
#   here an 8×8 image.
# * The **discriminator** $D$ looks at a sample and returns one logit: high for
#   "this is from the data", low for "$G$ made this".
#
# $D$ is trained like any binary classifier, real against generated. $G$ is trained to
# make $D$ wrong. Written as one value that $D$ pushes up and $G$ pushes down, with
# $\sigma$ the sigmoid:
#
# $$\min_G \max_D \; \mathbb{E}_{x}\big[\log \sigma(D(x))\big]
#   + \mathbb{E}_{z}\big[\log\big(1 - \sigma(D(G(z)))\big)\big]$$
#
# If both networks could be trained to the end, $G$ would reproduce the data
# distribution and $D$ would be left guessing: $\sigma(D) = 1/2$ everywhere.
#
# One practical change: early on $D$ rejects the fakes easily, and then the second term
# is flat in $G$'s parameters, so $G$ would learn nothing. The **non-saturating** loss lets
# $G$ maximise $\log \sigma(D(G(z)))$ instead, which has the same goal but steep gradients
# exactly when $G$ is doing badly. It is kgan's default; tutorial 02 compares it with
# the alternatives.

# %% [markdown]
# ## Setup
#
# `KGAN_TUTORIAL_QUICK=1` (what CI sets) runs the same code with a couple of epochs.
# Without it you get the full run whose pictures are shown in this notebook.

# %%
import os
import shutil

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from IPython.display import Image, display

import kgan

QUICK = os.environ.get("KGAN_TUTORIAL_QUICK") == "1"
EPOCHS = 2 if QUICK else 60
EVERY = 1 if QUICK else 2  # epochs between sample grids
OUT = os.path.join(os.environ.get("KGAN_TUTORIAL_OUT", "runs"), "01_dcgan")
shutil.rmtree(OUT, ignore_errors=True)  # this tutorial's own files from an earlier run
keras.utils.set_random_seed(0)
print(f"{'quick' if QUICK else 'full'} mode: {EPOCHS} epochs; files go to {OUT}/")

# %% [markdown]
# ## The data
#
# scikit-learn bundles 1,797 handwritten digits of 8×8 pixels. `kgan.datasets.load`
# turns them into a shuffled, batched `tf.data.Dataset` of float32 images in $[-1, 1]$,
# the range of the generator's final `tanh`.

# %%
data = kgan.datasets.load("digits", batch_size=64, seed=0)
real = next(iter(data))
print("batch:", real.shape, real.dtype.name,
      f"values in [{float(tf.reduce_min(real)):.0f}, {float(tf.reduce_max(real)):.0f}]")

# %% [markdown]
# A batch of real digits, drawn with the same grid function the callbacks use below.
# At 8×8 they are blocky; that is the target the generator has to hit.

# %%
display(Image(kgan.images.save_image_grid(real.numpy(), f"{OUT}/real.png", scale=4,
                                          pad_value=128)))

# %% [markdown]
# ## The two networks
#
# The DCGAN recipe: the generator projects $z$ onto a small feature map and doubles its
# side with strided transposed convolutions (batch normalisation and ReLU in between,
# `tanh` at the end). The discriminator mirrors it with strided convolutions and leaky
# ReLUs down to a single logit. `kgan.networks.get` builds a matching pair for an image
# shape; both are plain Keras models.

# %%
LATENT_DIM = 32
generator, discriminator = kgan.networks.get(
    "dcgan", image_shape=(8, 8, 1), latent_dim=LATENT_DIM, filters=32
)
generator.summary()

# %%
discriminator.summary()

# %% [markdown]
# ## The GAN is a Keras model
#
# `kgan.GAN` holds the pair. `compile` gives each network its own optimizer (by default
# Adam with learning rate 2e-4 and $\beta_1 = 0.5$, the DCGAN settings) and picks the
# adversarial loss.

# %%
gan = kgan.GAN(generator, discriminator, latent_dim=LATENT_DIM)
gan.compile(loss="non_saturating")

# %% [markdown]
# ## One step by hand: two tapes
#
# Every step of `fit` does what the next cell does once. The generator runs **once**,
# and its fakes feed both losses. Two `GradientTape`s record that same forward pass;
# each loss is differentiated only with respect to its own network's weights, so the
# discriminator's update never moves the generator and the other way round.
#
# At the start $D$ cannot tell real from fake, its logits are near 0, and each of its two
# loss terms is near $\log 2 \approx 0.69$.

# %%
z = keras.random.normal((real.shape[0], LATENT_DIM), seed=1)
with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
    fake = generator(z, training=True)
    real_logits = discriminator(real, training=True)
    fake_logits = discriminator(fake, training=True)
    g_loss = kgan.losses.non_saturating_generator_loss(fake_logits)
    d_loss = kgan.losses.non_saturating_discriminator_loss(real_logits, fake_logits)

g_grads = g_tape.gradient(g_loss, generator.trainable_weights)
d_grads = d_tape.gradient(d_loss, discriminator.trainable_weights)
gan.g_optimizer.apply(g_grads, generator.trainable_weights)
gan.d_optimizer.apply(d_grads, discriminator.trainable_weights)
print(f"d_loss {float(d_loss):.3f} (two terms of about log 2), g_loss {float(g_loss):.3f}")

# %% [markdown]
# `GAN.train_step` is this step with the noise drawn from the model's own seed, running
# means of the losses for the progress bar, and hooks that conditional and text GANs
# override. Before training, the generator draws noise:

# %%
display(Image(kgan.images.save_image_grid(gan.generate(64, seed=0), f"{OUT}/untrained.png",
                                          scale=4, pad_value=128)))

# %% [markdown]
# ## Training with `fit`
#
# Two callbacks make progress visible. `SampleGrid` draws a batch of noise **once** and
# saves the generator's images for that same noise after every `EVERY` epochs, so
# successive grids show the same 64 "slots" changing. `TrainingGif` strings the grids into
# an animation when training ends.
#
# The logs: `d_loss` and `g_loss` are the two losses; `d_real` and `d_fake` are $D$'s mean
# logits on real and generated batches.

# %%
callbacks = [
    kgan.callbacks.SampleGrid(f"{OUT}/samples", num_samples=64, every=EVERY, scale=2),
    kgan.callbacks.TrainingGif(OUT, frames_dir=f"{OUT}/samples"),
]
history = gan.fit(data, epochs=EPOCHS, callbacks=callbacks, verbose=2)

# %% [markdown]
# ## Reading the loss curves
#
# GAN losses do not fall to zero: each network's loss is measured against an opponent that
# keeps improving. In a healthy run they settle into a band while $D$ still separates the
# two a little ($d_{real} > d_{fake}$). Here `d_loss` stays near $2 \log 2 \approx 1.39$, the
# loss of a discriminator that cannot tell at all: the generator keeps up with it.
# Warning signs are `d_loss` heading to 0 while `g_loss` climbs ($D$ has won and $G$ gets
# no useful gradient), or wild swings.

# %%
display(Image(kgan.history.save_loss_plot(history, f"{OUT}/losses.png")))

# %% [markdown]
# ## Watching the samples
#
# The grids for the same noise at a few epochs: blobs first, then strokes, then digits.

# %%
grids = callbacks[0].paths
shown = sorted({0, len(grids) // 6, len(grids) // 3, len(grids) - 1})
fig, axes = plt.subplots(1, len(shown), figsize=(2.5 * len(shown), 2.8), dpi=80)
for ax, index in zip(np.atleast_1d(axes), shown):
    ax.imshow(plt.imread(grids[index]), cmap="gray", interpolation="nearest")
    ax.set_title(f"epoch {(index + 1) * EVERY}")
    ax.axis("off")
plt.tight_layout()
plt.show()

# %% [markdown]
# The last grid again, larger: `SampleGrid` keeps its fixed noise in `z`, so generating
# from it reproduces the grid.

# %% tags=["readme-picture"]
last = gan.generate(callbacks[0].z)
display(Image(kgan.images.save_image_grid(last, f"{OUT}/last.png", scale=5, pad_value=128)))

# %% [markdown]
# The whole run as the GIF that `TrainingGif` wrote (`training.gif`; some notebook
# renderers show only the still pictures above).

# %%
display(Image(callbacks[1].path))

# %% [markdown]
# ## Saving and reloading
#
# `gan.save` writes one `.keras` file with both networks, both optimizers and the loss.
# `kgan.load_model` (or plain `keras.models.load_model`) brings it back: the same noise
# gives the same images, and training continues where it stopped, optimizer state
# included.

# %%
gan.save(f"{OUT}/gan.keras")
restored = kgan.load_model(f"{OUT}/gan.keras")

same = np.array_equal(gan.generate(16, seed=7), restored.generate(16, seed=7))
print("same samples after reloading:", same)
print("generator optimizer steps:", int(gan.g_optimizer.iterations), "->",
      int(restored.g_optimizer.iterations))
restored.fit(data, epochs=1, verbose=2)
print("after one more epoch:", int(restored.g_optimizer.iterations))

# %% [markdown]
# ## The same from the command line
#
# `kgan train --recipe dcgan-digits --out runs/digits` trains the same networks for 60 epochs with kgan's
# measured defaults (batch 8, learning rate 4e-4, an R1 penalty and an EMA generator; see
# "Choosing the defaults" in the docs' Results), and also writes the loss history, the loss plot,
# a SavedModel and a backup to resume from.
#
# ## Where next
#
# * [02 · Losses and stability](02_losses_and_stability.ipynb): the same model under five
#   losses, and a run that collapses.
# * [06 · Export and serving](06_export_and_serving.ipynb): the generator as a SavedModel,
#   used without kgan.
