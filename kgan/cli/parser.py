"""The `kgan` argument parser, assembled from the registered tasks.

The run flags (`--recipe`, `--seed`, `--out`, ...) are the command line's
own; every other `kgan train` flag is a field of some task's recipe class,
and every other `kgan sample` / `kgan evaluate` flag an `Argument` some task
declares. Their parser defaults are `None`, so a command can tell which
flags were given (a resumed run takes the others from its `run.json`).
"""

import argparse

from kgan import tasks
from kgan.export import formats
from kgan.validation import parse_positive_int

__all__ = ["build_parser", "recipe_flags", "task_arguments"]


def flag_name(dest):
    return "--" + dest.replace("_", "-")


def recipe_flags():
    """`{dest: (field, [tasks whose recipes have it])}` over every registered task."""
    flags = {}
    for task in map(tasks.get, tasks.names()):
        for field in task.recipe_class.flag_fields():
            flags.setdefault(field.name, (field, []))[1].append(task)
    return flags


def task_arguments(kind):
    """`{dest: (Argument, [tasks that declare it])}` for `kind` = "sample" or "evaluate"."""
    arguments = {}
    for task in map(tasks.get, tasks.names()):
        for argument in getattr(task, f"{kind}_arguments"):
            arguments.setdefault(argument.dest, (argument, []))[1].append(task)
    return arguments


def _owners(owners):
    everyone = tasks.names()
    names = [t.name for t in owners]
    return "" if names == everyone else f"; {', '.join(names)} task{'s' * (len(names) > 1)}"


def _recipe_defaults(field, owners):
    """`"8 (net_a), 64 (net_b, net_c)"`: the default recipe's value for each network."""
    values = {}
    for task in owners:
        for model in task.networks:
            value = getattr(task.default_recipe(model), field.name)
            values.setdefault(value, []).append(model)
    none = field.metadata["none"]
    shown = [f"{none if v is None or v == '' else v} ({', '.join(m)})" for v, m in values.items()]
    return ", ".join(shown)


def _add_recipe_flag(parser, field, owners):
    help_text = field.metadata["help"]
    if field.metadata["defaults"]:
        help_text += f" (default: {_recipe_defaults(field, owners)}{_owners(owners)})"
    elif _owners(owners):
        help_text += f" ({_owners(owners)[2:]})"
    if isinstance(field.default, bool):
        parser.add_argument(flag_name(field.name), action=argparse.BooleanOptionalAction,
                            default=None, help=help_text)
        return
    parser.add_argument(flag_name(field.name), type=field.metadata["parse"], default=None,
                        choices=field.metadata["choices"], help=help_text)


def _add_task_arguments(parser, kind):
    for argument, owners in task_arguments(kind).values():
        help_text = argument.help.replace("%(default)s", str(argument.default)) + _owners(owners)
        parser.add_argument(argument.flag, type=argument.type, default=None, help=help_text)


def _train_parser(commands):
    train = commands.add_parser(
        "train", help="train a GAN and write a run directory (or resume one)",
        description="Train a GAN with Keras' fit and write sample files, the saved model and a "
                    "SavedModel into a run directory. Given an existing run directory, "
                    "continue it from its last completed epoch. Defaults come from a recipe "
                    f"({', '.join(tasks.recipes())}): the --model's first, or --recipe.",
    )
    train.add_argument("--task", choices=tasks.names(), default=None,
                       help="task family; picks its first recipe (default: the --model's or "
                            f"--recipe's task; {tasks.default().name} without them)")
    train.add_argument("--recipe", choices=list(tasks.recipes()), default=None,
                       help="measured defaults to start from (default: the --model's first "
                            f"recipe; {tasks.default().default_recipe().name} without --model)")
    for field, owners in recipe_flags().values():
        _add_recipe_flag(train, field, owners)
    train.add_argument("--seed", type=int, default=None,
                       help="seed: two runs with the same seed give bit-identical weights on CPU")
    train.add_argument("--nan-lr-factor", type=float,
                       help="on a NaN, restore the last good epoch and multiply the learning "
                            "rates by this factor in (0, 1) instead of stopping")
    train.add_argument("--strategy", choices=("default", "mirrored", "multiworker"),
                       default="default",
                       help="tf.distribute strategy: all local GPUs (mirrored) or the workers "
                            "in TF_CONFIG (multiworker); default: one device")
    train.add_argument("--tensorboard", action="store_true", default=None,
                       help="also write each epoch's losses and samples as TensorBoard events "
                            "to RUN_DIR/tensorboard (a resumed run keeps doing so)")
    train.add_argument("--out", default=None,
                       help="run directory: a new one, or an earlier run to resume "
                            "(default: a new runs/MODEL-DATA-TIME)")
    train.add_argument("--verbose", type=int, choices=(0, 1, 2), default=1,
                       help="Keras progress output: 0 silent, 1 progress bar, 2 one line per epoch")


