"""The run's exported SavedModel, loaded with TensorFlow alone, with one clear error."""

import os

__all__ = ["input_spec", "load_export", "load_networks"]


def load_export(run_dir, signatures=("serving_default",)):
    """`tf.saved_model.load(run_dir/saved_model)`, checked.

    Args:
        run_dir: a run directory written by `kgan train`.
        signatures: the signatures the page needs.

    Raises:
        ValueError: no export, an export that does not load, or one without
            the `signatures` (each message says how to write it again).
    """
    import tensorflow as tf

    path = os.path.join(os.fspath(run_dir), "saved_model")
    again = f"write it again with `kgan export {run_dir} --out {path} --overwrite`"
    if not os.path.isfile(os.path.join(path, "saved_model.pb")):
        raise ValueError(f"{run_dir!r} has no export ({path!r} holds no saved_model.pb); "
                         f"{again}.")
    try:
        loaded = tf.saved_model.load(path)
    except Exception as error:  # a damaged SavedModel fails with many error types
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ValueError(f"the export {path!r} does not load ({reason[:200]}); {again}.") from None
    missing = [s for s in signatures if s not in loaded.signatures]
    if missing:
        raise ValueError(f"the export {path!r} has no {', '.join(missing)} signature; {again}.")
    return loaded


def input_spec(loaded, name, signature="serving_default"):
    """The `tf.TensorSpec` of input `name` of a loaded export's `signature`."""
    return loaded.signatures[signature].structured_input_signature[1][name]


def load_networks(run_dir):
    """The run's `gan.keras` (`kgan.saving.load_model`), or `None` when it has none."""
    from kgan import saving

    path = os.path.join(os.fspath(run_dir), "gan.keras")
    return saving.load_model(path) if os.path.isfile(path) else None
