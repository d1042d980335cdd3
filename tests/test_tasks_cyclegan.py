"""The CycleGAN task (kgan/tasks/image_to_image/cyclegan*.py): run_task_test, the history
pool, the loss weights, the four optimizers, both export directions."""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

import kgan
from kgan import saving
from kgan.tasks.image_to_image import CycleGAN, ImagePool
from task_support import assert_same_outputs, kgan_command, run_task_test

TINY = ["--task", "cyclegan", "--image-size", 16, "--filters", 4, "--blocks", 1,
        "--downsamplings", 1, "--batch-size", 2, "--steps-per-epoch", 3, "--num-samples", 3,
        "--pool-size", 4]
INVERSE = ("inverse_g_optimizer", "inverse_d_optimizer")


def tiny_gan(**kwargs):
    return kgan.tasks.get("cyclegan").build(
        image_size=16, channels=1, filters=4, blocks=1, batch_size=2, seed=0, **kwargs)


def images(n, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, 16, 16, 1)).astype("float32")


def variables(optimizer):
    return [np.asarray(v) for v in optimizer.variables]


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    """The checks every task passes, on the unpaired fonts (16 px, 1 block, 1 halving).

    large: about 100 s on an idle 2-core CPU (three trainings, each traced anew); the
    default suite trains one epoch through `kgan train` instead
    (`test_one_epoch_through_kgan_train`)."""
    return run_task_test(tmp_path_factory.mktemp("cyclegan"), TINY, epochs=2, kill_at="2:2")


def test_one_epoch_through_kgan_train(tmp_path):
    out = tmp_path / "run"
    result = kgan_command(None, ["train", *TINY, "--epochs", 1, "--seed", 0, "--ema-decay", 0.5,
                                 "--verbose", 0, "--out", out])
    assert result.returncode == 0, result.stderr[-3000:]
    info = json.loads((out / "run.json").read_text())
    assert info["task"] == "cyclegan" and info["pool_size"] == 4
    assert "cycle" in (out / "history.csv").read_text().splitlines()[0]
    # Held-out characters: input | output | true target, 16 px tiles 2 px apart.
    from PIL import Image

    grid = np.asarray(Image.open(out / "samples" / "epoch_0001.png"))
    assert grid.shape[:2] == (3 * 18 + 2, 3 * 18 + 2)
    model = saving.load_model(out / "gan.keras")
    assert [int(o.iterations) for o in model.optimizers] == [3, 3, 3, 3]
    assert int(model.pool_a.count) == int(model.pool_b.count) == 4
    # The export's two signatures serve a size the model never trained on (not a multiple of
    # its 2), as the model translates it, and refuse one it cannot take.
    served = tf.saved_model.load(str(out / "saved_model"))
    assert set(served.signatures) == {"serving_default", "b_to_a"}
    x = np.random.default_rng(1).integers(0, 256, (2, 21, 11, 1), dtype=np.uint8)
    outputs = {}
    for signature, direction in (("serving_default", "a2b"), ("b_to_a", "b2a")):
        outputs[direction] = served.signatures[signature](images=tf.constant(x))["images"].numpy()
        expected = kgan.images.to_uint8(model.translate(x / 127.5 - 1.0, direction))
        assert_same_outputs({"images": outputs[direction]}, {"images": expected})
    assert not np.array_equal(outputs["a2b"], outputs["b2a"])  # two generators, not one
    with pytest.raises(tf.errors.InvalidArgumentError, match="at least 3x3 pixels"):
        served.signatures["b_to_a"](images=tf.constant(x[:, :2]))
    assert "b_to_a (B -> A)" in kgan.tasks.get("cyclegan").export_summary(model)


