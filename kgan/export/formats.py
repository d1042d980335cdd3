"""ONNX and LiteRT exports of a serving function, next to the SavedModel.

A task's `serving(model)` gives `(function, input_signature)`: the
computation of its SavedModel's `serving_default` (TF tensors in, a dict
of output tensors out) and its named `tf.TensorSpec`s. `export_serving`
converts that same function, so an ONNX or LiteRT export computes what the
SavedModel serves, uint8 mapping and all. Keras' own
`Model.export(format="onnx" | "litert")` converts a model's `call` only,
which is not what a kgan export serves (the mapping to uint8, a one-hot
input), so this module calls the converters Keras uses itself: tf2onnx for
ONNX, TensorFlow's `TFLiteConverter` (from a SavedModel) for LiteRT.

Each export is a directory, written atomically (`kgan.export.write_staged`):

- `model.onnx` or `model.tflite`, with one signature, `serving_default`;
- `signature.json`: `format`, `model` (the file's name), `inputs` and
  `outputs`, each a list of `{"name", "dtype", "shape"}` as the file names
  them (`null` for a dynamic dimension), and the ONNX `opset`.

ONNX names each value once, so an output named like an input (`x` ->
`x`) is `x_output` in the ONNX file. LiteRT takes TensorFlow's built-in operators only (no Select ops),
so the file runs in the plain LiteRT interpreter; a function that needs
more (strings) is refused with the operators it lacks. Dynamic dimensions
(`None`) stay dynamic: ONNX as named dynamic axes, LiteRT as `-1` in the
input's `shape_signature` (the signature runner resizes the input).

Example:

```python
from kgan.export import formats

function, signature = kgan.tasks.for_model(gan).serving(gan)
formats.export_serving(function, signature, "exports/digits-onnx", format="onnx")

import onnxruntime
session = onnxruntime.InferenceSession("exports/digits-onnx/model.onnx")
outputs = session.run(None, {"z": z})  # as signature.json lists them
```
"""

import contextlib
import importlib
import logging
import os
import tempfile

import tensorflow as tf

from kgan import export, files

__all__ = [
    "FORMATS", "LITERT", "MODEL_FILES", "ONNX", "SAVED_MODEL", "check_request", "export_serving",
]

SAVED_MODEL, ONNX, LITERT = "saved_model", "onnx", "litert"
FORMATS = (SAVED_MODEL, ONNX, LITERT)
MODEL_FILES = {ONNX: "model.onnx", LITERT: "model.tflite"}

# The modules each format needs to be written, and the extra that installs them.
_NEEDS = {ONNX: ("tf2onnx", "onnx")}


def check_format(format):
    """`format` if it is one of `FORMATS`, or a `ValueError` naming it."""
    if format not in FORMATS:
        raise ValueError(f"`format` must be one of {', '.join(FORMATS)}; got {format!r}.")
    return format


def check_request(format, path, overwrite):
    """Every check of an export request that needs no model: the format, the packages
    it needs, `path` and `overwrite` (an existing `path` needs `overwrite=True`).

    Raises:
        ValueError: a bad argument, or a package `format` needs is missing
            (naming the extra that installs it).
        FileExistsError: `path` exists and may not be replaced.
    """
    check_format(format)
    missing = []
    for module in _NEEDS.get(format, ()):
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise ValueError(
            f"`format`={format!r} needs the {' and '.join(missing)} package"
            f"{'s' * (len(missing) > 1)}: pip install \"kgan[{format}]\"."
        )
    target = export.check_path(path)
    export.check_target(target, export.check_overwrite(overwrite))
    return target


def export_serving(function, input_signature, path, format=ONNX, overwrite=False):
    """Writes `function` as a `format` export at `path` (a directory); returns its path.

    Args:
        function: TF tensors (one per spec, in order) -> a dict of output
            tensors; the export's `serving_default`.
        input_signature: a list of named `tf.TensorSpec`s; `None` dims are
            dynamic in every format.
        path: the directory to create (see `kgan.export.write_archive` for
            `overwrite`).
        format: `"onnx"` (`model.onnx`), `"litert"` (`model.tflite`), each
            with `signature.json`, or `"saved_model"` (a SavedModel with
            `serving_default` only).
        overwrite: replace an earlier export at `path`.

    Raises:
        ValueError: a bad argument, a missing package, or a function the
            format cannot express (naming the operators it lacks).

    Example:

    ```python
    def double(x):  # float32 [n, h, w, 3] -> [n, 2h, 2w, 3], any h and w
        return {"doubled": tf.repeat(tf.repeat(x, 2, axis=1), 2, axis=2)}
    formats.export_serving(double, [tf.TensorSpec([None, None, None, 3], tf.float32,
                                                  name="x")], "exports/double", format="onnx")
    ```
    """
    check_request(format, path, overwrite)
    concrete = _trace(function, input_signature)
    if format == SAVED_MODEL:
        return export.write_staged(path, lambda staged: _save(concrete, staged),
                                   overwrite=overwrite)
    inputs = [_describe(spec.name, spec) for spec in input_signature]
    outputs = [_describe(name, tensor) for name, tensor in concrete.structured_outputs.items()]
    if format == ONNX:
        data, opset, outputs = _to_onnx(function, input_signature, inputs, outputs)
        extra = {"opset": opset}
    else:
        data, extra = _to_litert(concrete, outputs), {}
    signature = {"format": format, "model": MODEL_FILES[format], "inputs": inputs,
                 "outputs": outputs, **extra}

    def write(staged):
        os.makedirs(staged)
        files.atomic_write_bytes(os.path.join(staged, MODEL_FILES[format]), data)
        files.write_json(signature, os.path.join(staged, export.EXPORT_MARKER))

    return export.write_staged(path, write, overwrite=overwrite)


