"""`kgan explore`: one clear message for each bad start, before any server; the offline settings."""

import os
import shutil
import socket
import sys

import pytest

import explore_support as support
from kgan import cli


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return support.make_run(tmp_path_factory.mktemp("explore") / "digits", "unconditional")


def explore(args, capsys):
    status = cli.main(["explore", *args])
    err = capsys.readouterr().err.strip()
    return status, err


def test_a_run_without_an_export_is_refused_with_the_command_that_writes_it(run, tmp_path,
                                                                            capsys):
    bare = tmp_path / "bare"
    shutil.copytree(run, bare, ignore=shutil.ignore_patterns("saved_model"))
    status, err = explore([str(bare), "--port", str(support.free_port())], capsys)
    assert status == 2
    assert err.startswith("kgan explore: error: ") and len(err.splitlines()) == 1
    assert "has no export" in err and f"kgan export {bare}" in err and "--overwrite" in err


def test_a_damaged_export_is_refused(run, tmp_path, capsys):
    damaged = tmp_path / "damaged"
    shutil.copytree(run, damaged)
    with open(damaged / "saved_model" / "saved_model.pb", "wb") as f:
        f.write(b"not a protocol buffer")
    status, err = explore([str(damaged), "--port", str(support.free_port())], capsys)
    assert status == 2 and len(err.splitlines()) == 1
    assert err.startswith("kgan explore: error: the export ") and "does not load" in err


def test_a_port_in_use_names_the_flag(run, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status, err = explore([run, "--port", str(port)], capsys)
    assert status == 2
    assert err == (f"kgan explore: error: --port {port} on 127.0.0.1 is in use (or not "
                   "allowed); choose another --port.")


def test_not_a_run_directory_and_a_task_without_a_page(run, tmp_path, monkeypatch, capsys):
    import kgan

    status, err = explore([str(tmp_path / "missing")], capsys)
    assert status == 2 and "is not a directory" in err

    class NoPage(kgan.tasks.Task):
        name = "no-page"

    monkeypatch.setattr(kgan.tasks, "for_run", lambda info, model=None: NoPage())
    status, err = explore([run, "--port", str(support.free_port())], capsys)
    assert status == 2
    assert err == "kgan explore: error: kgan explore has no page for runs of the no-page task."


def test_without_gradio_the_message_says_how_to_install_it(run, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "gradio", None)  # `import gradio` raises ImportError
    status, err = explore([run], capsys)
    assert status == 2
    assert err == 'kgan explore: error: kgan explore needs Gradio: pip install "kgan[explore]".'


def test_pages_are_built_offline(run):
    import kgan

    kgan.explore.gradio()
    for name, value in kgan.explore.server.OFFLINE_ENVIRONMENT.items():
        assert os.environ[name] == value
    page = kgan.tasks.get("unconditional").explore_app(run, {"image_shape": [8, 8, 1]})
    assert page.analytics_enabled is False
    theme = kgan.explore.theme()
    assert "fonts.googleapis" not in theme._get_theme_css() and not any(
        "googleapis" in str(getattr(font, "stylesheet", lambda: "")()) for font in theme._font)
