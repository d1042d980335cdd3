"""The tutorials: each notebook matches its `.py` source and holds executed outputs.

Executing them is nbmake's job: `pytest` collects `tutorials/*.ipynb` (see
`testpaths` and `addopts` in pyproject.toml) and runs each in quick mode.
"""

import base64
import io
import re

import jupytext
import nbformat
import pytest
from PIL import Image

from conftest import REPO

TUTORIALS = REPO / "tutorials"
SOURCES = sorted(TUTORIALS.glob("[0-9][0-9]_*.py"))
NOTEBOOKS = sorted(TUTORIALS.glob("[0-9][0-9]_*.ipynb"))
MAX_NOTEBOOK_BYTES = 1_000_000


def cells(notebook):
    return [(cell.cell_type, cell.source.strip()) for cell in notebook.cells]


def test_every_source_has_a_notebook_and_the_other_way_round():
    assert SOURCES, "no tutorials found"
    assert [p.stem for p in SOURCES] == [p.stem for p in NOTEBOOKS]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_notebook_is_in_sync_with_its_source(source):
    expected = cells(jupytext.read(source))
    actual = cells(nbformat.read(source.with_suffix(".ipynb"), as_version=4))
    assert actual == expected, (
        f"{source.with_suffix('.ipynb').name} differs from {source.name}: run "
        f"`python tutorials/execute.py {source.stem}` to execute it again"
    )


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_committed_notebook_is_executed_small_and_shows_pictures(source):
    path = source.with_suffix(".ipynb")
    assert path.stat().st_size < MAX_NOTEBOOK_BYTES
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    # Executed top to bottom in one kernel, without errors.
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))
    outputs = [output for cell in code for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    pngs = [o.data["image/png"] for o in outputs if "image/png" in o.get("data", {})]
    assert pngs, f"{path.name} shows no picture"
    for png in pngs:
        with Image.open(io.BytesIO(base64.b64decode(png))) as image:
            assert image.format == "PNG" and min(image.size) >= 16
    # The committed outputs come from full mode; the first output says which.
    first_text = next(o.text for o in outputs if o.output_type == "stream")
    assert first_text.startswith("full mode"), first_text


def readme_picture(notebook):
    """The PNG shown by the cell tagged `readme-picture` (see tutorials/execute.py)."""
    for cell in notebook.cells:
        if "readme-picture" in cell.get("metadata", {}).get("tags", []):
            for output in cell.outputs:
                if "image/png" in output.get("data", {}):
                    return base64.b64decode(output.data["image/png"])
    return None


def test_the_docs_link_every_tutorial_with_its_picture():
    section = (REPO / "docs" / "tutorials.md").read_text()
    for path in NOTEBOOKS:
        link = f"(tutorials/{path.name})"
        row = next((line for line in section.splitlines() if link in line), None)
        assert row is not None, f"docs/tutorials.md does not link {link}"
        # One sentence, and the picture the notebook itself shows.
        assert re.search(r"\| [A-Z][^|]*\. \|", row), row
        asset = f"assets/tutorial_{path.stem}.png"
        assert f"]({asset})" in row, f"{path.name}'s row does not show {asset}"
        with Image.open(REPO / asset) as image:
            assert image.format == "PNG"
        picture = readme_picture(nbformat.read(path, as_version=4))
        assert picture == (REPO / asset).read_bytes(), (
            f"{asset} is not the picture {path.name} shows; run tutorials/execute.py"
        )
