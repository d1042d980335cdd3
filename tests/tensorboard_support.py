"""Reading TensorBoard event files back, for the tests."""

import glob
import os

import numpy as np
import tensorflow as tf


def read_events(log_dir):
    """`{tag: {step: value}}` of every event file under `log_dir`: floats for scalars,
    uint8 arrays for images, strings for texts (later events win)."""
    found = {}
    for path in sorted(glob.glob(os.path.join(log_dir, "**", "events.out.tfevents.*"),
                                 recursive=True)):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                plugin = value.metadata.plugin_data.plugin_name
                array = tf.make_ndarray(value.tensor)
                if plugin == "images":  # [width, height, png bytes...]
                    decoded = tf.io.decode_png(array[2]).numpy()
                elif plugin == "text":
                    decoded = array.item().decode() if array.ndim == 0 else array.tolist()
                else:
                    decoded = float(np.asarray(array))
                found.setdefault(value.tag, {})[event.step] = decoded
    return found
