"""Makes pytest import `tutorials/conftest.py` as `tutorials.conftest`, so it does
not shadow `tests/conftest.py`, which the tests import as `conftest`."""