def _trace(function, input_signature):
    """The concrete function of `function`, after checking its inputs and outputs."""
    if not callable(function):
        raise ValueError(f"`function` must be callable; got {type(function).__name__}.")
    if (not isinstance(input_signature, (list, tuple)) or not input_signature
            or not all(isinstance(s, tf.TensorSpec) and s.name for s in input_signature)):
        raise ValueError("`input_signature` must be a non-empty list of named tf.TensorSpec; "
                         f"got {input_signature!r}.")
    concrete = tf.function(function, input_signature=list(input_signature)) \
        .get_concrete_function()
    outputs = concrete.structured_outputs
    if not isinstance(outputs, dict) or not outputs or not all(
            isinstance(v, tf.Tensor) for v in outputs.values()):
        raise ValueError("`function` must return a non-empty dict of tensors; got "
                         f"{type(outputs).__name__}.")
    return concrete


def _describe(name, tensor):
    shape = tensor.shape
    return {"name": name, "dtype": tensor.dtype.name,
            "shape": None if shape.rank is None else shape.as_list()}


def _save(concrete, directory):
    """A SavedModel of `concrete` as `serving_default`, holding the variables it reads."""
    root = tf.Module()
    root.read_variables = list(concrete.variables)
    tf.saved_model.save(root, directory, signatures={export.SERVING_SIGNATURE: concrete})


def _unsupported(format, operators, outputs):
    strings = [o["name"] for o in outputs if o["dtype"] == "string"]
    because = (f" (the output {', '.join(f'`{s}`' for s in strings)} is tf.string)"
               if strings else "")
    return ValueError(
        f"`format`={format!r} cannot express this export{because}: "
        f"{'ONNX' if format == ONNX else 'LiteRT'} has no {', '.join(operators)} "
        f"operator{'s' * (len(operators) > 1)} "
        f"{'in its standard opsets' if format == ONNX else 'among its built-in operators'}; "
        "export it with format='saved_model'."
    )


@contextlib.contextmanager
def _quiet(logger_name):
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # what it cannot convert is raised, not logged
    try:
        yield
    finally:
        logger.setLevel(level)


def _to_onnx(function, input_signature, inputs, outputs):
    """`(bytes, opset, outputs)` of the ONNX model of `function` (outputs as ONNX names them)."""
    import onnx
    import tf2onnx

    # ONNX names every value once: an output named like an input is renamed.
    taken = {spec.name for spec in input_signature}
    names = {o["name"]: o["name"] + "_output" if o["name"] in taken else o["name"]
             for o in outputs}

    def renamed(*args):
        return {names[k]: v for k, v in function(*args).items()}

    with _quiet("tf2onnx"):
        proto, _ = tf2onnx.convert.from_function(
            tf.function(renamed, input_signature=list(input_signature)),
            input_signature=list(input_signature))
    missing = sorted({n.op_type for n in proto.graph.node if not onnx.defs.has(n.op_type, n.domain)})
    if missing:
        raise _unsupported(ONNX, missing, outputs)
    onnx.checker.check_model(proto)
    opset = next(o.version for o in proto.opset_import if o.domain in ("", "ai.onnx"))
    return proto.SerializeToString(), opset, [{**o, "name": names[o["name"]]} for o in outputs]


def _to_litert(concrete, outputs):
    """The LiteRT flatbuffer of `concrete`, built-in operators only."""
    with tempfile.TemporaryDirectory(prefix="kgan-litert-") as directory:
        _save(concrete, directory)
        converter = tf.lite.TFLiteConverter.from_saved_model(
            directory, signature_keys=[export.SERVING_SIGNATURE])
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
        try:
            return converter.convert()
        except Exception as error:  # tf.lite's ConverterError, which it does not export
            lacking = [line.split(":", 1)[1] for line in str(error).splitlines()
                       if line.startswith("TF Select ops:")]
            if not lacking:
                raise
            raise _unsupported(LITERT, [op.strip() for op in lacking[0].split(",")],
                               outputs) from None
