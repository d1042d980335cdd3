# %% [markdown]
# # 04 · A text GAN against a language model
#
# **You will learn:** how kgan feeds text to a GAN (one-hot character sequences), why
# discrete tokens are hard for adversarial training and how the Gumbel-softmax gets
# around it, how to train the RelGAN-style `textgan` pair with `fit`, and how to compare
# it fairly with a plain language model: same network, same wall time, several sampling
# temperatures, real-vs-real floors.
#
# The corpus ships with kgan's dependencies and everything runs on a laptop CPU.

# %% [markdown]
# ## Setup
#
# `KGAN_TUTORIAL_QUICK=1` (what CI sets) trains each model for a few dozen steps and
# scores a few hundred samples. The numbers and samples shown here come from the full
# run (two to three minutes on a 2-core CPU).

# %%
import os
import shutil
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Image, display

import kgan
from kgan.metrics import text as text_metrics
from kgan.tasks.text import fit_mle

QUICK = os.environ.get("KGAN_TUTORIAL_QUICK") == "1"
PRETRAIN_STEPS = 30 if QUICK else 1500  # maximum-likelihood warm start
STEPS_PER_EPOCH = 5 if QUICK else 60  # GAN updates per epoch
EPOCHS = 2 if QUICK else 30
SAMPLES = 200 if QUICK else 2000  # names scored per model and temperature
TEMPERATURES = (0.8, 1.0, 1.2)
OUT = os.path.join(os.environ.get("KGAN_TUTORIAL_OUT", "runs"), "04_text_gan")
shutil.rmtree(OUT, ignore_errors=True)  # this tutorial's own files from an earlier run
keras.utils.set_random_seed(0)
print(f"{'quick' if QUICK else 'full'} mode: warm start {PRETRAIN_STEPS} steps, GAN "
      f"{EPOCHS * STEPS_PER_EPOCH} steps; files go to {OUT}/")

# %% [markdown]
# ## The corpus
#
# `kgan.datasets.load_text("surnames")` reads the 1990 US census list of surnames from the
# PyPI package `names` (a kgan dependency), so nothing is downloaded. It shuffles the
# names, holds 10% of them out, and turns the rest into batches of one-hot sequences.

# %%
data = kgan.datasets.load_text("surnames", batch_size=64, seed=0)
print(data.description)
print(f"{len(data.train_texts):,} training names, {len(data.held_out_texts):,} held out")
print("sample shape (positions, vocabulary):", data.sample_shape)
print("some training names:", ", ".join(data.train_texts[:10]))

# %% [markdown]
# The vocabulary is the 26 letters plus token 0, the **end token**: a name shorter than
# the 13 positions ends with it, and the positions after it are filled with it too. One
# name, as the discriminator sees a real sample (one row per position, one column per
# token):

# %%
vocabulary = ["end"] + data.vocabulary[1:]
name = min(data.train_texts[:50], key=lambda t: abs(len(t) - 7))
one_hot = data.one_hot([name])[0]
fig, ax = plt.subplots(figsize=(7, 3.4), dpi=80)
ax.imshow(one_hot, cmap="Greys", aspect="auto")
ax.set_xticks(range(len(vocabulary)), vocabulary, fontsize=8, rotation=90)
ax.set_yticks(range(data.max_length))
ax.set_ylabel("position")
ax.set_title(f"{name!r} as a {one_hot.shape[0]}×{one_hot.shape[1]} one-hot")
plt.tight_layout()
plt.show()

# %% [markdown]
# Real samples hold exact 0s and 1s. The training batches have this shape:

# %%
batch = next(iter(data.train))
print("batch:", batch.shape, batch.dtype.name, "decodes to", data.decode(
    np.argmax(batch[:4], axis=-1)))