def build_parser():
    """The `kgan` parser, with the flags of every registered task."""
    parser = argparse.ArgumentParser(
        prog="kgan", description="Train, sample and export GANs built on Keras 3.")
    commands = parser.add_subparsers(dest="command", required=True)
    _train_parser(commands)

    sample = commands.add_parser("sample", help="write generated samples to a file",
                                 description="Generate samples from RUN_DIR/gan.keras.")
    sample.add_argument("run_dir", help="a run directory written by `kgan train`")
    sample.add_argument("--n", type=parse_positive_int, default=64, help="default: %(default)s")
    sample.add_argument("--seed", type=int, default=None,
                        help="seed of the noise (numpy.random.default_rng, drawn in chunks): "
                             "the same seed gives the same samples (default: fresh noise)")
    sample.add_argument("--out", required=True,
                        help="output file, by the run's task: " + "; ".join(
                            f"{t.name}: {t.sample_file}" for t in map(tasks.get, tasks.names())))
    _add_task_arguments(sample, "sample")

    export = commands.add_parser(
        "export", help="export the generator as a SavedModel, ONNX or LiteRT",
        description="Export RUN_DIR/gan.keras's sampling generator with its task's serving "
                    "signature.")
    export.add_argument("run_dir", help="a run directory written by `kgan train`")
    export.add_argument("--out", required=True,
                        help="directory to write: the SavedModel, or model.onnx / model.tflite "
                             "with signature.json")
    export.add_argument("--format", choices=formats.FORMATS,
                        default="saved_model",
                        help="saved_model (every signature), onnx (onnxruntime; needs pip "
                             "install \"kgan[onnx]\") or litert (the LiteRT interpreter) "
                             "(default: %(default)s)")
    export.add_argument("--overwrite", action="store_true",
                        help="replace an existing export at --out")

    explore = commands.add_parser(
        "explore", help="a local web page to play with a run's export (Gradio)",
        description="Serve a page over RUN_DIR/saved_model: seeds, interpolation, truncation and "
                    "latent directions, classes, text, by the run's task. Offline; needs "
                    "pip install \"kgan[explore]\".")
    explore.add_argument("run_dir", help="a run directory written by `kgan train`")
    explore.add_argument("--port", type=parse_positive_int, default=7860,
                         help="TCP port (default: %(default)s)")
    explore.add_argument("--host", default="127.0.0.1",
                         help="address to listen on (default: %(default)s, this machine only)")

    evaluation = commands.add_parser(
        "evaluate", help="measure a run's samples against real data",
        description="Measure samples of RUN_DIR/gan.keras against real data, print a table and "
                    "write RUN_DIR/metrics.json. By the run's task: " + " ".join(
                        f"{t.name}: {t.evaluate_description}" for t in map(tasks.get, tasks.names())
                        if t.evaluate_description),
    )
    evaluation.add_argument("run_dir", help="a run directory written by `kgan train`")
    _add_task_arguments(evaluation, "evaluate")
    _add_task_commands(commands)
    return parser


def _add_task_commands(commands):
    """A subcommand for each registered task's `Command`; `args.task_command` is the command."""
    for task in map(tasks.get, tasks.names()):
        for command in task.commands:
            if command.name in commands.choices:
                raise ValueError(f"The {task.name} task's command {command.name!r} is already a "
                                 "kgan command.")
            parser = commands.add_parser(command.name, help=command.help,
                                         description=command.description or command.help)
            for argument in command.arguments:
                if argument.positional:
                    parser.add_argument(argument.flag, type=argument.type, help=argument.help)
                elif argument.switch:
                    parser.add_argument(argument.flag, action="store_true", help=argument.help)
                else:
                    parser.add_argument(argument.flag, type=argument.type,
                                        default=argument.default, required=argument.required,
                                        help=argument.help)
            parser.set_defaults(task_command=command)


def recipe_dests():
    """The `dest` names of the recipe flags."""
    return list(recipe_flags())


def given_recipe_options(args):
    """The recipe flags the user typed: `{dest: value}`."""
    return {dest: getattr(args, dest) for dest in recipe_dests()
            if getattr(args, dest, None) is not None}


def check_recipe_options(task, given, flags=None):
    """Raises `ValueError` for a given flag that `task`'s recipes do not have."""
    fields = {f.name for f in task.recipe_class.flag_fields()}
    flags = flags or recipe_flags()
    for dest in given:
        if dest not in fields:
            owners = flags[dest][1]
            models = list(dict.fromkeys(m for t in owners for m in t.networks))
            raise ValueError(
                f"{flag_name(dest)} applies to --model {' or '.join(models)} only "
                f"({', '.join(t.name for t in owners)}), not to the {task.name} task."
            )
