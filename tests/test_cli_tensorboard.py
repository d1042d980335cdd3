"""`kgan train --tensorboard`: events for every epoch, continued by a resumed run."""

import json

import imageio.v3 as iio
import numpy as np

from kgan import cli
from tensorboard_support import read_events

TINY = ["train", "--data", "digits", "--filters", "2", "--latent-dim", "4", "--batch-size", "256",
        "--verbose", "0"]


def test_tensorboard_events_hold_each_epochs_losses_and_grid_across_a_resume(tmp_path):
    out = tmp_path / "run"
    assert cli.main(TINY + ["--out", str(out), "--epochs", "2", "--tensorboard"]) == 0
    assert json.loads((out / "run.json").read_text())["tensorboard"] is True
    # Resumed without the flag: the run keeps writing to the same stream.
    assert cli.main(TINY + ["--out", str(out), "--epochs", "3"]) == 0

    events = read_events(out / "tensorboard")
    with open(out / "history.csv") as f:
        rows = f.read().splitlines()[1:]
    header = (out / "history.csv").read_text().splitlines()[0].split(",")
    d_losses = [float(row.split(",")[header.index("d_loss")]) for row in rows]
    assert sorted(events["d_loss"]) == [1, 2, 3]
    np.testing.assert_allclose([events["d_loss"][e] for e in (1, 2, 3)], d_losses, rtol=1e-5)
    for epoch in (1, 2, 3):
        png = iio.imread(out / "samples" / f"epoch_{epoch:04d}.png")
        np.testing.assert_array_equal(events["samples"][epoch][..., 0], png)


def test_without_the_flag_nothing_is_written(tmp_path):
    out = tmp_path / "run"
    assert cli.main(TINY + ["--out", str(out), "--epochs", "1"]) == 0
    assert not (out / "tensorboard").exists()
    assert json.loads((out / "run.json").read_text())["tensorboard"] is False


def test_without_the_tensorboard_package_the_flag_is_refused(tmp_path, capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "tensorboard" else real(name, *a))
    out = tmp_path / "run"
    assert cli.main(TINY + ["--out", str(out), "--epochs", "1", "--tensorboard"]) == 2
    assert "--tensorboard needs the tensorboard package" in capsys.readouterr().err
    assert not out.exists()


def test_a_resumed_tensorboard_run_without_the_package_is_refused(tmp_path, capsys, monkeypatch):
    import importlib.util

    out = tmp_path / "run"
    assert cli.main(TINY + ["--out", str(out), "--epochs", "1", "--tensorboard"]) == 0
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "tensorboard" else real(name, *a))
    assert cli.main(TINY + ["--out", str(out), "--epochs", "2"]) == 2
    assert "--tensorboard needs the tensorboard package" in capsys.readouterr().err
    assert json.loads((out / "run.json").read_text())["epochs"] == 1
