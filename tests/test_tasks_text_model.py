"""kgan.TextGAN: the shared train step on text, beta annealing, MLE warm start, save/load, export."""

import math
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

import kgan
from kgan.models import StepRecord
from kgan import losses
from kgan.metrics import text as text_metrics

WORDS = ["ab", "abc", "ba", "cab", "bca", "acb", "cc", "bab"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("text") / "words.txt"
    path.write_text("\n".join(WORDS * 12) + "\n", encoding="utf-8")
    return kgan.datasets.load_text(path, batch_size=8, held_out=16, seed=0)


def tiny_text_gan(corpus, **kwargs):
    generator, discriminator = kgan.networks.get(
        "textgan", image_shape=corpus.sample_shape, latent_dim=2, embedding_dim=4,
        hidden_dim=16, filters=4)
    kwargs.setdefault("anneal_steps", 10)
    gan = kgan.TextGAN(generator, discriminator, vocabulary=corpus.vocabulary, seed=0, **kwargs)
    gan.compile()
    return gan


def test_fit_anneals_beta_and_saves_everything(corpus, tmp_path):
    gan = tiny_text_gan(corpus, beta_max=100.0)
    assert gan.latent_dim == gan.generator.noise_dim == 2 + 3 * 4
    history = gan.fit(corpus.train.repeat(), steps_per_epoch=4, epochs=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][0])
    # The 4th generator update ran with beta = 100 ** (3 / 10) (set before the update).
    assert float(gan.generator.beta.numpy()) == pytest.approx(100.0 ** (3 / 10), rel=1e-5)

    path = tmp_path / "text.keras"
    gan.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, kgan.TextGAN) and loaded.vocabulary == corpus.vocabulary
    assert loaded.adversarial_loss == "relativistic" and loaded.relativistic
    assert int(loaded.g_optimizer.iterations.numpy()) == 4
    assert float(loaded.generator.beta.numpy()) == pytest.approx(100.0 ** (3 / 10), rel=1e-5)
    z = np.random.default_rng(0).standard_normal((6, gan.latent_dim)).astype("float32")
    assert loaded.generate_text(z) == gan.generate_text(z)
    # Training resumes where the schedule stopped.
    loaded.fit(corpus.train.repeat(), steps_per_epoch=7, epochs=1, verbose=0)
    assert float(loaded.generator.beta.numpy()) == pytest.approx(100.0, rel=1e-5)


def test_relativistic_generator_loss_sees_real_logits(corpus):
    gan = tiny_text_gan(corpus)
    real, fake = tf.constant([[2.0], [-1.0]]), tf.constant([[0.5], [0.5]])
    step = StepRecord(real=None, fake=None, real_seen=None, fake_seen=None,
                      generator_inputs=None, condition=None, real_output=real, fake_output=fake)
    expected = np.mean([math.log1p(math.exp(r - f)) for r, f in ((2.0, 0.5), (-1.0, 0.5))])
    assert float(gan.generator_loss(step)) == pytest.approx(expected, rel=1e-5)
    other = tiny_text_gan(corpus)
    other.compile(loss="non_saturating")
    assert not other.relativistic
    assert float(other.generator_loss(step)) == pytest.approx(
        float(losses.non_saturating_generator_loss(fake)))


def test_pretrain_learns_the_corpus(corpus):
    gan = tiny_text_gan(corpus)
    held_out = corpus.encode(corpus.held_out_texts)
    before, _ = text_metrics.nll_test(gan.generator, held_out)
    history = gan.pretrain(corpus.train.repeat(), epochs=3, steps_per_epoch=60,
                           learning_rate=2e-2, validation_data=held_out, verbose=0)
    after, _ = text_metrics.nll_test(gan.generator, held_out)
    # 8 equally likely words: the best possible NLL is log 8 nats per word.
    assert before > math.log(8) + 1.0 and after < math.log(8) + 0.6
    assert after == pytest.approx(min(history["val_nll"]), rel=1e-4)  # best epoch restored
    samples = gan.generate_text(200, seed=1)
    assert np.mean([s in WORDS for s in samples]) > 0.8


