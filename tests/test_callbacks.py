"""Tests for kgan.callbacks: SampleGrid and TrainingGif."""

import os

import imageio.v3 as iio
import keras
import numpy as np
import pytest
import tensorflow as tf

from kgan.callbacks import SampleGrid, TrainingGif
from kgan.history import read_history_csv
from kgan.images import split_grid, to_uint8

H, W = 4, 5


class FakeGAN:
    """Plain object with the two members the callbacks rely on."""

    def __init__(self, latent_dim=3, channels=1, seed=0):
        self.latent_dim = latent_dim
        self.channels = channels
        rng = np.random.default_rng(seed)
        self.weights = rng.standard_normal((latent_dim, H * W * channels))
        self.calls = 0

    def generate(self, z):
        self.calls += 1
        z = np.asarray(z)
        assert z.dtype == np.float32 and z.shape[1] == self.latent_dim
        out = np.tanh(z @ self.weights).astype("float32")
        return out.reshape(len(z), H, W, self.channels)


class TinyGAN(keras.Model):
    """Minimal keras.Model with `latent_dim`, `generate` and a train_step."""

    def __init__(self, latent_dim=3, **kwargs):
        super().__init__(**kwargs)
        self.latent_dim = latent_dim
        self.dense = keras.layers.Dense(H * W, activation="tanh")
        self.reshape = keras.layers.Reshape((H, W, 1))
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    @property
    def metrics(self):
        return [self.g_loss_tracker]

    def call(self, z, training=False):
        return self.reshape(self.dense(z))

    def generate(self, z):
        return keras.ops.convert_to_numpy(self(z, training=False))

    def train_step(self, data):
        z = data[0] if isinstance(data, (tuple, list)) else data
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(self(z, training=True) - 0.5))
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(grads, self.trainable_variables)
        self.g_loss_tracker.update_state(loss)
        return {"g_loss": self.g_loss_tracker.result()}


def _attach(callback, model):
    callback.set_model(model)
    return callback


# --------------------------------------------------------------------------
# SampleGrid


def test_sample_grid_writes_generated_samples(tmp_path):
    out = tmp_path / "out"
    model = FakeGAN(latent_dim=3, channels=1)
    cb = _attach(SampleGrid(out, num_samples=5, cols=3, scale=2), model)
    assert cb.z is None
    cb.on_train_begin()
    expected_z = np.random.default_rng(0).standard_normal((5, 3)).astype("float32")
    assert cb.z.dtype == np.float32
    np.testing.assert_array_equal(cb.z, expected_z)

    cb.on_epoch_end(0, logs={"loss": 1.0})
    path = os.path.join(str(out), "epoch_0001.png")
    assert cb.paths == [path]
    assert sorted(os.listdir(out)) == ["epoch_0001.png", "epoch_latent.npy"]
    np.testing.assert_array_equal(np.load(out / "epoch_latent.npy"), expected_z)
    img = iio.imread(path)
    assert img.ndim == 2  # grayscale grid stays single-channel
    assert img.shape == (2 * (2 * H + 1) + 1, 3 * (2 * W + 1) + 1)
    tiles = split_grid(img, 5, (H, W), cols=3, scale=2)
    np.testing.assert_array_equal(tiles, to_uint8(model.generate(cb.z)))


def test_sample_grid_rgb(tmp_path):
    model = FakeGAN(latent_dim=2, channels=3)
    cb = _attach(SampleGrid(tmp_path, num_samples=4), model)
    cb.on_train_begin()
    cb.on_epoch_end(6)
    img = iio.imread(tmp_path / "epoch_0007.png")
    assert img.shape == (2 * (H + 1) + 1, 2 * (W + 1) + 1, 3)
    np.testing.assert_array_equal(
        split_grid(img, 4, (H, W, 3)), to_uint8(model.generate(cb.z))
    )


