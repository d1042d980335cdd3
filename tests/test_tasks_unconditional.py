"""The unconditional task (kgan/tasks/unconditional/): its recipes and `run_task_test`."""

import dataclasses
import json

import imageio.v3 as iio
import keras
import numpy as np
import tensorflow as tf

import kgan
from task_support import run_task_test


def test_unconditional_task(tmp_path):
    full = run_task_test(tmp_path, ["--data", "digits", "--filters", 2, "--latent-dim", 4,
                                    "--batch-size", 256, "--steps-per-execution", 2])
    # The resumed run's GIF has every epoch's grid, as the uninterrupted run's.
    for run in (full, tmp_path / "killed"):
        assert len(iio.imread(run / "training.gif", index=None)) == 2
    # Two steps per call, recorded in run.json and in the saved model's compile config.
    assert json.loads((full / "run.json").read_text())["steps_per_execution"] == 2
    assert kgan.saving.load_model(full / "gan.keras").steps_per_execution == 2


def test_recipes_build_the_networks_and_options_they_name():
    task = kgan.tasks.get("unconditional")
    gan = task.build("dcgan-mnist", image_shape=(28, 28, 1), seed=3)
    recipe = task.recipe("dcgan-mnist")
    assert (recipe.batch_size, recipe.learning_rate, recipe.r1_weight) == (8, 6e-4, 1.0)
    assert recipe.r1_every == 16 and gan.r1_every == 16 and recipe.precision == "float32"
    assert recipe.steps_per_execution == 8 and gan.steps_per_execution == 8
    assert gan.latent_dim == recipe.latent_dim == 32 and gan.generator.filters == 32
    assert gan.ema_decay == 0.999 and gan.r1_weight == 1.0 and gan.seed == 3
    assert float(gan.g_optimizer.learning_rate) == np.float32(6e-4)
    assert recipe.beta_1 == 0.0
    assert float(gan.g_optimizer.beta_1) == float(gan.d_optimizer.beta_1) == 0.0
    assert task.recipe("dcgan-digits").beta_1 == 0.5
    default = task.default_recipe()
    assert (default.name, default.data, default.image_size) == ("dcgan-mnist5k", "mnist5k", None)
    assert dataclasses.replace(default, name="x", data="mnist", image_size=28, epochs=10,
                               description="") == dataclasses.replace(recipe, name="x",
                                                                      description="")
    wider = task.build("dcgan-mnist", image_shape=(28, 28, 1), filters=8, ema_decay=0.0)
    assert wider.generator.filters == 8 and wider.ema_generator is None


def test_steps_per_execution_runs_the_same_steps():
    # 7 steps as calls of 3, 3 and 1 steps end where 7 calls of one step end.
    task = kgan.tasks.get("unconditional")
    images = np.random.default_rng(0).uniform(-1, 1, (28, 8, 8, 1)).astype("float32")
    weights = {}
    for steps in (1, 3):
        keras.utils.set_random_seed(0)
        gan = task.build("dcgan-mnist", image_shape=(8, 8, 1), seed=0, filters=2, latent_dim=4,
                         batch_size=4, r1_every=2, steps_per_execution=steps)
        assert gan.steps_per_execution == steps
        gan.fit(tf.data.Dataset.from_tensor_slices(images).batch(4), epochs=1, verbose=0)
        assert int(gan.d_optimizer.iterations) == 7
        weights[steps] = [w.numpy() for w in gan.ema_generator.weights]
    for one, three in zip(weights[1], weights[3], strict=True):
        np.testing.assert_allclose(three, one, rtol=1e-5, atol=1e-6)
