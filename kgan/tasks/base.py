"""`Task`, `Recipe` and `Argument`: what a family of GANs gives the rest of kgan.

A **task** is one family (unconditional images, class-conditional images,
text, ...). It owns its model class, its measured recipes, the command-line
arguments it adds, the files it writes while training, its export
signatures and how `kgan sample` / `kgan evaluate` treat its runs. The
command line and the export core only ever talk to a `Task`; they name no
family.

A **recipe** is one measured way of training (keras-hub's presets,
nanoGPT's typed config): a frozen dataclass of hyper-parameters. Each field
carries its own command-line help and parser, so `kgan train --batch-size`
and `task.build(recipe, batch_size=...)` are the same option with the same
default.

Example:

```python
task = kgan.tasks.get("unconditional")
task.recipe("dcgan-mnist").batch_size          # 8
gan = task.build("dcgan-mnist", image_shape=(28, 28, 1))   # compiled, as `kgan train` builds it
```
"""

import dataclasses
from typing import Any, Callable, Optional

from kgan.validation import (
    check_int, check_positive, check_unit_interval, parse_positive_float, parse_positive_int,
    parse_unit_interval,
)

__all__ = ["Argument", "Command", "Recipe", "Task", "TaskData", "option", "optional"]

_NOTHING = object()


def option(default, help, parse=None, check=None, absent=_NOTHING, flag=True, choices=None,
           none="none", defaults=True):
    """A recipe field with what the command line needs to offer it.

    Args:
        default: the value when a recipe does not set it.
        help: the flag's help (the defaults of the recipes are added).
        parse: the flag's argparse `type` (its text -> a value); `None`
            for a string; a `bool` default makes an on/off flag
            (`--name` / `--no-name`).
        check: `check(value, name)` -> the value, or a `ValueError` naming
            the Python argument; run on every recipe.
        absent: the value a run directory means when its `run.json` has
            no such key (it was written before the option existed).
            Default: the recipe's value.
        flag: offer it as `--name-with-dashes` in `kgan train`.
        choices: the allowed values.
        none: how the help shows a default of `None` or `""`.
        defaults: whether the help lists the recipes' defaults.
    """
    metadata = {"help": help, "parse": parse, "check": check, "flag": flag, "choices": choices,
                "none": none, "defaults": defaults}
    if absent is not _NOTHING:
        metadata["absent"] = absent
    return dataclasses.field(default=default, metadata=metadata)


def optional(check):
    """`check` that also accepts `None`."""
    def check_optional(value, name):
        return None if value is None else check(value, name)

    return check_optional


def _text(value, name):
    if not isinstance(value, str) or not value:
        raise ValueError(f"`{name}` must be a non-empty string; got {value!r}.")
    return value


