"""kgan.export.formats: ONNX and LiteRT exports serve what the SavedModel serves."""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

import kgan
from conftest import tiny_gan
from kgan import cli
from kgan.export import formats
from task_support import check, kgan_command
from test_tasks_conditional_model import LATENT, NUM_CLASSES, tiny_cgan

# Runs model.onnx with onnxruntime and model.tflite with the LiteRT interpreter on
# the arrays of an .npz (key "<size>/<input>"), in a process that never imports
# kgan (nor TensorFlow): the names come from signature.json.
RUN = """
import json, sys
import numpy as np
export, inputs, out = sys.argv[1:]
signature = json.load(open(export + "/signature.json"))
batches = dict(np.load(inputs))
sizes = sorted({key.split("/")[0] for key in batches})
names = [i["name"] for i in signature["inputs"]]
results = {}
if signature["format"] == "onnx":
    import onnxruntime
    session = onnxruntime.InferenceSession(export + "/model.onnx",
                                           providers=["CPUExecutionProvider"])
    for size in sizes:
        feed = {name: batches[size + "/" + name] for name in names}
        outputs = session.run(None, feed)
        for spec, value in zip(session.get_outputs(), outputs):
            results[size + "/" + spec.name] = value
else:
    from ai_edge_litert.interpreter import Interpreter
    interpreter = Interpreter(model_path=export + "/model.tflite")
    for size in sizes:
        # A fresh runner per input size: it resizes the dynamic dimensions.
        runner = interpreter.get_signature_runner("serving_default")
        for name, value in runner(**{n: batches[size + "/" + n] for n in names}).items():
            results[size + "/" + name] = value
assert "kgan" not in sys.modules and "tensorflow" not in sys.modules
np.savez(out, **results)
"""


def run_without_kgan(export_dir, batches, tmp_path):
    """`{size: {output: array}}` of the export run by its own runtime, for `{size: inputs}`."""
    flat = {f"{size}/{name}": value for size, inputs in batches.items()
            for name, value in inputs.items()}
    np.savez(tmp_path / "inputs.npz", **flat)
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-c", RUN, str(export_dir), str(tmp_path / "inputs.npz"),
         str(tmp_path / "outputs.npz")], cwd=tmp_path, env=environment, capture_output=True,
        text=True, timeout=300)
    check(result)
    outputs = {}
    for key, value in np.load(tmp_path / "outputs.npz").items():
        size, name = key.split("/")
        outputs.setdefault(size, {})[name] = value
    return outputs


def scramble(model, seed=0):
    """Random weights (positive variances), so generated images use the whole uint8 range."""
    rng = np.random.default_rng(seed)
    for variable in model.weights:
        shape = tuple(variable.shape)
        if "variance" in variable.path:
            variable.assign(rng.uniform(0.5, 2.0, shape).astype("float32"))
        else:
            variable.assign(rng.normal(0.0, 0.7, shape).astype("float32"))


def saved_model_outputs(path, inputs):
    serve = tf.saved_model.load(str(path)).signatures["serving_default"]
    return {k: v.numpy() for k, v in serve(**{k: tf.constant(v) for k, v in inputs.items()}).items()}


def assert_within_one_grey_level(actual, expected):
    assert actual.dtype == np.uint8 and actual.shape == expected.shape
    assert np.abs(actual.astype(int) - expected.astype(int)).max() <= 1


def unconditional_model():
    keras.utils.set_random_seed(1)
    gan = tiny_gan(latent_dim=LATENT)
    scramble(gan.generator)
    z = np.random.default_rng(0).standard_normal((5, LATENT)).astype("float32")
    return gan, {"z": z}


def conditional_model():
    keras.utils.set_random_seed(1)
    gan = tiny_cgan("projection")
    scramble(gan.generator)
    z = np.random.default_rng(0).standard_normal((6, LATENT)).astype("float32")
    return gan, {"z": z, "label": (np.arange(6) % NUM_CLASSES).astype("int32")}


@pytest.mark.parametrize("make", [unconditional_model, conditional_model])
def test_onnx_and_litert_serve_the_saved_models_uint8_images(make, tmp_path):
    gan, inputs = make()
    expected = saved_model_outputs(kgan.export_generator(gan, tmp_path / "saved_model"), inputs)
    assert np.std(expected["images"]) > 20  # the check below compares real images

    for format, file in (("onnx", "model.onnx"), ("litert", "model.tflite")):
        path = kgan.export_generator(gan, tmp_path / format, format=format)
        assert sorted(os.listdir(path)) == sorted([file, "signature.json"])
        assert not [n for n in os.listdir(tmp_path) if n.startswith(".")]  # nothing staged left
        signature = json.loads((tmp_path / format / "signature.json").read_text())
        assert signature["model"] == file and signature["format"] == format
        assert signature["inputs"][0] == {"name": "z", "dtype": "float32", "shape": [None, LATENT]}
        assert signature["outputs"] == [
            {"name": "images", "dtype": "uint8", "shape": [None, 8, 8, 1]}]
        served = run_without_kgan(path, {"n": inputs}, tmp_path)["n"]
        assert list(served) == ["images"]
        assert_within_one_grey_level(served["images"], expected["images"])


