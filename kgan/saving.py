"""Saving models and training state that survives crashes, and loading with clear errors.

Every file is written through `kgan.files.atomic_write`, so a killed process
leaves either the old file or the new one, never half of one.
"""

import json
import os
import zipfile

import keras
import numpy as np

from kgan.files import atomic_write, write_json

STATE_FILE = "backup.json"


def save_model(model, path):
    """`model.save(path)`, atomically."""
    return atomic_write(path, model.save)


def load_model(path, safe_mode=True):
    """`keras.models.load_model` with an integrity check and clear errors.

    A missing, truncated or corrupted `.keras` file raises one `ValueError`
    (or `FileNotFoundError`) naming the file and what is wrong with it.

    Args:
        path: a `.keras` file written by `model.save` / `kgan train`.
        safe_mode: passed to `keras.models.load_model`; kgan's own models
            need no unsafe deserialization.

    Returns:
        The model, e.g. a compiled `kgan.GAN`.

    Example:

    ```python
    gan = kgan.load_model("runs/digits/gan.keras")
    ```
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No model file at {path!r}.")
    if not zipfile.is_zipfile(path):
        raise ValueError(
            f"{path!r} is not a .keras archive: the file is truncated or corrupted "
            "(or was not written by model.save)."
        )
    try:
        with zipfile.ZipFile(path) as archive:
            bad_member = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ValueError(f"{path!r} is a corrupted .keras archive: {error}") from None
    if bad_member is not None:
        raise ValueError(
            f"{path!r} is a corrupted .keras archive: {bad_member!r} fails its checksum."
        )
    try:
        return keras.models.load_model(path, safe_mode=safe_mode)
    except Exception as error:  # keras raises many types for a bad archive
        raise ValueError(f"Could not load {path!r}: {error}") from None


def all_finite(variables):
    """True when every value of every variable is finite."""
    return all(np.all(np.isfinite(keras.ops.convert_to_numpy(v))) for v in variables
               if np.issubdtype(np.dtype(v.dtype), np.floating))


def read_training_state(directory):
    """The state saved by `save_training_state` (a dict), or None if there is none."""
    path = os.path.join(directory, STATE_FILE)
    if not os.path.isfile(path):
        return None
    try:
        with open(path) as f:
            state = json.load(f)
        int(state["epoch"])
        weights = os.path.join(directory, state["weights"])
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"The training backup {path!r} is unreadable: {error}") from None
    if not os.path.isfile(weights):
        raise ValueError(f"The training backup {path!r} names a missing file {weights!r}.")
    return state


def save_training_state(model, directory, epoch):
    """Saves weights, optimizer slots and noise state after `epoch` epochs.

    The weights go to a new file first; only then does `backup.json` switch
    to it, and only then are older weight files removed.
    """
    name = f"epoch_{int(epoch):06d}.weights.h5"
    atomic_write(os.path.join(directory, name), model.save_weights)
    write_json({"epoch": int(epoch), "weights": name}, os.path.join(directory, STATE_FILE))
    for old in os.listdir(directory):
        if old.endswith(".weights.h5") and old != name and not old.startswith(".tmp-"):
            os.remove(os.path.join(directory, old))


def load_training_state(model, directory):
    """Restores the state saved in `directory`; returns its epoch, or None."""
    state = read_training_state(directory)
    if state is None:
        return None
    try:
        model.load_weights(os.path.join(directory, state["weights"]))
    except Exception as error:
        raise ValueError(
            f"Could not restore the training backup in {directory!r}: {error}"
        ) from None
    return int(state["epoch"])
