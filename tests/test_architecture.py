"""Architecture rules `lint-imports` cannot state: checked on kgan's source."""

import ast
import re

import pytest

import kgan
from conftest import REPO

PACKAGE = REPO / "kgan"


def modules(*parts):
    root = PACKAGE.joinpath(*parts)
    return sorted(root.rglob("*.py")) if root.is_dir() else [root]


def family_words():
    """Words that name a family: task names, network names, model classes, their data."""
    words = {"conditional", "ConditionalGAN", "TextGAN", "vocabulary", "num_classes", "label",
             "labels", "class_names", "image", "images"}
    for task in map(kgan.tasks.get, kgan.tasks.names()):
        if task.name != "text":  # "text" is also an ordinary English word
            words.add(task.name)
        words.update(task.networks)
    return words


@pytest.mark.parametrize("path", modules("cli") + modules("export"),
                         ids=lambda p: str(p.relative_to(REPO)))
def test_command_line_and_export_core_name_no_family(path):
    source = path.read_text()
    found = sorted(w for w in family_words() if re.search(rf"\b{re.escape(w)}\b", source))
    assert not found, f"{path.relative_to(REPO)} names {found}"


@pytest.mark.parametrize("path", modules("cli"), ids=lambda p: str(p.relative_to(REPO)))
def test_no_command_line_function_is_over_60_lines(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            assert length <= 60, f"{path.name}:{node.lineno} {node.name} has {length} lines"


def test_private_names_stay_in_their_package():
    """`from kgan.a import _b` and `a._b` are allowed only inside kgan.a's own package."""
    offenders = []
    for path in modules():
        parts = path.relative_to(REPO).with_suffix("").parts
        if path.name == "__init__.py":
            module = package = ".".join(parts[:-1])
        else:
            module = ".".join(parts)
            package = module.rsplit(".", 1)[0]
        aliases = {}
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kgan"):
                for alias in node.names:
                    source = f"{node.module}.{alias.name}"
                    aliases[alias.asname or alias.name] = source
                    private = alias.name.startswith("_") and not alias.name.startswith("__")
                    if private and not node.module.startswith(package):
                        offenders.append(f"{module} imports {source}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("kgan") and alias.asname:
                        aliases[alias.asname] = alias.name
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                    and not node.attr.startswith("__") and isinstance(node.value, ast.Name)
                    and node.value.id in aliases
                    and not aliases[node.value.id].startswith(package)):
                offenders.append(f"{module} uses {aliases[node.value.id]}.{node.attr}")
    assert not offenders, offenders


def test_callbacks_are_one_class_per_module():
    for path in modules("callbacks"):
        tree = ast.parse(path.read_text())
        classes = [n.name for n in tree.body if isinstance(n, ast.ClassDef)
                   and not n.name.startswith("_")]
        assert len(classes) <= 1, f"{path.name} defines {classes}"