@pytest.mark.large
def test_run_directory_resume_and_both_export_directions(full_run):
    info = json.loads((full_run / "run.json").read_text())
    assert info["task"] == "cyclegan" and info["recipe"] == "cyclegan-fonts"
    assert info["image_shape"] == [16, 16, 1] and info["pool_size"] == 4
    model = saving.load_model(full_run / "gan.keras")
    assert isinstance(model, CycleGAN) and model.ema_inverse_generator is not None
    # The pools were saved with the model: full after 6 steps of 2 images.
    assert int(model.pool_a.count) == int(model.pool_b.count) == 4
    # All four optimizers and both pools survive a .keras round trip, and the killed run
    # resumed F's and D_A's optimizers too.
    model.save(full_run.parent / "again.keras")
    again = saving.load_model(full_run.parent / "again.keras")
    assert len(again.optimizers) == 4
    for before, after in zip(model.optimizers, again.optimizers, strict=True):
        assert int(after.iterations) == 6
        for a, b in zip(variables(before), variables(after), strict=True):
            np.testing.assert_array_equal(a, b)
    for pool in ("pool_a", "pool_b"):
        np.testing.assert_array_equal(np.asarray(getattr(model, pool).images),
                                      np.asarray(getattr(again, pool).images))
    resumed = saving.load_model(full_run.parent / "killed" / "gan.keras")
    for name in INVERSE:
        assert int(getattr(resumed, name).iterations) == 6
    # Both signatures serve a size the model never trained on, as the model translates it.
    task = kgan.tasks.get("cyclegan")
    served = tf.saved_model.load(str(full_run / "saved_model"))
    assert set(served.signatures) == {"serving_default", "b_to_a"}
    x = np.random.default_rng(1).integers(0, 256, (2, 21, 11, 1), dtype=np.uint8)
    for signature, direction in (("serving_default", "a2b"), ("b_to_a", "b2a")):
        out = served.signatures[signature](images=tf.constant(x))["images"].numpy()
        expected = kgan.images.to_uint8(
            task.translate_function(model, direction)(x / 127.5 - 1.0))
        assert_same_outputs({"images": out}, {"images": expected})
    a2b = served.signatures["serving_default"](images=tf.constant(x))["images"].numpy()
    assert not np.array_equal(a2b, out)  # two generators, not one
    with pytest.raises(tf.errors.InvalidArgumentError, match="at least 3x3 pixels"):
        served.signatures["b_to_a"](images=tf.constant(x[:, :2]))


def test_pool_returns_the_batch_until_full_then_a_mix():
    pool = ImagePool((2, 2, 1), seed=3)
    assert pool.capacity == 50
    batches = [(i + np.arange(10)[:, None, None, None] / 10 + np.zeros((10, 2, 2, 1)))
               .astype("float32") for i in range(10)]
    # 5 batches fill the 50 places: each image comes back as it went in.
    for batch in batches[:5]:
        np.testing.assert_array_equal(np.asarray(pool(batch)), batch)
    assert int(pool.count) == 50
    # Then each image is returned, or swapped for an older one, about half the time.
    seen = set(np.concatenate(batches[:5])[:, 0, 0, 0].round(3))
    swapped = 0
    for batch in batches[5:]:
        out = np.asarray(pool(batch))
        for got, given in zip(out[:, 0, 0, 0].round(3), batch[:, 0, 0, 0].round(3)):
            if got != given:
                assert got in seen  # an image the pool held
                swapped += 1
        seen |= set(batch[:, 0, 0, 0].round(3))
    assert 10 <= swapped <= 40
    assert int(pool.count) == 50


def test_pool_is_deterministic_for_a_seed_and_works_in_a_graph():
    def outputs(seed):
        pool = ImagePool((2, 2, 1), capacity=3, seed=seed)
        step = tf.function(pool.__call__)
        return [np.asarray(step(np.full((2, 2, 2, 1), i, "float32"))) for i in range(8)]

    first, again, other = outputs(7), outputs(7), outputs(8)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, b) for a, b in zip(first, other))
    nothing = ImagePool((2, 2, 1), capacity=0)
    np.testing.assert_array_equal(np.asarray(nothing(np.ones((3, 2, 2, 1)))), 1.0)