# %% [markdown]
# ## Why text is hard for a GAN
#
# An image generator's pixels are continuous: nudge a weight, the pixels move a little, and
# the discriminator's verdict changes a little. That is the gradient the generator learns
# from. A text generator has to **choose** a token at each position. The choice (an
# argmax, or a draw from a softmax) is a step function of the weights, and its gradient is
# zero almost everywhere.
#
# Handing the discriminator the softmax probabilities instead does not help for long:
# real one-hots are exactly 0 and 1, the generator's rows are not, and the discriminator
# wins by telling the two apart, whatever the letters say.
#
# kgan's `textgan` follows RelGAN (Nie et al. 2019):
#
# * **Gumbel-softmax.** The generator adds Gumbel noise $g$ to its logits $o$ at each
#   position. $\arg\max(o + g)$ is an exact sample of $\operatorname{softmax}(o)$; it is the
#   token fed back to the GRU. The discriminator gets
#   $\operatorname{softmax}(\beta\,(o + g))$ instead, which is differentiable and gets closer
#   to the one-hot of that same token as the inverse temperature $\beta$ grows.
# * **Annealing.** $\beta$ rises exponentially from 1 to 100 during GAN training: soft rows
#   with useful gradients early, nearly one-hot rows (hard to tell from real ones) late.
# * **A maximum-likelihood warm start.** Before the game, the generator is trained as an
#   ordinary language model (predict the next letter), so the adversarial phase starts from
#   plausible names rather than noise.
#
# The discriminator is a small CNN over the (soft) one-hots, and the loss is the
# relativistic one: $D$ learns to score each real name above a generated one, and $G$ to
# reverse that order.

# %% [markdown]
# ## The pair
#
# `kgan.networks.get("textgan", ...)` builds both networks for a sample shape. The
# generator's input $z$ is longer than `latent_dim`: the first 32 entries set the GRU's
# initial state, the other $13 \times 27$ become the Gumbel noise of each position. So the
# generator is a deterministic function of $z$, like every kgan generator: the same $z$
# gives the same name.

# %%
generator, discriminator = kgan.networks.get("textgan", image_shape=data.sample_shape,
                                             latent_dim=32, filters=32)
print(f"generator: GRU with {generator.hidden_dim} units, {generator.count_params():,} "
      f"weights, z of size {generator.noise_dim} = 32 + {data.max_length} × {data.vocab_size}")
print(f"discriminator: {discriminator.count_params():,} weights")

# %% [markdown]
# `kgan.TextGAN` is `kgan.GAN` plus the annealing of $\beta$ (over `anneal_steps` generator
# updates), the warm start, and decoding to strings. The optimizers are those of
# `kgan train --model textgan`: Adam with gradient clipping, the generator at half the
# discriminator's learning rate.

# %%
GAN_STEPS = EPOCHS * STEPS_PER_EPOCH
gan = kgan.TextGAN(generator, discriminator, vocabulary=data.vocabulary,
                   anneal_steps=GAN_STEPS, seed=0)
gan.compile(g_optimizer=keras.optimizers.Adam(5e-5, clipnorm=5.0),
            d_optimizer=keras.optimizers.Adam(1e-4, clipnorm=5.0))
print("loss:", gan.adversarial_loss, "| beta now:", float(generator.beta))

# %% [markdown]
# ## Warm start
#
# `pretrain` trains the generator alone by teacher forcing: it reads the first $t$ letters
# of a real name and is scored on the log-probability of letter $t+1$. The wall clock
# starts here, since the warm start is part of what the GAN costs.

# %%
train_data = data.train.repeat()
start = time.perf_counter()
warm = gan.pretrain(train_data, steps_per_epoch=PRETRAIN_STEPS, verbose=0)
pretrain_seconds = time.perf_counter() - start
print(f"{PRETRAIN_STEPS} steps in {pretrain_seconds:.0f} s, "
      f"training NLL {warm['nll'][-1]:.3f} nats per letter")

fixed_z = np.random.default_rng(0).standard_normal((12, gan.latent_dim)).astype("float32")
warm_names = gan.generate_text(fixed_z)
print("after the warm start:", ", ".join(warm_names))

# %% [markdown]
# What the discriminator will be shown for the first of those names, at three values of
# $\beta$. The letters (the argmax of each row) are the same in all three; only how
# sharply each row commits to its letter changes. (The rows after the end token are exact
# one-hots of it, as in real text.)

# %%
letters = min(len(warm_names[0]) + 1, data.max_length)  # the name and its end token
fig, axes = plt.subplots(1, 3, figsize=(10, 3), dpi=80, sharey=True)
for ax, beta in zip(axes, (1.0, 10.0, 100.0)):
    generator.beta.assign(beta)
    soft = keras.ops.convert_to_numpy(generator(fixed_z[:1]))[0]
    ax.imshow(soft, cmap="Greys", vmin=0, vmax=1, aspect="auto")
    sharpness = soft[:letters].max(axis=1).mean()
    ax.set_title(f"beta = {beta:g}: mean of the row maxima {sharpness:.2f}", fontsize=9)
    ax.set_xticks(range(len(vocabulary)), vocabulary, fontsize=6, rotation=90)
