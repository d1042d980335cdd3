"""Every image and label is checked before a run directory is written."""

import imageio.v2 as imageio
import numpy as np
import pytest

from kgan import cli, datasets
from test_datasets import write_idx


def test_a_truncated_image_is_named_before_anything_is_written(tmp_path, capsys):
    folder = tmp_path / "images"
    folder.mkdir()
    for i in range(4):
        imageio.imwrite(folder / f"{i}.png", np.full((8, 8), 40 * i, np.uint8))
    whole = (folder / "3.png").read_bytes()
    (folder / "3.png").write_bytes(whole[:len(whole) // 2])
    with pytest.raises(ValueError, match=r"Could not read image file .*3\.png"):
        datasets.load(str(folder), batch_size=2)
    out = tmp_path / "run"
    assert cli.main(["train", "--data", str(folder), "--batch-size", "2", "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert "3.png" in error and "Traceback" not in error and not out.exists()


def test_a_stray_label_is_refused_not_made_into_classes(tmp_path, capsys):
    images = np.random.default_rng(0).integers(0, 256, (11, 8, 8), dtype=np.uint8)
    write_idx(tmp_path / "train-images-idx3-ubyte", images)
    write_idx(tmp_path / "train-labels-idx1-ubyte", list(range(10)) + [200])
    with pytest.raises(ValueError, match=r"190 of the labels 0\.\.200 never occur"):
        datasets.class_names(str(tmp_path))
    out = tmp_path / "run"
    assert cli.main(["train", "--model", "cgan", "--data", str(tmp_path), "--batch-size", "2",
                     "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert "--data" in error and "never occur" in error and not out.exists()
