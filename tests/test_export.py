"""kgan.export: SavedModel of the generator serving uint8 images."""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from conftest import real_images, tiny_gan

LATENT = 4
SHAPE = (8, 8, 1)


def _saved_model_cli():
    found = Path(sys.executable).with_name("saved_model_cli")
    if found.exists():
        return str(found)
    found = shutil.which("saved_model_cli")
    if found is None:
        pytest.skip("saved_model_cli is not installed")
    return found


def _subprocess_env():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", CUDA_VISIBLE_DEVICES="")
    env.pop("PYTHONPATH", None)
    return env


def _serve(path, z):
    import tensorflow as tf

    loaded = tf.saved_model.load(str(path))
    return loaded.signatures["serving_default"](z=tf.constant(z, tf.float32))["images"].numpy()


@pytest.fixture(scope="module")
def trained_gan():
    import keras

    keras.utils.set_random_seed(7)
    gan = tiny_gan(latent_dim=LATENT)
    gan.fit(real_images(8), batch_size=8, epochs=1, verbose=0)
    # One step moved the batch-norm statistics off their initial values.
    bn = gan.generator.get_layer("project_bn")
    assert not np.allclose(bn.moving_variance.numpy(), 1.0)
    return gan


@pytest.fixture(scope="module")
def export(trained_gan, tmp_path_factory):
    from kgan import export_generator

    path = tmp_path_factory.mktemp("export") / "generator"
    returned = export_generator(trained_gan, path)
    assert returned == str(path.resolve())
    assert sorted(os.listdir(path.parent)) == ["generator"]  # no temp directory left
    return path


@pytest.fixture(scope="module")
def loaded(export):
    import tensorflow as tf

    return tf.saved_model.load(str(export))


@pytest.fixture(scope="module")
def z():
    return np.random.default_rng(0).normal(size=(5, LATENT)).astype("float32")


def test_serving_matches_generator_in_inference_mode(trained_gan, loaded, z):
    import tensorflow as tf
    from kgan.images import to_uint8

    assert set(loaded.signatures) == {"serving_default", "generate"}
    images = loaded.signatures["serving_default"](z=tf.constant(z))["images"].numpy()
    assert images.dtype == np.uint8 and images.shape == (5,) + SHAPE
    expected = to_uint8(trained_gan.generate(z))
    assert np.abs(images.astype(int) - expected).max() <= 1
    assert np.mean(images == expected) > 0.99
    # Batch statistics (training mode) give visibly different images.
    training = to_uint8(trained_gan.generator(z, training=True).numpy())
    assert np.abs(images.astype(int) - training).max() > 5


def test_any_batch_size_and_wrong_width_fails(loaded, z):
    import tensorflow as tf

    serve = loaded.signatures["serving_default"]
    full = serve(z=tf.constant(z))["images"].numpy()
    for n in (1, 3):
        images = serve(z=tf.constant(z[:n]))["images"].numpy()
        assert images.shape == (n,) + SHAPE and images.dtype == np.uint8
        assert np.abs(images.astype(int) - full[:n]).max() <= 1
    with pytest.raises((ValueError, TypeError, tf.errors.InvalidArgumentError)):
        serve(z=tf.zeros((2, LATENT + 1)))


def test_generate_signature_is_seeded_noise(loaded):
    import tensorflow as tf

    generate = loaded.signatures["generate"]
    images = generate(n=tf.constant(3), seed=tf.constant(11))["images"].numpy()
    assert images.shape == (3,) + SHAPE and images.dtype == np.uint8
    again = generate(n=tf.constant(3), seed=tf.constant(11))["images"].numpy()
    np.testing.assert_array_equal(images, again)
    other = generate(n=tf.constant(3), seed=tf.constant(12))["images"].numpy()
    assert not np.array_equal(images, other)
    z = tf.random.stateless_normal([3, LATENT], seed=[11, 0])
    served = loaded.signatures["serving_default"](z=z)["images"].numpy()
    assert np.abs(images.astype(int) - served).max() <= 1


def test_loads_in_fresh_process_without_kgan(export, loaded, z, tmp_path):
    np.save(tmp_path / "z.npy", z)
    script = textwrap.dedent(f"""
        import sys
        import numpy as np
        import tensorflow as tf
        model = tf.saved_model.load({str(export)!r})
        out = model.signatures["serving_default"](z=tf.constant(np.load("z.npy")))
        np.save("images.npy", out["images"].numpy())
        assert "kgan" not in sys.modules, "kgan was imported"
    """)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=_subprocess_env(),
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    images = np.load(tmp_path / "images.npy")
    assert images.dtype == np.uint8 and images.shape == (5,) + SHAPE
    np.testing.assert_array_equal(images, _serve(export, z))


