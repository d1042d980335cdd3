"""The `kgan` command line: `kgan train | sample | export | evaluate | explore`.

`kgan train` with no arguments trains the default task's default recipe
(offline) and writes a run directory; `--task`, `--model` and `--recipe`
choose another. The
commands dispatch on the run's task (`run.json["task"]`) through
`kgan.tasks`; nothing here knows one family from another. A task's own
commands (`kgan.tasks.Command`, in `Task.commands`) are subcommands too,
run by their `run(args)`.
"""

import sys

from kgan.cli.parser import build_parser
from kgan.cli.run_dir import CommandError

__all__ = ["CommandError", "build_parser", "main"]


def main(argv=None):
    """Runs `kgan ARGV...`; returns the exit status: 0, 2 for a user error (printed in
    one line), 130 when interrupted (Ctrl-C)."""
    from kgan.cli import commands
    from kgan.cli.messages import for_command_line
    from kgan.cli.train import train

    args = build_parser().parse_args(argv)
    command = {"train": train, "sample": commands.sample, "export": commands.export,
               "evaluate": commands.evaluate, "explore": commands.explore}.get(args.command)
    if command is None:  # a task's own command
        command = args.task_command.run
    try:
        command(args)
    except KeyboardInterrupt:
        # Every file is written atomically and each epoch is backed up, so the
        # run is left resumable.
        print(f"kgan {args.command}: interrupted; rerun the same command to resume.",
              file=sys.stderr)
        return 130
    except Exception as error:
        if not _is_user_error(error):
            raise
        print(f"kgan {args.command}: error: {for_command_line(str(error))}", file=sys.stderr)
        return 2
    return 0


def _is_user_error(error):
    from kgan.datasets import DatasetUnavailableError

    return isinstance(error, (CommandError, ValueError, OSError, DatasetUnavailableError))
