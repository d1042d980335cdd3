"""The super-resolution task: run_task_test, recipes, the two phases and resume across them."""

import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

import kgan
from kgan import saving
from kgan.tasks.super_resolution import SuperResolutionGAN
from task_support import check, kgan_command, run_task_test

TINY = ["--task", "super-resolution", "--hr-size", 16, "--filters", 4, "--blocks", 1,
        "--batch-size", 4, "--steps-per-epoch", 2, "--psnr-epochs", 1, "--num-samples", 2]


def tiny_gan(psnr_epochs=1, **kwargs):
    task = kgan.tasks.get("super-resolution")
    return task.build(hr_size=8, scale=2, filters=4, blocks=1, batch_size=2,
                      psnr_epochs=psnr_epochs, seed=0, **kwargs)


def pairs(n=4, seed=0):
    rng = np.random.default_rng(seed)
    hr = rng.uniform(-1, 1, (n, 8, 8, 3)).astype("float32")
    lr = hr.reshape(n, 4, 2, 4, 2, 3).mean(axis=(2, 4))
    import tensorflow as tf

    return tf.data.Dataset.from_tensor_slices((lr, hr)).batch(2)


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    """The checks every task passes; epoch 1 is the L1 phase, epoch 2 the GAN phase, and the
    run killed in epoch 2 resumes from the L1-phase backup into the GAN phase."""
    return run_task_test(tmp_path_factory.mktemp("sr"), TINY, epochs=2, kill_at="2:2")


def test_run_directory(full_run):
    info = json.loads((full_run / "run.json").read_text())
    assert info["task"] == "super-resolution" and info["recipe"] == "srresnet-photos-x4"
    assert info["scale"] == 4 and info["image_shape"] == [16, 16, 3]
    # Each epoch's comparison: 2 rows of LR | bicubic | output | HR, 16 px tiles, 2 px apart.
    grid = np.asarray(Image.open(full_run / "samples" / "epoch_0002.png"))
    assert grid.shape == (2 * 18 + 2, 4 * 18 + 2, 3)
    gif = Image.open(full_run / "training.gif")
    assert gif.n_frames == 2
    model = saving.load_model(full_run / "gan.keras")
    assert int(model.epochs_trained) == 2 and int(model.psnr_frozen) == 1
    # The L1-phase export serves the generator kept at the end of epoch 1.
    import tensorflow as tf

    lr = np.random.default_rng(0).integers(0, 256, (1, 7, 5, 3), dtype=np.uint8)
    served = tf.saved_model.load(str(full_run / "psnr_saved_model")).signatures[
        "serving_default"](images=tf.constant(lr))["images"].numpy()
    expected = kgan.images.to_uint8(model.generate(lr / 127.5 - 1.0, psnr=True))
    assert served.shape == (1, 28, 20, 3)
    assert np.abs(served.astype(int) - expected.astype(int)).max() <= 1
    assert "psnr_saved_model" in info["artefacts"]
    # The run killed in epoch 2 resumed from the L1-phase backup into the GAN phase: the
    # discriminator trained its 2 steps and the kept L1-phase generator is the same.
    resumed = saving.load_model(full_run.parent / "killed" / "gan.keras")
    assert int(resumed.d_optimizer.iterations) == 2 and int(resumed.psnr_frozen) == 1
    np.testing.assert_allclose(resumed.generate(lr / 127.5 - 1.0, psnr=True),
                               model.generate(lr / 127.5 - 1.0, psnr=True), atol=1e-5)


@pytest.mark.large
def test_export_serves_sizes_it_was_not_trained_on_with_saved_model_cli(full_run, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tensorflow.python.tools.saved_model_cli", "run", "--dir",
         str(full_run / "saved_model"), "--tag_set", "serve", "--signature_def",
         "serving_default", "--input_exprs", f"images={np.full((1, 9, 13, 3), 128).tolist()}",
         "--outdir", str(tmp_path)],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    output = np.load(tmp_path / "images.npy")
    assert output.shape == (1, 36, 52, 3) and output.dtype == np.uint8


def test_sample_writes_held_out_crops_and_their_upscaling(full_run, tmp_path):
    check(kgan_command(None, ["sample", full_run, "--n", 3, "--seed", 0,
                              "--out", tmp_path / "s.npz"]))
    arrays = np.load(tmp_path / "s.npz")
    assert arrays["lr"].shape == (3, 4, 4, 3) and arrays["lr"].dtype == np.uint8
    assert arrays["sr"].shape == arrays["hr"].shape == (3, 16, 16, 3)


