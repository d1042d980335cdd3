import json
import os
import time

import keras
import numpy as np
import pytest

from conftest import real_images, tiny_gan
from kgan import saving


@pytest.fixture(scope="module")
def saved_gan(tmp_path_factory):
    gan = tiny_gan()
    path = tmp_path_factory.mktemp("saved") / "gan.keras"
    saving.save_model(gan, path)
    return gan, path


def test_load_model_round_trip(saved_gan):
    gan, path = saved_gan
    loaded = saving.load_model(path)
    z = np.ones((2, gan.latent_dim), "float32")
    np.testing.assert_array_equal(loaded.generate(z), gan.generate(z))
    assert os.listdir(path.parent) == ["gan.keras"]  # no temporary file left


@pytest.mark.parametrize("damage", ["truncate", "garbage", "flip"])
def test_damaged_files_fail_fast_with_a_clear_error(saved_gan, tmp_path, damage):
    _, path = saved_gan
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "garbage":
        data = bytearray(os.urandom(2048))
    else:  # flip bytes inside the stored weights: the archive's checksums catch it
        middle = len(data) // 2
        data[middle:middle + 64] = bytes(b ^ 0xFF for b in data[middle:middle + 64])
    broken = tmp_path / "broken.keras"
    broken.write_bytes(bytes(data))
    started = time.monotonic()
    with pytest.raises(ValueError, match=r"broken\.keras.*(truncated|corrupted)"):
        saving.load_model(broken)
    assert time.monotonic() - started < 10


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="No model file"):
        saving.load_model(tmp_path / "nope.keras")


def test_training_state_round_trip_keeps_only_the_latest(tmp_path):
    gan = tiny_gan()
    gan.fit(real_images(8), batch_size=4, epochs=1, verbose=0)
    saving.save_training_state(gan, tmp_path, 1)
    gan.fit(real_images(8), batch_size=4, epochs=1, verbose=0)
    saving.save_training_state(gan, tmp_path, 2)
    assert sorted(os.listdir(tmp_path)) == ["backup.json", "epoch_000002.weights.h5"]
    assert saving.read_training_state(tmp_path) == {
        "epoch": 2, "weights": "epoch_000002.weights.h5"}

    fresh = tiny_gan()
    assert saving.load_training_state(fresh, tmp_path) == 2
    for mine, theirs in zip(gan.variables, fresh.variables):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(mine),
                                      keras.ops.convert_to_numpy(theirs))
    assert int(fresh.g_optimizer.iterations) == int(gan.g_optimizer.iterations) == 4
    for mine, theirs in zip(gan.d_optimizer.variables, fresh.d_optimizer.variables):
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy())


def test_no_state_and_broken_state(tmp_path):
    assert saving.read_training_state(tmp_path) is None
    assert saving.load_training_state(tiny_gan(), tmp_path) is None
    (tmp_path / "backup.json").write_text(json.dumps({"epoch": 3, "weights": "gone.weights.h5"}))
    with pytest.raises(ValueError, match="names a missing file"):
        saving.read_training_state(tmp_path)
    (tmp_path / "backup.json").write_text("{not json")
    with pytest.raises(ValueError, match="unreadable"):
        saving.read_training_state(tmp_path)


def test_all_finite():
    gan = tiny_gan()
    assert saving.all_finite(gan.variables)
    gan.generator.weights[0].assign(np.full(gan.generator.weights[0].shape, np.nan))
    assert not saving.all_finite(gan.variables)
