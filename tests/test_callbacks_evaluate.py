"""kgan.callbacks.Evaluate puts the metrics into the Keras logs (history, CSVLogger)."""

import csv

import keras
import numpy as np
import pytest

import kgan
from conftest import tiny_gan
from metrics_support import digits_extractor


def test_metrics_reach_history_and_csv(tmp_path, seeded):
    gan = tiny_gan()
    evaluate = kgan.callbacks.Evaluate("digits", digits_extractor(), every=2, n=64,
                                       max_samples=200, kid_subset_size=32)
    data = kgan.datasets.load("digits", batch_size=16, seed=0)
    history = gan.fit(data, epochs=3, steps_per_epoch=2, verbose=0, callbacks=[
        evaluate, keras.callbacks.CSVLogger(str(tmp_path / "history.csv"))])

    assert [epoch for epoch, _ in evaluate.results] == [1, 2]
    assert len(history.history["fd_domain"]) == 2  # epochs 1 and 2, not 3
    with open(tmp_path / "history.csv") as f:
        rows = list(csv.DictReader(f))
    assert {"fd_domain", "kid_domain", "is_domain", "precision_domain", "recall_domain",
            "density_domain", "coverage_domain", "class_coverage_domain",
            "class_kl_domain", "d_loss"} <= set(rows[0])
    assert [row["fd_domain"] != "NA" for row in rows] == [True, True, False]
    for (epoch, values), row in zip(evaluate.results, rows):
        assert float(row["fd_domain"]) == pytest.approx(values["fd_domain"])
        assert values["fd_domain"] > 0 and 1 <= values["is_domain"] <= 10
    assert evaluate.real_statistics.count == 1797  # computed once, from every digit


def test_same_model_same_numbers(seeded):
    # The noise is fixed, so an unchanged model scores the same twice.
    gan = tiny_gan()
    evaluate = kgan.callbacks.Evaluate("digits", digits_extractor(), n=64, max_samples=100,
                                       kid_subset_size=16)
    evaluate.set_model(gan)
    assert evaluate.evaluate() == evaluate.evaluate()


def test_extractor_from_a_path_and_from_labelled_arrays(tmp_path, seeded):
    path = digits_extractor().save(tmp_path / "digits.keras")
    images, labels = kgan.datasets.load_arrays("digits")
    gan = tiny_gan()
    by_path = kgan.callbacks.Evaluate(images[:200], str(path), n=64, max_samples=100,
                                      kid_subset_size=16)
    by_path.set_model(gan)
    assert np.isfinite(by_path.evaluate()["fd_domain"])
    fitted = kgan.callbacks.Evaluate((images[:150], labels[:150]), n=64, kid_subset_size=16)
    fitted.set_model(gan)
    with pytest.warns(RuntimeWarning, match="64 generated samples for 64-dimensional domain"):
        fitted.on_epoch_end(0, {})
    assert fitted.extractor.metadata["dataset"] == "arrays"
    assert fitted.real_statistics.count == 150


@pytest.mark.parametrize("kwargs, message", [
    ({"every": 0}, "`every`"),
    ({"n": 1}, "`n`"),
    ({"seed": -1}, "`seed`"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        kgan.callbacks.Evaluate("digits", **kwargs)
