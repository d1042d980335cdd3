"""`kgan sample`, `kgan export` and `kgan evaluate`: each asks the run's task."""

from kgan import tasks
from kgan.cli.parser import task_arguments
from kgan.cli.run_dir import CommandError, RunDir

__all__ = ["evaluate", "export", "sample"]


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
    run, model, task = _open(args.run_dir)
    path = task.export(model, args.out, overwrite=args.overwrite)
    print(f"Wrote SavedModel to {path} (signature {task.export_summary(model)})")
    return path


def evaluate(args):
    run, model, task = _open(args.run_dir)
    options = _task_options(task, "evaluate", args, run)
    return task.evaluate(model, run.path, run.info or {}, **options)
