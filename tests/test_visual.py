"""Visual regression: the site looks as it did at the reference commit, pixel for pixel.

The reference is a look, not a folder of images: ``data/visual-reference.tar.gz`` holds ``_ext``,
``_static``, ``_templates`` and ``conf.py`` as a commit had them (``make visual-reference`` packs the
current commit's; commit the file to make a change of look deliberate). Today's content (pages,
``refs.bib``, ``cv.yaml``, news) is built twice, with today's look and with the reference look, and every
top-level page and one paper page are shot in headless Chromium at 375 and 1280 px, light and dark, full
page, and compared; tolerances are in pyproject.toml (``[tool.portfolio.visual]``). An edit of content never
fails it. The citation counts (``citations.yaml``, rewritten by every ``make sync``) are left out of both
builds: a reference older than them would not show them (their look is ``test_citation_counts.py``'s).
On a failure the three images (reference, current, difference) go to ``_build/visual-diff/``.
"""

from __future__ import annotations

import io
import shutil
import tarfile
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import REPO, build_site, copy_sources, open_ready, serving

pytestmark = pytest.mark.browser

SETTINGS = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["portfolio"]["visual"]
LOOK = ("_ext", "_static", "_templates", "conf.py")
PAGES = [
    "index.html",
    # Every toggle open: the BibTeX and abstract blocks too.
    "publications/index.html#open",
    "research/index.html",
    "publications/index.html",
    "projects/index.html",
    "news.html",
    "cv.html",
    "posts.html",
    "publications/zhou2024jiuzhang3.html",
]
WIDTHS = {375: 812, 1280: 800}
DIFF_DIR = REPO / "_build" / "visual-diff"
# Both builds are dated alike: the copyright year and anything else that follows the commit date agree.
EPOCH = "1764547200"


REFERENCE = Path(__file__).parent / "data" / "visual-reference.tar.gz"


def reference_commit() -> str:
    with tarfile.open(REFERENCE) as tar:
        return tar.pax_headers.get("comment", "unknown")[:12]


def with_reference_look(sources: Path) -> None:
    """Replace the look of ``sources`` with the reference look."""
    for name in LOOK:
        path = sources / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    with tarfile.open(REFERENCE) as tar:
        tar.extractall(sources, filter="data")


def built(sources: Path, outdir: Path) -> Path:
    result = build_site(sources, outdir, ext_dir=sources / "_ext", env={"SOURCE_DATE_EPOCH": EPOCH})
    if result.returncode:
        pytest.fail(
            f"the build of {sources.name} failed (a reference that cannot build today's content needs "
            f"`make visual-reference`):\n{result.stderr}"
        )
    return result.outdir


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    root = tmp_path_factory.mktemp("visual")
    current = copy_sources(root / "current")
    reference = copy_sources(root / "reference")
    for sources in (current, reference):
        (sources / "citations.yaml").unlink(missing_ok=True)
    with_reference_look(reference)
    outdirs = {
        name: built(sources, root / f"{name}-html")
        for name, sources in (("current", current), ("reference", reference))
    }
    with serving(outdirs["current"]) as current_url, serving(outdirs["reference"]) as reference_url:
        yield {"current": current_url, "reference": reference_url}


def screenshot(browser, url: str, width: int, scheme: str) -> bytes:
    context = browser.new_context(viewport={"width": width, "height": WIDTHS[width]}, color_scheme=scheme)
    try:
        page = context.new_page()
        open_ready(page, url.removesuffix("#open"))
        if url.endswith("#open"):
            page.evaluate("document.querySelectorAll('details').forEach((toggle) => { toggle.open = true; })")
            page.wait_for_timeout(100)
        page.evaluate("document.fonts.ready")
        return page.screenshot(full_page=True, animations="disabled", caret="hide")
    finally:
        context.close()


def differing_pixels(reference: bytes, current: bytes) -> tuple[int, int, object]:
    """(pixels whose channels differ by more than the tolerance, all pixels, the difference image)."""
    from PIL import Image, ImageChops

    first, second = (Image.open(io.BytesIO(data)).convert("RGB") for data in (reference, current))
    if first.size != second.size:
        return first.width * first.height, first.width * first.height, None
    difference = ImageChops.difference(first, second)
    channel = SETTINGS["channel_tolerance"]
    mask = difference.convert("L").point(lambda value: 255 if value > channel else 0)
    return mask.histogram()[255], first.width * first.height, difference


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("path", PAGES)
def test_the_page_looks_as_at_the_reference(servers, browser, path: str, width: int, scheme: str) -> None:
    reference = screenshot(browser, f"{servers['reference']}/{path}", width, scheme)
    current = screenshot(browser, f"{servers['current']}/{path}", width, scheme)
    if reference == current:
        return
    differ, total, difference = differing_pixels(reference, current)
    allowed = SETTINGS["pixel_tolerance"] * total
    if differ > allowed:
        DIFF_DIR.mkdir(parents=True, exist_ok=True)
        stem = f"{path.replace('/', '_').replace('#', '-').replace('.html', '')}-{width}-{scheme}"
        (DIFF_DIR / f"{stem}-reference.png").write_bytes(reference)
        (DIFF_DIR / f"{stem}-current.png").write_bytes(current)
        if difference is not None:
            difference.save(DIFF_DIR / f"{stem}-difference.png")
        pytest.fail(
            f"{path} at {width} px, {scheme}: {differ} of {total} pixels differ from the reference "
            f"of {reference_commit()} (at most {allowed:.0f} may); see {DIFF_DIR}/{stem}-*.png"
            + ("" if difference is not None else " (the page changed height)")
        )
