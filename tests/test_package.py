"""`import kgan` is quiet and light."""

import re
import subprocess
import sys

import kgan


def stderr_of(code):
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    # Drop timestamps and thread ids from TensorFlow's log lines.
    return {re.sub(r"^[IWE]\d{4} [\d:.]+\s+\d+ ", "", line)
            for line in result.stderr.splitlines()}


def test_import_prints_nothing_beyond_tensorflow():
    baseline = stderr_of("import tensorflow, keras")
    noise = stderr_of("import kgan, sys; assert 'tensorflow_datasets' not in sys.modules")
    assert noise <= baseline, noise - baseline


def test_public_api():
    assert kgan.__version__
    for name in kgan.__all__:
        assert getattr(kgan, name) is not None
