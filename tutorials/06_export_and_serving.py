# %% [markdown]
# # 06 · Export and serving
#
# **You will learn:** how to export a trained generator as a TensorFlow SavedModel, what
# its two signatures take and return, how to use it from a process that has TensorFlow
# but not kgan, and how to inspect and run it with `saved_model_cli`.
#
# A serving system wants the generator alone, as a graph with a fixed interface: noise
# in, images out. The discriminator, the optimizers and kgan itself stay behind.

# %% [markdown]
# ## Setup
#
# `KGAN_TUTORIAL_QUICK=1` (what CI sets) trains for one epoch; the export and serving
# steps are the same in both modes.

# %%
import os
import shutil
import subprocess
import sys
import textwrap

import keras
import numpy as np
import tensorflow as tf
from IPython.display import Image, display

import kgan

tf.get_logger().setLevel("ERROR")  # no INFO lines from TensorFlow while it writes the export

QUICK = os.environ.get("KGAN_TUTORIAL_QUICK") == "1"
EPOCHS = 1 if QUICK else 40
OUT = os.path.join(os.environ.get("KGAN_TUTORIAL_OUT", "runs"), "06_export_and_serving")
shutil.rmtree(OUT, ignore_errors=True)  # this tutorial's own files from an earlier run
os.makedirs(OUT)
keras.utils.set_random_seed(0)
print(f"{'quick' if QUICK else 'full'} mode: {EPOCHS} epoch(s); files go to {OUT}/")

# %% [markdown]
# ## A generator to export
#
# The DCGAN of tutorial 01, trained on the offline digits.

# %%
LATENT_DIM = 32
generator, discriminator = kgan.networks.get(
    "dcgan", image_shape=(8, 8, 1), latent_dim=LATENT_DIM, filters=32
)
gan = kgan.GAN(generator, discriminator, latent_dim=LATENT_DIM)
gan.compile()
gan.fit(kgan.datasets.load("digits", batch_size=64, seed=0), epochs=EPOCHS, verbose=0)
display(Image(kgan.images.save_image_grid(gan.generate(64, seed=0), f"{OUT}/trained.png",
                                          scale=4, pad_value=128)))

# %% [markdown]
# ## Export
#
# `kgan.export_generator` writes a SavedModel directory. It is written to a temporary name
# first and renamed when complete, so a reader never sees half an export, and an existing
# export is only replaced when you pass `overwrite=True`.

# %%
EXPORT = f"{OUT}/saved_model"
export_dir = kgan.export_generator(gan, EXPORT)  # returns the absolute path
for root, _, files in sorted(os.walk(export_dir)):
    for name in sorted(files):
        path = os.path.join(root, name)
        print(f"{os.path.relpath(path, export_dir):55s} {os.path.getsize(path) / 1e3:7.1f} kB")

# %% [markdown]
# The export has two signatures:
#
# | signature | inputs | output |
# |---|---|---|
# | `serving_default` | `z`: float32 `[batch, 32]` | `images`: uint8 `[batch, 8, 8, 1]` |
# | `generate` | `n`: int32, `seed`: int32 | `images`: uint8 `[n, 8, 8, 1]` |
#
# Images come out as uint8 in $[0, 255]$, ready to be written as PNG: the generator's
# $[-1, 1]$ output is rescaled and rounded inside the graph. `generate` draws the noise
# itself from `seed`, for clients that have no random-number generator at hand.

# %% [markdown]
# ## Loading it with plain TensorFlow, in a fresh process
#
# The honest test of an export is a process that never imported kgan. The script below
# uses only TensorFlow and NumPy; it loads the SavedModel, calls both signatures and
# checks at the end that kgan was not pulled in by the loading.

# %%
z = np.random.default_rng(0).standard_normal((16, LATENT_DIM)).astype("float32")
np.save(f"{OUT}/z.npy", z)

