"""Tiny runs and one headless Chromium for the `kgan explore` tests.

The runs are built and exported directly (untrained: the pages only need
an export and a `gan.keras`). The browser is Debian's chromium driven by
Playwright; where either is missing the browser tests skip, unless
`KGAN_REQUIRE_BROWSER=1` (as `.ci/run` sets), where they fail.
"""

import os
import socket

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
CLASS_NAMES = ["zero", "one", "two"]


def make_run(out, task_name, **overrides):
    """A run directory of `task_name` with `gan.keras`, `saved_model/` and `run.json`."""
    import kgan

    task = kgan.tasks.get(task_name)
    info = {"task": task_name}
    if task_name == "text":
        vocabulary = ["", "a", "b", "c", "d"]
        gan = task.build(vocabulary=vocabulary, length=6, seed=0, latent_dim=4, filters=4,
                         **overrides)
        info["vocabulary"] = vocabulary
    elif task_name in ("pix2pix", "inpaint", "cyclegan"):
        options = dict(image_size=16, channels=1, filters=4, batch_size=2, seed=0)
        if task_name == "cyclegan":
            options["blocks"] = 1
        gan = task.build(**options, **overrides)
        info["image_shape"] = [16, 16, 1]
        info["input_shape"] = [16, 16, 2 if task_name == "inpaint" else 1]
    else:
        shape = (8, 8, 1)
        options = dict(image_shape=shape, seed=0, latent_dim=4, filters=2, precision="float32")
        if task_name == "conditional":
            options["num_classes"] = len(CLASS_NAMES)
            info["class_names"] = CLASS_NAMES
        gan = task.build(**options, **overrides)
        info["image_shape"] = list(shape)
    os.makedirs(out, exist_ok=True)
    gan.save(os.path.join(out, "gan.keras"))
    task.export(gan, os.path.join(out, "saved_model"))
    kgan.files.write_json(info, os.path.join(out, "run.json"))
    return os.fspath(out)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(app):
    """Serves `app` from a thread on a free port; returns its URL."""
    import kgan

    return kgan.explore.launch(app, port=free_port(), block=False)


def browser_or_skip():
    """`(playwright, browser)`, or a skip (a failure under KGAN_REQUIRE_BROWSER=1)."""
    reason = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "the playwright package is not installed (pip install \".[test]\")"
    if reason is None and not os.access(CHROMIUM, os.X_OK):
        reason = f"no {CHROMIUM} (apt-get install -y chromium)"
    if reason is not None:
        if os.environ.get("KGAN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"KGAN_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    return playwright, browser
