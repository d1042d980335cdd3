"""What the speed benchmarks share: FLOP counts, the matmul reference, timing, data.

FLOPs are counted from the layers (multiply-adds x 2) of `Dense`, `Conv2D`
and `Conv2DTranspose` (also inside `SpectralNormalization`), the layers that
do almost all of the arithmetic; element-wise work (activations, batch norm,
optimizer updates) is not counted, so it shows up as lost efficiency. A
backward pass is counted as twice its forward pass (input and weight
gradients).
"""

import gzip
import os
import platform
import statistics
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

from kgan.tfdata import steps_in_whole_calls  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
MNIST_DIR = REPO_ROOT.parent / "shared" / "data" / "mnist"


# -------------------------------------------------------------------- FLOPs


def forward_flops(model):
    """FLOPs of one example's forward pass through `model` (see module docstring)."""
    total = 0
    for layer in model.layers:
        inner = layer.layer if isinstance(layer, layers.SpectralNormalization) else layer
        if isinstance(inner, keras.Model):
            total += forward_flops(inner)
        elif isinstance(inner, layers.Conv2DTranspose):
            height, width = layer.input.shape[1:3]
            total += 2 * height * width * int(np.prod(inner.kernel.shape))
        elif isinstance(inner, layers.Conv2D):
            height, width = layer.output.shape[1:3]
            total += 2 * height * width * int(np.prod(inner.kernel.shape))
        elif isinstance(inner, layers.Dense):
            positions = int(np.prod(layer.output.shape[1:-1] or [1]))
            total += 2 * positions * int(np.prod(inner.kernel.shape))
    return total


def step_flops(generator, discriminator, batch_size, generator_passes=1):
    """FLOPs of one GAN training step on `batch_size` real images.

    With one generator pass (kgan): G forward + backward (3 F_G) and D
    forward + backward on the reals and on the fakes, plus the backward
    through D to the fakes for the generator's gradient (7 F_D). The
    tutorial step runs G twice and D on the fakes once more (4 F_G + 8 F_D).
    """
    f_g, f_d = forward_flops(generator), forward_flops(discriminator)
    if generator_passes == 1:
        return batch_size * (3 * f_g + 7 * f_d)
    return batch_size * (4 * f_g + 8 * f_d)


# ------------------------------------------------------------ matmul reference


def matmul_gflops(size=2048, seconds=1.0, dtype="float32"):
    """GFLOP/s of a `size x size` matmul in `dtype` (float32 by default), over about
    `seconds`."""
    a = tf.cast(tf.random.normal((size, size), seed=1), dtype)
    b = tf.cast(tf.random.normal((size, size), seed=2), dtype)
    matmul = tf.function(tf.linalg.matmul)
    matmul(a, b).numpy()
    calls, start = 0, time.perf_counter()
    while True:
        out = matmul(a, b)
        calls += 1
        if calls % 4 == 0:
            out.numpy()
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                return 2 * size**3 * calls / elapsed / 1e9


# ------------------------------------------------------------------ timing


class EpochTimer(keras.callbacks.Callback):
    """Records each epoch's wall time and this process's CPU time (all threads)."""

    def __init__(self):
        super().__init__()
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = (time.perf_counter(), time.process_time())

    def on_epoch_end(self, epoch, logs=None):
        # Pull the values so any outstanding device work has finished.
        for value in (logs or {}).values():
            float(np.asarray(value).ravel()[0])
        wall, cpu = time.perf_counter(), time.process_time()
        self.seconds.append((wall - self._start[0], cpu - self._start[1]))


def add_recipe_arguments(parser):
    """`--recipe` and `--image-size`, for the benchmarks that time a recipe's training step
    on one-channel images (`recipe_of` reads them back)."""
    parser.add_argument("--recipe", default="dcgan-mnist",
                        help="an image recipe of the unconditional task (default dcgan-mnist)")
    parser.add_argument("--image-size", type=int, default=28,
                        help="side of the one-channel images (default 28)")


def recipe_of(parser, args):
    """`(task, recipe)` named by `--recipe`; a parser error unless it is the unconditional
    task's."""
    from kgan import tasks

    task, recipe = tasks.recipe(args.recipe)
    if task.name != "unconditional":
        parser.error(f"--recipe {args.recipe!r}: expected a recipe of the unconditional task")
    return task, recipe


def timed_epoch(model, dataset, steps):
    """Runs one epoch of `steps` steps; returns its (wall, CPU) seconds.

    On endless data `fit` runs whole calls of the model's `steps_per_execution`
    steps, so `steps` must be a multiple of it."""
    if steps_in_whole_calls(steps, model) != steps:
        raise ValueError(f"{steps} steps are not a multiple of the model's "
                         f"steps_per_execution ({model.steps_per_execution})")
    timer = EpochTimer()
    model.fit(dataset, steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False,
              callbacks=[timer])
    return timer.seconds[0]


def interleaved_step_rates(models, dataset, steps, repeats):
    """Median training steps/s of each model of `models` (key -> compiled model) on
    `dataset`: each is traced with one call of its step, then `repeats` rounds time
    `steps` steps of every model in turn."""
    for model in models.values():
        timed_epoch(model, dataset, steps_in_whole_calls(1, model))
    rates = {key: [] for key in models}
    for _ in range(repeats):
        for key, model in models.items():
            wall, _ = timed_epoch(model, dataset, steps)
            rates[key].append(steps / wall)
    return {key: statistics.median(values) for key, values in rates.items()}


