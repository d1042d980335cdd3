"""tf.data settings kgan applies to the datasets its models train on, and how many steps
`fit` runs on them."""

import tensorflow as tf

__all__ = ["steps_in_whole_calls", "without_autotune_wait"]


def without_autotune_wait(data):
    """`data` with tf.data's autotuning off, unless its options already set it.

    With autotuning on (TensorFlow's default), deleting an iterator that a
    `tf.function` has read waits for the autotuning thread's next wake-up,
    and that thread's period doubles from 10 ms up to 60 s: `fit` then
    returns up to that long after its last step (measured with TensorFlow
    2.21: `fit` of 50 pix2pix steps whose last step ended after about 9.5 s
    returned at 10.24 s, the wake-up 10 x (2^10 - 1) ms after the start). kgan's pipelines slice
    arrays held in memory, where there is nothing to tune.

    Args:
        data: anything `fit` takes; only a `tf.data.Dataset` whose
            `options().autotune.enabled` is unset is changed.

    Returns:
        `data`, or the dataset with `autotune.enabled = False`.

    Example:

        model.fit(without_autotune_wait(dataset), epochs=10)
    """
    if not isinstance(data, tf.data.Dataset) or data.options().autotune.enabled is not None:
        return data
    options = tf.data.Options()
    options.autotune.enabled = False
    return data.with_options(options)


def steps_in_whole_calls(steps, model):
    """The steps `model.fit(endless_data, steps_per_epoch=steps)` trains: Keras runs
    whole calls of the model's `steps_per_execution` steps, so `steps` rounded up to a
    multiple of it.

    Example:

        steps_in_whole_calls(30, model)   # 32 for a model compiled with steps_per_execution=8
    """
    per_call = getattr(model, "steps_per_execution", 1) or 1
    return -(-steps // per_call) * per_call
