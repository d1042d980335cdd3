import keras
import numpy as np
import pytest
import tensorflow as tf

from conftest import real_images, tiny_gan
from kgan.tfdata import steps_in_whole_calls, without_autotune_wait


def test_turns_autotuning_off_and_keeps_the_elements():
    data = tf.data.Dataset.range(5).map(lambda i: i * 2, num_parallel_calls=tf.data.AUTOTUNE)
    assert data.options().autotune.enabled is None
    tuned = without_autotune_wait(data)
    assert tuned.options().autotune.enabled is False
    assert [int(v) for v in tuned] == [0, 2, 4, 6, 8]


def test_leaves_a_dataset_whose_options_chose_autotuning_and_other_data_alone():
    options = tf.data.Options()
    options.autotune.enabled = True
    chosen = tf.data.Dataset.range(3).with_options(options)
    assert without_autotune_wait(chosen) is chosen
    arrays = np.zeros((4, 2), "float32")
    assert without_autotune_wait(arrays) is arrays
    assert without_autotune_wait(None) is None


def test_gan_fit_trains_on_the_dataset_with_autotuning_off(seeded, monkeypatch):
    seen = {}
    fit = keras.Model.fit

    def recording_fit(self, x=None, *args, **kwargs):
        seen["x"], seen["validation"] = x, kwargs.get("validation_data")
        return fit(self, x, *args, **kwargs)

    monkeypatch.setattr(keras.Model, "fit", recording_fit)
    data = tf.data.Dataset.from_tensor_slices(real_images(8)).batch(4)
    history = tiny_gan().fit(data, epochs=1, verbose=0, validation_data=data)
    assert seen["x"].options().autotune.enabled is False
    assert seen["validation"].options().autotune.enabled is False
    assert len(history.history["d_loss"]) == 1


def test_steps_in_whole_calls_is_what_fit_trains_on_endless_data():
    data = tf.data.Dataset.from_tensor_slices(real_images(8)).batch(4).repeat()
    gan = tiny_gan(compile_kwargs={"steps_per_execution": 3})
    assert [steps_in_whole_calls(n, gan) for n in (1, 3, 4, 6)] == [3, 3, 6, 6]
    assert steps_in_whole_calls(4, keras.Sequential()) == 4   # not compiled: one per call
    with pytest.warns(UserWarning, match="each epoch trains 6 steps"):
        gan.fit(data, steps_per_epoch=4, epochs=1, verbose=0)
    assert int(gan.g_optimizer.iterations) == steps_in_whole_calls(4, gan)

