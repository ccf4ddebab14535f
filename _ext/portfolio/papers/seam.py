"""Every place our code relies on another library's internals, and the versions it was tested with.

Nothing else in ``portfolio`` reaches into sphinxcontrib-bibtex, pybtex, Sphinx, pydata-sphinx-theme or
sphinx-last-updated-by-git beyond their documented APIs. Each function here names the upstream file it
relies on. :func:`check_versions` runs when the extension is set up: an installed version outside
``TESTED`` stops the build with an :class:`~sphinx.errors.ExtensionError` naming this file, instead of a
site that builds and is silently wrong (sphinxcontrib-bibtex 2.6 parses its files at another time and has
no ``span.bibtex-citation``: the citation previews vanish). ``pyproject.toml`` declares the same ranges.
"""

from __future__ import annotations

import logging
import warnings
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packaging.specifiers import SpecifierSet
from packaging.version import Version
from sphinx.errors import ExtensionError
from sphinx.util.logging import VERBOSE

if TYPE_CHECKING:
    from pybtex.database import BibliographyData
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

#: Distribution -> the versions this module's assumptions hold for (tested: the pins of requirements.txt).
TESTED = {
    "sphinx": ">=9.0,<9.1",
    "sphinxcontrib-bibtex": ">=2.7.0,<2.8",
    "pybtex": ">=0.26,<0.27",
    "pydata-sphinx-theme": ">=0.24,<0.25",
    "sphinx-last-updated-by-git": ">=0.3.8,<0.4",
}
#: Set by a test to check the guard itself; never in conf.py.
VERSION_OVERRIDES: dict[str, str] = {}


def check_versions() -> None:
    for distribution, tested in TESTED.items():
        try:
            installed = VERSION_OVERRIDES.get(distribution) or version(distribution)
        except PackageNotFoundError:
            continue  # an optional one (the theme, the git dates) that this site does not load
        if Version(installed) not in SpecifierSet(tested):
            raise ExtensionError(
                f"portfolio: {distribution} {installed} is installed, but {Path(__file__).name} "
                f"({__file__}) was written for {distribution}{tested}: check each use of it there, "
                "then widen TESTED and the range in pyproject.toml"
            )


# -- sphinxcontrib-bibtex 2.7 ----------------------------------------------------------------------------
# sphinxcontrib/bibtex/bibfile.py: BibFile(mtime, keys), BibData(encoding, bibfiles, data), get_mtime,
# is_bibdata_outdated; sphinxcontrib/bibtex/__init__.py: builder_inited_cite parses the files at
# builder-inited (default priority 500) when is_bibdata_outdated says so; domain.py: env_updated formats
# the entries of every bibliography in domain.data["bibliographies"] (BibliographyKey -> BibliographyValue,
# directives.py) found by get_filtered_entries, which asks of every entry of a bibliography's files which
# citations name it.


def cite_domain(env: BuildEnvironment):
    return env.get_domain("cite")


def bib_paths(app: Sphinx) -> list[Path]:
    """The bib files as sphinxcontrib-bibtex resolves them (relative to the configuration folder)."""
    return [(Path(app.confdir) / name).resolve() for name in app.config.bibtex_bibfiles or ()]


def bib_data(env: BuildEnvironment) -> BibliographyData:
    return cite_domain(env).bibdata.data


def bib_file_state(env: BuildEnvironment) -> tuple:
    """(file, mtime) of each bib file as sphinxcontrib-bibtex last read it: equal state, equal entries."""
    return tuple((str(path), bibfile.mtime) for path, bibfile in cite_domain(env).bibdata.bibfiles.items())


def bib_file_keys(env: BuildEnvironment) -> dict[Path, list[str]]:
    return {path: list(bibfile.keys) for path, bibfile in cite_domain(env).bibdata.bibfiles.items()}


def bibdata_is_outdated(app: Sphinx, paths: list[Path]) -> bool:
    """Whether sphinxcontrib-bibtex will parse the bib files in this build."""
    from sphinxcontrib.bibtex.bibfile import is_bibdata_outdated

    return is_bibdata_outdated(cite_domain(app.env).bibdata, paths, app.config.bibtex_encoding)


def store_parsed_bibdata(app: Sphinx, path: Path, data: BibliographyData) -> None:
    """Give sphinxcontrib-bibtex the entries we parsed for the checks, as the data it stores, so that its
    handler (which parses only when its stored data is out of date) keeps them instead of parsing again.
    Only when it would parse now (:func:`bibdata_is_outdated`)."""
    from sphinxcontrib.bibtex.bibfile import BibData, BibFile, get_mtime

    domain = cite_domain(app.env)
    encoding = app.config.bibtex_encoding
    domain.data["bibdata"] = BibData(
        encoding=encoding,
        bibfiles={path: BibFile(mtime=get_mtime(path), keys=dict.fromkeys(data.entries.keys()))},
        data=data,
    )


