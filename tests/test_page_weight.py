"""The page-weight budget of pyproject.toml ([tool.portfolio.page-weight]) holds on the built site, counted
by benchmarks/page_weight.py, whose counting is itself checked on a hand-made site."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from page_weight import budget, page_weight


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
