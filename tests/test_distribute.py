"""kgan.GAN under tf.distribute and mixed precision."""

import json
import os
import socket
import subprocess
import sys

import keras
import numpy as np
import pytest

import kgan
from conftest import REPO, real_images, tiny_gan

SCRIPT = REPO / "tests" / "scripts" / "distributed_training.py"


def train(mode, out, env=None):
    return subprocess.Popen([sys.executable, str(SCRIPT), mode, str(out)], cwd=REPO,
                            env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(process):
    output, _ = process.communicate(timeout=600)
    assert process.returncode == 0, output[-3000:]


def weights(path):
    saved = np.load(path)
    return [saved[k] for k in saved.files if k.startswith("arr_")], saved


def test_mirrored_on_two_devices_matches_one_device(tmp_path):
    one, mirrored = train("one", tmp_path / "one.npz"), train("mirrored", tmp_path / "two.npz")
    finish(one), finish(mirrored)
    one_weights, one_saved = weights(tmp_path / "one.npz")
    two_weights, two_saved = weights(tmp_path / "two.npz")
    assert int(one_saved["replicas"]) == 1 and int(two_saved["replicas"]) == 2
    for a, b in zip(one_weights, two_weights):
        np.testing.assert_allclose(a, b, atol=1e-5)
    # The logged losses are the global means, not per-replica sums.
    np.testing.assert_allclose(one_saved["d_loss"], two_saved["d_loss"], rtol=1e-5)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_worker_multiworker_run_completes_and_workers_agree(tmp_path):
    workers = [f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"]
    processes = []
    for index in range(2):
        config = {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}
        processes.append(train("multiworker", tmp_path / f"worker{index}.npz",
                               env={"TF_CONFIG": json.dumps(config)}))
    for process in processes:
        finish(process)
    first, first_saved = weights(tmp_path / "worker0.npz")
    second, _ = weights(tmp_path / "worker1.npz")
    assert int(first_saved["replicas"]) == 2
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def test_replicas_draw_different_noise():
    import tensorflow as tf

    gan = tiny_gan()
    strategy = tf.distribute.get_strategy()
    assert strategy.num_replicas_in_sync == 1  # in this process: one device
    first, second = gan.sample_noise(4), gan.sample_noise(4)
    assert not np.array_equal(first, second)  # the seed generator advances


@pytest.mark.parametrize("policy", ["mixed_bfloat16", "mixed_float16"])
def test_mixed_precision_trains_with_a_finite_gradient_penalty(policy, tmp_path):
    keras.mixed_precision.set_global_policy(policy)
    try:
        keras.utils.set_random_seed(0)
        gan = tiny_gan(gp_weight=10.0, r1_weight=1.0)
        compute = "float16" if policy == "mixed_float16" else "bfloat16"
        assert gan.generator.layers[1].compute_dtype == compute
        wrapped = isinstance(gan.g_optimizer, keras.optimizers.LossScaleOptimizer)
        assert wrapped == (policy == "mixed_float16")
        assert isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer) == wrapped
        history = gan.fit(real_images(16), batch_size=4, epochs=2, verbose=0)
        for name in ("d_loss", "g_loss", "penalty"):
            assert np.all(np.isfinite(history.history[name])), name
        assert all(v.dtype == "float32" for v in gan.trainable_weights)
        assert kgan.saving.all_finite(gan.variables)
        assert gan.generate(2, seed=0).dtype == np.float32
        gan.save(tmp_path / "gan.keras")
        loaded = keras.models.load_model(tmp_path / "gan.keras")
        np.testing.assert_array_equal(loaded.generate(2, seed=0), gan.generate(2, seed=0))
    finally:
        keras.mixed_precision.set_global_policy("float32")
