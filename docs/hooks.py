"""MkDocs hook: the command-line reference is generated from kgan's own parser.

`docs/cli.md` holds the marker `<!-- cli-reference -->`; at build time it is
replaced by the `--help` of `kgan` and of each of its commands, so the page
cannot drift from the code.
"""

import argparse
import os

MARKER = "<!-- cli-reference -->"


def _commands(parser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices
    return {}


def cli_reference():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from kgan.cli import build_parser

    parser = build_parser()
    parts = ["## kgan", "", "```text", parser.format_help().rstrip(), "```", ""]
    for name, command in _commands(parser).items():
        parts += [f"## kgan {name}", "", "```text", command.format_help().rstrip(), "```", ""]
    return "\n".join(parts)


def on_page_markdown(markdown, page, config, files):
    if MARKER in markdown:
        return markdown.replace(MARKER, cli_reference())
    return markdown
