"""The task registry: name -> `Task`, and the lookups the command line needs.

Tasks register themselves when their package is imported (`kgan` imports
its own); a separate package can add one with `register`, or declare it as
an entry point in the group `kgan.tasks` (a module that registers on
import), which `names()` and `get()` load on first use.
"""

import importlib.metadata
import inspect

__all__ = [
    "default",
    "export_generator",
    "for_model",
    "for_network",
    "for_run",
    "get",
    "names",
    "recipe",
    "recipes",
    "register",
]

ENTRY_POINT_GROUP = "kgan.tasks"

_TASKS = {}
_DEFAULT = []
_PLUGINS_LOADED = []


def register(task, default=False):
    """Registers `task` (a `Task` instance or subclass) under `task.name`; returns it.

    Args:
        task: the task; a class is instantiated.
        default: the task `kgan train` uses when neither `--model` nor
            `--recipe` names another, and that trains any registered network
            no recipe names.

    Example:

    ```python
    class Points(kgan.tasks.Task):
        name = "points"
        ...

    kgan.tasks.register(Points())
    ```
    """
    if inspect.isclass(task):
        task = task()
    name = getattr(task, "name", None)
    if not isinstance(name, str) or not name:
        raise ValueError(f"`task` must have a non-empty string `name`; got {name!r}.")
    if name in _TASKS and type(_TASKS[name]) is not type(task):
        raise ValueError(f"A task named {name!r} is already registered.")
    if not task.recipes:
        raise ValueError(f"Task {name!r} has no recipes; it needs at least one.")
    taken = {r.name: t.name for t in _TASKS.values() if t.name != name for r in t.recipes}
    for r in task.recipes:
        if r.name in taken:
            raise ValueError(f"Recipe {r.name!r} of task {name!r} is already a recipe of "
                             f"task {taken[r.name]!r}.")
    _TASKS[name] = task
    if default:
        _DEFAULT[:] = [name]
    return task


def _load_plugins():
    if _PLUGINS_LOADED:
        return
    _PLUGINS_LOADED.append(True)
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        entry_point.load()


def names():
    """The registered task names, in registration order."""
    _load_plugins()
    return list(_TASKS)


def get(name):
    """The task registered as `name`.

    Raises:
        ValueError: no such task (the message lists the registered ones).
    """
    _load_plugins()
    if name not in _TASKS:
        raise ValueError(
            f"Unknown task {name!r}; registered tasks: {', '.join(_TASKS)}. A task from "
            "another package is registered when that package is imported."
        )
    return _TASKS[name]


def default():
    """The default task (see `register`)."""
    _load_plugins()
    return _TASKS[_DEFAULT[0]] if _DEFAULT else next(iter(_TASKS.values()))


def recipes():
    """Every registered recipe, as a dict name -> `Recipe`."""
    return {r.name: r for task in map(get, names()) for r in task.recipes}


def recipe(name):
    """`(task, recipe)` for a recipe name.

    Raises:
        ValueError: no task has a recipe of that name.
    """
    for task in map(get, names()):
        for candidate in task.recipes:
            if candidate.name == name:
                return task, candidate
    raise ValueError(f"Unknown recipe {name!r}; the recipes are {', '.join(recipes())}.")


def for_network(model):
    """The task that trains the network pair `model`: the one whose recipes name
    it, else the default task."""
    for task in map(get, names()):
        if model in task.networks:
            return task
    return default()


def for_model(model):
    """The task whose `model_class` is nearest in `type(model)`'s MRO; the
    default task for anything else (e.g. a bare Keras generator)."""
    by_class = {task.model_class: task for task in map(get, names())}
    for cls in type(model).__mro__:
        if cls in by_class:
            return by_class[cls]
    return default()


def for_run(info, model=None):
    """The task of a run directory: its `run.json["task"]`; for a run written
    before runs named their task, the task that trains its `model`; with no
    `run.json` at all, the task of the loaded `model`."""
    if info.get("task"):
        return get(info["task"])
    if info.get("model"):
        return for_network(info["model"])
    return for_model(model)


def export_generator(gan, path, overwrite=False, format="saved_model", **kwargs):
    """Exports `gan`'s sampling generator as a SavedModel (or ONNX, LiteRT) with its task's
    signatures.

    The task is found from the model's class (`for_model`): a `kgan.GAN`
    serves `z -> images uint8`, a `kgan.ConditionalGAN` `(z, label) ->
    images`, a `kgan.TextGAN` `z -> text`; each also has a `generate`
    signature that draws seeded noise. The export uses
    `gan.sampling_generator` (the EMA generator when the GAN has one), runs
    it in inference mode, is written atomically and loads with TensorFlow
    alone. See each task's `export` for its signatures and arguments.

    Args:
        gan: a kgan model, or a bare Keras generator (noise -> images).
        path: the SavedModel directory to create.
        overwrite: replace an existing export at `path`.
        format: `"saved_model"`, `"onnx"` (`path/model.onnx`) or `"litert"`
            (`path/model.tflite`), the last two with `path/signature.json`;
            they serve what the SavedModel's `serving_default` serves
            (`kgan.export.formats`; `pip install "kgan[onnx]"` for ONNX).
        **kwargs: the task's own export arguments (e.g. `latent_dim` for a
            bare generator).

    Returns:
        The absolute path of the export.

    Example:

    ```python
    path = kgan.export_generator(gan, "exports/digits")
    import tensorflow as tf
    serve = tf.saved_model.load(path).signatures["serving_default"]
    kgan.export_generator(gan, "exports/digits-onnx", format="onnx")  # model.onnx
    ```
    """
    return for_model(gan).export_format(gan, path, format=format, overwrite=overwrite, **kwargs)