def test_text_samples_callback(corpus, tmp_path):
    gan = tiny_text_gan(corpus)
    callback = kgan.callbacks.TextSamples(tmp_path / "samples", num_samples=5, seed=3)
    gan.fit(corpus.train.repeat(), steps_per_epoch=2, epochs=2, callbacks=[callback], verbose=0)
    assert sorted(os.listdir(tmp_path / "samples")) == [
        "epoch_0001.txt", "epoch_0002.txt", "epoch_latent.npy"]
    lines = (tmp_path / "samples" / "epoch_0002.txt").read_text(encoding="utf-8").split("\n")
    assert lines[:-1] == gan.generate_text(callback.z) and lines[-1] == ""
    assert callback.z.shape == (5, gan.latent_dim)


def test_export_serves_strings_without_kgan(corpus, tmp_path):
    gan = tiny_text_gan(corpus)
    path = kgan.export_generator(gan, tmp_path / "exported")  # dispatches on the text GAN
    z = np.random.default_rng(5).standard_normal((7, gan.latent_dim)).astype("float32")
    np.save(tmp_path / "z.npy", z)
    script = (
        "import sys, numpy as np, tensorflow as tf\n"
        f"m = tf.saved_model.load({path!r})\n"
        "assert 'kgan' not in sys.modules  # loading needs TensorFlow only\n"
        f"out = m.signatures['serving_default'](z=tf.constant(np.load({str(tmp_path / 'z.npy')!r})))\n"
        "print('|'.join(t.decode('utf-8') for t in out['text'].numpy()))\n"
        "g = m.signatures['generate'](n=tf.constant(3), seed=tf.constant(0))['text']\n"
        "print(g.shape, g.dtype.name)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    served, shape = result.stdout.strip().split("\n")[-2:]
    assert served.split("|") == gan.generate_text(z)
    assert shape == "(3,) string"
    with pytest.raises(FileExistsError):
        kgan.export_text_generator(gan, path)


def test_bad_arguments(corpus):
    generator, discriminator = kgan.networks.get("textgan", image_shape=corpus.sample_shape,
                                                 latent_dim=2, hidden_dim=4, filters=2)
    with pytest.raises(ValueError, match="vocabulary"):
        kgan.TextGAN(generator, discriminator)
    with pytest.raises(ValueError, match="vocab_size"):
        kgan.TextGAN(generator, discriminator, vocabulary=["", "a"])
    with pytest.raises(ValueError, match="beta_max"):
        kgan.TextGAN(generator, discriminator, vocabulary=corpus.vocabulary, beta_max=0.5)
    gan = kgan.TextGAN(generator, discriminator, vocabulary=corpus.vocabulary)
    gan.compile()
    with pytest.raises(ValueError, match="shape"):
        gan.fit(np.zeros((4, 3, 9), "float32"))
    with pytest.raises(ValueError, match="patience"):
        gan.pretrain(corpus.train, patience=2)


def test_wgan_gp_language_model_trains_through_the_same_step(corpus):
    generator, critic = kgan.networks.get("textgan_wgan", image_shape=corpus.sample_shape,
                                          latent_dim=4, filters=4, blocks=1)
    gan = kgan.TextGAN(generator, critic, vocabulary=corpus.vocabulary, beta_max=1.0,
                       d_steps=2, gp_weight=10.0, seed=0)
    assert gan.latent_dim == 4  # inferred from the generator's input
    gan.compile(loss="wasserstein")
    history = gan.fit(corpus.train.repeat(), steps_per_epoch=3, epochs=1, verbose=0).history
    assert np.isfinite(history["penalty"][0]) and history["penalty"][0] > 0
    assert int(gan.d_optimizer.iterations.numpy()) == 6  # d_steps critic updates per step
    texts = gan.generate_text(20, seed=0, sample=True)
    assert len(texts) == 20 and all(set(t) <= set("abc") for t in texts)
