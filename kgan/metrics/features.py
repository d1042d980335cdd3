"""Feature extractors: a domain classifier kgan trains, or a local Inception-v3.

A `FeatureExtractor` maps images (float, `[-1, 1]`, `[n, H, W, C]`) to
feature vectors and, when it has a classification head, to class
probabilities. Metric names carry the extractor's `name` (`fd_domain`,
`fd_inception`), so numbers from different features are never mixed up.

* `FeatureExtractor.fit(data)` trains a small CNN classifier on a labelled
  dataset (e.g. `"digits"` or an MNIST IDX directory); features are its
  penultimate layer, probabilities its softmax head. Its held-out test
  accuracy is recorded: a weak classifier gives weak features.
* `FeatureExtractor.inception(weights)` wraps `keras.applications.InceptionV3`
  loaded from a weights file on disk (2048-d pool features, and 1000 class
  probabilities when the file has the top). Nothing is ever downloaded.
"""

import json
import math
import numbers
import os
import warnings

import numpy as np

from kgan import files
from kgan.validation import check_int

__all__ = ["FeatureExtractor", "cache_dir", "default_extractor_path", "extractor_for"]

# Images may sit this far outside [-1, 1] (resampling round-off) before they are rejected.
RANGE_TOLERANCE = 1e-3
INCEPTION_SIZE = 299



def _metadata_path(path):
    return os.path.splitext(os.fspath(path))[0] + ".json"


def _downsamplings(side):
    # Stride-2 convolutions until the side is at most 8 (at least two).
    return 2 + max(0, math.ceil(math.log2(max(side, 1) / 32)))


