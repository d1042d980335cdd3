"""Notebooks collected here (`pytest --nbmake tutorials/`) run in quick mode.

The kernel inherits this process's environment, so setting the variables
here is enough. Their files go to a temporary directory, not `tutorials/runs`,
and they import this checkout's kgan, as the tests do.
"""

import os
import shutil
import tempfile
from pathlib import Path

REPO = str(Path(__file__).resolve().parents[1])
os.environ["PYTHONPATH"] = os.pathsep.join(
    [REPO] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
)

os.environ.setdefault("KGAN_TUTORIAL_QUICK", "1")
_created_out = None
if "KGAN_TUTORIAL_OUT" not in os.environ:
    _created_out = tempfile.mkdtemp(prefix="kgan-tutorials-")
    os.environ["KGAN_TUTORIAL_OUT"] = _created_out


def pytest_unconfigure(config):
    if _created_out is not None:
        shutil.rmtree(_created_out, ignore_errors=True)