def register_list_bibliography(
    env: BuildEnvironment, docname: str, list_id: str, line: int, style: str, targets: dict
) -> None:
    """Register a publication list as the ``:list: citation`` bibliography of every entry, so that
    ``{cite}`` resolves to it; its labels are formatted (in env_updated) for the cited entries only."""
    import ast

    from sphinxcontrib.bibtex.directives import BibliographyKey, BibliographyValue

    domain = cite_domain(env)
    domain.bibliographies[BibliographyKey(docname=docname, id_=list_id)] = BibliographyValue(
        line=line,
        list_="citation",
        enumtype="arabic",
        start=1,
        style=style,
        filter_=ast.parse("cited"),
        labelprefix="",
        keyprefix="",
        bibfiles=list(domain.bibdata.bibfiles),
        citation_nodes=targets,
        keys=[],
    )


#: The stand-in bib file our lists offer sphinxcontrib-bibtex while it formats labels.
CITED_ONLY = Path("<portfolio: the cited entries>")


def offer_only_cited_entries(env: BuildEnvironment, is_ours) -> dict:
    """Point our lists' bibliographies at a stand-in bib file of the cited keys, before
    sphinxcontrib-bibtex's env_updated: it would otherwise ask, for every entry, which citations name it
    (entries times citations, every build). Returns what :func:`restore_bibliographies` puts back."""
    from sphinxcontrib.bibtex.bibfile import BibFile

    domain = cite_domain(env)
    cited = {target.key for ref in domain.citation_refs for target in ref.targets}
    originals = {}
    for bib_key, value in domain.bibliographies.items():
        if is_ours(value) and CITED_ONLY not in value.bibfiles:
            keys = [
                key
                for path in value.bibfiles
                if path in domain.bibdata.bibfiles
                for key in domain.bibdata.bibfiles[path].keys
                if key in cited
            ]
            domain.bibdata.bibfiles[CITED_ONLY] = BibFile(mtime=0.0, keys=dict.fromkeys(keys))
            originals[bib_key] = value
            domain.bibliographies[bib_key] = value._replace(bibfiles=[CITED_ONLY])
    return originals


def restore_bibliographies(env: BuildEnvironment, originals: dict) -> None:
    """Undo :func:`offer_only_cited_entries` before the environment is stored."""
    domain = cite_domain(env)
    domain.bibliographies.update(originals)
    domain.bibdata.bibfiles.pop(CITED_ONLY, None)


def citation_refs(env: BuildEnvironment) -> list:
    return cite_domain(env).citation_refs


# -- pybtex 0.26 -----------------------------------------------------------------------------------------
# pybtex/utils.py: OrderedCaseInsensitiveDict keeps values in ``_dict`` (by the name as written) and the
# names by lower case in ``_keys``; pybtex/plugin/__init__.py: find_plugin scans entry points on every call.


def share_equal_values(data: BibliographyData) -> None:
    """One object per distinct name, field name and short value across the bibliography (5000 entries:
    5.5 MB stored instead of 8 MB, loaded in a fraction of the time). Nothing changes a parsed ``Person``
    or field, so sharing them is safe."""
    people: dict[tuple, object] = {}
    strings: dict[str, str] = {}

    def one(text):
        return strings.setdefault(text, text) if isinstance(text, str) and len(text) <= 200 else text

    for entry in data.entries.values():
        for persons in entry.persons.values():
            for index, person in enumerate(persons):
                key = tuple(
                    tuple(parts)
                    for parts in (
                        person.first_names,
                        person.middle_names,
                        person.prelast_names,
                        person.last_names,
                        person.lineage_names,
                    )
                )
                persons[index] = people.setdefault(key, person)
        for mapping in (entry.fields, entry.persons):
            mapping._dict = {one(name): one(value) for name, value in mapping._dict.items()}
            for lower, name in list(mapping._keys.items()):
                mapping._keys[lower] = one(name)
        entry.type, entry.original_type = one(entry.type), one(entry.original_type)


def remember_docutils_backend() -> None:
    """sphinxcontrib-bibtex looks the docutils backend up for every citation it resolves, and pybtex
    answers each lookup by scanning the installed packages' entry points (some 3 ms): register the class
    the entry point names, so that every later lookup finds it at once."""
    import pybtex.plugin

    backend = pybtex.plugin.find_plugin("pybtex.backends", "docutils")
    pybtex.plugin.register_plugin("pybtex.backends", "docutils", backend, force=True)