@dataclasses.dataclass(frozen=True, kw_only=True)
class Recipe:
    """The hyper-parameters every GAN training run has; tasks add theirs.

    Every field is also a `kgan train` flag (`batch_size` -> `--batch-size`)
    unless marked otherwise. `dataclasses.replace(recipe, ...)` (or
    `Task.recipe(name, **overrides)`) makes a variant; values are checked.

    Args:
        name: the recipe's name, e.g. `"dcgan-mnist"`.
        model: the network pair (`kgan.networks.get(model, ...)`).
        data: the data trained on by default.
        epochs: total epochs.
        batch_size: examples per step.
        latent_dim: size of the generator's noise.
        loss: adversarial loss (`kgan.losses.names()`).
        learning_rate: Adam learning rate of both networks.
        g_learning_rate: the generator's, when it differs (TTUR).
        d_learning_rate: the discriminator's, when it differs.
        ema_decay: decay of the generator's EMA used for sampling and export;
            0 for none.
        num_samples: samples in each epoch's sample file.
        description: where the recipe's numbers come from.

    Example:

    ```python
    recipe = kgan.tasks.recipe("dcgan-mnist")[1]
    faster = dataclasses.replace(recipe, batch_size=16)   # checked like any recipe
    kgan.tasks.get("unconditional").build(faster, image_shape=(28, 28, 1))
    ```
    """

    name: str = option("custom", "", flag=False)
    model: str = option("dcgan", "registered network pair (kgan.networks.names()); it picks the "
                              "task and its first recipe", check=_text, defaults=False)
    data: str = option("digits", "training data: a dataset name or a path", check=_text)
    epochs: int = option(60, "total epochs; a resumed run continues up to this number",
                         parse=parse_positive_int, check=check_int)
    batch_size: int = option(64, "examples per step", parse=parse_positive_int, check=check_int)
    latent_dim: int = option(32, "size of the generator's noise", parse=parse_positive_int,
                             check=check_int)
    loss: str = option("non_saturating", "adversarial loss (kgan.losses.names())", check=_text)
    learning_rate: float = option(2e-4, "Adam learning rate of both networks",
                                  parse=parse_positive_float, check=check_positive)
    g_learning_rate: Optional[float] = option(
        None, "generator learning rate (TTUR)", parse=parse_positive_float,
        check=optional(check_positive), absent=None, none="--learning-rate")
    d_learning_rate: Optional[float] = option(
        None, "discriminator learning rate (TTUR)", parse=parse_positive_float,
        check=optional(check_positive), absent=None, none="--learning-rate")
    ema_decay: float = option(
        0.0, "EMA of the generator's weights used for sampling and export; 0 disables it",
        parse=parse_unit_interval, check=check_unit_interval, absent=0.0)
    num_samples: int = option(64, "samples in each epoch's sample file",
                              parse=parse_positive_int, check=check_int)
    description: str = option("", "", flag=False)

    def __post_init__(self):
        for field in dataclasses.fields(self):
            check = field.metadata.get("check")
            if check is not None:
                object.__setattr__(self, field.name, check(getattr(self, field.name), field.name))

    @classmethod
    def flag_fields(cls):
        """The fields `kgan train` offers as flags."""
        return [f for f in dataclasses.fields(cls) if f.metadata.get("flag")]

    def options(self):
        """The recipe as a plain dict (what `run.json` records), without name and description."""
        values = dataclasses.asdict(self)
        values.pop("name")
        values.pop("description")
        return values

    @classmethod
    def from_run(cls, saved, default):
        """The recipe a run directory was trained with.

        Args:
            saved: the run's `run.json` dict.
            default: the recipe to take a value from when `saved` lacks it
                and the field says nothing about old runs (`absent`).
        """
        values = {}
        for field in dataclasses.fields(cls):
            if field.name in ("name", "description"):
                continue
            value = saved.get(field.name)
            if value is None and getattr(default, field.name) is not None:
                value = field.metadata.get("absent", getattr(default, field.name))
            values[field.name] = value
        return cls(name=saved.get("recipe") or default.name, **values)


@dataclasses.dataclass(frozen=True)
class Argument:
    """A command-line argument a task adds to `kgan sample`, `kgan evaluate` or its own command.

    Args:
        flag: e.g. `"--labels"`; a name without dashes (`"run_dir"`) is a
            positional argument (task commands only).
        help: its help text.
        type: its argparse `type` (`None`: a string).
        default: its value when not given (the parser's default is `None`,
            so the command can tell whether it was given).
        required: the flag must be given (task commands only).
        switch: an on/off flag without a value (`--overwrite`; task
            commands only), `False` unless given.
    """

    flag: str
    help: str
    type: Optional[Callable] = None
    default: Any = None
    required: bool = False
    switch: bool = False

    @property
    def dest(self):
        return self.flag.lstrip("-").replace("-", "_")

    @property
    def positional(self):
        return not self.flag.startswith("-")


@dataclasses.dataclass(frozen=True)
class Command:
    """A `kgan` subcommand a task adds (e.g. `kgan upscale`), next to `train`, `sample`, ...

    Args:
        name: the subcommand, e.g. `"upscale"`.
        help: one line for `kgan --help`.
        arguments: its `Argument`s, positional ones first, in order.
        run: `run(args)`, given the parsed `argparse.Namespace` (an attribute
            per argument's `dest`); a `ValueError` or `OSError` it raises is
            printed as one line with exit status 2.
        description: the longer text of `kgan NAME --help` (default: `help`).

    Example:

    ```python
    class MyTask(kgan.tasks.Task):
        commands = (kgan.tasks.Command(
            "hello", "greet a run", (kgan.tasks.Argument("run_dir", "a run directory"),),
            run=lambda args: print("hello", args.run_dir)),)
    ```
    """

    name: str
    help: str
    arguments: tuple = ()
    run: Optional[Callable] = None
    description: str = ""


