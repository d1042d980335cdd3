"""The EMA generator of `kgan.GAN(ema_decay=...)`."""

import os
import subprocess
import sys

import numpy as np
import keras
import pytest
import tensorflow as tf

import kgan
from tests.conftest import REPO, real_images, tiny_gan


def weights(model):
    return [w.numpy().copy() for w in model.weights]


def test_off_by_default_and_config():
    gan = tiny_gan()
    assert gan.ema_decay is None and gan.ema_generator is None
    assert gan.sampling_generator is gan.generator
    ema = tiny_gan(ema_decay=0.9, ema_warmup=False)
    config = ema.get_config()
    assert config["ema_decay"] == 0.9 and config["ema_warmup"] is False
    clone = kgan.GAN.from_config(config)
    assert clone.ema_decay == 0.9 and clone.ema_generator is not None
    assert ema.sampling_generator is ema.ema_generator
    # The copy starts equal to the generator and is not trained by an optimizer.
    for a, b in zip(weights(ema.ema_generator), weights(ema.generator)):
        np.testing.assert_array_equal(a, b)
    assert ema.ema_generator.trainable_weights == []


@pytest.mark.parametrize("bad", [1.0, -0.1, "x"])
def test_bad_decay(bad):
    with pytest.raises(ValueError, match="`ema_decay`"):
        tiny_gan(ema_decay=bad)
    with pytest.raises(ValueError, match="`ema_warmup`"):
        tiny_gan(ema_decay=0.5, ema_warmup="yes")


def test_update_follows_the_formula_by_hand():
    gan = tiny_gan(ema_decay=0.75, ema_warmup=False, seed=1)
    before = weights(gan.ema_generator)
    gan.fit(real_images(8), batch_size=8, epochs=1, verbose=0)  # one generator step
    after_raw = weights(gan.generator)
    after_ema = weights(gan.ema_generator)
    changed = 0
    for old, raw, ema in zip(before, after_raw, after_ema):
        np.testing.assert_allclose(ema, 0.75 * old + 0.25 * raw, rtol=1e-5, atol=1e-6)
        changed += not np.allclose(raw, old)
    assert changed  # the step moved the generator, so the check is not trivial
    assert any(not np.allclose(e, r) for e, r in zip(after_ema, after_raw))


def test_warmup_uses_the_smaller_decay():
    gan = tiny_gan(ema_decay=0.999, seed=1)  # t=0: min(0.999, 1/10) = 0.1
    before = weights(gan.ema_generator)
    gan.fit(real_images(8), batch_size=8, epochs=1, verbose=0)
    for old, raw, ema in zip(before, weights(gan.generator), weights(gan.ema_generator)):
        np.testing.assert_allclose(ema, 0.1 * old + 0.9 * raw, rtol=1e-5, atol=1e-6)
    assert float(gan.ema_updates.numpy()) == 1.0


def test_generate_call_and_export_use_the_ema_generator(tmp_path):
    gan = tiny_gan(ema_decay=0.5, ema_warmup=False, seed=2)
    gan.fit(real_images(16), batch_size=8, epochs=2, verbose=0)
    z = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    ema_out = gan.ema_generator(z, training=False).numpy()
    raw_out = gan.generator(z, training=False).numpy()
    assert not np.allclose(ema_out, raw_out)
    np.testing.assert_allclose(gan.generate(z), ema_out, atol=1e-6)
    np.testing.assert_allclose(gan(z), ema_out, atol=1e-6)
    serve = tf.saved_model.load(kgan.export_generator(gan, str(tmp_path / "x")))
    served = serve.signatures["serving_default"](z=tf.constant(z))["images"].numpy()
    np.testing.assert_allclose(served.astype("float32"), (ema_out + 1) * 127.5, atol=1.0)


def test_keras_round_trip_and_continued_training(tmp_path):
    gan = tiny_gan(ema_decay=0.9, seed=3)
    gan.fit(real_images(16), batch_size=8, epochs=2, verbose=0)
    path = str(tmp_path / "ema.keras")
    gan.save(path)
    loaded = keras.models.load_model(path)
    assert loaded.ema_decay == 0.9 and loaded.ema_warmup is True
    for a, b in zip(weights(loaded.ema_generator), weights(gan.ema_generator)):
        np.testing.assert_array_equal(a, b)
    assert float(loaded.ema_updates.numpy()) == 4.0
    z = np.ones((2, 4), "float32")
    np.testing.assert_allclose(loaded.generate(z), gan.generate(z), atol=1e-6)

    # Both continue identically: same noise stream, same EMA step.
    gan.fit(real_images(16), batch_size=8, epochs=1, verbose=0, shuffle=False)
    loaded.fit(real_images(16), batch_size=8, epochs=1, verbose=0, shuffle=False)
    assert float(loaded.ema_updates.numpy()) == 6.0
    for a, b in zip(weights(loaded.ema_generator), weights(gan.ema_generator)):
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_trains_under_xla():
    gan = tiny_gan(ema_decay=0.5, ema_warmup=False, seed=4, compile_kwargs={"jit_compile": True})
    before = weights(gan.ema_generator)
    gan.fit(real_images(8), batch_size=8, epochs=1, verbose=0)
    assert gan.jit_compile is True  # Keras did not fall back to plain TF
    for old, raw, ema in zip(before, weights(gan.generator), weights(gan.ema_generator)):
        np.testing.assert_allclose(ema, 0.5 * old + 0.5 * raw, rtol=1e-5, atol=1e-6)


@pytest.mark.large
def test_mirrored_ema_matches_one_device(tmp_path):
    script = REPO / "tests" / "scripts" / "distributed_training.py"
    runs = {}
    for mode in ("one", "mirrored"):
        out = tmp_path / f"{mode}.npz"
        done = subprocess.run([sys.executable, str(script), mode, str(out), "0.5"], cwd=REPO,
                              capture_output=True, text=True, timeout=600,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
        assert done.returncode == 0, done.stderr[-3000:]
        saved = np.load(out)
        runs[mode] = [saved[k] for k in saved.files if k.startswith("arr_")]
    gan = tiny_gan(ema_decay=0.5)
    assert len(gan.weights) > len(gan.generator.weights) + len(gan.discriminator.weights)
    assert len(runs["one"]) == len(runs["mirrored"])
    for a, b in zip(runs["one"], runs["mirrored"]):
        np.testing.assert_allclose(a, b, atol=1e-5)  # the EMA copy and its counter included
