"""The docs: a short README that leads into them, and a site MkDocs builds strictly."""

import re
import subprocess
import sys

import pytest

import kgan
from conftest import REPO

README = (REPO / "README.md").read_text()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q",
                             "-d", str(out)], cwd=REPO, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out


def test_readme_is_short_and_its_links_resolve():
    assert len(README.encode("utf-8")) <= 8 * 1024
    for target in re.findall(r"\]\((?!https?://)([^)#]+)(?:#[^)]*)?\)", README):
        assert (REPO / target).exists(), target


def test_own_images_are_two_clicks_from_the_readme():
    assert "(docs/getting-started.md#train-on-your-own-images)" in README
    guide = (REPO / "docs" / "getting-started.md").read_text()
    assert "\n## Train on your own images\n" in guide


def test_every_public_name_is_in_the_api_reference(site):
    page = (site / "api" / "index.html").read_text()
    anchors = set(re.findall(r'id="(kgan[\w.]*)"', page))
    expected = {f"kgan.{name}" for name in kgan.__all__ if not name.startswith("__")}
    for package in (kgan.tasks.unconditional, kgan.tasks.conditional, kgan.tasks.text):
        expected |= {f"{package.__name__}.{name}" for name in package.__all__}
    assert not sorted(expected - anchors), sorted(expected - anchors)


def test_the_command_line_reference_is_the_parser(site):
    page = (site / "cli" / "index.html").read_text()
    from kgan.cli import build_parser

    parser = build_parser()
    for command in ("train", "sample", "export", "evaluate"):
        assert f"kgan {command}" in page
    train = parser._subparsers._group_actions[0].choices["train"]
    for action in train._actions:
        for flag in action.option_strings:
            assert flag in page, flag


def test_the_docs_speak_of_the_product_not_of_issues():
    pages = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
    for path in pages:
        assert not re.search(r"\b[Ii]ssue \d+|the issue'?s?\b", path.read_text()), path
