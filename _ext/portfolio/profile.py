"""The ``profile-card`` directive: photo, name, role and profile links of the site owner.

The photo is the first of ``portfolio_photo_candidates`` that exists, so the owner replaces the
placeholder by dropping ``_static/profile.jpg`` (or .png, .webp) into the repository. The links are
``portfolio_profile_links``, the same list that feeds the navbar icons.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from . import options

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata, OptionSpec

logger = logging.getLogger(__name__)

REQUIRED_LINK_KEYS = ("name", "url", "icon")


class ProfileCard(SphinxDirective):
    """Render the owner's card; the directive body, if any, is parsed as a tagline below the role."""

    has_content = True
    required_arguments = 0
    option_spec: ClassVar[OptionSpec] = {
        "name": directives.unchanged_required,
        "native-name": directives.unchanged,
        "native-lang": directives.unchanged,
        "role": directives.unchanged,
        "affiliation": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        name = self.options.get("name", "").strip()
        if not name:
            logger.warning(
                "profile-card needs a :name: option",
                location=self.get_location(),
                type="portfolio",
                subtype="profile",
            )
            return []

        card = nodes.container(classes=["profile-card"])
        photo = self.photo_uri()
        if photo is not None:
            card += nodes.image(
                uri="/" + photo,
                alt=f"Photo of {name}",
                # "dark-light": the theme must not dim it or give it a white box in dark mode.
                classes=["profile-photo", "dark-light"],
                width="160px",
                height="160px",
            )

        heading = nodes.paragraph(classes=["profile-name"])
        heading += nodes.strong(text=name)
        if native := self.options.get("native-name", "").strip():
            lang = self.options.get("native-lang", "zh").strip() or "zh"
            heading += nodes.Text(" ")
            heading += nodes.inline(text=native, classes=["profile-native-name", f"language-{lang}"])
        card += heading

        for option in ("role", "affiliation"):
            if value := self.options.get(option, "").strip():
                card += nodes.paragraph(text=value, classes=[f"profile-{option}"])

        if self.content:
            tagline = nodes.container(classes=["profile-tagline"])
            self.state.nested_parse(self.content, self.content_offset, tagline)
            card += tagline

        card += self.link_list()
        return [card]

    def photo_uri(self) -> str | None:
        """The first existing candidate, else the placeholder; source-relative, with ``/`` separators."""
        chosen = choose_photo(self.env)
        chosen_photos(self.env)[self.env.docname] = chosen
        if chosen is not None:
            self.env.note_dependency(str(Path(self.env.srcdir, chosen)))
            return chosen
        candidates = [*self.config.portfolio_photo_candidates, self.config.portfolio_photo_placeholder]
        logger.warning(
            "no profile photo: none of %s exists (set portfolio_photo_candidates or "
            "portfolio_photo_placeholder in conf.py)",
            ", ".join(candidates),
            location=self.get_location(),
            type="portfolio",
            subtype="profile",
        )
        return None

    def link_list(self) -> nodes.bullet_list:
        links = nodes.bullet_list(classes=["profile-links"])
        for link in self.config.portfolio_profile_links:
            reference = nodes.reference(refuri=link["url"], classes=["profile-link"])
            reference += nodes.inline(classes=[*link["icon"].split(), "profile-link-icon"])
            reference += nodes.inline(text=link["name"], classes=["profile-link-text"])
            item = nodes.list_item()
            item += nodes.paragraph("", "", reference)
            links += item
        if cv_pdf := self.cv_pdf():
            from .papers.nodes import export_link

            link = export_link("", "", path=cv_pdf, classes=["profile-link"])
            link += nodes.inline(classes=["fa-solid", "fa-file-pdf", "profile-link-icon"])
            link += nodes.inline(text="CV (PDF)", classes=["profile-link-text"])
            item = nodes.list_item()
            item += nodes.paragraph("", "", link)
            links += item
        return links

    def cv_pdf(self) -> str:
        """The CV PDF's path when portfolio.cvbuild typesets one (it declares the option), else ""."""
        if not getattr(self.config, "portfolio_cv_data", ""):
            return ""
        return getattr(self.config, "portfolio_cv_pdf", "")


def choose_photo(env: BuildEnvironment) -> str | None:
    config = env.config
    for candidate in [*config.portfolio_photo_candidates, config.portfolio_photo_placeholder]:
        if candidate and Path(env.srcdir, candidate).is_file():
            return Path(candidate).as_posix()
    return None


def chosen_photos(env: BuildEnvironment) -> dict[str, str | None]:
    """docname -> the photo its card shows, to notice when a better candidate appears or one goes."""
    if not hasattr(env, "portfolio_profile_photos"):
        env.portfolio_profile_photos = {}
    return env.portfolio_profile_photos


def outdated_by_new_photo(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Re-read a card's page when the photo it would choose is not the one it shows: a photo dropped
    into _static/ is a new file, which no per-file dependency of the page can announce."""
    current = choose_photo(env)
    return [docname for docname, shown in chosen_photos(env).items() if shown != current]


def purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    chosen_photos(env).pop(docname, None)


def merge_info(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    mine = chosen_photos(env)
    for docname, photo in chosen_photos(other).items():
        if docname in docnames:
            mine[docname] = photo


def check_links(app: Sphinx, config: Config) -> None:
    """Fail early, naming the entry, when a profile link lacks a key."""
    for index, link in enumerate(config.portfolio_profile_links):
        missing = [key for key in REQUIRED_LINK_KEYS if not str(link.get(key, "")).strip()]
        if missing:
            logger.warning(
                "conf.py: portfolio_profile_links[%d] lacks %s",
                index,
                ", ".join(missing),
                type="portfolio",
                subtype="profile",
            )


def setup(app: Sphinx) -> ExtensionMetadata:
    options.add(app, "portfolio_photo_candidates", "portfolio_photo_placeholder", "portfolio_profile_links")
    app.add_directive("profile-card", ProfileCard)
    app.connect("config-inited", check_links)
    app.connect("env-get-outdated", outdated_by_new_photo)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    return {"version": "1", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
