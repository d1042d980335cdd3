"""The conditional task (kgan/tasks/conditional/): `run_task_test`, EMA sampling."""

import numpy as np

import kgan
from task_support import run_task_test


def test_conditional_task(tmp_path):
    run_task_test(tmp_path, ["--model", "cgan", "--filters", 2, "--latent-dim", 4,
                             "--batch-size", 256])


def test_generate_and_call_sample_with_the_ema_generator():
    task = kgan.tasks.get("conditional")
    gan = task.build("cgan-digits", image_shape=(8, 8, 1), num_classes=10, filters=2,
                     latent_dim=4, ema_decay=0.5, seed=1)
    images = np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 1)).astype("float32")
    gan.fit(images, np.arange(16) % 10, batch_size=8, epochs=1, verbose=0)
    assert gan.sampling_generator is gan.ema_generator
    z = np.random.default_rng(1).standard_normal((3, 4)).astype("float32")
    labels = np.array([1, 2, 3], "int32")
    one_hot = np.eye(10, dtype="float32")[labels]
    ema = gan.ema_generator([z, one_hot], training=False).numpy()
    raw = gan.generator([z, one_hot], training=False).numpy()
    assert not np.allclose(ema, raw)
    np.testing.assert_allclose(gan.generate(labels, z=z), ema, atol=1e-6)
    np.testing.assert_allclose(gan((z, labels)), ema, atol=1e-6)
