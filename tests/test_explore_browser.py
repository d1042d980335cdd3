"""`kgan explore` pages in a real headless Chromium: they load, their controls change the
images to what the export generates, uploads return images, and no request leaves 127.0.0.1."""

import io
import json
import os
import urllib.parse
import urllib.request

import numpy as np
import pytest
from PIL import Image

import explore_support as support


@pytest.fixture(scope="module")
def browser():
    playwright, chromium = support.browser_or_skip()
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("explore-runs")
    return {name: support.make_run(root / name, name)
            for name in ("unconditional", "conditional", "text")}


class Page:
    """One browser page on a served app, recording every request it makes."""

    def __init__(self, browser, app):
        import kgan

        self.app = app
        self.url = support.serve(app)
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.requests = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.goto(self.url)
        self.kgan = kgan

    def close(self):
        self.page.close()
        self.app.close()
        outside = [u for u in self.requests
                   if urllib.parse.urlsplit(u).hostname not in ("127.0.0.1", None)
                   and not u.startswith(("data:", "blob:"))]
        assert not outside, f"requests outside 127.0.0.1: {outside}"
        assert self.requests, "the page made no request at all"

    def image_src(self, elem_id):
        locator = self.page.locator(f"#{elem_id} img")
        locator.wait_for(timeout=30000)
        return locator.get_attribute("src")

    def image(self, elem_id, previous=None):
        """The PNG the image element shows (after it differs from `previous`), as an array."""
        self.page.wait_for_function(
            "([id, old]) => { const img = document.querySelector(`#${id} img`);"
            " return img && img.src && img.src !== old && img.complete; }",
            arg=[elem_id, previous], timeout=30000)
        src = self.image_src(elem_id)
        with urllib.request.urlopen(urllib.parse.urljoin(self.url, src)) as response:
            return src, np.asarray(Image.open(io.BytesIO(response.read())))

    def set_number(self, elem_id, value):
        field = self.page.locator(f"#{elem_id} input[type=number]").first
        field.fill(str(value))
        field.press("Enter")

    def pick(self, elem_id, option):
        self.page.locator(f"#{elem_id} input").first.click()
        self.page.get_by_role("option", name=option, exact=True).click()


def app_of(run):
    import kgan

    info = json.loads(open(os.path.join(run, "run.json")).read())
    return kgan.tasks.get(info["task"]).explore_app(run, info)


def served(run):
    import tensorflow as tf

    return tf.saved_model.load(os.path.join(run, "saved_model")).signatures["serving_default"]


def test_unconditional_page_sliders_change_the_images_to_the_exports(browser, runs, tmp_path):
    import kgan
    import tensorflow as tf

    run = runs["unconditional"]
    view = Page(browser, app_of(run))
    try:
        serve = served(run)

        def expected(z, psi=1.0):
            z = kgan.explore.truncate(z, psi)
            return kgan.explore.for_display(serve(z=tf.constant(z))["images"].numpy())

        src, grid = view.image("grid")
        np.testing.assert_array_equal(grid, expected(kgan.explore.seeded_noise(0, 16, 4)))
        view.page.screenshot(path=str(tmp_path / "explore.png"), full_page=True)
        assert Image.open(tmp_path / "explore.png").size[0] == 1280

        view.set_number("truncation", 0.5)
        src, truncated = view.image("grid", src)
        assert not np.array_equal(truncated, grid)
        np.testing.assert_array_equal(
            truncated, expected(kgan.explore.seeded_noise(0, 16, 4), 0.5))

        between_src, start = view.image("interpolation")
        view.page.locator("#position input[type=range]").fill("0.5")
        _, middle = view.image("interpolation", between_src)
        z = kgan.explore.slerp(kgan.explore.seeded_noise(0, 1, 4),
                               kgan.explore.seeded_noise(1, 1, 4), 0.5)
        np.testing.assert_array_equal(middle, expected(z, 0.5))
        assert not np.array_equal(middle, start)

        edited_src, plain = view.image("edited")
        view.set_number("direction-0", 3)
        _, pushed = view.image("edited", edited_src)
        assert not np.array_equal(pushed, plain)
    finally:
        view.close()


