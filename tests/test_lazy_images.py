"""portfolio.lazyimages (tests/roots/test-lazy-images): the first image of a page loads at once, later
ones lazily, and an image with its own ``:loading:`` keeps it."""

from __future__ import annotations

import pytest
from helpers import soup, warnings_of

pytestmark = pytest.mark.sphinx("html", testroot="lazy-images", freshenv=True)


def test_images_after_the_first_load_lazily_unless_their_author_chose(built) -> None:
    assert warnings_of(built) == []
    loading = {
        img["src"].rsplit("/", 1)[-1]: img.get("loading") for img in soup(built, "index").select("img")
    }
    assert loading == {"hero.svg": None, "chart.svg": "lazy", "photo.svg": None}
