"""`kgan train --model textgan` and `kgan sample` on text, end to end."""

import json
import os
import subprocess
import sys
import time

import keras
import numpy as np
import pytest

import kgan
from kgan import cli
from kgan.tasks.text import TEXTGAN_SURNAMES
from kgan.tasks.unconditional import DCGAN_DIGITS

KGAN = [sys.executable, "-m", "kgan"]


def run_kgan(*args, timeout=900):
    return subprocess.run(KGAN + list(args), capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def short_run(tmp_path_factory):
    """A CI-sized run on the default corpus: a short warm start and a few GAN epochs."""
    out = tmp_path_factory.mktemp("runs") / "names"
    start = time.perf_counter()
    result = run_kgan("train", "--model", "textgan", "--epochs", "2", "--steps-per-epoch", "15",
                      "--pretrain-steps", "300", "--num-samples", "16", "--seed", "0",
                      "--verbose", "2", "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    return out, result, time.perf_counter() - start


def test_short_run_meets_a_weaker_quality_bar(short_run):
    out, result, _ = short_run
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["num_samples"] == 2000
    # The default run's bar is JS-4 within 0.1 of the floor, unique > 0.9, novel > 0.5.
    assert metrics["js_4"] - metrics["js_floor_4"] < 0.25, metrics
    assert metrics["unique"] > 0.8 and metrics["novel"] > 0.5, metrics
    assert metrics["nll_test"] < 25.0  # an untrained generator scores ~30 nats per name
    assert "JS-4" in result.stdout and "Warm start: 300" in result.stdout


def test_short_run_writes_a_text_run_directory(short_run, tmp_path):
    out, _, _ = short_run
    assert sorted(os.listdir(out / "samples")) == [f"epoch_{i:04d}.txt" for i in (1, 2)] + [
        "epoch_latent.npy"]
    lines = (out / "samples" / "epoch_0002.txt").read_text(encoding="utf-8").split("\n")
    assert len(lines) == 17 and lines[-1] == ""
    run = json.loads((out / "run.json").read_text())
    assert run["task"] == "text" and run["loss"] == "relativistic"
    assert run["vocabulary"][:3] == ["", "A", "B"]

    gan = keras.models.load_model(out / "gan.keras")
    assert isinstance(gan, kgan.TextGAN)
    # Annealed over the 30 GAN steps: the last update used beta = 100 ** (29 / 30).
    assert float(gan.generator.beta.numpy()) == pytest.approx(100.0 ** (29 / 30), rel=1e-4)
    assert gan.generate_text(4, seed=0)  # decodes

    # `kgan sample` writes N lines; the same seed gives the same samples.
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    for path in (first, second):
        assert cli.main(["sample", str(out), "--n", "50", "--seed", "7", "--out", str(path)]) == 0
    texts = first.read_text(encoding="utf-8").split("\n")[:-1]
    assert len(texts) == 50 and first.read_text() == second.read_text()
    # The noise is numpy.random.default_rng(seed), drawn chunk by chunk.
    z = np.random.default_rng(7).standard_normal((50, gan.latent_dim)).astype("float32")
    assert texts == gan.generate_text(z)
    assert all(set(t) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for t in texts)


def test_bad_text_input_fails_before_the_run_directory(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    out = tmp_path / "run"
    assert cli.main(["train", "--model", "textgan", "--data", str(empty), "--out", str(out)]) == 2
    assert "holds no text" in capsys.readouterr().err
    assert not out.exists()
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes(b"caf\xe9\n" * 200)
    assert cli.main(["train", "--model", "textgan", "--data", str(latin1), "--out", str(out)]) == 2
    assert "not UTF-8" in capsys.readouterr().err and not out.exists()
    long_lines = tmp_path / "long.txt"
    long_lines.write_text("abcdef\n" * 200)
    assert cli.main(["train", "--model", "textgan", "--data", str(long_lines), "--max-length",
                     "4", "--out", str(out)]) == 2
    error = capsys.readouterr().err  # in the flags' words, not the Python arguments'
    assert "200 of 200 lines are longer than --max-length 4" in error and not out.exists()
    assert "pass --long-lines truncate or --long-lines drop" in error

    # Without --max-length, one stray long line does not make every sample that long.
    stray = tmp_path / "stray.txt"
    stray.write_text("abc\n" * 200 + "x" * 5000 + "\n")
    assert cli.main(["train", "--model", "textgan", "--data", str(stray), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert "1 of 201 lines are longer than --max-length 64 characters (the cap for an unset " \
        "--max-length)" in error and not out.exists()


def test_text_defaults_do_not_change_the_image_defaults():
    args = cli.build_parser().parse_args(["train"])
    assert args.data is None and args.loss is None and args.learning_rate is None
    assert args.steps_per_epoch is None  # taken from the recipe of the run's task
    assert TEXTGAN_SURNAMES.loss == "relativistic" and TEXTGAN_SURNAMES.steps_per_epoch == 60
    assert DCGAN_DIGITS.loss == "non_saturating"


@pytest.mark.large
def test_default_text_run_meets_the_quality_bar_in_ten_minutes(tmp_path):
    out = tmp_path / "names"
    start = time.perf_counter()
    result = run_kgan("train", "--model", "textgan", "--seed", "0", "--verbose", "2",
                      "--out", str(out), timeout=1200)
    seconds = time.perf_counter() - start
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = json.loads((out / "metrics.json").read_text())
    assert seconds < 600, seconds
    assert metrics["js_4"] - metrics["js_floor_4"] < 0.1, metrics
    assert metrics["unique"] > 0.9 and metrics["novel"] > 0.5, metrics


def test_a_corpus_of_five_names_trains_scores_and_is_not_refused_after(tmp_path, capsys):
    corpus = tmp_path / "five.txt"
    corpus.write_text("ANNA\nBOB\nCARL\nDORA\nEVE\n")
    argv = ["train", "--model", "textgan", "--data", str(corpus), "--batch-size", "2",
            "--epochs", "1", "--steps-per-epoch", "2", "--pretrain-steps", "2",
            "--filters", "2", "--latent-dim", "4", "--verbose", "0", "--out", str(tmp_path / "r")]
    assert cli.main(argv) == 0
    metrics = json.loads((tmp_path / "r" / "metrics.json").read_text())
    assert metrics["num_samples"] == 1 and 0.0 <= metrics["js_4"] <= 1.0
    assert cli.main(argv) == 0  # the same command: its own run, finished
    assert "has already trained 1 epochs" in capsys.readouterr().out