def test_saved_model_cli_show_and_run(export, tmp_path):
    cli = _saved_model_cli()
    shown = subprocess.run(
        [cli, "show", "--dir", str(export), "--tag_set", "serve",
         "--signature_def", "serving_default"],
        env=_subprocess_env(), capture_output=True, text=True, timeout=120,
    )
    assert shown.returncode == 0, shown.stderr[-3000:]
    inputs, outputs = shown.stdout.split("output(s):")
    assert "inputs['z']" in inputs and "DT_FLOAT" in inputs
    assert f"shape: (-1, {LATENT})" in inputs
    assert "outputs['images']" in outputs and "DT_UINT8" in outputs
    assert f"shape: (-1, {', '.join(map(str, SHAPE))})" in outputs

    # saved_model_cli (TF 2.21) parses --input_exprs with ast.literal_eval: no `np.zeros`.
    zeros = repr([[0.0] * LATENT] * 2).replace(" ", "")
    ran = subprocess.run(
        [cli, "run", "--dir", str(export), "--tag_set", "serve",
         "--signature_def", "serving_default",
         "--input_exprs", f"z={zeros}", "--outdir", str(tmp_path / "out")],
        env=_subprocess_env(), capture_output=True, text=True, timeout=120,
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    images = np.load(tmp_path / "out" / "images.npy")
    assert images.dtype == np.uint8 and images.shape == (2,) + SHAPE
    np.testing.assert_array_equal(images, _serve(export, np.zeros((2, LATENT))))


def test_existing_path_and_overwrite(trained_gan, tmp_path, z):
    from kgan import export_generator

    path = tmp_path / "model"
    path.mkdir()
    (path / "saved_model.pb").write_bytes(b"old")
    (path / "keep.txt").write_text("old content")
    with pytest.raises(FileExistsError, match="model.*overwrite=True"):
        export_generator(trained_gan, path)
    assert sorted(os.listdir(path)) == ["keep.txt", "saved_model.pb"]
    assert (path / "saved_model.pb").read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["model"]

    export_generator(trained_gan, str(path), overwrite=True)
    assert not (path / "keep.txt").exists()
    assert os.listdir(tmp_path) == ["model"]
    assert _serve(path, z).shape == (5,) + SHAPE


def test_overwrite_refuses_other_content(trained_gan, tmp_path):
    from kgan import export_generator

    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("precious")
    (tmp_path / "file").write_text("a file")
    for name in ("notes", "file"):
        with pytest.raises(FileExistsError, match="not a SavedModel"):
            export_generator(trained_gan, tmp_path / name, overwrite=True)
    assert (tmp_path / "notes" / "todo.txt").read_text() == "precious"
    assert (tmp_path / "file").read_text() == "a file"
    assert sorted(os.listdir(tmp_path)) == ["file", "notes"]


def test_failed_write_keeps_old_export(trained_gan, export, tmp_path, monkeypatch, z):
    import keras
    from kgan import export_generator

    path = tmp_path / "model"
    shutil.copytree(export, path)
    before = _serve(path, z)

    def broken_write_out(self, filepath, **kwargs):
        os.makedirs(filepath)
        Path(filepath, "saved_model.pb").write_bytes(b"partial")
        raise OSError("disk full")

    # ExportArchive() returns an instance of a backend-specific class.
    archive_class = type(keras.export.ExportArchive())
    monkeypatch.setattr(archive_class, "write_out", broken_write_out)
    with pytest.raises(OSError, match="disk full"):
        export_generator(trained_gan, path, overwrite=True)
    assert os.listdir(tmp_path) == ["model"]
    np.testing.assert_array_equal(_serve(path, z), before)


def test_bare_generator_replaces_export(tmp_path):
    import keras
    import tensorflow as tf
    from kgan import export_generator

    keras.utils.set_random_seed(3)
    gan = tiny_gan(latent_dim=3, channels=3, compile=False)
    path = tmp_path / "bare"
    export_generator(tiny_gan(compile=False), path)
    export_generator(gan.generator, path, overwrite=True)
    assert os.listdir(tmp_path) == ["bare"]

    z = np.random.default_rng(1).normal(size=(2, 3)).astype("float32")
    images = _serve(path, z)
    assert images.shape == (2, 8, 8, 3)
    from kgan.images import to_uint8

    expected = to_uint8(gan.generator(tf.constant(z), training=False).numpy())
    assert np.abs(images.astype(int) - expected).max() <= 1


def test_latent_dim_not_inferable(tmp_path):
    import keras
    from kgan import export_generator

    class Subclassed(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(8 * 8)
            self.reshape = keras.layers.Reshape((8, 8, 1))

        def call(self, z, training=False):
            return keras.ops.tanh(self.reshape(self.dense(z)))

    with pytest.raises(ValueError, match="latent_dim"):
        export_generator(Subclassed(), tmp_path / "sub")
    assert os.listdir(tmp_path) == []
    # Given explicitly, it exports.
    export_generator(Subclassed(), tmp_path / "sub", latent_dim=2)
    assert _serve(tmp_path / "sub", np.zeros((1, 2))).shape == (1, 8, 8, 1)


def test_bad_arguments(trained_gan, tmp_path):
    import keras
    from kgan import export_generator

    with pytest.raises(ValueError, match="`gan`"):
        export_generator("generator", tmp_path / "a")
    with pytest.raises(ValueError, match="`path`"):
        export_generator(trained_gan, "")
    with pytest.raises(ValueError, match="`path`"):
        export_generator(trained_gan, 3)
    with pytest.raises(ValueError, match="`overwrite`"):
        export_generator(trained_gan, tmp_path / "a", overwrite="yes")
    with pytest.raises(ValueError, match="`latent_dim`"):
        export_generator(trained_gan, tmp_path / "a", latent_dim=LATENT + 1)
    vector_model = keras.Sequential([keras.Input((LATENT,)), keras.layers.Dense(3)])
    with pytest.raises(ValueError, match=r"\(batch, H, W, C\)"):
        export_generator(vector_model, tmp_path / "a")
    assert os.listdir(tmp_path) == []