def test_sample_grid_latent_batch_is_fixed(tmp_path):
    model = FakeGAN()
    cb = _attach(SampleGrid(tmp_path / "a", num_samples=6, seed=7), model)
    cb.on_train_begin()
    z = cb.z
    cb.on_epoch_end(0)
    cb.on_epoch_end(1)
    first = iio.imread(cb.paths[0])
    np.testing.assert_array_equal(first, iio.imread(cb.paths[1]))

    # A second fit with the same callback reuses the same batch.
    cb.on_train_begin()
    assert cb.z is z
    cb.on_epoch_end(2)
    np.testing.assert_array_equal(first, iio.imread(cb.paths[2]))

    # A new callback with the same seed draws the same batch and grid.
    other = _attach(SampleGrid(tmp_path / "b", num_samples=6, seed=7), model)
    other.on_train_begin()
    np.testing.assert_array_equal(other.z, z)
    other.on_epoch_end(0)
    np.testing.assert_array_equal(first, iio.imread(other.paths[0]))

    # The model is queried each time: new weights give a different grid.
    model.weights = -model.weights
    cb.on_epoch_end(3)
    assert not np.array_equal(first, iio.imread(cb.paths[3]))

    # A different seed gives a different batch.
    third = _attach(SampleGrid(tmp_path / "c", num_samples=6, seed=8), model)
    third.on_train_begin()
    assert not np.array_equal(third.z, z)


def test_sample_grid_every_writes_only_multiples(tmp_path):
    model = FakeGAN()
    cb = _attach(SampleGrid(tmp_path, num_samples=2, every=2), model)
    cb.on_train_begin()
    for epoch in range(5):  # Keras epochs 0..4 are epochs 1..5
        cb.on_epoch_end(epoch)
    assert sorted(os.listdir(tmp_path)) == ["epoch_0002.png", "epoch_0004.png", "epoch_latent.npy"]
    assert [os.path.basename(p) for p in cb.paths] == [
        "epoch_0002.png",
        "epoch_0004.png",
    ]
    assert model.calls == 2


def test_sample_grid_custom_filename_and_user_z(tmp_path):
    model = FakeGAN(latent_dim=3)
    cb = _attach(SampleGrid(tmp_path, filename="s{epoch}.png"), model)
    cb.z = np.zeros((2, 3), "float32")
    cb.on_train_begin()
    cb.on_epoch_end(9)
    img = iio.imread(tmp_path / "s10.png")
    np.testing.assert_array_equal(
        split_grid(img, 2, (H, W)), to_uint8(model.generate(cb.z))
    )
    cb.z = np.zeros((2, 4), "float32")
    with pytest.raises(ValueError, match="latent_dim"):
        cb.on_train_begin()


def test_sample_grid_needs_latent_dim(tmp_path):
    cb = _attach(SampleGrid(tmp_path), object())
    with pytest.raises(ValueError, match="latent_dim"):
        cb.on_train_begin()


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"num_samples": 0}, "num_samples"),
        ({"num_samples": 2.0}, "num_samples"),
        ({"every": 0}, "every"),
        ({"scale": 0}, "scale"),
        ({"scale": 1.5}, "scale"),
        ({"cols": 0}, "cols"),
        ({"seed": "x"}, "seed"),
        ({"filename": "../up_{epoch}.png"}, "filename"),
        ({"filename": "sub/e_{epoch}.png"}, "filename"),
        ({"filename": "fixed.png"}, "filename"),
        ({"filename": "{step}.png"}, "filename"),
    ],
)
def test_sample_grid_rejects_bad_arguments(tmp_path, kwargs, name):
    with pytest.raises(ValueError, match=name):
        SampleGrid(tmp_path, **kwargs)


# --------------------------------------------------------------------------
# TrainingGif


