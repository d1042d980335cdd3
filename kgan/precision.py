"""Precision policies of training runs: `float32`, `mixed_bfloat16`, or `auto`.

`mixed_bfloat16` computes in bfloat16 and keeps the variables in float32
(Keras' mixed precision). It only pays where the hardware multiplies
bfloat16 fast (Intel AMX, AVX-512 BF16, NVIDIA compute capability 8.0 and
up), and even there a small network's step can be slower. So `auto` decides
by measurement: where the hardware reports bfloat16 support it builds the
model both ways and times a few training steps on a real batch, and picks
`mixed_bfloat16` only when that is at least `AUTO_MIN_SPEEDUP` times as
fast; elsewhere it picks `float32` without measuring.

Example:

```python
import kgan.precision

with kgan.precision.scope("mixed_bfloat16"):
    generator, discriminator = kgan.networks.get("dcgan", image_shape=(28, 28, 1))
kgan.precision.bfloat16_hardware()   # e.g. "CPU flags amx_bf16, avx512_bf16", or None
```
"""

import contextlib
import dataclasses
import time

__all__ = [
    "AUTO_MIN_SPEEDUP",
    "POLICIES",
    "Choice",
    "bfloat16_hardware",
    "check_precision",
    "choose",
    "cpu_flags",
    "scope",
]

POLICIES = ("auto", "float32", "mixed_bfloat16")
AUTO_MIN_SPEEDUP = 1.1
_CPU_FLAGS = ("amx_bf16", "avx512_bf16")


def check_precision(value, name="precision"):
    """`value` if it is one of `POLICIES`, else a `ValueError` naming `name`."""
    if value not in POLICIES:
        raise ValueError(f"`{name}` must be one of {', '.join(POLICIES)}; got {value!r}.")
    return value


@contextlib.contextmanager
def scope(policy):
    """Builds layers under the Keras dtype `policy` (a concrete one, not `auto`)."""
    import keras

    if policy == "auto":
        raise ValueError("`precision` 'auto' must be resolved with kgan.precision.choose first.")
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(policy)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def cpu_flags():
    """The CPU's feature flags as /proc/cpuinfo reports them (empty where it does not)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith(("flags", "Features")):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def bfloat16_hardware():
    """What reports fast bfloat16 here (a GPU of compute capability 8.0 or more, or the
    CPU flags `amx_bf16` / `avx512_bf16`), or `None`."""
    import tensorflow as tf

    for device in tf.config.list_physical_devices("GPU"):
        capability = tf.config.experimental.get_device_details(device).get("compute_capability")
        if capability and tuple(capability) >= (8, 0):
            return f"GPU compute capability {capability[0]}.{capability[1]}"
    flags = sorted(set(_CPU_FLAGS) & cpu_flags())
    return f"CPU flags {', '.join(flags)}" if flags else None


@dataclasses.dataclass(frozen=True)
class Choice:
    """The policy a run trains under and why.

    Attributes:
        policy: `"float32"` or `"mixed_bfloat16"`.
        requested: what was asked for (`"auto"` or the policy itself).
        reason: one line for the log.
        speedup: measured steps/s of bfloat16 over float32, when measured.
    """

    policy: str
    requested: str
    reason: str
    speedup: "float | None" = None


def _steps_per_second(model, batch, steps):
    import tensorflow as tf

    from kgan.tfdata import steps_in_whole_calls

    dataset = tf.data.Dataset.from_tensors(batch).repeat()
    steps = steps_in_whole_calls(steps, model)
    # One call traces the step.
    model.fit(dataset, steps_per_epoch=steps_in_whole_calls(1, model), epochs=1, verbose=0)
    start = time.perf_counter()
    model.fit(dataset, steps_per_epoch=steps, epochs=1, verbose=0)
    return steps / (time.perf_counter() - start)


def choose(requested, build, batch, steps=30, repeats=3):
    """Resolves a requested precision to the policy to train under.

    Args:
        requested: one of `POLICIES`.
        build: `build(policy)` -> a compiled model of the run, built under
            that policy; called only for `auto` on bfloat16 hardware.
        batch: one training batch (what `fit` sees in one step).
        steps: training steps per timing.
        repeats: timings per policy, interleaved; their medians are compared.

    Returns:
        A `Choice`.
    """
    import numpy as np

    check_precision(requested)
    if requested != "auto":
        return Choice(requested, requested, "as requested")
    hardware = bfloat16_hardware()
    if hardware is None:
        return Choice("float32", "auto", "no fast bfloat16 here (no amx_bf16 or avx512_bf16 CPU "
                                         "flag, no GPU of compute capability 8.0 or more)")
    models = {policy: build(policy) for policy in ("float32", "mixed_bfloat16")}
    rates = {policy: [] for policy in models}
    for _ in range(repeats):
        for policy, model in models.items():
            rates[policy].append(_steps_per_second(model, batch, steps))
    speedup = float(np.median(rates["mixed_bfloat16"]) / np.median(rates["float32"]))
    policy = "mixed_bfloat16" if speedup >= AUTO_MIN_SPEEDUP else "float32"
    return Choice(policy, "auto", f"{hardware}; this model's training step measured "
                                  f"{speedup:.2f}x float32's speed in bfloat16 "
                                  f"(picks bfloat16 from {AUTO_MIN_SPEEDUP}x)", speedup)