def build_classifier(image_shape, num_classes, filters=32, feature_dim=64):
    """The domain CNN: strided convolutions, a `features` layer, class logits."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=tuple(image_shape), name="images")
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(inputs)
    for i in range(_downsamplings(min(image_shape[:2]))):
        x = layers.Conv2D(filters * min(2 ** (i + 1), 4), 3, strides=2, padding="same",
                          activation="relu")(x)
    x = layers.Flatten()(x)
    features = layers.Dense(feature_dim, activation="relu", name="features")(x)
    logits = layers.Dense(num_classes, name="logits")(features)
    return keras.Model(inputs, logits, name="kgan_domain_classifier")


def _labelled_arrays(data, image_size):
    import tensorflow as tf

    if isinstance(data, (str, os.PathLike)):
        from kgan import datasets

        images, labels = datasets.load_arrays(data, image_size=image_size)
        if labels is None:
            raise ValueError(
                f"`data` {os.fspath(data)!r} has no labels; FeatureExtractor.fit needs a "
                "labelled dataset (e.g. 'digits', an IDX directory with a labels file, or an "
                "image folder with one sub-folder per class)."
            )
        return images, labels, os.fspath(data)
    if isinstance(data, tf.data.Dataset):
        parts = list(data.as_numpy_iterator())
        if not parts or not isinstance(parts[0], tuple) or len(parts[0]) != 2:
            raise ValueError("`data` must yield (images, labels) batches.")
        images = np.concatenate([x for x, _ in parts])
        labels = np.concatenate([y for _, y in parts])
        return images, labels, "tf.data.Dataset"
    if isinstance(data, (tuple, list)) and len(data) == 2:
        return np.asarray(data[0]), np.asarray(data[1]), "arrays"
    raise ValueError(
        "`data` must be a dataset name or path, a tf.data.Dataset of (images, labels), or a "
        f"pair (images, labels) of arrays; got {type(data).__name__}."
    )


class FeatureExtractor:
    """Maps images to features (and class probabilities) for the metrics.

    Build one with `FeatureExtractor.fit`, `FeatureExtractor.load` or
    `FeatureExtractor.inception` rather than the constructor.

    Args:
        model: Keras model from images to `[features, probabilities]` or to
            features only.
        name: Short name put into metric names (`"domain"`, `"inception"`).
        image_shape: `(H, W, C)` the images must have, or `None` for any
            size (they are resized to the model's input).
        channels: Accepted channel counts when `image_shape` is `None`.
        metadata: dict describing the extractor (dataset, test accuracy, ...).

    Example:

    ```python
    extractor = kgan.metrics.FeatureExtractor.fit("digits")
    extractor.metadata["test_accuracy"]  # about 0.97
    features, probabilities = extractor.predict(images)  # [n, 64], [n, 10]
    extractor.save("extractors/digits.keras")
    same = kgan.metrics.FeatureExtractor.load("extractors/digits.keras")
    ```
    """

    def __init__(self, model, name, image_shape=None, channels=(1, 3), metadata=None):
        self.model = model
        self.name = name
        self.image_shape = None if image_shape is None else tuple(int(d) for d in image_shape)
        self.channels = tuple(channels)
        self.metadata = dict(metadata or {})
        outputs = model.outputs if isinstance(model.outputs, (list, tuple)) else [model.outputs]
        self.has_probabilities = len(outputs) == 2
        self.feature_dim = int(outputs[0].shape[-1])
        self.num_classes = int(outputs[1].shape[-1]) if self.has_probabilities else None
        self._call = None

    # ------------------------------------------------------------ building

    @classmethod
    def fit(cls, data, image_size=None, epochs=None, batch_size=64, filters=32, feature_dim=64,
            test_fraction=0.2, seed=0, verbose=0):
        """Trains the domain CNN classifier on labelled images.

        The examples are shuffled with `seed` and split: `test_fraction` is
        held out and the classifier's accuracy on it is recorded in
        `metadata["test_accuracy"]`.

        Args:
            data: A dataset name or path for `kgan.datasets.load_arrays`
                (must have labels), a `tf.data.Dataset` of
                `(images, labels)`, or a pair `(images, labels)` of arrays
                (float images in [-1, 1], integer labels 0..K-1).
            image_size: Resize to `image_size` square (names/paths only);
                `None` keeps the data's size.
            epochs: Training epochs; `None` picks enough for about 600
                steps, between 3 and 15 epochs (15 for the digits, 5 for
                the 10k MNIST test set).
            batch_size: Training batch size.
            filters: Width of the first convolution (later ones 2x, 4x).
            feature_dim: Size of the penultimate layer, i.e. of the features.
            test_fraction: Held-out fraction, in (0, 1).
            seed: Seeds the split and Keras' global random generators
                (`keras.utils.set_random_seed`); `None` leaves them alone.
            verbose: Keras `fit` verbosity.

        Returns:
            A `FeatureExtractor` named `"domain"`.

        Example:

        ```python
        extractor = FeatureExtractor.fit("digits", seed=0)
        extractor.metadata["test_accuracy"]  # about 0.98
        ```
        """
        import keras

        if epochs is not None:
            epochs = check_int(epochs, "epochs")
        batch_size = check_int(batch_size, "batch_size")
        filters = check_int(filters, "filters")
        feature_dim = check_int(feature_dim, "feature_dim")
        if not (isinstance(test_fraction, numbers.Real) and 0 < test_fraction < 1):
            raise ValueError(f"`test_fraction` must be a number in (0, 1); got {test_fraction!r}.")
        images, labels, source = _labelled_arrays(data, image_size)
        if images.ndim != 4:
            raise ValueError(f"`data` images must be [n, H, W, C]; got shape {images.shape}.")
        images = _check_values(images.astype(np.float32), "data images")
        labels = labels.astype(np.int64).reshape(-1)
        if labels.shape[0] != images.shape[0] or labels.min() < 0:
            raise ValueError("`data` must have one non-negative integer label per image.")
        num_classes = int(labels.max()) + 1
        if num_classes < 2:
            raise ValueError("`data` must have at least 2 classes.")
        n_test = int(round(test_fraction * images.shape[0]))
        if n_test < 1 or images.shape[0] - n_test < 1:
            raise ValueError(
                f"`data` has too few examples ({images.shape[0]}) to hold out a test set.")

        if seed is not None:
            keras.utils.set_random_seed(seed)
        order = np.random.default_rng(seed).permutation(images.shape[0])
        test, train = order[:n_test], order[n_test:]
        if epochs is None:
            steps_per_epoch = math.ceil(train.size / batch_size)
            epochs = min(15, max(3, math.ceil(600 / steps_per_epoch)))
        classifier = build_classifier(images.shape[1:], num_classes, filters, feature_dim)
        classifier.compile(
            optimizer=keras.optimizers.Adam(1e-3),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
        classifier.fit(images[train], labels[train], epochs=epochs, batch_size=batch_size,
                       shuffle=True, verbose=verbose)
        logits = classifier.predict(images[test], batch_size=256, verbose=0)
        accuracy = float((logits.argmax(axis=1) == labels[test]).mean())
        metadata = {
            "kind": "domain",
            "dataset": source,
            "image_shape": [int(d) for d in images.shape[1:]],
            "num_classes": num_classes,
            "feature_dim": feature_dim,
            "train_examples": int(train.size),
            "test_examples": int(test.size),
            "test_accuracy": accuracy,
            "epochs": epochs,
            "seed": seed,
        }
        return cls._from_classifier(classifier, metadata)

    @classmethod
    def _from_classifier(cls, classifier, metadata):
        import keras

        try:
            features = classifier.get_layer("features").output
        except ValueError:
            raise ValueError(
                "The classifier has no layer named 'features'; it was not written by "
                "FeatureExtractor.save."
            ) from None
        probabilities = keras.layers.Softmax(name="probabilities")(classifier.output)
        model = keras.Model(classifier.inputs, [features, probabilities])
        extractor = cls(model, "domain", image_shape=classifier.input_shape[1:],
                        metadata=metadata)
        extractor.classifier = classifier
        return extractor

    def save(self, path):
        """Writes the classifier to `path` (`.keras`) and metadata beside it (`.json`).

        Both files are written atomically. Only domain extractors are saved;
        an Inception extractor is rebuilt from its weights file.

        Returns:
            `path`.
        """
        path = os.fspath(path)
        if not path.endswith(".keras"):
            raise ValueError(f"`path` must end with '.keras'; got {path!r}.")
        if getattr(self, "classifier", None) is None:
            raise ValueError(
                f"Only domain extractors can be saved; this one is {self.name!r} (rebuild it "
                "from its weights file)."
            )
        files.atomic_write(path, self.classifier.save)
        files.write_json(self.metadata, _metadata_path(path))
        return path

    @classmethod
    def load(cls, path):
        """Loads a domain extractor written by `save`.

        Args:
            path: The `.keras` file; its metadata is read from the `.json`
                file beside it when present.
        """
        import keras

        path = os.fspath(path)
        if not os.path.isfile(path):
            raise ValueError(f"Feature extractor {path!r} does not exist.")
        classifier = keras.models.load_model(path, safe_mode=True, compile=False)
        metadata = {"kind": "domain"}
        if os.path.isfile(_metadata_path(path)):
            with open(_metadata_path(path)) as f:
                metadata = json.load(f)
        metadata["path"] = path
        return cls._from_classifier(classifier, metadata)

    @classmethod
    def inception(cls, weights, include_top=None):
        """Inception-v3 features from a local weights file (never downloads).

        Images of any size with 1 or 3 channels are resized to 299x299
        (bilinear) and gray images repeated to RGB; `[-1, 1]` is already
        Inception's input range. Features are the 2048-d average pool.

        Args:
            weights: Path of an InceptionV3 weights file (`.h5` or
                `.weights.h5`, e.g. Keras'
                `inception_v3_weights_tf_dim_ordering_tf_kernels.h5`).
            include_top: Whether the file has the 1000-class head; `None`
                tries with the head, then without. Without it there are no
                probabilities (no IS or class coverage).

        Returns:
            A `FeatureExtractor` named `"inception"`.

        Raises:
            ValueError: if the file is missing or is not InceptionV3 weights.
        """
        import keras

        weights = os.fspath(weights)
        if not os.path.isfile(weights):
            raise ValueError(f"`weights` {weights!r} is not a file; pass a local InceptionV3 "
                             "weights file (kgan never downloads weights).")
        problem = _inception_file_problem(weights)
        if problem:
            raise ValueError(
                f"`weights` {weights!r} is not an InceptionV3 weights file: {problem}.")
        tops = [True, False] if include_top is None else [bool(include_top)]
        errors = []
        for top in tops:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    base = keras.applications.InceptionV3(
                        include_top=top, weights=weights, pooling=None if top else "avg",
                        input_shape=(INCEPTION_SIZE, INCEPTION_SIZE, 3),
                    )
            except Exception as error:  # Keras raises several types for a wrong file
                errors.append(f"{'with' if top else 'without'} the top: "
                              f"{str(error).splitlines()[0][:200]}")
                continue
            if top:
                outputs = [base.get_layer("avg_pool").output, base.output]
            else:
                outputs = base.output
            model = keras.Model(base.inputs, outputs)
            extractor = cls(model, "inception", image_shape=None, channels=(1, 3),
                            metadata={"kind": "inception", "weights": os.path.abspath(weights),
                                      "include_top": top})
            extractor._resize_to = (INCEPTION_SIZE, INCEPTION_SIZE)
            return extractor
        raise ValueError(
            f"`weights` {weights!r} is not an InceptionV3 weights file: Keras could not load it "
            f"into keras.applications.InceptionV3 ({'; '.join(errors)})."
        )

    # ------------------------------------------------------------ using

    def describe(self):
        """One line naming the features, for tables and logs."""
        m = self.metadata
        if self.name == "domain":
            shape = "x".join(str(d) for d in m.get("image_shape", self.image_shape or ()))
            accuracy = m.get("test_accuracy")
            accuracy = "" if accuracy is None else f", test accuracy {accuracy:.3f}"
            return (f"domain (kgan CNN classifier trained on {m.get('dataset', '?')} "
                    f"{shape}{accuracy}; {self.feature_dim}-d features)")
        if self.name == "inception":
            return f"inception (InceptionV3 from {m.get('weights')}; 2048-d pool features)"
        return self.name

    def check_images(self, images, name="images"):
        """Returns `images` as float32 after checking shape and range; else ValueError."""
        array = np.asarray(images)
        if array.ndim != 4:
            raise ValueError(f"`{name}` must be a batch [n, H, W, C]; got shape {array.shape}.")
        if self.image_shape is not None and tuple(array.shape[1:]) != self.image_shape:
            problem = ("channel count" if array.shape[1:3] == self.image_shape[:2]
                       else "image size")
            raise ValueError(
                f"`{name}` have shape {tuple(array.shape[1:])} but the {self.name} feature "
                f"extractor expects {self.image_shape} (wrong {problem}); train or load an "
                "extractor for this image shape."
            )
        if self.image_shape is None and array.shape[-1] not in self.channels:
            raise ValueError(
                f"`{name}` have {array.shape[-1]} channels; the {self.name} feature extractor "
                f"takes {' or '.join(map(str, self.channels))}."
            )
        if not np.issubdtype(array.dtype, np.floating):
            raise ValueError(
                f"`{name}` must be floating point in [-1, 1]; got dtype {array.dtype} (scale "
                "uint8 images with x / 127.5 - 1)."
            )
        return _check_values(array.astype(np.float32, copy=False), name)

    def predict(self, images, batch_size=256):
        """Features and class probabilities of `images`.

        Args:
            images: float `[n, H, W, C]` in [-1, 1].
            batch_size: Images per model call.

        Returns:
            `(features [n, feature_dim], probabilities [n, num_classes])`
            as float64 arrays; probabilities is `None` without a head.
        """
        import tensorflow as tf

        images = self.check_images(images)
        resize_to = getattr(self, "_resize_to", None)
        if resize_to is not None and images.shape[-1] == 1:
            images = np.repeat(images, 3, axis=-1)
        if self._call is None:
            model = self.model
            shape = (None, None, None, 3) if resize_to is not None else (None,) + self.image_shape

            # One trace for every batch size.
            @tf.function(input_signature=[tf.TensorSpec(shape, tf.float32)])
            def call(x):
                if resize_to is not None:
                    x = tf.image.resize(x, resize_to, method="bilinear")
                out = model(x, training=False)
                return tuple(out) if isinstance(out, (list, tuple)) else (out,)

            self._call = call
        features, probabilities = [], []
        for start in range(0, images.shape[0], batch_size):
            out = self._call(tf.constant(images[start:start + batch_size]))
            features.append(out[0].numpy().astype(np.float64))
            if self.has_probabilities:
                probabilities.append(out[1].numpy().astype(np.float64))
        features = np.concatenate(features) if features else np.zeros((0, self.feature_dim))
        if not self.has_probabilities:
            return features, None
        return features, np.concatenate(probabilities)


def _inception_file_problem(path):
    """A reason why `path` cannot hold InceptionV3 weights, or None (a cheap check).

    Keras 3 `.weights.h5` files name layers by class (`conv2d` ... `conv2d_93`
    for InceptionV3's 94 convolutions, the first a 3x3x3x32 kernel); legacy
    `.h5` files list the model's layer names, among them `mixed10`.
    """
    import h5py

    try:
        with h5py.File(path, "r") as f:
            if "layer_names" in f.attrs:
                names = {n.decode() if isinstance(n, bytes) else str(n)
                         for n in f.attrs["layer_names"]}
                return None if "mixed10" in names else "it has no layer 'mixed10'"
            layers = f.get("layers")
            if layers is None:
                return "it is not a Keras weights file"
            if "conv2d_93" not in layers or "conv2d_94" in layers:
                return "it does not hold InceptionV3's 94 convolutions"
            kernel = layers.get("conv2d/vars/0")
            if kernel is None or tuple(kernel.shape) != (3, 3, 3, 32):
                return "its first convolution is not InceptionV3's 3x3x3x32 kernel"
    except OSError as error:
        return f"it is not an HDF5 file ({error})"
    return None


def _check_values(array, name):
    if array.size == 0:
        raise ValueError(f"`{name}` is empty.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"`{name}` contain NaN or infinite values.")
    low, high = float(array.min()), float(array.max())
    if low < -1 - RANGE_TOLERANCE or high > 1 + RANGE_TOLERANCE:
        raise ValueError(
            f"`{name}` must be in [-1, 1] like kgan's data and generators; got values in "
            f"[{low:g}, {high:g}] (scale uint8 images with x / 127.5 - 1)."
        )
    return array


def cache_dir():
    """Where `extractor_for` keeps trained extractors.

    `$KGAN_CACHE_DIR/extractors` when that variable is set, else
    `~/.cache/kgan/extractors`.
    """
    root = os.environ.get("KGAN_CACHE_DIR") or os.path.join(
        os.path.expanduser("~"), ".cache", "kgan")
    return os.path.join(root, "extractors")


def default_extractor_path(data, image_shape):
    """The cache file for the domain extractor of `data` at `image_shape`."""
    import hashlib

    text = os.fspath(data)
    local = os.path.exists(os.path.expanduser(text))
    identity = os.path.abspath(os.path.expanduser(text)) if local else text
    digest = hashlib.sha1(f"{identity}|{tuple(image_shape)}".encode()).hexdigest()[:10]
    base = "".join(c if c.isalnum() or c in "-_" else "_"
                   for c in os.path.basename(os.path.normpath(identity))) or "data"
    shape = "x".join(str(int(d)) for d in image_shape)
    return os.path.join(cache_dir(), f"{base}-{shape}-{digest}.keras")


def extractor_for(data, image_shape, path=None, verbose=True, **fit_kwargs):
    """Loads the domain extractor for `data` at `image_shape`, training it once if needed.

    Args:
        data: A labelled dataset name or path (as for `FeatureExtractor.fit`).
        image_shape: `(H, W, C)` of the images to evaluate; the data is
            resized to `H`.
        path: The `.keras` file to load, or to write after training;
            defaults to `default_extractor_path(data, image_shape)` in
            `cache_dir()`.
        verbose: Print a line when training or loading.
        **fit_kwargs: Passed to `FeatureExtractor.fit` when training.

    Returns:
        `(extractor, path, trained)`; `trained` tells whether it was trained now.

    Example:

    ```python
    extractor, path, trained = extractor_for("digits", (8, 8, 1))  # trains, saves
    extractor, path, trained = extractor_for("digits", (8, 8, 1))  # loads; trained is False
    ```
    """
    image_shape = tuple(int(d) for d in image_shape)
    path = os.fspath(path) if path is not None else default_extractor_path(data, image_shape)
    if not path.endswith(".keras"):
        raise ValueError(f"The feature extractor path must end with '.keras'; got {path!r}.")
    if os.path.isfile(path):
        extractor = FeatureExtractor.load(path)
        if extractor.image_shape != image_shape:
            raise ValueError(
                f"The feature extractor {path!r} takes images of shape {extractor.image_shape}, "
                f"not {image_shape}; pass another extractor path."
            )
        if verbose:
            print(f"Using the feature extractor {path}")
        return extractor, path, False
    if verbose:
        print(f"Training a feature extractor on {os.fspath(data)} {image_shape} "
              f"(once; saved to {path})")
    extractor = FeatureExtractor.fit(data, image_size=image_shape[0], **fit_kwargs)
    if extractor.image_shape != image_shape:
        raise ValueError(
            f"`data` {os.fspath(data)!r} has images of shape {extractor.image_shape}, not "
            f"{image_shape}."
        )
    extractor.save(path)
    extractor.metadata["path"] = path
    return extractor, path, True