@dataclasses.dataclass
class TaskData:
    """What a task's `load_data` gives `kgan train`.

    Attributes:
        dataset: what `fit` trains on.
        sample_shape: the shape of one sample.
        info: facts about the data recorded in `run.json` (e.g.
            `image_shape`, `class_names`, `vocabulary`).
        fit_arguments: extra `fit` arguments (e.g. `steps_per_epoch`).
        source: the task's own handle on the data (e.g. a `TextData`).
    """

    dataset: Any
    sample_shape: tuple
    info: dict = dataclasses.field(default_factory=dict)
    fit_arguments: dict = dataclasses.field(default_factory=dict)
    source: Any = None


class Task:
    """A family of GANs, as the command line, the export core and Python see it.

    Subclasses set the class attributes and implement `build`, `load_data`,
    `build_for_data`, `export`, `sample` and `serving_example`; the other
    hooks have defaults. Register an instance with `kgan.tasks.register`.

    Attributes:
        name: the registry key, written to `run.json["task"]`.
        model_class: the `keras.Model` subclass this task trains; exporting
            an instance of it (or of a subclass no other task claims) uses
            this task's signatures.
        recipe_class: the task's `Recipe` dataclass.
        recipes: the measured recipes; for each network the first one that
            uses it is its default.
        sample_arguments: `Argument`s `kgan sample` offers for this task.
        evaluate_arguments: `Argument`s `kgan evaluate` offers for this task.
        commands: `Command`s (own `kgan` subcommands) this task adds.
        sample_file: what `kgan sample --out` writes, for the help.
        evaluate_description: what `kgan evaluate` measures, for the help
            (empty: it does not measure this task's runs).
        deterministic: whether `--seed` also turns on TensorFlow's op
            determinism (bit-identical runs) for this task.
    """

    name = None
    description = ""
    model_class = None
    recipe_class = Recipe
    recipes = ()
    sample_arguments = ()
    evaluate_arguments = ()
    commands = ()
    sample_file = "the task's sample file"
    evaluate_description = ""
    deterministic = True

    # ------------------------------------------------------------ recipes

    @property
    def networks(self):
        """The network pairs this task's recipes train, in order."""
        return list(dict.fromkeys(r.model for r in self.recipes))

    def default_recipe(self, model=None):
        """The first recipe for `model` (any, when `None`); a registered network
        that no recipe names gets the first recipe with `model` swapped in."""
        for recipe in self.recipes:
            if model is None or recipe.model == model:
                return recipe
        return dataclasses.replace(self.recipes[0], name=f"{self.recipes[0].name}+{model}",
                                   model=model)

    def recipe(self, recipe=None, **overrides):
        """A recipe of this task by name (default: the first), with `overrides` applied.

        Args:
            recipe: a recipe name, a `Recipe` of this task, or `None`.
            **overrides: field values to change (checked like the recipe's).

        Raises:
            ValueError: an unknown name, or an override that is not a field.
        """
        if recipe is None:
            chosen = self.default_recipe()
        elif isinstance(recipe, self.recipe_class):
            chosen = recipe
        else:
            chosen = {r.name: r for r in self.recipes}.get(recipe)
            if chosen is None:
                raise ValueError(
                    f"`recipe`: {recipe!r} is not a recipe of the {self.name} task; its recipes "
                    f"are {', '.join(r.name for r in self.recipes)}."
                )
        fields = {f.name for f in dataclasses.fields(self.recipe_class)}
        unknown = sorted(set(overrides) - fields)
        if unknown:
            raise ValueError(
                f"`{unknown[0]}` is not an option of the {self.name} task's recipes; the "
                f"options are {', '.join(sorted(fields - {'name', 'description'}))}."
            )
        return dataclasses.replace(chosen, **overrides) if overrides else chosen

    # --------------------------------------------------------------- Python

    def build(self, recipe=None, **kwargs):
        """A compiled model built from `recipe` (see the task's own docstring)."""
        raise NotImplementedError

    def choose_precision(self, recipe, batch, build):
        """The `kgan.precision.Choice` for the recipe's `precision` (`float32` for a
        recipe without one); `auto` times `build(recipe)` under each policy on `batch`."""
        from kgan import precision

        requested = getattr(recipe, "precision", "float32")
        return precision.choose(
            requested, lambda policy: build(dataclasses.replace(recipe, precision=policy)), batch)

    # ------------------------------------------------------------ kgan train

    def load_data(self, recipe, seed):
        """The training data for `recipe`, checked; returns a `TaskData`."""
        raise NotImplementedError

    def build_for_data(self, recipe, data, seed):
        """`build` with the facts `data` gives (shapes, classes, vocabulary)."""
        raise NotImplementedError

    def check_data(self, model, data):
        """Raises `ValueError` if `model` cannot train on `data` (a `TaskData`)."""
        model.check_data(data.dataset)

    def callbacks(self, model, recipe, out, seed):
        """Callbacks that write this task's files into the run directory `out`."""
        return []

    def before_fit(self, model, data, recipe, out, verbose):
        """Runs once before a new run's first epoch (e.g. a warm start).

        Returns facts to record in `run.json`.
        """
        return {}

    def final_artefacts(self, recipe, seed):
        """The files this task writes once training has ended, besides `gan.keras`,
        `saved_model/` and `losses.png`: `{name: write(model, data, out)}`.

        `kgan train` records, for each, the epoch it was written for, and a
        rerun writes again whatever is missing or older than the last epoch
        (after an interruption), from the backup.
        """
        return {}

    # -------------------------------------------------- sample, export, ...

    def export(self, model, path, overwrite=False):
        """Writes `model`'s generator as a SavedModel at `path`; returns its path."""
        raise NotImplementedError

    def serving(self, model):
        """`(function, input_signature)`: the computation of the export's `serving_default`.

        `function` maps TF tensors (one per spec) to a dict of output
        tensors (e.g. `{"images": uint8}`); `input_signature` is its list of
        named `tf.TensorSpec`s (`None` for a dynamic dimension). The
        SavedModel's `serving_default` is built from it, and
        `export_format` converts it to ONNX and LiteRT
        (`kgan.export.formats`).
        """
        raise NotImplementedError

    def export_format(self, model, path, format="saved_model", overwrite=False, **options):
        """Writes `model`'s export in `format` at `path`; returns its path.

        `"saved_model"` is `export`; `"onnx"` and `"litert"` convert
        `serving(model, **options)` (`kgan.export.formats.export_serving`).
        """
        from kgan.export import formats

        formats.check_request(format, path, overwrite)
        if format == formats.SAVED_MODEL:
            return self.export(model, path, overwrite=overwrite, **options)
        try:
            function, signature = self.serving(model, **options)
        except NotImplementedError:
            raise ValueError(
                f"`format`={format!r}: the {self.name} task has no serving function "
                "(Task.serving), which ONNX and LiteRT exports convert; export it with "
                "format='saved_model'.") from None
        signature = self.converted_signature(model, signature, format)
        return formats.export_serving(function, signature, path, format=format,
                                      overwrite=overwrite)

    def converted_signature(self, model, signature, format):
        """The input signature `format` (`"onnx"` or `"litert"`) converts `serving`'s
        function at: `signature` itself unless a task's networks need shapes fixed there."""
        return signature

    def export_summary(self, model):
        """One line saying what the export's `serving_default` maps."""
        return "serving_default"

    def serving_example(self, model, n=4, seed=0):
        """`(inputs, outputs)`: inputs of `serving_default` and what it returns for them,
        computed in Python with `model` (NumPy arrays)."""
        raise NotImplementedError

    def sample(self, model, out, n, seed, info, **options):
        """Writes `n` samples of `model` to `out`; returns `(path, message)`.

        `options` holds this task's `sample_arguments` (by `dest`); `info`
        is the run's `run.json` (empty for a bare `.keras` file).
        """
        raise NotImplementedError

    def evaluate(self, model, run_dir, info, **options):
        """Measures a run (`kgan evaluate`); returns the result."""
        raise ValueError(f"kgan evaluate does not measure runs of the {self.name} task.")

    def explore_app(self, run_dir, info):
        """The `kgan explore` page of a run: a `gradio.Blocks` over `run_dir/saved_model`
        (built with `kgan.explore`; `info` is the run's `run.json`).

        Raises:
            ValueError: this task has no page, or the run's export is missing or damaged.
        """
        raise ValueError(f"kgan explore has no page for runs of the {self.name} task.")
