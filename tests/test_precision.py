"""`kgan.precision`: policies, the hardware check and `auto`'s measured choice."""

import keras
import numpy as np
import pytest

import kgan
from kgan import precision
from kgan.tasks.images import random_images


def test_check_precision_names_the_argument():
    assert precision.check_precision("mixed_bfloat16") == "mixed_bfloat16"
    with pytest.raises(ValueError, match="`precision` must be one of auto, float32, "
                                         "mixed_bfloat16; got 'float16'"):
        precision.check_precision("float16")


def test_scope_builds_in_bfloat16_and_restores_the_global_policy():
    before = keras.config.dtype_policy().name
    with precision.scope("mixed_bfloat16"):
        layer = keras.layers.Dense(2)
    assert layer.compute_dtype == "bfloat16" and layer.variable_dtype == "float32"
    assert keras.config.dtype_policy().name == before
    with pytest.raises(ValueError, match="resolved"):
        with precision.scope("auto"):
            pass


def test_bfloat16_hardware_reads_the_cpu_flags(monkeypatch):
    monkeypatch.setattr(precision, "cpu_flags", lambda: {"avx2", "amx_bf16", "avx512_bf16"})
    assert precision.bfloat16_hardware() == "CPU flags amx_bf16, avx512_bf16"
    monkeypatch.setattr(precision, "cpu_flags", lambda: {"avx2", "fma"})
    assert precision.bfloat16_hardware() is None


def test_auto_without_bfloat16_hardware_picks_float32_without_measuring(monkeypatch):
    monkeypatch.setattr(precision, "bfloat16_hardware", lambda: None)

    def build(policy):
        raise AssertionError("nothing is built where bfloat16 cannot pay")

    choice = precision.choose("auto", build, batch=None)
    assert choice.policy == "float32" and choice.speedup is None
    assert "no fast bfloat16" in choice.reason
    assert precision.choose("mixed_bfloat16", build, None).policy == "mixed_bfloat16"


def test_auto_picks_what_it_measured(monkeypatch):
    monkeypatch.setattr(precision, "bfloat16_hardware", lambda: "CPU flags avx512_bf16")
    task = kgan.tasks.get("unconditional")
    built = []

    def build(policy):
        built.append(policy)
        return task.build("dcgan-mnist", image_shape=(8, 8, 1), filters=2, latent_dim=4,
                          batch_size=4, precision=policy)

    choice = precision.choose("auto", build, random_images((4, 8, 8, 1)), steps=3, repeats=1)
    assert built == ["float32", "mixed_bfloat16"]
    assert choice.speedup > 0 and f"{choice.speedup:.2f}x" in choice.reason
    assert (choice.policy == "mixed_bfloat16") == (choice.speedup >= precision.AUTO_MIN_SPEEDUP)


def test_task_build_under_mixed_bfloat16_keeps_images_float32():
    task = kgan.tasks.get("unconditional")
    gan = task.build("dcgan-mnist", image_shape=(8, 8, 1), filters=2, latent_dim=4,
                     precision="mixed_bfloat16")
    assert gan.generator.dtype_policy.name == "mixed_bfloat16"
    assert gan.discriminator.dtype_policy.name == "mixed_bfloat16"
    samples = gan.generate(np.zeros((2, 4), "float32"))
    assert samples.dtype == np.float32 and np.isfinite(samples).all()
    assert keras.config.dtype_policy().name == "float32"
    with pytest.raises(ValueError, match="`precision` must be one of"):
        task.build("dcgan-mnist", image_shape=(8, 8, 1), precision="half")
