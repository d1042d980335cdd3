"""Executes tutorials from their `.py` sources into the paired `.ipynb`.

    python tutorials/execute.py                      # every tutorial, full mode
    python tutorials/execute.py 01_dcgan --quick     # one tutorial, quick mode

Full mode is what the committed notebooks show. Each notebook runs in a fresh
kernel whose working directory is a temporary directory, deleted afterwards,
so the paths it prints read `runs/...` as they would for a reader. The kernel
imports this checkout's kgan.

The PNG shown by the cell tagged `readme-picture` is also written to
`assets/tutorial_NAME.png`, the picture docs/tutorials.md shows for that tutorial.
"""

import argparse
import base64
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import jupytext
import nbclient

HERE = Path(__file__).resolve().parent
ASSETS = HERE.parent / "assets"
README_TAG = "readme-picture"
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(HERE.parent)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
)


def sources():
    return sorted(p for p in HERE.glob("[0-9][0-9]_*.py"))


def readme_picture(notebook):
    """The PNG bytes shown by the cell tagged `readme-picture`, or None."""
    for cell in notebook.cells:
        if README_TAG in cell.get("metadata", {}).get("tags", []):
            for output in cell.get("outputs", []):
                if "image/png" in output.get("data", {}):
                    return base64.b64decode(output["data"]["image/png"])
    return None


def execute(source, quick, timeout):
    notebook = jupytext.read(source)
    notebook.metadata["kernelspec"] = {
        "name": "python3", "display_name": "Python 3", "language": "python",
    }
    workdir = tempfile.mkdtemp(prefix="kgan-tutorial-")
    saved = {key: os.environ.get(key) for key in ("KGAN_TUTORIAL_QUICK", "KGAN_TUTORIAL_OUT")}
    os.environ["KGAN_TUTORIAL_QUICK"] = "1" if quick else "0"
    os.environ.pop("KGAN_TUTORIAL_OUT", None)
    try:
        client = nbclient.NotebookClient(
            notebook, timeout=timeout, kernel_name="python3", record_timing=False,
            # TensorFlow's C++ start-up logs go to the terminal, not into the cells.
            extra_arguments=["--IPKernelApp.capture_fd_output=False"],
            resources={"metadata": {"path": workdir}},
        )
        client.execute()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    # Keep the pairing with the .py source (see jupytext.toml).
    jupytext.write(notebook, source.with_suffix(".ipynb"), fmt="ipynb")
    picture = readme_picture(notebook)
    if picture is not None and not quick:
        (ASSETS / f"tutorial_{source.stem}.png").write_bytes(picture)
    return source.with_suffix(".ipynb")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="tutorial names, e.g. 01_dcgan (default: all)")
    parser.add_argument("--quick", action="store_true", help="quick mode (what CI runs)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    args = parser.parse_args(argv)
    chosen = sources()
    if args.names:
        by_name = {p.stem: p for p in chosen}
        unknown = [n for n in args.names if n.removesuffix(".py") not in by_name]
        if unknown:
            parser.error(f"unknown tutorial(s) {unknown}; choose from {sorted(by_name)}")
        chosen = [by_name[n.removesuffix(".py")] for n in args.names]
    for source in chosen:
        start = time.perf_counter()
        written = execute(source, args.quick, args.timeout)
        size = written.stat().st_size / 1e3
        print(f"{written.name}: {time.perf_counter() - start:.0f} s, {size:.0f} kB", flush=True)


if __name__ == "__main__":
    sys.exit(main())