def test_loss_weights_follow_the_formula():
    # No adversarial term and the same images in both domains: the generators' loss is
    # cycle_weight * L_cyc + cycle_weight * identity_weight * L_identity, from the outputs.
    gan = tiny_gan(cycle_weight=3.0, identity_weight=0.25)
    gan.adversarial_weight = 0.0
    x = images(2)
    G = lambda v: np.asarray(gan.generator(v, training=False))  # noqa: E731
    F = lambda v: np.asarray(gan.inverse_generator(v, training=False))  # noqa: E731
    cycle = np.abs(F(G(x)) - x).mean() + np.abs(G(F(x)) - x).mean()
    identity = np.abs(F(x) - x).mean() + np.abs(G(x) - x).mean()
    logs = gan.test_step((x, x))  # eagerly: the same losses `evaluate` reports
    np.testing.assert_allclose(logs["cycle"], cycle, rtol=1e-4)
    np.testing.assert_allclose(logs["identity"], identity, rtol=1e-4)
    np.testing.assert_allclose(logs["g_loss"], 3.0 * cycle + 0.75 * identity, rtol=1e-4)
    assert cycle > 0.1 and identity > 0.1  # untrained: far from the identity


def test_config_round_trips_through_json():
    gan = tiny_gan(pool_size=2, identity_weight=0.0)
    config = json.loads(json.dumps(gan.get_config()))
    assert config["pool_size"] == 2 and config["identity_weight"] == 0.0
    again = CycleGAN.from_config(config)
    assert json.dumps(again.get_config(), sort_keys=True) == json.dumps(config, sort_keys=True)
    assert again.get_compile_config() == {}


def test_compile_config_keeps_the_four_optimizers_and_the_step_settings():
    gan = tiny_gan()
    gan.compile(inverse_g_optimizer=keras.optimizers.RMSprop(3e-4), steps_per_execution=2)
    config = json.loads(json.dumps(gan.get_compile_config()))
    again = CycleGAN.from_config(json.loads(json.dumps(gan.get_config())))
    again.compile_from_config(config)
    assert isinstance(again.inverse_g_optimizer, keras.optimizers.RMSprop)
    assert float(again.inverse_g_optimizer.learning_rate) == pytest.approx(3e-4)
    assert again.steps_per_execution == 2


@pytest.mark.large
def test_steps_per_execution_runs_the_same_steps():
    """large: about 35 s on an idle 2-core CPU (two CycleGAN steps traced)."""
    # 6 steps as calls of 3 end where 6 calls of one step end: the four networks, the EMA
    # generators and the history pools (full after 2 steps, then drawing from their state).
    data = tf.data.Dataset.from_tensor_slices((images(12), images(12, seed=1))).batch(2)
    ends = {}
    for steps in (1, 3):
        keras.utils.set_random_seed(0)
        gan = tiny_gan(pool_size=4, ema_decay=0.9, steps_per_execution=steps)
        assert gan.steps_per_execution == steps
        gan.fit(data, epochs=1, verbose=0)
        assert [int(o.iterations) for o in gan.optimizers] == [6, 6, 6, 6]
        ends[steps] = [np.asarray(v) for v in gan.weights]
    assert len(ends[1]) == len(ends[3])
    for one, three in zip(ends[1], ends[3], strict=True):
        np.testing.assert_allclose(three, one, rtol=1e-5, atol=1e-5)


def test_nan_guard_restores_and_slows_all_four_optimizers():
    gan = tiny_gan(learning_rate=2e-4)
    guard = kgan.callbacks.NaNGuard(lr_factor=0.5)
    guard.set_model(gan)
    guard.on_train_begin()
    gan.inverse_d_optimizer.iterations.assign(7)
    guard.on_train_batch_end(0, {"d_loss": float("nan")})
    for optimizer in gan.optimizers:
        np.testing.assert_allclose(float(optimizer.learning_rate), 1e-4)
    assert int(gan.inverse_d_optimizer.iterations) == 0


def test_bad_options_stop_before_training(tmp_path):
    out = tmp_path / "run"
    result = kgan_command(None, ["train", "--task", "cyclegan", "--image-size", 8, "--out", out])
    assert result.returncode == 2 and "--image-size must be 16 to 256" in result.stderr
    assert not out.exists()
    with pytest.raises(ValueError, match="`direction` must be 'a2b' or 'b2a'"):
        tiny_gan().translate(images(1), direction="sideways")


