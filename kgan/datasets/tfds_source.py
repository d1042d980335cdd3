"""tensorflow-datasets sources; `tensorflow_datasets` is imported only when used."""

import socket
import threading

import tensorflow as tf

from kgan.datasets._common import Source, map_images, resize_tensor, uint8_to_unit

# tfds fetches most image datasets (mnist among them) from Google storage.
PROBE_HOST = ("storage.googleapis.com", 443)
PROBE_TIMEOUT_S = 3.0
_SHUFFLE_BUFFER = 10_000


class DatasetUnavailableError(RuntimeError):
    """A tensorflow-datasets dataset is not on disk and could not be downloaded."""


def import_tfds():
    """Returns the `tensorflow_datasets` module, or None if it is not installed."""
    try:
        import tensorflow_datasets as tfds
    except ImportError:
        return None
    return tfds


def known_names(tfds):
    # Community datasets are left out: listing them queries Google storage,
    # which takes seconds and fails offline.
    try:
        return set(tfds.list_builders(with_community_datasets=False))
    except TypeError:
        return set(tfds.list_builders())


def is_known(tfds, name):
    base = name.split(":")[0].split("/")[0]
    return base in known_names(tfds)


def network_available(address=PROBE_HOST, timeout=PROBE_TIMEOUT_S):
    """Whether a TCP connection to `address` opens within `timeout` seconds.

    Without this check an offline `download_and_prepare` retries for minutes.
    The probe runs in a daemon thread because name resolution ignores socket
    timeouts.
    """
    result = []

    def probe():
        try:
            with socket.create_connection(address, timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(result and result[0])


def _short(err):
    text = str(err).strip().splitlines()
    text = text[0] if text else ""
    if len(text) > 200:
        text = text[:200] + "..."
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def _unavailable(name, data_dir, reason):
    where = (
        repr(str(data_dir))
        if data_dir is not None
        else "the default tfds data_dir ($TFDS_DATA_DIR or ~/tensorflow_datasets)"
    )
    return DatasetUnavailableError(
        f"tfds dataset {name!r} is not in {where} and could not be downloaded "
        f"({reason}). Download it once on a machine with internet access "
        f"(tfds.load({name!r}, data_dir=...)) and copy the folder, or use "
        "'digits' or a local directory of IDX/image files."
    )


def _prepare(builder, name, data_dir):
    if builder.is_prepared():
        return
    if not network_available():
        raise _unavailable(name, data_dir, "no network?")
    try:
        builder.download_and_prepare()
    except Exception as err:
        raise _unavailable(name, data_dir, _short(err)) from None


def _pick_features(tfds, builder, name):
    features = builder.info.features
    keys = list(features.keys())
    image_key = next(
        (k for k in keys if isinstance(features[k], tfds.features.Image)), None
    )
    if image_key is None:
        raise ValueError(
            f"tfds dataset {name!r} has no image feature (features: {keys})."
        )
    if "label" in keys and isinstance(features["label"], tfds.features.ClassLabel):
        label_key = "label"
    else:
        label_key = next(
            (k for k in keys if isinstance(features[k], tfds.features.ClassLabel)),
            None,
        )
    return image_key, label_key, tuple(features[image_key].shape)


def _num_examples(builder, name, split):
    splits = builder.info.splits
    if not splits:
        return None
    try:
        return int(splits[split].num_examples)
    except (KeyError, ValueError, AssertionError):
        raise ValueError(
            f"`split` {split!r} is not a split of tfds dataset {name!r}; "
            f"available splits: {sorted(splits.keys())}."
        ) from None


def load_tfds_source(tfds, name, image_size=None, data_dir=None, split="train"):
    """Builds a streaming source for tfds dataset `name`, downloading if possible."""
    try:
        builder = tfds.builder(name, data_dir=data_dir)
    except Exception as err:
        raise ValueError(
            f"Could not create tfds dataset {name!r} ({_short(err)})."
        ) from None
    _prepare(builder, name, data_dir)

    image_key, label_key, shape = _pick_features(tfds, builder, name)
    height, width = shape[0], shape[1]
    channels = shape[2] if len(shape) > 2 else None
    if image_size is None and (height is None or width is None):
        raise ValueError(
            f"tfds dataset {name!r} has images of varying size; pass "
            "`image_size` to resize them to one square size."
        )
    num_examples = _num_examples(builder, name, split)

    def convert(image):
        image = uint8_to_unit(image)
        if channels is None:
            image = image[..., :3]
        if image_size is not None:
            image = resize_tensor(image, image_size)
        return image

    fixed_size = height is not None and width is not None

    def stream(batch_size, shuffle, seed, with_labels, drop_remainder):
        ds = builder.as_dataset(
            split=split,
            shuffle_files=shuffle,
            read_config=tfds.ReadConfig(shuffle_seed=seed),
        )
        if with_labels:
            ds = ds.map(lambda ex: (ex[image_key], tf.cast(ex[label_key], tf.int32)))
        else:
            ds = ds.map(lambda ex: ex[image_key])
        if shuffle:
            buffer = min(num_examples or _SHUFFLE_BUFFER, _SHUFFLE_BUFFER)
            ds = ds.shuffle(buffer, seed=seed, reshuffle_each_iteration=True)

        if fixed_size:
            # Same-size uint8 images batch cheaply; convert whole batches.
            ds = ds.batch(batch_size, drop_remainder=drop_remainder)
            return map_images(ds, convert, with_labels)
        return map_images(ds, convert, with_labels).batch(batch_size,
                                                          drop_remainder=drop_remainder)

    return Source(
        description=f"tfds dataset {name!r} ({split})",
        num_examples=num_examples,
        has_labels=label_key is not None,
        stream=stream,
        labels_hint="It has no ClassLabel feature.",
        class_names=(list(builder.info.features[label_key].names)
                     if label_key is not None else None),
    )