generator.beta.assign(1.0)  # training sets it from the schedule anyway
axes[0].set_ylabel(f"position ({warm_names[0]!r})")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## The GAN phase
#
# An epoch of a text GAN is a number of steps (`steps_per_epoch`), not a pass over the
# 80,000 training names. `TextSamples` is the text version of `SampleGrid`: after each
# epoch it writes the names generated from one fixed batch of noise to a text file. We
# give it the batch used above, so its files continue the warm-start samples.

# %%
samples = kgan.callbacks.TextSamples(f"{OUT}/samples", num_samples=len(fixed_z))
samples.z = fixed_z
betas = []  # beta after each epoch, for the loss plot below
record_beta = keras.callbacks.LambdaCallback(
    on_epoch_end=lambda epoch, logs: betas.append(float(generator.beta)))
start = time.perf_counter()
history = gan.fit(train_data, epochs=EPOCHS, steps_per_epoch=STEPS_PER_EPOCH,
                  callbacks=[samples, record_beta], verbose=0)
gan_phase_seconds = time.perf_counter() - start
gan_seconds = pretrain_seconds + gan_phase_seconds
print(f"{GAN_STEPS} GAN steps in {gan_phase_seconds:.0f} s; with the warm start "
      f"{gan_seconds:.0f} s; beta is now {float(generator.beta):.0f}")
print("files:", ", ".join(os.path.basename(p) for p in samples.paths[:3]), "...")

# %% [markdown]
# The same twelve noise vectors after the warm start and at a few epochs. Each column is
# one epoch's file; each row one "slot" of the fixed noise. The GAN phase edits the names
# the warm start produced, a few letters at a time, rather than inventing new ones, and
# late in training most slots stop changing.