def test_folders_without_targets_show_the_round_trip(tmp_path):
    # A folder of A/ and B/ has no true translation: the grid is input | A -> B | back to A.
    from PIL import Image

    rng = np.random.default_rng(0)
    for domain in "AB":
        (tmp_path / "data" / domain).mkdir(parents=True)
        for i in range(20):  # every tenth is held out: 2 test images
            Image.fromarray(rng.integers(0, 256, (16, 16), dtype=np.uint8)).save(
                tmp_path / "data" / domain / f"{i}.png")
    task = kgan.tasks.get("cyclegan")
    recipe = task.recipe(data=str(tmp_path / "data"), image_size=16, channels=1, num_samples=2)
    gan = tiny_gan()
    (samples,) = task.callbacks(gan, recipe, str(tmp_path / "run"), seed=0)
    samples.set_model(gan)
    samples.on_train_begin()
    samples.on_epoch_end(0)
    with pytest.raises(ValueError, match="have no true translation to score against"):
        task.evaluate(gan, str(tmp_path / "run"), {**recipe.options(), "recipe": "custom"})
    grid = np.asarray(Image.open(tmp_path / "run" / "samples" / "epoch_0001.png"))
    assert grid.shape[:2] == (2 * 18 + 2, 3 * 18 + 2)
    source = samples.source[:1]
    cycled = gan.translate(gan.translate(source), "b2a")
    # The callback translates its batch of 2, this check one image: rounding may differ by 1.
    np.testing.assert_allclose(grid[2:18, 38:54].squeeze().astype(int),
                               kgan.images.to_uint8(cycled)[0].squeeze().astype(int), atol=1)


def test_the_font_options_choose_both_domains(tmp_path):
    task = kgan.tasks.get("cyclegan")
    fonts = dict(target_font="DejaVu Sans Mono", source_fonts="DejaVu Serif,cmr10",
                 characters="ABCDEFGHIJKL")
    recipe = task.recipe(image_size=16, batch_size=4, **fonts)
    a, b = (np.concatenate(side) for side in zip(*task.dataset(recipe, 0, split="test")))
    truth = kgan.datasets.pairs.font_pairs("test", 16, **fonts)
    np.testing.assert_array_equal(a, truth.source)
    np.testing.assert_array_equal(b, truth.target)  # the held-out D and J in the target font
    # kgan evaluate scores the A -> B translation of the held-out pairs against the truth.
    gan = tiny_gan()
    result = task.evaluate(gan, str(tmp_path), {**recipe.options(), "recipe": "custom"})
    output = task.translate_batch(gan, truth.source)
    assert result["output"]["l1"] == pytest.approx(np.abs(output - truth.target).mean(), abs=1e-5)
    train_a, train_b = next(iter(task.dataset(recipe, 0)))
    assert train_a.shape == train_b.shape == (4, 16, 16, 1)
    with pytest.raises(ValueError, match="`characters` applies only to `data`='fonts'"):
        task.recipe(data="some/folder", characters="ABC")


def test_the_explore_page_finds_both_directions_of_either_export(tmp_path):
    from kgan.tasks.image_to_image import explore

    task, gan = kgan.tasks.get("cyclegan"), tiny_gan()
    x = np.random.default_rng(4).integers(0, 256, (9, 7, 1), dtype=np.uint8)
    for direction in ("a2b", "b2a"):
        run = tmp_path / direction
        task.export(gan, str(run / "saved_model"), direction=direction)
        translate = explore.export_translator(run)
        ways = explore.directions(kgan.explore.load_export(run), task.inverse_signatures)
        assert list(ways) == ["A → B", "B → A"]
        assert ways["A → B" if direction == "a2b" else "B → A"] == "serving_default"
        for label, way in (("A → B", "a2b"), ("B → A", "b2a")):
            expected = kgan.images.to_uint8(gan.translate(x[None] / 127.5 - 1.0, way))[0]
            got = translate(x, signature=ways[label])
            assert np.abs(got.astype(int) - expected.astype(int)).max() <= 1
