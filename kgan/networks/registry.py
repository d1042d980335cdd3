"""The name -> builder registry behind `kgan.networks.get`."""

_BUILDERS = {}


def register(name):
    """Registers `builder(image_shape, latent_dim, **kwargs)` under `name`.

    The builder returns a `(generator, discriminator)` pair of Keras models.

    Example:

    ```python
    @kgan.networks.register("tiny")
    def tiny(image_shape, latent_dim, **kwargs):
        ...
        return generator, discriminator
    ```
    """

    def decorator(builder):
        if name in _BUILDERS and _BUILDERS[name] is not builder:
            raise ValueError(f"A network pair named {name!r} is already registered.")
        _BUILDERS[name] = builder
        return builder

    return decorator


def names():
    """Sorted names of the registered network pairs."""
    return sorted(_BUILDERS)


def get(name, image_shape, latent_dim=128, **kwargs):
    """Builds the `(generator, discriminator)` pair registered as `name`.

    Args:
        name: a registered name (see `names()`), e.g. `"dcgan"`.
        image_shape: `(height, width, channels)` of the images.
        latent_dim: size of the generator's input noise vector.
        **kwargs: hyper-parameters forwarded to the builder.

    Returns:
        A `(generator, discriminator)` tuple of Keras models.
    """
    if name not in _BUILDERS:
        raise ValueError(
            f"Unknown network {name!r} (argument `name`/`--model`). "
            f"Registered networks: {', '.join(names())}."
        )
    return _BUILDERS[name](image_shape=image_shape, latent_dim=latent_dim, **kwargs)