# %%
shown = sorted({1, EPOCHS // 3, 2 * EPOCHS // 3, EPOCHS} - {0})
columns = {"warm start": warm_names}
for epoch in shown:
    with open(samples.paths[epoch - 1], encoding="utf-8") as f:
        columns[f"epoch {epoch}"] = f.read().splitlines()
print("".join(f"{title:>15s}" for title in columns))
for row in zip(*columns.values()):
    print("".join(f"{text:>15s}" for text in row))

# %% [markdown]
# The losses per epoch, with $\beta$ on the right-hand axis. With the relativistic loss
# both losses sit at $\log 2 \approx 0.69$ when the discriminator cannot tell which of a
# real and a fake name is the real one. `d_loss` below that line means $D$ still wins.
# It wins most clearly early on, while $\beta$ is small and the generated rows are
# visibly soft; as $\beta$ grows the rows approach one-hots and its loss climbs back
# towards $\log 2$.

# %%
epochs = range(1, EPOCHS + 1)
fig, ax = plt.subplots(figsize=(6, 3.2), dpi=80)
for key in ("d_loss", "g_loss"):
    ax.plot(epochs, history.history[key], label=key)
ax.axhline(np.log(2), color="gray", linestyle=":", label="log 2")
ax.set_xlabel("epoch")
ax.legend(loc="center right", fontsize=8)
beta_axis = ax.twinx()
beta_axis.plot(epochs, betas, color="black", alpha=0.35, linestyle="--")
beta_axis.set_yscale("log")
beta_axis.set_ylabel("beta (dashed)")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## The honest comparison
#
# The samples look like names. The question worth asking is whether spending part of the
# time on the adversarial phase made them better than spending all of it on maximum
# likelihood. The warm start *is* a language model: so train one properly, and compare.
#
# * **Same network, same start.** A fresh `textgan` generator, built after the same seed,
#   so its initial weights equal those the GAN started from.
# * **Same wall time.** `fit_mle` trains it by maximum likelihood for at most as many
#   seconds as the GAN took, warm start included.
# * **Early stopping.** Every 250 steps it measures the NLL of 2,000 held-out validation
#   names, stops after 3 evaluations without improvement, and keeps the best weights (as
#   anyone would train a language model).
# * **Unseen test names.** Both are scored against the other 6,880 held-out names, which
#   neither saw.
#
# This is `benchmarks/text_vs_mle.py` for one seed, with the schedule of the README's
# table (a 1,500-step warm start and 1,800 GAN steps instead of the CLI's 3,000 and 3,600).

# %%
valid_ids = data.encode(data.held_out_texts[:2000])
test_texts = data.held_out_texts[2000:]

keras.utils.set_random_seed(0)
mle, _ = kgan.networks.get("textgan", image_shape=data.sample_shape, latent_dim=32,
                           filters=32)
mle_history = fit_mle(mle, train_data, epochs=2 if QUICK else 1000,
                      steps_per_epoch=10 if QUICK else 250, validation_data=valid_ids,
                      patience=3, time_limit=gan_seconds, seed=0, verbose=0)
mle_seconds = mle_history["seconds"][-1]  # from its first step to its last evaluation
print(f"MLE: {len(mle_history['nll'])} evaluations in {mle_seconds:.0f} s (GAN: "
      f"{gan_seconds:.0f} s); best held-out NLL after evaluation "
      f"{mle_history['best_epoch']}: {min(mle_history['val_nll']):.2f} nats per name")

# %% [markdown]
# ## Temperature: one knob, two goals
#
# Both models are GRUs that sample one letter at a time, so both can be sampled at a
# temperature $T$: letters drawn from $\operatorname{softmax}(o / T)$. $T < 1$ sharpens
# the distribution: more typical names, more repeats. $T > 1$ flattens it: more variety,
# more odd names. A model scored at a single temperature can look better or worse just by
# where on this trade-off it sits (Caccia et al. 2018), so we score both at three.
#
# `generator.unroll(z, temperature=T)` returns the token ids; `kgan.text.decode_ids`
# turns them into strings.

# %%
def sample_names(model, n, temperature, seed=0):
    z = np.random.default_rng(seed).standard_normal((n, model.noise_dim)).astype("float32")
    ids, _ = model.unroll(z, temperature=temperature)
    return kgan.text.decode_ids(keras.ops.convert_to_numpy(ids), data.vocabulary)


for temperature in TEMPERATURES:
    print(f"T = {temperature}: GAN:", ", ".join(sample_names(generator, 6, temperature)))
    print("         MLE:", ", ".join(sample_names(mle, 6, temperature)))

# %% [markdown]
# ## Scoring
#
# `kgan.metrics.text.evaluate` compares a list of samples with as many test names:
#
# * **JS-4**: Jensen-Shannon divergence (bits) between the character 4-gram distributions
#   of the samples and of the test names, with start and end markers. Lower is closer.
#   It is not 0 even for real names, because both sides are finite samples: the
#   **floor** is the JS-4 of as many *training* names against the same test names.
# * **novel**: the share of samples that are not training names; **unique**: the share
#   that are distinct.
# * **self-BLEU-4**: how much each sample resembles the others (higher means less
#   variety). Real names have their own value, the floor, so the target is that value,
#   not 0.
#
# NLL-test, the average negative log-likelihood of the test names, needs no sampling and so
# no temperature.

# %%
models = {"GAN": generator, "MLE": mle}
scores = {}
for label, model in models.items():
    for temperature in TEMPERATURES:
        names = sample_names(model, SAMPLES, temperature, seed=1)
        scores[label, temperature] = text_metrics.evaluate(names, data.train_texts,
                                                           test_texts, seed=0)
nll = {label: text_metrics.nll_test(model, data.encode(test_texts))[0]
       for label, model in models.items()}
floor = scores["GAN", 1.0]

print(f"{SAMPLES} samples each; NLL-test in nats per name")
print(f"{'model':6s} {'T':>4s} {'JS-4':>7s} {'novel':>7s} {'unique':>7s} {'self-BLEU-4':>12s}"
      f" {'NLL-test':>9s}")
for (label, temperature), s in scores.items():
    nll_cell = f"{nll[label]:9.2f}" if temperature == 1.0 else f"{'':9s}"
    print(f"{label:6s} {temperature:4.1f} {s['js_4']:7.3f} {s['novel']:7.3f} "
          f"{s['unique']:7.3f} {s['self_bleu_4']:12.3f} {nll_cell}")
print(f"{'real':6s} {'':4s} {floor['js_floor_4']:7.3f} {floor['novel_floor']:7.3f} "
      f"{floor['unique_floor']:7.3f} {floor['self_bleu_4_floor']:12.3f}")

# %% [markdown]
# The same numbers as curves, one point per temperature. Lowering $T$ moves a model down
# and away from real names' variety: closer to the real 4-grams (lower JS-4), but its
# samples resemble each other more (higher self-BLEU, left) and more of them are training
# names (lower novel, right). A model is better when its curve lies below the other's in
# the left panel, and below and to the right in the right panel; the star is real names.

# %% tags=["readme-picture"]
fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), dpi=80, sharey=True)
for label, color in (("GAN", "tab:red"), ("MLE", "tab:blue")):
    y = [scores[label, t]["js_4"] for t in TEMPERATURES]
    for ax, key in zip(axes, ("self_bleu_4", "novel")):
        x = [scores[label, t][key] for t in TEMPERATURES]
        ax.plot(x, y, marker="o", color=color, label=f"{label} (NLL-test {nll[label]:.2f})")
        for t, xi, yi in zip(TEMPERATURES, x, y):
            ax.annotate(f"T={t:g}", (xi, yi), textcoords="offset points", xytext=(5, -11),
                        fontsize=8, color=color)
