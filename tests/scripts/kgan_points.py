"""`kgan` with the test-only points task registered: `python tests/scripts/kgan_points.py train ...`."""

import os
import sys

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.dirname(TESTS), TESTS]  # this checkout's kgan, and the task module

import points_task  # noqa: E402

from kgan.cli import main  # noqa: E402

points_task.register()
sys.exit(main())