def test_evaluate_scores_the_held_out_photos_against_bicubic(full_run):
    from kgan.tasks.super_resolution.upscale import upscale_image

    result = check(kgan_command(None, ["evaluate", full_run]))
    assert "the 3 held-out photos at 4x" in result.stdout
    written = json.loads((full_run / "metrics.json").read_text())["held_out"]
    assert set(written) == {"data", "n", "output", "psnr model", "bicubic"}
    model = saving.load_model(full_run / "gan.keras")
    psnrs, bicubic = [], []
    for _, image in kgan.datasets.photos.held_out_images():
        hr = image[:image.shape[0] // 4 * 4, :image.shape[1] // 4 * 4]
        lr = kgan.datasets.photos.downscale(hr, 4)
        psnrs.append(kgan.metrics.psnr(upscale_image(model, lr), hr, on="y", crop_border=4))
        bicubic.append(kgan.metrics.psnr(kgan.datasets.photos.bicubic_upscale(lr, 4), hr,
                                         on="y", crop_border=4))
    assert written["output"]["psnr"] == pytest.approx(np.mean(psnrs), abs=1e-4)
    assert written["bicubic"]["psnr"] == pytest.approx(np.mean(bicubic), abs=1e-4)
    assert written["bicubic"]["psnr"] > 20  # real photos, not noise


def test_the_explore_page_upscales_with_the_export(full_run):
    from kgan.tasks.super_resolution import explore

    image = np.random.default_rng(2).integers(0, 256, (70, 90, 3), dtype=np.uint8)
    model = saving.load_model(full_run / "gan.keras")
    expected = kgan.tasks.super_resolution.upscale_image(model, image, tile=None)
    got = explore.export_upscaler(full_run, tile=66)(image)  # 4 tiles
    assert got.shape == (280, 360, 3) and got.dtype == np.uint8
    assert np.abs(got.astype(int) - expected.astype(int)).max() <= 1


def test_recipes():
    task = kgan.tasks.get("super-resolution")
    assert [r.name for r in task.recipes] == ["srresnet-photos-x4", "srresnet-photos-x2",
                                              "srresnet-photos-x4-long"]
    assert task.recipe("srresnet-photos-x2").scale == 2
    assert task.recipe("srresnet-photos-x4").psnr_learning_rate is None
    with pytest.raises(ValueError, match="`scale` must be 2, 3 or 4"):
        task.recipe(scale=5)
    with pytest.raises(ValueError, match="`hr_size` 30 must be a multiple of `scale` 4"):
        task.recipe(hr_size=30)


@pytest.mark.parametrize("args, message", [
    (["--hr-size", "30"], "--hr-size 30 must be a multiple of --scale 4"),
    (["--recipe", "dcgan-mnist"], "--task 'super-resolution' disagrees with --recipe"),
    (["--model", "dcgan"], "--task 'super-resolution' disagrees with --model 'dcgan'"),
    (["--perceptual-weights", "no/vgg19.h5"], "--perceptual-weights: no such file 'no/vgg19.h5'"),
    # Options of other tasks are refused, not ignored: the crops' size is --hr-size.
    (["--image-size", "64"], "--image-size applies to --model dcgan or cgan or pix2pix or "
                             "resnet_generator only"),
    (["--latent-dim", "64"], "not to the super-resolution task"),
])
def test_bad_train_options_are_refused_before_anything_is_written(tmp_path, args, message):
    result = kgan_command(None, ["train", "--task", "super-resolution", *args,
                                 "--out", tmp_path / "run"])
    assert result.returncode == 2 and message in result.stderr
    assert not (tmp_path / "run").exists()


def test_a_scale_other_than_2_3_4_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exit:
        kgan.cli.main(["train", "--task", "super-resolution", "--scale", "5"])
    assert exit.value.code == 2
    assert "argument --scale: expected 2, 3 or 4; got '5'" in capsys.readouterr().err


def test_psnr_learning_rate_decays_along_a_cosine_to_the_gan_phase_rate():
    task = kgan.tasks.get("super-resolution")
    recipe = task.recipe("srresnet-photos-x4-long", psnr_epochs=2, steps_per_epoch=10)
    assert (recipe.psnr_learning_rate, recipe.learning_rate) == (1e-3, 1e-4)
    arguments = task.compile_arguments(recipe)
    rate = arguments["g_optimizer"]._learning_rate
    # 1e-3 at the first step, halfway at the L1 phase's middle, then the GAN phase's 1e-4.
    np.testing.assert_allclose([float(rate(step)) for step in (0, 10, 20, 100)],
                               [1e-3, 5.5e-4, 1e-4, 1e-4], rtol=1e-5)
    assert float(arguments["d_optimizer"].learning_rate) == pytest.approx(1e-4)
    # Without it, or without an L1 phase, the generator's rate is constant.
    for overrides in ({"psnr_learning_rate": None}, {"psnr_epochs": 0}):
        constant = task.compile_arguments(task.recipe(recipe, **overrides))["g_optimizer"]
        assert float(constant.learning_rate) == pytest.approx(1e-4)
    with pytest.raises(ValueError, match="`psnr_learning_rate`"):
        task.recipe(psnr_learning_rate=0.0)


def test_the_phase_follows_the_models_epoch_count(tmp_path):
    gan = tiny_gan(psnr_epochs=1)
    data = pairs()
    gan.fit(data, epochs=1, verbose=0)
    # L1 phase: the discriminator did not train.
    assert int(gan.d_optimizer.iterations) == 0 and int(gan.g_optimizer.iterations) == 2
    assert int(gan.psnr_frozen) == 0 and gan.adversarial_phase()
    lr = np.random.default_rng(1).uniform(-1, 1, (1, 5, 6, 3)).astype("float32")
    after_l1 = gan.generate(lr)
    np.testing.assert_array_equal(gan.generate(lr, psnr=True), after_l1)
    gan.save(tmp_path / "sr.keras")
    # A reloaded model continues in the GAN phase, without initial_epoch.
    again = saving.load_model(tmp_path / "sr.keras")
    assert isinstance(again, SuperResolutionGAN) and int(again.epochs_trained) == 1
    again.fit(data, epochs=1, verbose=0)
    assert int(again.d_optimizer.iterations) == 2 and int(again.psnr_frozen) == 1
    # The L1-phase generator was kept when the GAN phase began.
    np.testing.assert_allclose(again.generate(lr, psnr=True), after_l1, atol=1e-6)
    assert np.abs(again.generate(lr) - after_l1).max() > 0


def test_perceptual_weights_must_be_a_local_file(tmp_path):
    with pytest.raises(ValueError, match="no such file .*never downloads"):
        tiny_gan(perceptual_weights=str(tmp_path / "vgg19.h5"))


@pytest.mark.large
def test_the_perceptual_term_is_the_vgg19_feature_distance_from_a_local_file(tmp_path):
    import keras

    weights = str(tmp_path / "vgg19_notop.weights.h5")
    keras.applications.VGG19(weights=None, include_top=False).save_weights(weights)
    gan = kgan.tasks.get("super-resolution").build(
        hr_size=16, scale=2, filters=4, blocks=1, seed=0, perceptual_weights=weights,
        perceptual_weight=2.0)
    rng = np.random.default_rng(0)
    hr = rng.uniform(-1, 1, (2, 16, 16, 3)).astype("float32")
    lr = hr.reshape(2, 8, 2, 8, 2, 3).mean(axis=(2, 4))
    step = gan.score(hr, gan.generator(lr), lr, lr, training=False, augment=False)
    vgg = keras.applications.VGG19(weights=weights, include_top=False)
    features = keras.Model(vgg.input, vgg.get_layer("block5_conv4").output)

    def feature(x):
        return np.asarray(features(keras.applications.vgg19.preprocess_input((x + 1) * 127.5)))

    expected = (float(kgan.losses.l1_loss(hr, step.fake))
                + 5e-3 * float(kgan.losses.relativistic_average_generator_loss(
                    step.real_output, step.fake_output))
                + 2.0 * np.abs(feature(hr) - feature(np.asarray(step.fake))).mean())
    np.testing.assert_allclose(float(gan.generator_loss(step)), expected, rtol=1e-4)
    gan.save(tmp_path / "sr.keras")  # the VGG19 weights stay in their own file
    assert (tmp_path / "sr.keras").stat().st_size < 2_000_000
