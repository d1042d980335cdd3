"""`kgan train` quality options: --ema-decay, --augment, --spectral-norm, --r1-weight, TTUR,
--beta-1."""

import json

import keras
import numpy as np
import pytest

from kgan import cli

# The keys run.json files lacked before these options existed.
QUALITY_OFF = ("g_learning_rate", "d_learning_rate", "ema_decay", "augment", "spectral_norm",
               "r1_weight")

QUALITY = ["--ema-decay", "0.9", "--augment", "translation,cutout", "--spectral-norm",
           "--r1-weight", "0.5", "--g-learning-rate", "1e-4", "--d-learning-rate", "3e-4",
           "--beta-1", "0.2"]


def test_train_with_every_quality_option_then_resume(tmp_path, capsys):
    out = tmp_path / "run"
    base = ["train", "--data", "digits", "--out", str(out), "--filters", "2", "--latent-dim", "4",
            "--batch-size", "256", "--verbose", "0"]
    assert cli.main(base + ["--epochs", "1"] + QUALITY) == 0
    saved = json.loads((out / "run.json").read_text())
    assert saved["ema_decay"] == 0.9 and saved["augment"] == "translation,cutout"
    assert saved["spectral_norm"] is True and saved["r1_weight"] == 0.5
    gan = keras.models.load_model(out / "gan.keras")
    assert gan.ema_decay == 0.9 and gan.augment == "translation,cutout" and gan.r1_weight == 0.5
    assert gan.discriminator.spectral_norm is True
    assert float(gan.g_optimizer.learning_rate) == pytest.approx(1e-4)
    assert float(gan.d_optimizer.learning_rate) == pytest.approx(3e-4)
    assert saved["beta_1"] == 0.2
    assert float(gan.g_optimizer.beta_1) == float(gan.d_optimizer.beta_1) == pytest.approx(0.2)
    samples = gan.generate(np.zeros((2, 4), "float32"))
    np.testing.assert_allclose(samples, gan.ema_generator(np.zeros((2, 4)), training=False),
                               atol=1e-6)

    # Resuming takes the options from run.json; another value is refused.
    assert cli.main(base + ["--epochs", "2", "--ema-decay", "0.5"]) == 2
    assert "--ema-decay 0.5 (the run has 0.9)" in capsys.readouterr().err
    assert cli.main(base + ["--epochs", "2"]) == 0
    resumed = keras.models.load_model(out / "gan.keras")
    assert resumed.ema_decay == 0.9 and int(resumed.g_optimizer.iterations) == 2 * (1797 // 256)


def test_old_run_json_resumes_without_quality_options(tmp_path):
    out = tmp_path / "old"
    base = ["train", "--data", "digits", "--out", str(out), "--filters", "2", "--latent-dim", "4",
            "--batch-size", "256", "--verbose", "0", "--ema-decay", "0", "--augment", "none",
            "--no-spectral-norm", "--r1-weight", "0"]
    assert cli.main(base + ["--epochs", "1"]) == 0
    run = json.loads((out / "run.json").read_text())
    for key in QUALITY_OFF:  # as written before these options existed
        run.pop(key)
    (out / "run.json").write_text(json.dumps(run))
    assert cli.main(["train", "--out", str(out), "--epochs", "2", "--verbose", "0"]) == 0
    gan = keras.models.load_model(out / "gan.keras")
    assert gan.ema_decay is None and gan.augment is None
    assert int(gan.g_optimizer.iterations) == 2 * (1797 // 256)


@pytest.mark.parametrize("argv, message", [
    (["--ema-decay", "1"], "expected a number in [0, 1)"),
    (["--augment", "flip"], "unknown augmentation 'flip'"),
    (["--r1-weight", "-1"], "expected a number >= 0"),
    (["--d-learning-rate", "0"], "expected a positive number"),
    (["--beta-1", "1"], "expected a number in [0, 1)"),
])
def test_bad_quality_options_fail_before_anything_is_written(tmp_path, capsys, argv, message):
    out = tmp_path / "run"
    with pytest.raises(SystemExit):
        cli.main(["train", "--out", str(out), "--epochs", "1"] + argv)
    assert message in capsys.readouterr().err
    assert not out.exists()
