"""kgan.explore.directions: GANSpace directions, slerp, truncation, seeded noise."""

import numpy as np
import pytest

from kgan import explore


def test_find_directions_recovers_the_strongest_axes_of_a_known_map():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((2000, 4))
    rotation, _ = np.linalg.qr(rng.standard_normal((4, 4)))
    # Activations stretch z along rotated axes by 6, 3, 1 and 0.2, then add a non-linearity.
    features = np.maximum(z @ rotation * [6.0, 3.0, 1.0, 0.2], 0.0) + 0.01 * rng.normal(
        size=(2000, 4))
    found = explore.find_directions(z, features, k=2)
    assert found.vectors.shape == (2, 4) and found.vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(found.vectors, axis=1), 1.0, atol=1e-5)
    # The strongest direction in z is the first rotated axis, the second the next one.
    assert abs(found.vectors[0] @ rotation[:, 0]) > 0.95
    assert abs(found.vectors[1] @ rotation[:, 1]) > 0.9
    assert found.variance[0] > found.variance[1] > 0 and found.variance.sum() <= 1


def test_moving_along_a_direction_moves_the_activations_along_its_component():
    rng = np.random.default_rng(1)
    z = rng.standard_normal((1000, 3))
    mixing = rng.standard_normal((3, 16)) * [[4.0], [1.0], [0.3]]
    features = z @ mixing
    found = explore.find_directions(z, features, k=3)
    components = np.linalg.svd(features - features.mean(0), full_matrices=False)[2]
    for i in range(3):
        shift = (found.vectors[i] @ mixing) @ components.T   # the edit, in component coordinates
        assert abs(shift[i]) > 5 * np.delete(np.abs(shift), i).max()


@pytest.mark.parametrize("bad, message", [
    (dict(z=np.zeros((1, 3)), features=np.zeros((1, 3)), k=1), "n >= 2"),
    (dict(z=np.zeros((5, 3)), features=np.zeros((4, 3)), k=1), "one row per row"),
    (dict(z=np.zeros((5, 3)), features=np.zeros((5, 3)), k=4), "at most"),
])
def test_find_directions_names_the_bad_argument(bad, message):
    with pytest.raises(ValueError, match=message):
        explore.find_directions(**bad)


def test_slerp_keeps_the_norm_and_ends_at_both_points():
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((1, 8)), rng.standard_normal((1, 8))
    b *= np.linalg.norm(a) / np.linalg.norm(b)
    np.testing.assert_allclose(explore.slerp(a, b, 0.0), a, atol=1e-5)
    np.testing.assert_allclose(explore.slerp(a, b, 1.0), b, atol=1e-5)
    middle = explore.slerp(a, b, 0.5)
    np.testing.assert_allclose(np.linalg.norm(middle), np.linalg.norm(a), rtol=1e-5)
    assert np.linalg.norm((a + b) / 2) < np.linalg.norm(middle)  # the straight line cuts inside
    np.testing.assert_allclose(explore.slerp(a, a, 0.3), a, atol=1e-5)  # parallel: no NaN


def test_truncate_and_seeded_noise():
    z = explore.seeded_noise(3, 4, 5)
    np.testing.assert_array_equal(
        z, np.random.default_rng(3).standard_normal((4, 5)).astype("float32"))
    np.testing.assert_allclose(explore.truncate(z, 0.5), z * 0.5)
    assert not explore.truncate(z, 0.0).any()
    with pytest.raises(ValueError, match="`psi` must be in"):
        explore.truncate(z, 1.5)


def test_early_features_take_the_generator_first_nonlinearity():
    from conftest import tiny_gan

    generator = tiny_gan(latent_dim=4, compile=False).generator
    z = explore.seeded_noise(0, 6, 4)
    features = explore.early_features(generator)(z)
    first = next(l for l in generator.layers if "re_lu" in l.name or l.__class__.__name__ == "ReLU")
    assert features.shape == (6, *first.output.shape[1:])
    assert (features >= 0).all() and features.any()
    found = explore.find_directions(z, features, k=2)
    assert found.vectors.shape == (2, 4)