def time_calls(calls, iters, repeats):
    """Median (wall, CPU) milliseconds per call of each `fn(*inputs)` in `calls`.

    `calls` maps a name to `(fn, inputs)`. Each function is called once
    untimed; then, `repeats` times, every function in turn is timed over
    `iters` calls (round-robin, so a burst of load from other processes does
    not land on one function only).
    """
    def run(fn, inputs, n):
        out = None
        for _ in range(n):
            out = fn(*inputs)
        tf.nest.flatten(out)[0].numpy()  # wait for queued device work

    for fn, inputs in calls.values():
        run(fn, inputs, 1)
    wall = {name: [] for name in calls}
    cpu = {name: [] for name in calls}
    for _ in range(repeats):
        for name, (fn, inputs) in calls.items():
            start_wall, start_cpu = time.perf_counter(), time.process_time()
            run(fn, inputs, iters)
            wall[name].append((time.perf_counter() - start_wall) / iters * 1e3)
            cpu[name].append((time.process_time() - start_cpu) / iters * 1e3)
    return {name: (statistics.median(wall[name]), statistics.median(cpu[name]))
            for name in calls}


def forward_backward(network):
    """A `tf.function` returning the gradients of `mean(network(x))` w.r.t. its weights."""
    @tf.function(autograph=False)
    def run(x):
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(network(x, training=True))
        return tape.gradient(loss, network.trainable_weights)
    return run


# -------------------------------------------------------------------- data


def mnist(seed=0):
    """(float32 images [n, 28, 28, 1] in [-1, 1], int labels [n], description).

    The MNIST test set from `../shared/data/mnist` when present, random
    images and labels otherwise (the speed does not depend on the pixels).
    """
    images_file = MNIST_DIR / "t10k-images-idx3-ubyte.gz"
    labels_file = MNIST_DIR / "t10k-labels-idx1-ubyte.gz"
    if images_file.is_file() and labels_file.is_file():
        with gzip.open(images_file, "rb") as f:
            raw = f.read()
        count, rows, cols = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
        pixels = np.frombuffer(raw, dtype=np.uint8, offset=16)
        images = pixels.reshape(count, rows, cols, 1).astype("float32") / 127.5 - 1.0
        with gzip.open(labels_file, "rb") as f:
            labels = np.frombuffer(f.read(), dtype=np.uint8, offset=8).astype("int32")
        return images, labels, f"MNIST test images ({count}) from {MNIST_DIR}"
    print(f"note: {MNIST_DIR} not found; using random images in [-1, 1] instead.")
    return random_images(10000, 28, 1, seed) + ("random images (MNIST not found)",)


def random_images(count, side, channels, seed=0):
    """(float32 images [count, side, side, channels] in [-1, 1], labels in 0..9)."""
    rng = np.random.default_rng(seed)
    images = rng.uniform(-1.0, 1.0, size=(count, side, side, channels)).astype("float32")
    return images, rng.integers(0, 10, count).astype("int32")


def repeated_batches(arrays, batch_size):
    """An endless, cached, prefetched dataset of batches of `arrays` (one array or a tuple)."""
    return (
        tf.data.Dataset.from_tensor_slices(arrays)
        .batch(batch_size, drop_remainder=True)
        .cache()
        .repeat()
        .prefetch(tf.data.AUTOTUNE)
    )


# ----------------------------------------------------------------- machine


_RELIED_ON_FLAGS = ("avx2", "fma", "avx512f", "avx512_bf16", "amx_tile", "amx_bf16")


def cpu_model():
    """`(model name, the CPU flags of _RELIED_ON_FLAGS it reports)` from /proc/cpuinfo."""
    from kgan.precision import cpu_flags

    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            model = next((line.partition(":")[2].strip() for line in f
                          if line.partition(":")[0].strip() == "model name"), model)
    except OSError:
        pass
    flags = cpu_flags()
    return model, [flag for flag in _RELIED_ON_FLAGS if flag in flags]


def machine_info():
    model, flags = cpu_model()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    gpus = tf.config.list_physical_devices("GPU")
    return [
        ("python", platform.python_version()),
        ("tensorflow / keras", f"{tf.__version__} / {keras.__version__}"),
        ("machine", f"{platform.machine()}, {platform.processor() or platform.system()}"),
        ("CPU model", model),
        ("CPU flags", ", ".join(flags) or "none of " + ", ".join(_RELIED_ON_FLAGS)),
        ("CPUs", f"{os.cpu_count()} ({usable} usable by this process)"),
        ("GPUs", ", ".join(g.name for g in gpus) if gpus else "none"),
        ("TF threads", f"intra-op {tf.config.threading.get_intra_op_parallelism_threads()}, "
                       f"inter-op {tf.config.threading.get_inter_op_parallelism_threads()} "
                       "(0 = TF default)"),
    ]


def print_machine():
    print("Machine")
    for key, value in machine_info():
        print(f"  {key:<20} {value}")
