"""kgan/cli/messages.py: error messages in the flags a command-line user typed."""

import pytest

from kgan.cli.messages import for_command_line


@pytest.mark.parametrize("python, command_line", [
    ("`batch_size`=300 is larger than the number of examples in x.",
     "--batch-size 300 is larger than the number of examples in x."),
    ("`name_or_path` 'foo' is neither a built-in dataset",
     "--data 'foo' is neither a built-in dataset"),
    ("`image_size` must be None or an integer >= 4, got 2.",
     "--image-size must be None or an integer >= 4, got 2."),
    ("`weights` is not an InceptionV3 weights file", "--inception-weights is not an InceptionV3"
                                                       " weights file"),
    ("longer than `max_length`=4 characters. Raise `max_length`, or pass long_lines='truncate' "
     "or long_lines='drop'.",
     "longer than --max-length 4 characters. Raise --max-length, or pass --long-lines truncate "
     "or --long-lines drop."),
    ("`labels` must be in [0, 10)", "--labels must be in [0, 10)"),
    ("`path` '/a/b' already exists; pass overwrite=True to replace it.",
     "--out '/a/b' already exists; pass --overwrite to replace it."),
    ("`held_out`=0.5 is not a flag", "`held_out`=0.5 is not a flag"),  # no flag: left alone
])
def test_python_arguments_become_flags(python, command_line):
    assert for_command_line(python) == command_line