for ax, key in zip(axes, ("self_bleu_4_floor", "novel_floor")):
    ax.plot(floor[key], floor["js_floor_4"], marker="*", markersize=14, color="black",
            linestyle="none", label="real names")
axes[0].set_xlabel("self-BLEU-4 (← more variety)")
axes[1].set_xlabel("novel: share not in the training set (more new names →)")
axes[0].set_ylabel("JS-4 to test names, bits (↓ closer)")
axes[0].legend(fontsize=8)
fig.suptitle(f"Surnames: GAN and MLE GRU after the same {gan_seconds:.0f} s, "
             f"{SAMPLES} samples per point", fontsize=10)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## What the numbers say
#
# The differences at each temperature, MLE minus GAN: a negative JS-4 or self-BLEU
# difference favours the language model, and so does a positive novel one.

# %%
print(f"{'T':>4s} {'JS-4':>8s} {'novel':>8s} {'self-BLEU-4':>12s}   (MLE minus GAN)")
for temperature in TEMPERATURES:
    gan_row, mle_row = scores["GAN", temperature], scores["MLE", temperature]
    print(f"{temperature:4.1f} " + " ".join(
        f"{mle_row[key] - gan_row[key]:+{width}.3f}"
        for key, width in (("js_4", 8), ("novel", 8), ("self_bleu_4", 12))))
print(f"NLL-test: {nll['MLE'] - nll['GAN']:+.2f} nats per name")

# %% [markdown]
# In the run shown here the language model is ahead at every temperature, though only
# just on closeness: its JS-4 is lower by about 0.01 bits, at about the same self-BLEU.
# The clearer gaps are novelty, where more of its samples are new names at every
# temperature, and likelihood: it gives the test names a lower NLL-test. In the picture
# the curves nearly coincide on the left, and on the right the MLE curve lies below and
# to the right of the GAN's. At none of these temperatures does the adversarial phase buy
# a point that the language model misses.
#
# One seed on a short schedule is one draw, and gaps of 0.01 could be noise. The README's
# benchmark (`benchmarks/text_vs_mle.py`: three seeds, this schedule) puts the language
# model ahead at every temperature on JS-4 as well as on novelty. That matches what
# Caccia et al. (2018) found for word-level language GANs once they compared whole
# quality-diversity curves: a well-tuned maximum-likelihood model was not beaten.
#
# So read any `textgan` result with this baseline next to it. A text GAN earns a claim
# only when its curve beats that of a language model of the same size trained for the
# same time; one temperature, or numbers without the real-vs-real floor, cannot show it.

# %% [markdown]
# ## Generating text
#
# `gan.generate_text` decodes samples to strings; a seed or a fixed `z` makes them
# reproducible. (A GAN generator samples at $T = 1$: its Gumbel noise is part of `z`.)

# %%
print(gan.generate_text(8, seed=3))

# %% [markdown]
# The rest works as for images. `gan.save("names.keras")` keeps both networks and
# optimizers; `kgan.export_generator(gan, "saved_model")` writes a SavedModel that maps
# `z` to a `tf.string` tensor of names (tutorial 06 shows how to call one). From the
# command line, `kgan train --model textgan --out runs/names` runs the full default schedule
# (a 3,000-step warm start and 3,600 GAN steps) and scores 2,000 samples, and
# `kgan sample runs/names --n 100 --out names.txt` writes more.
#
# ## Where next
#
# * [05 · Evaluating a GAN](05_evaluation.ipynb): the same "floors and equal N" reading of
#   metrics, for images.
# * [06 · Export and serving](06_export_and_serving.ipynb): the generator as a SavedModel.
