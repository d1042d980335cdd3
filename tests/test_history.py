"""Tests for kgan.history: the loss plot, reading and trimming a CSVLogger file."""

import os
import sys

import imageio.v3 as iio
import numpy as np
import pytest

from kgan.history import read_history_csv, save_loss_plot, trim_history_csv



def test_save_loss_plot_writes_non_blank_png(tmp_path):
    pyplot_loaded = "matplotlib.pyplot" in sys.modules
    history = {
        "d_loss": [1.2, 0.9, 0.8, 0.7],
        "g_loss": [0.5, 0.9, 1.1, 1.0],
        "val_d_loss": [1.3, 1.0, 0.9, 0.8],
        "learning_rate": [1e-3] * 4,
    }
    path = save_loss_plot(history, tmp_path / "plots" / "loss.png")
    img = iio.imread(path)
    assert img.ndim == 3 and img.shape[0] > 100 and img.shape[1] > 100
    assert img[..., :3].astype(float).var() > 0
    assert os.listdir(tmp_path / "plots") == ["loss.png"]
    if not pyplot_loaded:
        assert "matplotlib.pyplot" not in sys.modules


def test_save_loss_plot_keys_and_errors(tmp_path):
    history = {"epoch": [0, 1], "loss": [1.0, 0.5], "acc": [0.1, 0.2]}
    img = iio.imread(save_loss_plot(history, tmp_path / "l.png", keys=["loss"]))
    assert img[..., :3].astype(float).var() > 0
    with pytest.raises(ValueError, match="'nope'"):
        save_loss_plot(history, tmp_path / "x.png", keys=["loss", "nope"])
    with pytest.raises(ValueError, match="nothing to plot|no numeric"):
        save_loss_plot({"epoch": [0, 1]}, tmp_path / "x.png")
    assert sorted(os.listdir(tmp_path)) == ["l.png"]


def test_read_history_csv_handles_missing_values(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(
        "epoch,d_loss,g_loss,val_d_loss\n"
        "0,1.5,0.25,NA\n"
        "1,1.25,nan,NA\n"
        "2,1.0,0.75,NA\n"
    )
    hist = read_history_csv(path)
    assert list(hist) == ["epoch", "d_loss", "g_loss"]  # all-NA column dropped
    assert hist["epoch"] == [0.0, 1.0, 2.0]
    assert hist["d_loss"] == [1.5, 1.25, 1.0]
    assert hist["g_loss"][0] == 0.25 and np.isnan(hist["g_loss"][1])
    # The result plots directly.
    assert os.path.exists(save_loss_plot(hist, tmp_path / "h.png"))


def test_read_history_csv_errors(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ValueError, match="header"):
        read_history_csv(empty)
    bad = tmp_path / "bad.csv"
    bad.write_text("epoch,loss\n0,abc\n")
    with pytest.raises(ValueError, match="loss"):
        read_history_csv(bad)


def test_trim_history_csv_keeps_the_backed_up_epochs(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("epoch,d_loss\n0,1.0\n1,0.9\n2,0.8\n")
    trim_history_csv(path, 2)
    assert path.read_text() == "epoch,d_loss\n0,1.0\n1,0.9\n"
    trim_history_csv(path, 0)
    assert path.read_text() == "epoch,d_loss\n"
    trim_history_csv(tmp_path / "missing.csv", 1)
    assert sorted(os.listdir(tmp_path)) == ["history.csv"]