def test_conditional_page_class_picker_and_class_mix(browser, runs):
    import kgan
    import tensorflow as tf
    from kgan.tasks.conditional import explore as page

    run = runs["conditional"]
    view = Page(browser, app_of(run))
    try:
        serve = served(run)
        z = kgan.explore.seeded_noise(0, page.SAMPLES, 4)

        def of_class(label):
            labels = tf.fill([page.SAMPLES], tf.constant(label, tf.int32))
            return kgan.explore.for_display(serve(z=tf.constant(z), label=labels)["images"]
                                            .numpy(), cols=page.SAMPLES // 2)

        src, first = view.image("class-grid")
        np.testing.assert_array_equal(first, of_class(0))
        view.pick("class", support.CLASS_NAMES[2])
        _, picked = view.image("class-grid", src)
        np.testing.assert_array_equal(picked, of_class(2))
        assert not np.array_equal(picked, first)

        mix_src, pure = view.image("class-mix")
        view.page.locator("#mix input[type=range]").fill("1")
        _, other = view.image("class-mix", mix_src)
        np.testing.assert_array_equal(pure, of_class(0))
        np.testing.assert_array_equal(other, of_class(1))  # all the way to the second class
    finally:
        view.close()


def test_text_page_seed_changes_the_samples(browser, runs):
    import tensorflow as tf
    import kgan

    run = runs["text"]
    view = Page(browser, app_of(run))
    try:
        serve = served(run)
        box = view.page.locator("#text textarea")

        noise_size = serve.structured_input_signature[1]["z"].shape[-1]  # noise + Gumbel noise

        def expected(seed):
            z = kgan.explore.seeded_noise(seed, 16, noise_size)
            return "\n".join(t.decode() for t in serve(z=tf.constant(z))["text"].numpy())

        view.page.wait_for_function("() => document.querySelector('#text textarea')?.value",
                                    timeout=30000)
        assert box.input_value() == expected(0)
        view.set_number("seed", 5)
        view.page.wait_for_function(
            "(old) => document.querySelector('#text textarea')?.value !== old",
            arg=expected(0), timeout=30000)
        assert box.input_value() == expected(5)
    finally:
        view.close()


def test_image_page_upload_returns_the_function_output_and_a_download(browser, tmp_path):
    import kgan

    def mirror_and_double(image):
        return np.repeat(np.repeat(image[:, ::-1], 2, axis=0), 2, axis=1)

    picture = np.random.default_rng(0).integers(0, 256, (12, 10, 3), dtype=np.uint8)
    Image.fromarray(picture).save(tmp_path / "upload.png")
    view = Page(browser, kgan.explore.image_page(mirror_and_double, "Mirror"))
    try:
        view.page.locator("#input input[type=file]").set_input_files(str(tmp_path / "upload.png"))
        _, shown = view.image("output")
        np.testing.assert_array_equal(shown, mirror_and_double(picture))
        button = view.page.locator("#download")
        view.page.wait_for_function(
            "() => !document.querySelector('#download').hasAttribute('disabled')"
            " && !document.querySelector('#download button, #download')?.disabled",
            timeout=30000)
        with view.page.expect_download() as download:
            button.click()
        saved = tmp_path / "downloaded.png"
        download.value.save_as(saved)
        np.testing.assert_array_equal(np.asarray(Image.open(saved)), mirror_and_double(picture))
    finally:
        view.close()


def upload_to_editor(view, path):
    """Uploads `path` into the image editor once its canvas is drawn (an earlier upload can
    be lost)."""
    view.page.locator("#input canvas").first.wait_for(timeout=30000)
    view.page.locator("#input input[type=file]").set_input_files(str(path))


def paint_across(view, row=0.5):
    """Drags the brush across the editor's canvas at `row` of its height: from the middle
    (where the picture is) to the right edge, then back to the left, short of the toolbar."""
    box = view.page.locator("#input canvas").first.bounding_box()
    y, middle, right = box["y"] + box["height"] * row, box["x"] + box["width"] / 2, \
        box["x"] + box["width"] - 10
    view.page.mouse.move(middle, y)
    view.page.mouse.down()
    for i in range(1, 11):
        view.page.mouse.move(middle + (right - middle) * i / 10, y)
    for i in range(1, 21):
        view.page.mouse.move(right - (right - box["x"] - 60) * i / 20, y)
    view.page.mouse.up()


def test_masked_image_page_passes_the_painted_mask(browser, tmp_path):
    import kgan

    def first_corner(height, width):
        mask = np.zeros((height, width, 1), np.uint8)
        mask[:3, :3] = 255
        return mask

    picture = np.random.default_rng(1).integers(0, 256, (30, 24, 3), dtype=np.uint8)
    Image.fromarray(picture).save(tmp_path / "upload.png")
    seen = []

    def show_mask(image, mask):
        seen.append(image)
        return np.repeat(mask, 3, axis=-1)

    view = Page(browser, kgan.explore.masked_image_page(
        show_mask, "Mask", brush_size=2, default_mask=first_corner))
    try:
        upload_to_editor(view, tmp_path / "upload.png")
        src, unpainted = view.image("output")
        np.testing.assert_array_equal(unpainted, np.repeat(first_corner(30, 24), 3, axis=-1))
        np.testing.assert_array_equal(seen[-1], picture)  # the upload, not the painted canvas
        paint_across(view)
        _, painted = view.image("output", src)
        hole = painted[..., 0] == 255
        assert set(np.unique(painted)) <= {0, 255}
        # A horizontal stroke across the middle: the middle row painted edge to edge, the
        # top and bottom rows and the default corner not.
        assert hole[15].all()
        assert not hole[:5].any() and not hole[-5:].any()
        assert 24 <= hole.sum() <= 24 * 10
    finally:
        view.close()


def test_cyclegan_page_translates_either_way(browser, tmp_path):
    import tensorflow as tf

    run = support.make_run(tmp_path / "cyclegan", "cyclegan")
    picture = np.random.default_rng(2).integers(0, 256, (20, 12), dtype=np.uint8)
    Image.fromarray(picture).save(tmp_path / "upload.png")
    served = tf.saved_model.load(os.path.join(run, "saved_model")).signatures

    def expected(signature):
        batch = tf.constant(picture[None, ..., None])
        return served[signature](images=batch)["images"].numpy()[0, ..., 0]

    view = Page(browser, app_of(run))
    try:
        view.page.locator("#input input[type=file]").set_input_files(str(tmp_path / "upload.png"))
        src, a2b = view.image("output")
        np.testing.assert_array_equal(a2b, expected("serving_default"))
        view.page.locator("#option label", has_text="B → A").click()
        _, b2a = view.image("output", src)
        np.testing.assert_array_equal(b2a, expected("b_to_a"))
        assert not np.array_equal(a2b, b2a)
    finally:
        view.close()


def test_inpaint_page_fills_what_is_painted(browser, tmp_path):
    from kgan.tasks.image_to_image import explore

    run = support.make_run(tmp_path / "inpaint", "inpaint")
    picture = np.random.default_rng(3).integers(0, 256, (32, 32), dtype=np.uint8)
    Image.fromarray(picture).save(tmp_path / "upload.png")
    view = Page(browser, app_of(run))
    try:
        upload_to_editor(view, tmp_path / "upload.png")
        src, centre = view.image("output")
        expected = explore.export_translator(run, inpaint=True)(picture[..., None])[..., 0]
        np.testing.assert_array_equal(centre, expected)  # nothing painted: the centred box
        paint_across(view, row=0.5)
        _, filled = view.image("output", src)
        # The stroke's pixels are filled in, the rest kept: the top and bottom rows and
        # the centred box's top and bottom rows, which the stroke misses.
        np.testing.assert_array_equal(filled[:6], picture[:6])
        np.testing.assert_array_equal(filled[-6:], picture[-6:])
        np.testing.assert_array_equal(filled[8:11, 8:24], picture[8:11, 8:24])
        assert not np.array_equal(filled[16, :8], picture[16, :8])  # beyond the box
    finally:
        view.close()
