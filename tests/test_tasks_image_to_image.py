"""The pix2pix and inpaint tasks: run_task_test, the sample grids, the model's hooks, the
export at sizes it was not trained on, and bad options refused before anything is written."""

import contextlib
import io
import json

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

import kgan
import kgan.cli
from kgan import saving
from kgan.tasks.image_to_image import InpaintingGAN, Pix2Pix
from task_support import check, kgan_command, run_task_test

TINY = ["--image-size", 16, "--filters", 8, "--batch-size", 4, "--steps-per-epoch", 2,
        "--num-samples", 2]


def tiny_pix2pix(**overrides):
    return kgan.tasks.get("pix2pix").build(image_size=16, filters=4, channels=1, seed=0,
                                           **overrides)


def uniform(shape, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype("float32")


@pytest.fixture(scope="module")
def pix2pix_run(tmp_path_factory):
    """The checks every task passes, on font pairs."""
    return run_task_test(tmp_path_factory.mktemp("pix2pix"), ["--task", "pix2pix", *TINY])


@pytest.fixture(scope="module")
def inpaint_run(tmp_path_factory):
    """The checks every task passes, on digits with holes (the export takes images and masks);
    large: the default suite checks the inpainting export and `kgan inpaint` on an untrained
    model instead."""
    return run_task_test(tmp_path_factory.mktemp("inpaint"),
                         ["--task", "inpaint", "--data", "digits", *TINY])


def test_pix2pix_run_directory(pix2pix_run):
    info = json.loads((pix2pix_run / "run.json").read_text())
    assert info["task"] == "pix2pix" and info["recipe"] == "pix2pix-fonts"
    assert info["image_shape"] == info["input_shape"] == [16, 16, 1]
    # Each epoch's grid: 2 held-out rows of input | output | target, 16 px cells 2 px apart.
    grid = np.asarray(Image.open(pix2pix_run / "samples" / "epoch_0002.png"))
    assert grid.shape[:2] == (2 * 18 + 2, 3 * 18 + 2)
    source, target = kgan.tasks.get("pix2pix").held_out(
        kgan.tasks.get("pix2pix").recipe(image_size=16, channels=1), 2)
    first_input = grid[2:18, 2:18]
    assert np.array_equal(first_input.reshape(16, 16, -1)[..., :1],
                          kgan.images.to_uint8(source[0]))
    assert np.array_equal(grid[2:18, 38:54].reshape(16, 16, -1)[..., :1],
                          kgan.images.to_uint8(target[0]))
    assert Image.open(pix2pix_run / "training.gif").n_frames == 2


def test_the_export_pads_any_size_and_refuses_one_too_small(pix2pix_run):
    model = saving.load_model(pix2pix_run / "gan.keras")
    serve = tf.saved_model.load(str(pix2pix_run / "saved_model")).signatures["serving_default"]
    pixels = np.random.default_rng(1).integers(0, 256, (2, 40, 27, 1), dtype=np.uint8)
    served = serve(images=tf.constant(pixels))["images"].numpy()
    assert served.shape == (2, 40, 27, 1) and served.dtype == np.uint8
    expected = kgan.tasks.get("pix2pix").translate_function(model)(pixels / 127.5 - 1.0)
    assert np.abs(served.astype(int) - kgan.images.to_uint8(expected).astype(int)).max() <= 1
    with pytest.raises(tf.errors.InvalidArgumentError, match="at least 8x8 pixels"):
        serve(images=tf.zeros((1, 7, 30, 1), tf.uint8))


def test_sample_writes_held_out_inputs_outputs_and_targets(pix2pix_run, tmp_path):
    check(kgan_command(None, ["sample", pix2pix_run, "--n", 3, "--seed", 0,
                              "--out", tmp_path / "s.npz"]))
    arrays = np.load(tmp_path / "s.npz")
    assert {k: arrays[k].shape for k in arrays} == {k: (3, 16, 16, 1) for k in
                                                     ("source", "output", "target")}
    assert arrays["output"].dtype == np.uint8


def test_evaluate_scores_the_translation_of_every_held_out_input(pix2pix_run):
    result = check(kgan_command(None, ["evaluate", pix2pix_run]))
    written = json.loads((pix2pix_run / "metrics.json").read_text())["held_out"]
    task = kgan.tasks.get("pix2pix")
    source, target = task.held_out(task.recipe(image_size=16, channels=1), None)
    output = task.translate_batch(saving.load_model(pix2pix_run / "gan.keras"), source)
    assert written["n"] == len(source) == 210 and written["data"] == "fonts"
    assert "210 held-out pairs of fonts" in result.stdout
    assert written["output"]["l1"] == pytest.approx(np.abs(output - target).mean(), abs=1e-5)
    assert written["output"]["ssim"] == pytest.approx(kgan.metrics.ssim(output, target))
    assert written["input"]["l1"] == pytest.approx(np.abs(source - target).mean(), abs=1e-6)
    assert written["input"]["psnr"] == pytest.approx(kgan.metrics.psnr(source, target))
    # --n scores that many pairs, spread evenly over the held-out set.
    five = check(kgan_command(None, ["evaluate", pix2pix_run, "--n", 5]))
    written = json.loads((pix2pix_run / "metrics.json").read_text())["held_out"]
    pick = np.round(np.linspace(0, len(source) - 1, 5)).astype(int)
    assert written["n"] == 5 and "5 held-out pairs of fonts" in five.stdout
    assert written["output"]["l1"] == pytest.approx(
        np.abs(output[pick] - target[pick]).mean(), abs=1e-5)
    with pytest.raises(SystemExit) as refused, contextlib.redirect_stderr(io.StringIO()) as err:
        kgan.cli.main(["evaluate", str(pix2pix_run), "--n", "0"])
    assert refused.value.code == 2 and "--n: expected a positive integer" in err.getvalue()


def test_inpainting_is_also_scored_inside_the_holes(tmp_path):
    task = kgan.tasks.get("inpaint")
    gan = task.build(image_size=16, filters=4, channels=1, seed=0)
    result = task.evaluate(gan, str(tmp_path), {})
    source, target = task.held_out(task.run_recipe(gan, {}), None)
    holes = source[..., -1:] > 0.5
    output = task.translate_batch(gan, source)
    assert result["output"]["hole_l1"] == pytest.approx(np.abs(output - target)[holes].mean(),
                                                        abs=1e-5)
    # Outside the holes the output is the image itself: all of L1 comes from the holes.
    assert result["output"]["l1"] == pytest.approx(
        np.abs(output - target)[holes].sum() / target.size, abs=1e-5)
    # The input row leaves the holes mid-grey.
    assert result["input"]["hole_l1"] == pytest.approx(np.abs(target)[holes].mean(), abs=1e-5)
    assert json.loads((tmp_path / "metrics.json").read_text())["held_out"]["n"] == len(source)


@pytest.mark.parametrize("name, options", [("pix2pix", {}), ("inpaint", {}),
                                           ("cyclegan", {"blocks": 1})])
def test_the_litert_export_serves_the_training_size_like_the_saved_model(name, options,
                                                                         tmp_path):
    from ai_edge_litert.interpreter import Interpreter

    task = kgan.tasks.get(name)
    gan = task.build(image_size=16, filters=4, channels=1, seed=0, **options)
    task.export(gan, str(tmp_path / "saved_model"))
    task.export_format(gan, str(tmp_path / "litert"), format="litert")
    described = json.loads((tmp_path / "litert" / "signature.json").read_text())
    assert all(spec["shape"] == [None, 16, 16, 1] for spec in described["inputs"])
    rng = np.random.default_rng(0)
    inputs = {spec["name"]: rng.integers(0, 256 if spec["name"] == "images" else 2,
                                         (3, 16, 16, 1), dtype=np.uint8)
              for spec in described["inputs"]}
    runner = Interpreter(model_path=str(tmp_path / "litert" / "model.tflite")) \
        .get_signature_runner("serving_default")
    served = runner(**inputs)["images"]
    saved = tf.saved_model.load(str(tmp_path / "saved_model")).signatures["serving_default"]
    expected = saved(**{k: tf.constant(v) for k, v in inputs.items()})["images"].numpy()
    assert served.shape == (3, 16, 16, 1)
    assert np.abs(served.astype(int) - expected.astype(int)).max() <= 1


def test_the_inpainting_export_takes_images_and_masks(tmp_path):
    task = kgan.tasks.get("inpaint")
    gan = task.build(image_size=16, filters=4, channels=1, seed=0)
    task.export(gan, str(tmp_path / "export"))
    inputs, expected = task.serving_example(gan)
    serve = tf.saved_model.load(str(tmp_path / "export")).signatures["serving_default"]
    served = serve(**{k: tf.constant(v) for k, v in inputs.items()})["images"].numpy()
    assert served.shape == inputs["images"].shape
    assert np.abs(served.astype(int) - expected["images"].astype(int)).max() <= 1
    keep = inputs["masks"] == 0
    assert np.array_equal(served[keep], inputs["images"][keep])
    assert not np.array_equal(served[~keep], inputs["images"][~keep])


@pytest.mark.large
def test_inpaint_run_keeps_the_pixels_outside_the_hole(inpaint_run):
    info = json.loads((inpaint_run / "run.json").read_text())
    assert info["task"] == "inpaint" and info["input_shape"] == [16, 16, 2]
    model = saving.load_model(inpaint_run / "gan.keras")
    assert isinstance(model, InpaintingGAN)
    serve = tf.saved_model.load(str(inpaint_run / "saved_model")).signatures["serving_default"]
    pixels = np.random.default_rng(3).integers(0, 256, (1, 24, 20, 1), dtype=np.uint8)
    hole = np.zeros((1, 24, 20, 1), np.uint8)
    hole[:, 5:15, 4:12] = 255
    served = serve(images=tf.constant(pixels), masks=tf.constant(hole))["images"].numpy()
    keep = hole == 0
    assert np.array_equal(served[keep], pixels[keep])
    assert not np.array_equal(served[~keep], pixels[~keep])
    grid = np.asarray(Image.open(inpaint_run / "samples" / "epoch_0001.png"))
    assert grid.shape[:2] == (2 * 18 + 2, 3 * 18 + 2)
    # The explore page fills the centred box and keeps the rest.
    from kgan.tasks.image_to_image import explore

    got = explore.export_translator(inpaint_run, inpaint=True)(pixels[0])
    outside = explore.centre_hole(24, 20) == 0
    assert np.array_equal(got[outside], pixels[0][outside])


def test_the_discriminator_judges_source_image_pairs():
    gan = tiny_pix2pix()
    source, target = uniform((2, 16, 16, 1)), uniform((2, 16, 16, 1), seed=1)
    fake = gan.generator(source)
    step = gan.score(target, fake, source, source, training=False, augment=False)
    assert tuple(step.real_seen.shape) == (2, 16, 16, 2)
    np.testing.assert_array_equal(np.asarray(step.real_seen)[..., :1], source)
    np.testing.assert_array_equal(np.asarray(step.real_seen)[..., 1:], target)
    assert tuple(step.fake_output.shape) == (2, 8, 8, 1)  # one logit per patch
    # The generator's loss is the adversarial term plus l1_weight times the L1 distance.
    l1 = float(kgan.losses.l1_loss(target, fake))
    without = float(tiny_pix2pix(l1_weight=0.0).generator_loss(step))
    assert float(gan.generator_loss(step)) == pytest.approx(without + 100.0 * l1, rel=1e-5)


def test_augment_moves_source_and_image_together():
    gan = tiny_pix2pix(augment="translation")
    source = uniform((2, 16, 16, 1))
    step = gan.score(source, source, source, source, training=False)
    seen = np.asarray(step.real_seen)
    np.testing.assert_array_equal(seen[..., 0], seen[..., 1])


def test_generate_is_deterministic_and_refuses_sizes_the_unet_cannot_take():
    gan = tiny_pix2pix()
    source = uniform((3, 32, 16, 1))
    np.testing.assert_array_equal(gan.generate(source), gan.generate(source))
    with pytest.raises(ValueError, match="multiples of 16"):
        gan.generate(uniform((1, 20, 16, 1)))
    with pytest.raises(ValueError, match=r"a Pix2Pix model trains on a dataset of \(source"):
        gan.fit(tf.data.Dataset.from_tensor_slices(uniform((4, 16, 16, 1))).batch(2))


def test_config_round_trips():
    gan = tiny_pix2pix(l1_weight=10.0)
    again = Pix2Pix.from_config(json.loads(json.dumps(gan.get_config())))
    assert again.l1_weight == 10.0 and again.image_size == 16 and again.input_channels == 1


def test_recipes_and_the_train_help():
    assert [r.name for r in kgan.tasks.get("pix2pix").recipes] == ["pix2pix-fonts",
                                                                     "pix2pix-sketch"]
    assert kgan.tasks.get("inpaint").recipe().mask_kind == "mixed"
    help_text = kgan.cli.build_parser()._subparsers._group_actions[0].choices["train"] \
        .format_help()
    assert "pix2pix" in help_text and "inpaint" in help_text


@pytest.mark.parametrize("args, message", [
    (["--task", "pix2pix", "--image-size", "8"], "--image-size must be 16 to 256"),
    (["--task", "pix2pix", "--channels", "2"], "--channels must be 1, 3"),
    (["--task", "pix2pix", "--data", "PAIRS"], "partner"),
    (["--task", "inpaint", "--latent-dim", "64"], "--latent-dim applies to --model"),
    (["--task", "cyclegan", "--latent-dim", "64"], "not to the cyclegan task"),
    (["--task", "pix2pix", "--target-font", "No Such Font"],
     "--target-font: no font named 'No Such Font'"),
    (["--task", "pix2pix", "--source-fonts", "cmr10", "--characters", "ABCD\u03a9"],
     "--source-fonts: font 'cmr10'"),
    (["--task", "cyclegan", "--held-out-characters", "xyz", "--characters", "ABCDEF"],
     "--held-out-characters 'xyz' are not among the --characters"),
    (["--task", "pix2pix", "--data", "sketch-glyphs", "--target-font", "DejaVu Sans"],
     "--target-font applies only to --data fonts; got --data sketch-glyphs"),
])
def test_bad_train_options_are_refused_before_anything_is_written(tmp_path, args, message):
    pairs = tmp_path / "pairs"
    for folder, names in (("A", ["a.png", "b.png"]), ("B", ["a.png"])):
        (pairs / folder).mkdir(parents=True)
        for name in names:
            Image.fromarray(np.zeros((16, 16), np.uint8)).save(pairs / folder / name)
    args = [str(pairs) if a == "PAIRS" else a for a in args]
    result = kgan_command(None, ["train", *args, "--out", tmp_path / "run"])
    assert result.returncode == 2, result.stderr
    assert message in result.stderr, result.stderr
    assert not (tmp_path / "run").exists()


def test_the_font_flags_choose_the_fonts_the_run_trains_and_shows(tmp_path):
    fonts = dict(target_font="DejaVu Sans Mono", source_fonts="DejaVu Serif,cmr10",
                 characters="ABCDEFGHIJKL")
    out = tmp_path / "run"
    check(kgan_command(None, ["train", "--task", "pix2pix", *TINY, "--epochs", 1,
                              "--target-font", fonts["target_font"],
                              "--source-fonts", fonts["source_fonts"],
                              "--characters", fonts["characters"], "--out", out]))
    info = json.loads((out / "run.json").read_text())
    assert {k: info[k] for k in fonts} == fonts and info["held_out_characters"] is None
    # The grid's target column: the held-out characters (D, J) in the chosen target font.
    test = kgan.datasets.pairs.font_pairs("test", 16, **fonts)
    default = kgan.datasets.pairs.font_pairs("test", 16, characters=fonts["characters"])
    assert test.held_out_characters == "DJ" and len(test.source) == 4
    grid = np.asarray(Image.open(out / "samples" / "epoch_0001.png"))
    for row, index in enumerate([0, 3]):  # the 2 samples spread evenly over the 4 pairs
        top = 2 + 18 * row
        cells = [grid[top:top + 16, 2 + 18 * c:18 + 18 * c].reshape(16, 16, -1)[..., :1]
                 for c in (0, 2)]
        assert np.array_equal(cells[0], kgan.images.to_uint8(test.source[index]))
        assert np.array_equal(cells[1], kgan.images.to_uint8(test.target[index]))
        assert not np.array_equal(cells[1], kgan.images.to_uint8(default.target[index]))


def test_an_unknown_mask_kind_is_refused_by_the_parser(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit:
        kgan.cli.main(["train", "--task", "inpaint", "--mask-kind", "round", "--out",
                       str(tmp_path / "run")])
    assert exit.value.code == 2 and "invalid choice: 'round'" in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


def test_the_explore_page_translates_with_the_export(pix2pix_run):
    from kgan.tasks.image_to_image import explore

    image = np.random.default_rng(2).integers(0, 256, (70, 45, 1), dtype=np.uint8)
    model = saving.load_model(pix2pix_run / "gan.keras")
    expected = kgan.tasks.image_to_image.translate_image(kgan.tasks.get("pix2pix"), model, image)
    got = explore.export_translator(pix2pix_run)(image)
    assert got.shape == (70, 45, 1) and got.dtype == np.uint8
    assert np.abs(got.astype(int) - expected.astype(int)).max() <= 1


@pytest.mark.large
def test_the_explore_page_is_built(pix2pix_run):
    page = kgan.tasks.get("pix2pix").explore_app(pix2pix_run, {"image_shape": [16, 16, 1]})
    assert page.analytics_enabled is False


@pytest.mark.large
def test_the_onnx_export_pads_and_crops_like_the_saved_model(pix2pix_run, tmp_path):
    import onnxruntime

    check(kgan_command(None, ["export", pix2pix_run, "--format", "onnx",
                              "--out", tmp_path / "onnx"]))
    session = onnxruntime.InferenceSession(str(tmp_path / "onnx" / "model.onnx"),
                                           providers=["CPUExecutionProvider"])
    pixels = np.random.default_rng(4).integers(0, 256, (2, 19, 21, 1), dtype=np.uint8)
    served = session.run(None, {session.get_inputs()[0].name: pixels})[0]
    model = saving.load_model(pix2pix_run / "gan.keras")
    expected = kgan.images.to_uint8(
        kgan.tasks.get("pix2pix").translate_function(model)(pixels / 127.5 - 1.0))
    assert served.shape == (2, 19, 21, 1)
    assert np.abs(served.astype(int) - expected.astype(int)).max() <= 1
