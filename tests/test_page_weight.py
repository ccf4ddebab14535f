"""The page-weight budget of pyproject.toml ([tool.portfolio.page-weight]) holds on the built site, counted
by benchmarks/page_weight.py, whose counting is itself checked on a hand-made site."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from page_weight import BROWSER_PAGES, budget, fetched_weights, page_weight


def test_a_page_counts_its_assets_the_fonts_its_css_declares_and_nothing_remote(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "icons.woff2").write_bytes(bytes(range(256)) * 8)
    css = "@font-face{font-family:Icons;src:url(../fonts/icons.woff2)}body{background:url(unused.png)}"
    (tmp_path / "sub" / "style.css").write_text(css, encoding="utf-8")
    (tmp_path / "app.js").write_text("console.log('x');" * 50, encoding="utf-8")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG" + bytes(1000))
    html = (
        '<html><head><link rel="stylesheet" href="sub/style.css?v=1"><link rel="icon" href="photo.png">'
        '<script defer src="app.js#x"></script><script src="https://cdn.example.org/big.js"></script>'
        '</head><body><img src="photo.png" loading="lazy"><img src="missing.png"></body></html>'
    )
    (tmp_path / "index.html").write_text(html, encoding="utf-8")

    weight = page_weight(tmp_path, "index.html")

    assert set(weight.files) == {"index.html", "sub/style.css", "fonts/icons.woff2", "app.js", "photo.png"}
    assert weight.files["fonts/icons.woff2"] == 2048  # binary: as it is
    assert weight.files["app.js"] == len(gzip.compress((tmp_path / "app.js").read_bytes(), 6, mtime=0))
    assert weight.total == sum(weight.files.values())


def test_a_page_counts_its_css_fonts_and_the_scripts_its_loader_adds_unasked(
    tmp_path: Path,
) -> None:
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "icons.woff2").write_bytes(bytes(300))
    (tmp_path / "_static" / "late.js").write_text("x();" * 40, encoding="utf-8")
    html = (
        '<html><head><style>@font-face{font-family:I;src:url("_static/icons.woff2")}</style></head><body>'
        '<script type="application/json" data-portfolio-paint-first>[{"src": "_static/late.js?v=1", '
        '"attributes": {}}, {"code": "y();", "attributes": {}}, {"src": "_static/asked.js", "when": '
        '"search-terms"}, {"src": "_static/touched.js", "when": "interaction"}]</script>'
        '<script data-portfolio-paint-first="_static/loader.js">(adds the loader)</script></body></html>'
    )
    (tmp_path / "_static" / "touched.js").write_text("t();" * 40, encoding="utf-8")
    (tmp_path / "_static" / "loader.js").write_text("l();" * 40, encoding="utf-8")
    (tmp_path / "_static" / "asked.js").write_text("z();" * 40, encoding="utf-8")
    (tmp_path / "index.html").write_text(html, encoding="utf-8")
    weight = page_weight(tmp_path, "index.html")
    assert set(weight.files) == {"index.html", "_static/icons.woff2", "_static/late.js", "_static/loader.js"}
    assert set(weight.on_action) == {"_static/touched.js"}
    assert weight.after_action == weight.total + weight.on_action["_static/touched.js"] > weight.total


def test_the_browser_count_holds_what_chromium_fetched_and_not_an_unused_font_face(
    tmp_path: Path, browser
) -> None:
    (tmp_path / "fonts").mkdir()
    # Chromium fetches a face that some text needs whether or not it then decodes.
    (tmp_path / "fonts" / "used.woff2").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "fonts" / "unused.woff2").write_bytes(bytes(range(256)) * 4)
    css = (
        "@font-face{font-family:Used;src:url(fonts/used.woff2)}"
        "@font-face{font-family:Unused;src:url(fonts/unused.woff2)}"
        "p{font-family:Used}.nothing{font-family:Unused}"
    )
    (tmp_path / "style.css").write_text(css, encoding="utf-8")
    (tmp_path / "late.js").write_text("window.late = 1;" * 30, encoding="utf-8")
    (tmp_path / "touched.js").write_text("window.touched = 1;" * 30, encoding="utf-8")
    html = (
        '<html><head><link rel="stylesheet" href="style.css"><script defer src="late.js"></script></head>'
        "<body><p>Text set in the used face.</p><script>addEventListener('pointermove', () => {"
        "const s = document.createElement('script'); s.src = 'touched.js'; document.head.append(s); },"
        " {once: true});</script></body></html>"
    )
    (tmp_path / "index.html").write_text(html, encoding="utf-8")

    [weight] = fetched_weights(tmp_path, ["index.html"], browser=browser)

    assert set(weight.files) == {"index.html", "style.css", "late.js", "fonts/used.woff2"}
    assert set(weight.on_action) == {"touched.js"}
    assert weight.files["style.css"] == len(gzip.compress(css.encode(), 6, mtime=0))
    # The count from the files declares both faces: an upper bound.
    assert "fonts/unused.woff2" in page_weight(tmp_path, "index.html").files


@pytest.mark.site
def test_what_chromium_fetches_for_each_top_level_page_stays_within_the_budget(site, browser) -> None:
    assert site.returncode == 0, site.stderr
    limit = budget()["fetched-kb"] * 1024
    over, uncounted = {}, {}
    for fetched in fetched_weights(site.outdir, BROWSER_PAGES, browser=browser):
        assert fetched.on_action, f"{fetched.page}: Bootstrap is fetched on a first action"
        if fetched.after_action > limit:
            over[fetched.page] = round(fetched.after_action / 1024, 1)
        counted = page_weight(site.outdir, fetched.page)
        # The count from the files is an upper bound of what is fetched.
        missing = (set(fetched.files) | set(fetched.on_action)) - set(counted.files) - set(counted.on_action)
        if missing:
            uncounted[fetched.page] = missing
    assert over == {}, f"pages over {limit / 1024:.0f} KB fetched: {over}"
    assert uncounted == {}


@pytest.mark.site
def test_every_page_with_what_it_loads_stays_within_the_budget(site) -> None:
    assert site.returncode == 0, site.stderr
    limits = budget()
    home = page_weight(site.outdir, "index.html")
    # The theme's scripts, fonts and images are counted, not only the HTML (and the CSS in it).
    assert len(home.files) > 10, home.files
    assert home.on_action, "Bootstrap is added on a first action, and counted"
    assert home.after_action <= limits["home-kb"] * 1024, f"home page: {home.after_action / 1024:.1f} KB"
    over = {
        page: round(weight.after_action / 1024, 1)
        for path in site.outdir.rglob("*.html")
        if (weight := page_weight(site.outdir, page := path.relative_to(site.outdir).as_posix())).after_action
        > limits["page-kb"] * 1024
    }
    assert over == {}, f"pages over {limits['page-kb']} KB: {over}"
