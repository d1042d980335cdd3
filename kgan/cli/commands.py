"""`kgan sample`, `kgan export`, `kgan evaluate` and `kgan explore`: each asks the run's task."""

import os

from kgan import tasks
from kgan.cli.parser import task_arguments
from kgan.cli.run_dir import CommandError, RunDir

__all__ = ["evaluate", "explore", "export", "sample"]


def _open(run_dir):
    """`(run, model, task)` of a run directory (or of a directory holding only `gan.keras`)."""
    run = RunDir(run_dir)
    model = run.load_model()
    return run, model, tasks.for_run(run.info or {}, model)


def _task_options(task, kind, args, run):
    """The values of `task`'s own `kind` arguments; another task's flag, given, is refused."""
    options = {}
    for dest, (argument, owners) in task_arguments(kind).items():
        value = getattr(args, dest)
        if task in owners:
            options[dest] = argument.default if value is None else value
        elif value is not None:
            raise CommandError(
                f"{argument.flag} does not apply to the run in {run.path!r}, a run of the "
                f"{task.name} task ({argument.flag} is for runs of the "
                f"{', '.join(t.name for t in owners)} task{'s' * (len(owners) > 1)})."
            )
    return options


def sample(args):
    run, model, task = _open(args.run_dir)
    options = _task_options(task, "sample", args, run)
    path, message = task.sample(model, args.out, args.n, args.seed, run.info or {}, **options)
    print(message)
    return path


def export(args):
    from kgan.export import formats

    formats.check_request(args.format, args.out, args.overwrite)  # before loading the model
    run, model, task = _open(args.run_dir)
    path = task.export_format(model, args.out, format=args.format, overwrite=args.overwrite)
    written = {"saved_model": "SavedModel"}.get(args.format) or \
        f"{formats.MODEL_FILES[args.format]} and signature.json"
    print(f"Wrote {written} to {path} (signature {task.export_summary(model)})")
    return path


def evaluate(args):
    run, model, task = _open(args.run_dir)
    options = _task_options(task, "evaluate", args, run)
    return task.evaluate(model, run.path, run.info or {}, **options)


def explore(args):
    """Builds the run's page and serves it; every check comes before the server starts."""
    from kgan import explore as pages

    pages.gradio()
    pages.check_port(args.port, args.host)
    run = RunDir(args.run_dir)
    if not os.path.isdir(run.path):
        raise CommandError(f"{run.path!r} is not a directory; give a run directory written by "
                           "`kgan train`.")
    info = run.info or {}
    task = tasks.for_run(info, None if info.get("task") or info.get("model") else run.load_model())
    app = task.explore_app(run.path, info)
    return pages.launch(app, port=args.port, host=args.host)
