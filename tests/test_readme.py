"""The README's commands and example stay true."""

import os
import re
import subprocess

import keras
import numpy as np

from conftest import REPO

README = (REPO / "README.md").read_text()


def code_block_after(marker, text=README):
    after = text.split(marker, 1)[1]
    return re.search(r"```\w*\n(.*?)```", after, re.S).group(1)


def run_example(code, directory):
    """Runs a documented example in `directory` with one epoch instead of its `epochs=N`;
    its names."""
    assert re.search(r"epochs=\d+", code)
    cwd = os.getcwd()
    os.chdir(directory)
    try:
        namespace = {}
        exec(re.sub(r"epochs=\d+", "epochs=1", code), namespace)
    finally:
        os.chdir(cwd)
    return namespace


def test_first_screen_has_exactly_the_two_setup_commands():
    first_screen = README.split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", first_screen, re.S)
    assert len(blocks) == 2
    install_and_train, install_and_test = (b.strip() for b in blocks)
    assert "pip install ." in install_and_train and "kgan train" in install_and_train
    assert 'pip install ".[test]"' in install_and_test and install_and_test.endswith("pytest")


def test_ci_runs_the_readme_test_command():
    printed = subprocess.run(["bash", ".ci/run", "--print-command"], cwd=REPO,
                             capture_output=True, text=True, check=True)
    assert printed.stdout.strip() == code_block_after("<!-- test-command -->").strip()


def test_python_example_runs(tmp_path):
    namespace = run_example(code_block_after("<!-- readme-example -->"), tmp_path)
    gan = keras.models.load_model(tmp_path / "runs/py/gan.keras")
    np.testing.assert_array_equal(gan.generate(16, seed=0), namespace["images"])
    assert (tmp_path / "runs/py/samples/epoch_0001.png").is_file()
    assert (tmp_path / "runs/py/saved_model/saved_model.pb").is_file()
