"""The floor page of benchmarks/lighthouse.py: the same text as the page, and nothing else to load."""

from __future__ import annotations

from bs4 import BeautifulSoup
from lighthouse import floor_page


def test_the_floor_page_keeps_the_text_title_language_and_links_only() -> None:
    page = (
        '<!DOCTYPE html><html lang="en"><head><title>CV - Kun Zhou</title>'
        '<meta name="description" content="A &quot;CV&quot;"><link rel="stylesheet" href="theme.css">'
        '<script defer src="theme.js"></script></head><body><nav>Menu</nav>'
        '<article class="bd-article"><h1 id="cv">CV<a class="headerlink" href="#cv">#</a></h1>'
        '<p class="x" style="color:red">Education at <a class="reference" href="https://ruc.edu.cn">RUC</a>'
        '<img src="photo.png" alt="photo"></p><script>alert(1)</script><style>p{}</style>'
        '<button type="button">Copy</button></article><footer>Footer</footer></body></html>'
    )
    floor = BeautifulSoup(floor_page(page), "html.parser")
    assert floor.html["lang"] == "en"
    assert floor.title.get_text() == "CV - Kun Zhou"
    assert floor.find("meta", attrs={"name": "description"})["content"] == 'A "CV"'
    assert floor.main.get_text() == "CV#Education at RUC"
    assert not floor.find_all(["script", "style", "link", "img", "button", "nav", "footer"])
    assert [(tag.name, tag.attrs) for tag in floor.main.find_all(True)] == [
        ("h1", {}),
        ("a", {"href": "#cv"}),
        ("p", {}),
        ("a", {"href": "https://ruc.edu.cn"}),
    ]
