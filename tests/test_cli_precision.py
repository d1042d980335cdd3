"""`kgan train --precision`: the policy is printed, recorded in run.json and kept on resume."""

import json

import keras
import pytest

from kgan import cli

TINY = ["train", "--data", "digits", "--filters", "2", "--latent-dim", "4", "--batch-size", "256",
        "--verbose", "0"]


def compute_dtypes(gan):
    return {layer.compute_dtype for layer in gan.generator.layers + gan.discriminator.layers
            if layer.weights}


def test_bfloat16_run_records_its_policy_and_resumes_in_it(tmp_path, capsys):
    out = tmp_path / "run"
    argv = TINY + ["--out", str(out), "--precision", "mixed_bfloat16"]
    assert cli.main(argv + ["--epochs", "1"]) == 0
    assert "Precision: mixed_bfloat16 (as requested)" in capsys.readouterr().out
    run = json.loads((out / "run.json").read_text())
    assert run["precision"] == run["dtype_policy"] == "mixed_bfloat16"
    assert "bfloat16" in compute_dtypes(keras.models.load_model(out / "gan.keras"))

    assert cli.main(TINY + ["--out", str(out), "--epochs", "2", "--precision", "float32"]) == 2
    assert "--precision 'float32' (the run has 'mixed_bfloat16')" in capsys.readouterr().err
    assert cli.main(TINY + ["--out", str(out), "--epochs", "2"]) == 0
    resumed = keras.models.load_model(out / "gan.keras")
    assert "bfloat16" in compute_dtypes(resumed) and int(resumed.g_optimizer.iterations) == 2 * 7


def test_auto_records_the_policy_it_chose(tmp_path, capsys, monkeypatch):
    from kgan import precision

    monkeypatch.setattr(precision, "bfloat16_hardware", lambda: None)
    out = tmp_path / "run"
    assert cli.main(TINY + ["--out", str(out), "--epochs", "1", "--precision", "auto"]) == 0
    assert "Precision: float32 (no fast bfloat16 here" in capsys.readouterr().out
    run = json.loads((out / "run.json").read_text())
    assert run["precision"] == "auto" and run["dtype_policy"] == "float32"
    assert compute_dtypes(keras.models.load_model(out / "gan.keras")) == {"float32"}


def test_unknown_precision_names_the_flag(tmp_path, capsys):
    with pytest.raises(SystemExit):
        cli.main(TINY + ["--out", str(tmp_path / "r"), "--precision", "float16"])
    err = capsys.readouterr().err
    assert "--precision" in err and "mixed_bfloat16" in err
    assert not (tmp_path / "r").exists()
