"""Task commands: a task's `Command`s become `kgan` subcommands, dispatched to `run(args)`."""

import pytest

import kgan
from kgan import cli
from kgan.tasks import Argument, Command


def test_a_task_command_is_parsed_and_run(monkeypatch, capsys):
    seen = []
    hello = Command("hello", "greet", (
        Argument("run_dir", "a run"),
        Argument("--times", "how often", type=int, default=1),
        Argument("--name", "who", required=True),
        Argument("--loud", "shout", switch=True)), run=seen.append)
    monkeypatch.setattr(kgan.tasks.get("text"), "commands", (hello,))
    assert cli.main(["hello", "runs/a", "--name", "you", "--loud"]) == 0
    assert (seen[0].run_dir, seen[0].times, seen[0].name, seen[0].loud) == ("runs/a", 1, "you",
                                                                          True)
    with pytest.raises(SystemExit):
        cli.main(["hello", "runs/a"])  # --name is required
    assert "the following arguments are required: --name" in capsys.readouterr().err

    def fail(args):
        raise ValueError(f"--times must be odd; got {args.times}.")

    monkeypatch.setattr(kgan.tasks.get("text"), "commands", (Command("hello", "greet", (
        Argument("--times", "how often", type=int, default=2),), run=fail),))
    assert cli.main(["hello"]) == 2
    assert capsys.readouterr().err == "kgan hello: error: --times must be odd; got 2.\n"


def test_a_task_command_may_not_take_a_kgan_command_name(monkeypatch):
    monkeypatch.setattr(kgan.tasks.get("text"), "commands", (Command("train", "again"),))
    with pytest.raises(ValueError, match="The text task's command 'train' is already a kgan"):
        cli.build_parser()
