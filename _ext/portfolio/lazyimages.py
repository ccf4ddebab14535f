"""Images below the first one on a page load lazily.

The first image of a page is usually in the first screen (the home page's photo), where lazy loading
would only delay it; the ones after it usually are not, and a phone should not fetch them before the
visitor scrolls. An image whose ``:loading:`` option is set keeps what its author chose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def load_later_images_lazily(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for image in list(doctree.findall(nodes.image))[1:]:
        image.setdefault("loading", "lazy")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("doctree-resolved", load_later_images_lazily)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
