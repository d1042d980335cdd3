"""`KeepsDTypePolicy`: kgan's networks reload under the dtype policy they were built with."""

import keras

__all__ = ["KeepsDTypePolicy"]


class KeepsDTypePolicy:
    """Mixin for kgan's generator and discriminator classes (before `keras.Model`).

    The classes build their layers in `__init__` and return their
    hyper-parameters from `get_config`, with `dtype_policy` (the policy the
    network was built under, e.g. `"mixed_bfloat16"`). `from_config` builds
    them under that policy again, so a network saved under mixed precision
    reloads in mixed precision whatever the global policy is when it is
    loaded (a config without it gets the global policy). A mixin rather than
    a base model: Keras rewrites the base of a model class built from
    `inputs` and `outputs`, which must not reach the subclassed ones.
    """

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        policy = config.pop("dtype_policy", None)
        previous = keras.config.dtype_policy()
        if policy is not None:
            keras.config.set_dtype_policy(policy)
        try:
            return cls(**config)
        finally:
            keras.config.set_dtype_policy(previous)