def test_an_image_to_image_function_serves_any_size_in_every_format(tmp_path):
    keras.utils.set_random_seed(2)
    # Fully convolutional, upscaled by a pixel shuffle (depth_to_space) as SRResNet does.
    low = keras.Input((None, None, 3))
    features = keras.layers.Conv2D(12, 3, padding="same")(low)
    shuffled = keras.layers.Lambda(lambda x: keras.ops.depth_to_space(x, 2))(features)
    network = keras.Model(low, keras.layers.Conv2D(3, 3, padding="same", activation="tanh")(
        shuffled))

    def upscale(images):  # uint8 in, uint8 out, like the super-resolution task's export
        x = tf.cast(images, tf.float32) / 127.5 - 1.0
        y = network(x, training=False)
        return {"images": tf.cast(tf.clip_by_value(tf.round((y + 1.0) * 127.5), 0, 255),
                                  tf.uint8)}

    signature = [tf.TensorSpec([None, None, None, 3], tf.uint8, name="images")]
    rng = np.random.default_rng(0)
    batches = {f"{h}x{w}": {"images": rng.integers(0, 256, (2, h, w, 3)).astype("uint8")}
               for h, w in ((5, 7), (8, 4))}
    expected = {size: upscale(b["images"])["images"].numpy() for size, b in batches.items()}
    assert expected["5x7"].shape == (2, 10, 14, 3)

    saved = formats.export_serving(upscale, signature, tmp_path / "sm", format="saved_model")
    for size, inputs in batches.items():
        assert_within_one_grey_level(saved_model_outputs(saved, inputs)["images"],
                                     expected[size])
    for format, output in (("onnx", "images_output"), ("litert", "images")):
        path = formats.export_serving(upscale, signature, tmp_path / format, format=format)
        described = json.loads((tmp_path / format / "signature.json").read_text())
        assert described["inputs"] == [
            {"name": "images", "dtype": "uint8", "shape": [None, None, None, 3]}]
        assert described["outputs"] == [
            {"name": output, "dtype": "uint8", "shape": [None, None, None, 3]}]
        served = run_without_kgan(path, batches, tmp_path)
        for size in batches:
            assert_within_one_grey_level(served[size][output], expected[size])


def test_text_and_tasks_without_serving_are_refused_naming_the_format(tmp_path):
    from test_tasks_text_model import WORDS, tiny_text_gan

    words = tmp_path / "words.txt"
    words.write_text("\n".join(WORDS * 4) + "\n", encoding="utf-8")
    gan = tiny_text_gan(kgan.datasets.load_text(words, batch_size=8, held_out=4, seed=0))
    with pytest.raises(ValueError, match=r"`format`='onnx' cannot express this export \(the "
                                         r"output `text` is tf.string\): ONNX has no .*ReduceJoin"):
        kgan.export_generator(gan, tmp_path / "text-onnx", format="onnx")
    with pytest.raises(ValueError, match=r"`format`='litert' cannot express this export \(the "
                                         r"output `text` is tf.string\): LiteRT has no .*ReduceJoin"):
        kgan.export_generator(gan, tmp_path / "text-litert", format="litert")

    class Servingless(kgan.tasks.Task):
        name = "servingless"

    with pytest.raises(ValueError, match="the servingless task has no serving function"):
        Servingless().export_format(None, tmp_path / "none", format="litert")
    with pytest.raises(ValueError, match="`format` must be one of saved_model, onnx, litert"):
        kgan.export_generator(gan, tmp_path / "other", format="tflite")
    assert sorted(os.listdir(tmp_path)) == ["words.txt"]  # nothing written


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("formats") / "run"
    check(kgan_command(None, ["train", "--data", "digits", "--filters", 2, "--latent-dim", 4,
                              "--epochs", 1, "--batch-size", 256, "--seed", 0, "--verbose", 0,
                              "--out", out]))
    return out


def test_cli_writes_each_format_and_keeps_an_existing_out(run_dir, tmp_path, capsys):
    z = np.random.default_rng(3).standard_normal((4, 4)).astype("float32")
    expected = saved_model_outputs(run_dir / "saved_model", {"z": z})["images"]
    for format, file in (("onnx", "model.onnx"), ("litert", "model.tflite")):
        out = tmp_path / format
        assert cli.main(["export", str(run_dir), "--out", str(out), "--format", format]) == 0
        assert f"Wrote {file} and signature.json to {out}" in capsys.readouterr().out
        served = run_without_kgan(out, {"n": {"z": z}}, tmp_path)["n"]["images"]
        assert_within_one_grey_level(served, expected)

    # An existing --out is kept without --overwrite, replaced with it, in any format.
    written = (tmp_path / "onnx" / "model.onnx").read_bytes()
    assert cli.main(["export", str(run_dir), "--out", str(tmp_path / "onnx"),
                     "--format", "litert"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert sorted(os.listdir(tmp_path / "onnx")) == ["model.onnx", "signature.json"]
    assert (tmp_path / "onnx" / "model.onnx").read_bytes() == written
    assert cli.main(["export", str(run_dir), "--out", str(tmp_path / "onnx"), "--format",
                     "litert", "--overwrite"]) == 0
    assert sorted(os.listdir(tmp_path / "onnx")) == ["model.tflite", "signature.json"]
    # A directory that is no export is never replaced.
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "keep.txt").write_text("mine")
    assert cli.main(["export", str(run_dir), "--out", str(tmp_path / "notes"), "--format",
                     "onnx", "--overwrite"]) == 2
    assert (tmp_path / "notes" / "keep.txt").read_text() == "mine"


def test_cli_names_format_and_extra_when_a_package_is_missing(run_dir, tmp_path, capsys,
                                                             monkeypatch):
    monkeypatch.setitem(sys.modules, "tf2onnx", None)  # `import tf2onnx` raises ImportError
    assert cli.main(["export", str(run_dir), "--out", str(tmp_path / "e"), "--format",
                     "onnx"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == ("kgan export: error: --format onnx needs the tf2onnx package: "
                           "pip install \"kgan[onnx]\".")
    assert not (tmp_path / "e").exists()
