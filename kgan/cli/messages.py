"""Error messages in the words of the command line.

kgan's functions name their Python arguments (`` `batch_size`=300 ``,
`` `name_or_path` ``, ``long_lines='truncate'``); a command-line user typed
flags. `for_command_line` rewrites a message with the one mapping below:
every recipe field and task argument is its own flag (`batch_size` ->
`--batch-size`), and the arguments whose flag has another name are listed
here.
"""

import re

from kgan.cli.parser import flag_name, recipe_flags, task_arguments

__all__ = ["for_command_line"]

# Python arguments whose command-line flag has a different name.
RENAMED = {
    "name_or_path": "--data",
    "weights": "--inception-weights",
    "n_or_z": "--n",
    "lr_factor": "--nan-lr-factor",
    "format": "--format",
    "port": "--port",
    "host": "--host",
    "path": "--out",  # where the commands that write a file or directory write it
    "overwrite": "--overwrite",
}

# Python arguments whose flag takes no value: `overwrite=True` -> `--overwrite`.
SWITCHES = {"overwrite"}


def _flags():
    flags = {dest: flag_name(dest) for dest in recipe_flags()}
    for kind in ("sample", "evaluate"):
        flags.update({dest: argument.flag for dest, (argument, _) in task_arguments(kind).items()})
    return {**flags, **RENAMED}


def for_command_line(message):
    """`message` with the Python argument names it quotes replaced by their flags."""
    flags = _flags()

    def assigned(match):  # `max_length`=4 -> --max-length 4; long_lines='drop' -> --long-lines drop
        name, value = match.group("name") or match.group("bare"), match.group("value")
        if name not in flags:
            return match.group(0)
        if name in SWITCHES and value == "True":
            return flags[name]
        return f"{flags[name]} {value.strip(chr(39))}"

    message = re.sub(r"(?:`(?P<name>\w+)`|\b(?P<bare>\w+))=(?P<value>'[^']*'|[^\s,;)]*[^\s,;).])",
                     assigned, message)
    return re.sub(r"`(\w+)`", lambda m: flags.get(m.group(1), m.group(0)), message)