# -- Sphinx 9.0 ------------------------------------------------------------------------------------------
# sphinx/builders/html/_assets.py: _JavaScript(filename, priority, **attributes);
# sphinx/builders/html/__init__.py: docsettings (made in prepare_writing), handle_page, copysource,
# current_docname; sphinx/environment/__init__.py: toctree_includes; sphinx/config.py: Config._options.

from sphinx.builders.html._assets import _JavaScript as JavaScript  # noqa: E402


def deferred_script(script: Any, loading_attributes: frozenset[str]) -> Any:
    """The script with ``defer`` (a file) or ``type="module"`` (inline), unless it chose how it loads."""
    if not isinstance(script, JavaScript) or loading_attributes & script.attributes.keys():
        return script
    extra = {"defer": "defer"} if script.filename else {"type": "module"}
    return JavaScript(script.filename, priority=script.priority, **script.attributes, **extra)


def writer_settings(builder) -> object:
    """The docutils settings the HTML builder writes with (made early when a page is being read)."""
    settings = getattr(builder, "docsettings", None) or getattr(builder, "portfolio_docsettings", None)
    if settings is None:
        from docutils.frontend import OptionParser
        from sphinx.writers.html import HTMLWriter

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            settings = OptionParser(
                defaults=builder.env.settings, components=(HTMLWriter(builder),), read_config_files=True
            ).get_default_values()
        builder.portfolio_docsettings = settings
    return settings


def write_as_page(builder, pagename: str, write) -> str:
    """``write()`` while the builder believes it writes ``pagename`` (relative links, math)."""
    previous = getattr(builder, "current_docname", "")
    builder.current_docname = pagename
    try:
        return write()
    finally:
        builder.current_docname = previous


def render_page_without_source(
    app: Sphinx, pagename: str, context: dict, outfile: Path, parent: str | None, doctree
) -> None:
    """The theme's page for ``pagename``, which is no document: with ``parent`` as its toctree parent (the
    navbar marks it current), no copied source, and no git date (sphinx-last-updated-by-git 0.3: it
    looks every page up in ``env.git_last_updated``, docname -> (timestamp, show_sourcelink))."""
    builder = app.builder
    copysource, builder.copysource = builder.copysource, False
    git_dates = getattr(app.env, "git_last_updated", None)
    if git_dates is not None:
        git_dates[pagename] = (None, True)
    includes = app.env.toctree_includes
    siblings = includes.setdefault(parent, []) if parent else None
    if siblings is not None:
        siblings.append(pagename)
    try:
        builder.handle_page(pagename, context, "page.html", outfilename=outfile, event_arg=doctree)
    finally:
        builder.copysource = copysource
        if git_dates is not None:
            git_dates.pop(pagename, None)
        if siblings is not None:
            siblings.remove(pagename)
            if not siblings:
                del includes[parent]


def option_names(config) -> list[str]:
    return list(config._options)


def git_date(env: BuildEnvironment, docname: str) -> int | None:
    """The page's last commit time (sphinx-last-updated-by-git 0.3: (timestamp, show_sourcelink))."""
    found = getattr(env, "git_last_updated", {}).get(docname)
    return found[0] if found else None


# -- myst-parser 5 --------------------------------------------------------------------------------------
# myst_parser/sphinx_ext/main.py: create_myst_config() logs its whole configuration at INFO level on every
# build ("myst v5.2.0: MdParserConfig(...)", 900 characters). Shown with -v only; should the message
# change, it is shown again (no version guard: nothing is built differently).

MYST_LOGGER = "sphinx.myst_parser.sphinx_ext.main"


class VerboseOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO and "myst v" in str(record.msg):
            record.levelno, record.levelname = VERBOSE, "VERBOSE"
        return True


def quiet_myst_config() -> None:
    target = logging.getLogger(MYST_LOGGER)
    if not any(isinstance(existing, VerboseOnly) for existing in target.filters):
        target.addFilter(VerboseOnly())


# -- pydata-sphinx-theme 0.24 ----------------------------------------------------------------------------
# pydata_sphinx_theme/edit_this_page.py: the context's get_edit_provider_and_url() -> (provider, url);
# theme/pydata_sphinx_theme/static/: where the built site holds its stylesheet and Font Awesome's fonts.

THEME_STYLESHEET = Path("_static", "styles", "pydata-sphinx-theme.css")
THEME_FONT_DIR = Path("_static", "vendor", "fontawesome", "webfonts")


def set_edit_link(context: dict, url: str) -> None:
    if context.get("get_edit_provider_and_url"):
        context["get_edit_provider_and_url"] = lambda: ("GitHub", url)