def test_training_gif_keeps_identical_frames(tmp_path):
    model = FakeGAN()  # fixed weights: every grid is identical
    grids = _attach(SampleGrid(tmp_path, num_samples=4), model)
    gif = _attach(TrainingGif(tmp_path, duration=0.1), model)
    grids.on_train_begin()
    gif.on_train_begin()
    for epoch in range(3):
        grids.on_epoch_end(epoch)
    (tmp_path / "notes.txt").write_text("not a frame")
    gif.on_train_end()
    assert gif.path == os.path.join(str(tmp_path), "training.gif")
    frames = np.asarray(iio.imread(gif.path, index=None))
    assert frames.shape[0] == len(grids.paths) == 3
    grid = iio.imread(grids.paths[0])
    for frame in frames:
        frame = frame if frame.ndim == 2 else frame[..., 0]
        np.testing.assert_array_equal(frame, grid)
    assert sorted(os.listdir(tmp_path)) == [
        "epoch_0001.png",
        "epoch_0002.png",
        "epoch_0003.png",
        "epoch_latent.npy",
        "notes.txt",
        "training.gif",
    ]


def test_training_gif_frames_dir_sorted_order(tmp_path):
    frames_dir = tmp_path / "frames"
    frames_dir.mkdir()
    values = {3: 30, 1: 10, 2: 20}
    for epoch, v in values.items():  # written out of order on purpose
        iio.imwrite(frames_dir / f"epoch_{epoch:04d}.png", np.full((3, 3), v, np.uint8))
    gif = TrainingGif(tmp_path / "gif", frames_dir=frames_dir, filename="t.gif")
    gif.on_train_end()
    frames = np.asarray(iio.imread(gif.path, index=None))
    assert [int(f.ravel()[0]) for f in frames] == [10, 20, 30]
    assert os.listdir(tmp_path / "gif") == ["t.gif"]


def test_training_gif_without_frames_does_nothing(tmp_path):
    gif = TrainingGif(tmp_path / "empty")
    gif.on_train_end()
    assert gif.path is None
    assert not (tmp_path / "empty").exists()


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"duration": 0}, "duration"),
        ({"duration": -1.0}, "duration"),
        ({"filename": "a/b.gif"}, "filename"),
        ({"pattern": "../*.png"}, "pattern"),
    ],
)
def test_training_gif_rejects_bad_arguments(tmp_path, kwargs, name):
    with pytest.raises(ValueError, match=name):
        TrainingGif(tmp_path, **kwargs)


# --------------------------------------------------------------------------
# Under a real fit


def test_callbacks_fire_under_fit_and_csv_round_trips(tmp_path):
    keras.utils.set_random_seed(0)
    out = tmp_path / "run"
    csv_path = tmp_path / "history.csv"
    model = TinyGAN(latent_dim=3)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.5))
    grids = SampleGrid(out, num_samples=4, scale=2)
    gif = TrainingGif(out)
    x = np.random.default_rng(0).standard_normal((8, 3)).astype("float32")
    history = model.fit(
        x,
        epochs=3,
        batch_size=4,
        verbose=0,
        callbacks=[keras.callbacks.CSVLogger(str(csv_path)), grids, gif],
    )

    assert sorted(os.listdir(tmp_path)) == ["history.csv", "run"]
    assert sorted(os.listdir(out)) == [
        "epoch_0001.png",
        "epoch_0002.png",
        "epoch_0003.png",
        "epoch_latent.npy",
        "training.gif",
    ]
    # The last grid shows the trained model's samples for the fixed z.
    last = iio.imread(grids.paths[-1])
    np.testing.assert_array_equal(
        split_grid(last, 4, (H, W), scale=2), to_uint8(model.generate(grids.z))
    )
    assert np.asarray(iio.imread(gif.path, index=None)).shape[0] == 3

    # read_history_csv round-trips the CSVLogger file.
    hist = read_history_csv(csv_path)
    assert hist["epoch"] == [0.0, 1.0, 2.0]
    assert set(hist) - {"epoch"} == set(history.history)
    for key, values in history.history.items():
        np.testing.assert_allclose(hist[key], values, rtol=1e-6)
    assert list(history.history) == ["g_loss"]
    assert hist["g_loss"][0] > hist["g_loss"][-1]  # training did happen
