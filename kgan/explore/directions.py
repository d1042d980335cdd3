"""Latent directions without labels (GANSpace), and the walks in noise space the pages use.

GANSpace (Härkönen et al. 2020, "GANSpace: Discovering Interpretable GAN
Controls") samples many `z`, takes the generator's early activations for
each, finds their principal components, and maps each component back to
`z` by least squares: with `x` the activations' coordinates on the
components, `z ≈ x @ B`, and row `i` of `B` is the edit in `z` that moves
along component `i`. Nothing here knows Keras except `early_features`.
"""

import dataclasses

import numpy as np

from kgan.validation import check_int

__all__ = ["Directions", "early_features", "find_directions", "seeded_noise", "slerp", "truncate"]


@dataclasses.dataclass(frozen=True)
class Directions:
    """Edits in noise space, strongest first.

    Attributes:
        vectors: float32 `[k, latent_dim]`, unit length: `z + s * vectors[i]`
            moves a sample along principal component `i`.
        variance: float32 `[k]`, the fraction of the activations' variance
            each component explains.
    """

    vectors: np.ndarray
    variance: np.ndarray


def find_directions(z, features, k):
    """The `k` principal directions of `features`, mapped back to the noise `z`.

    Args:
        z: noise `[n, latent_dim]` the features were computed from.
        features: activations `[n, ...]` (flattened per row), one row per `z`.
        k: how many directions (at most `min(n, latent_dim)`).

    Returns:
        A `Directions`.

    Example:

    >>> z = np.random.default_rng(0).standard_normal((500, 3))
    >>> found = find_directions(z, z * [5.0, 1.0, 0.1], k=1)
    >>> np.round(np.abs(found.vectors[0]), 1).tolist()
    [1.0, 0.0, 0.0]
    """
    z = np.asarray(z, dtype="float64")
    if z.ndim != 2 or z.shape[0] < 2:
        raise ValueError(f"`z` must have shape (n, latent_dim) with n >= 2; got {z.shape}.")
    features = np.asarray(features, dtype="float64").reshape(len(features), -1)
    if features.shape[0] != z.shape[0]:
        raise ValueError(f"`features` must have one row per row of `z` ({z.shape[0]}); got "
                         f"{features.shape[0]}.")
    k = check_int(k, "k")
    if k > min(z.shape):
        raise ValueError(f"`k` must be at most min(n, latent_dim) = {min(z.shape)}; got {k}.")
    centred = features - features.mean(axis=0)
    _, singular, components = np.linalg.svd(centred, full_matrices=False)
    coordinates = centred @ components[:k].T                  # [n, k]
    mapping, *_ = np.linalg.lstsq(coordinates, z, rcond=None)  # z ≈ coordinates @ mapping
    norms = np.linalg.norm(mapping, axis=1, keepdims=True)
    vectors = mapping / np.where(norms > 0, norms, 1.0)
    variance = singular[:k] ** 2 / max(float(np.sum(singular ** 2)), 1e-12)
    return Directions(vectors.astype("float32"), variance.astype("float32"))


def early_features(generator, layer=None):
    """A function `z -> activations` of a Keras generator's early layer.

    Args:
        generator: a functional Keras model of noise (its first input).
        layer: the layer's name; default: the first activation layer (the
            non-linearity after the generator's projection of `z`).

    Returns:
        `features(z, *other_inputs)` -> NumPy activations `[n, ...]`.
    """
    import keras

    if layer is None:
        kinds = (keras.layers.ReLU, keras.layers.LeakyReLU, keras.layers.Activation)
        chosen = next((l for l in generator.layers if isinstance(l, kinds)), None)
        if chosen is None:
            raise ValueError(f"`generator` {generator.name!r} has no activation layer; name "
                             "the early `layer` to take activations from.")
    else:
        chosen = generator.get_layer(layer)
    model = keras.Model(generator.inputs, chosen.output)

    def features(*inputs):
        return keras.ops.convert_to_numpy(model(list(inputs), training=False))

    return features


def slerp(a, b, t):
    """Spherical interpolation from `a` (`t = 0`) to `b` (`t = 1`), row by row.

    Gaussian noise lives near a sphere, so walking along the arc keeps the
    norm a generator saw in training (a straight line passes nearer 0).

    Example:

    >>> slerp(np.array([1.0, 0.0]), np.array([0.0, 1.0]), 0.5).round(3).tolist()
    [0.707, 0.707]
    """
    a, b = np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64")
    unit_a = a / np.linalg.norm(a, axis=-1, keepdims=True)
    unit_b = b / np.linalg.norm(b, axis=-1, keepdims=True)
    omega = np.arccos(np.clip(np.sum(unit_a * unit_b, axis=-1, keepdims=True), -1.0, 1.0))
    sin = np.sin(omega)
    safe = np.where(sin > 1e-6, sin, 1.0)
    arc = (np.sin((1 - t) * omega) * a + np.sin(t * omega) * b) / safe
    return np.where(sin > 1e-6, arc, (1 - t) * a + t * b).astype("float32")


def truncate(z, psi):
    """The truncation trick on `z ~ N(0, 1)`: `psi * z`, pulled towards the mean 0.

    `psi = 1` leaves the samples as they are; smaller values trade variety
    for typical, cleaner samples (the mean sample at `psi = 0`).
    """
    if not 0.0 <= float(psi) <= 1.0:
        raise ValueError(f"`psi` must be in [0, 1]; got {psi!r}.")
    return (float(psi) * np.asarray(z, dtype="float32")).astype("float32")


def seeded_noise(seed, n, latent_dim):
    """`z ~ N(0, 1)` `[n, latent_dim]` float32 from `numpy.random.default_rng(seed)`, as
    `kgan sample --seed` draws it."""
    return np.random.default_rng(int(seed or 0)).standard_normal((n, latent_dim)).astype("float32")
