"""The unconditional task (kgan/tasks/unconditional/): its recipes and `run_task_test`."""

import dataclasses

import imageio.v3 as iio
import numpy as np

import kgan
from task_support import run_task_test


def test_unconditional_task(tmp_path):
    full = run_task_test(tmp_path, ["--data", "digits", "--filters", 2, "--latent-dim", 4, "--batch-size", 256])
    # The resumed run's GIF has every epoch's grid, as the uninterrupted run's.
    for run in (full, tmp_path / "killed"):
        assert len(iio.imread(run / "training.gif", index=None)) == 2


def test_recipes_build_the_networks_and_options_they_name():
    task = kgan.tasks.get("unconditional")
    gan = task.build("dcgan-mnist", image_shape=(28, 28, 1), seed=3)
    recipe = task.recipe("dcgan-mnist")
    assert (recipe.batch_size, recipe.learning_rate, recipe.r1_weight) == (8, 4e-4, 1.0)
    assert recipe.r1_every == 16 and gan.r1_every == 16 and recipe.precision == "float32"
    assert gan.latent_dim == recipe.latent_dim == 32 and gan.generator.filters == 32
    assert gan.ema_decay == 0.999 and gan.r1_weight == 1.0 and gan.seed == 3
    assert float(gan.g_optimizer.learning_rate) == np.float32(4e-4)
    default = task.default_recipe()
    assert (default.name, default.data, default.image_size) == ("dcgan-mnist5k", "mnist5k", None)
    assert dataclasses.replace(default, name="x", data="mnist", image_size=28, epochs=10,
                               description="") == dataclasses.replace(recipe, name="x",
                                                                      description="")
    wider = task.build("dcgan-mnist", image_shape=(28, 28, 1), filters=8, ema_decay=0.0)
    assert wider.generator.filters == 8 and wider.ema_generator is None