client = textwrap.dedent("""
    import sys

    import numpy as np
    import tensorflow as tf

    model = tf.saved_model.load(sys.argv[1])
    serve = model.signatures["serving_default"]
    images = serve(z=tf.constant(np.load("z.npy")))["images"]
    print("serving_default:", images.dtype.name, images.shape.as_list())
    np.save("served.npy", images.numpy())

    drawn = model.signatures["generate"](n=tf.constant(4), seed=tf.constant(7))["images"]
    again = model.signatures["generate"](n=tf.constant(4), seed=tf.constant(7))["images"]
    print("generate:", drawn.dtype.name, drawn.shape.as_list(),
          "same seed, same images:", bool(tf.reduce_all(drawn == again)))
    print("kgan imported:", "kgan" in sys.modules)
""")
with open(f"{OUT}/client.py", "w") as f:
    f.write(client)

result = subprocess.run([sys.executable, "client.py", "saved_model"], cwd=OUT,
                        capture_output=True, text=True)
print(result.stdout or result.stderr[-2000:])
result.check_returncode()

# %% [markdown]
# The served images match what the Keras generator produces for the same noise, up to one
# gray level of float rounding between the two runtimes:

# %% tags=["readme-picture"]
served = np.load(f"{OUT}/served.npy")
expected = kgan.images.to_uint8(gan.generate(z))
print("largest difference in gray levels:", int(np.abs(served.astype(int) - expected).max()))
display(Image(kgan.images.save_image_grid(served, f"{OUT}/served.png", scale=4, pad_value=128)))

# %% [markdown]
# ## `saved_model_cli`
#
# TensorFlow installs a command-line tool that reads any SavedModel. `show` prints a
# signature's inputs and outputs, with dtypes and shapes ($-1$ is the batch dimension).
# This is what a serving engineer checks first (`--signature_def generate` shows the
# other one, and `--all` everything).

# %%
# saved_model_cli is installed next to the Python that runs this notebook.
CLI = os.path.join(os.path.dirname(sys.executable), "saved_model_cli")
if not os.path.exists(CLI):
    CLI = shutil.which("saved_model_cli")


def run(*args, last_lines=None):
    """Runs a command; prints it and (the last lines of) its output."""
    print("$", " ".join(os.path.basename(a) if a == CLI else a for a in args))
    done = subprocess.run(args, capture_output=True, text=True)
    lines = (done.stdout.strip() or done.stderr.strip()).splitlines()
    print("\n".join(lines[-last_lines:] if last_lines else lines))
    done.check_returncode()


run(CLI, "show", "--dir", EXPORT, "--tag_set", "serve", "--signature_def", "serving_default")

# %% [markdown]
# `run` feeds inputs and saves each output as a `.npy` file (it also prints the arrays;
# only its last line is shown here). `--inputs` reads arrays from `.npy` files;
# `--input_exprs` takes Python literals such as `n=4`.

# %%
run(CLI, "run", "--dir", EXPORT, "--tag_set", "serve", "--signature_def", "serving_default",
    "--inputs", f"z={OUT}/z.npy", "--outdir", f"{OUT}/cli", last_lines=1)
from_cli = np.load(f"{OUT}/cli/images.npy")
print(from_cli.dtype, from_cli.shape, "same as the fresh process:",
      np.array_equal(from_cli, served))

# %% [markdown]
# ## Serving it
#
# The directory is a standard SavedModel, so anything that serves SavedModels can take it.
# TensorFlow Serving, for instance, expects numbered versions under a base path
# (`models/digits/1/saved_model.pb`) and answers REST requests such as
# `{"signature_name": "serving_default", "instances": [[...32 floats...]]}` with the uint8
# images. From the command line, `kgan export RUN_DIR --out DIR` writes the same export
# for a run trained with `kgan train`.
#
# ## Where next
#
# * [01 · A DCGAN on handwritten digits](01_dcgan.ipynb) explains the model exported here.
