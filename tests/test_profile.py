"""The profile-card directive (tests/roots/test-profile-card)."""

from __future__ import annotations

import shutil

import pytest
from bs4 import BeautifulSoup
from helpers import warnings_of


def card(app) -> BeautifulSoup:
    page = BeautifulSoup((app.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    found = page.select_one("div.profile-card")
    assert found is not None
    return found


@pytest.mark.sphinx("html", testroot="profile-card", srcdir="profile-placeholder")
def test_placeholder_until_a_photo_is_dropped_in(app) -> None:
    app.build()
    assert warnings_of(app) == []
    image = card(app).select_one("img.profile-photo")
    assert image["src"].endswith("placeholder.svg")
    assert image["alt"] == "Photo of Kun Zhou"
    # Tells the theme not to dim the photo or put it on a white square in dark mode.
    assert "dark-light" in image["class"]
    assert (app.outdir / image["src"]).is_file()


@pytest.mark.sphinx("html", testroot="profile-card", srcdir="profile-dropped-photo")
def test_a_dropped_photo_replaces_the_placeholder_on_the_next_build(app, make_app, app_params) -> None:
    app.build()
    shutil.copy(app.srcdir / "_static" / "placeholder.svg", app.srcdir / "_static" / "profile.png")
    args, kwargs = app_params
    again = make_app(*args, **kwargs)
    again.build()
    image = card(again).select_one("img.profile-photo")
    assert image["src"].endswith("profile.png")
    assert (again.outdir / image["src"]).is_file()


@pytest.mark.sphinx("html", testroot="profile-card")
def test_name_role_and_links(app) -> None:
    app.build()
    profile = card(app)
    assert profile.select_one(".profile-name strong").get_text() == "Kun Zhou"
    native = profile.select_one(".profile-native-name")
    assert (native.get_text(), native.get("lang")) == ("周昆", "zh")
    assert profile.select_one(".profile-role").get_text() == "Postdoctoral Researcher"
    assert profile.select_one(".profile-affiliation").get_text() == "UC San Diego"
    assert "Large language models and world models." in profile.select_one(".profile-tagline").get_text()
    links = {a.get_text(strip=True): a["href"] for a in profile.select("ul.profile-links a")}
    # docutils percent-encodes the "@" of mailto links; browsers decode it.
    assert links == {"Email": "mailto:someone%40example.org", "GitHub": "https://github.com/example"}


@pytest.mark.sphinx("html", testroot="profile-card", srcdir="profile-missing-placeholder")
def test_a_missing_placeholder_is_a_warning_naming_the_page(make_app, app_params) -> None:
    args, kwargs = app_params
    (kwargs["srcdir"] / "_static" / "placeholder.svg").unlink()
    app = make_app(*args, **kwargs)
    app.build()
    warnings = warnings_of(app)
    assert len(warnings) == 1, warnings
    assert "index.md:3: WARNING: no profile photo: none of _static/profile.jpg" in warnings[0]
    assert card(app).select_one("img") is None
