"""The real site's outputs against the published schemas of their formats (`data/schemas/`, see its
README): the CSL-JSON export (CSL's JSON schema), `sitemap.xml` (sitemaps.org's XSD), the Atom feed
(RFC 4287's RELAX NG grammar), `.readthedocs.yaml` (Read the Docs' own schema), and every JSON-LD block
(each property and type a term of the schema.org context, dates ISO 8601, links absolute URLs)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import rnc2rng
import yaml
from bs4 import BeautifulSoup
from helpers import REPO, SiteBuild
from lxml import etree

SCHEMAS = REPO / "tests" / "data" / "schemas"
ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?)?)?)?")


@pytest.fixture(scope="module")
def built(site: SiteBuild) -> Path:
    assert site.returncode == 0, site.stderr
    return site.outdir


def json_schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def test_the_schemas_catch_what_they_should() -> None:
    """The validators are live: a broken document of each format fails."""
    csl = json_schema("csl-data.json")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "no-such-type"}], csl)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": 3}, json_schema("readthedocs-config-v2.schema.json"))
    assert not atom_grammar().validate(etree.fromstring(b'<feed xmlns="http://www.w3.org/2005/Atom"/>'))
    sitemap = etree.XMLSchema(etree.parse(SCHEMAS / "sitemap.xsd"))
    assert not sitemap.validate(
        etree.fromstring(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url/></urlset>')
    )
    with pytest.raises(AssertionError):
        check_json_ld({"@context": "https://schema.org", "@type": "ScholarlyArticle", "autor": "x"})
    with pytest.raises(AssertionError):
        check_json_ld({"@context": "https://schema.org", "@type": "Article", "datePublished": "2025/11"})


@pytest.mark.site
def test_the_csl_json_export_is_valid_csl_data(built: Path) -> None:
    items = json.loads((built / "publications" / "kun-zhou-publications.json").read_text(encoding="utf-8"))
    jsonschema.validate(items, json_schema("csl-data.json"))
    assert len(items) == len(list((built / "publications").glob("*.html"))) - 1  # all but the list page
    group = next(item for item in items if item["id"] == "xiang2025pan")
    assert group["author"][0] == {"literal": "PAN Team Institute of Foundation Models"}
    assert group["issued"] == {"date-parts": [[2025, 11, 12]]}


def test_read_the_docs_config_is_valid() -> None:
    config = yaml.safe_load((REPO / ".readthedocs.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(config, json_schema("readthedocs-config-v2.schema.json"))


@pytest.mark.site
def test_the_sitemap_is_valid(built: Path) -> None:
    schema = etree.XMLSchema(etree.parse(SCHEMAS / "sitemap.xsd"))
    document = etree.parse(built / "sitemap.xml")
    assert schema.validate(document), schema.error_log
    urls = document.findall("{http://www.sitemaps.org/schemas/sitemap/0.9}url")
    papers = [
        url for url in urls if re.search(r"/publications/(?!index)[^/]+\.html$", url.findtext("{*}loc"))
    ]
    assert papers
    assert all(url.findtext("{*}lastmod") for url in papers), "paper pages have their entry's date"


def atom_grammar() -> etree.RelaxNG:
    rng = rnc2rng.dumps(rnc2rng.load(str(SCHEMAS / "atom.rnc")))
    # rnc2rng declares the grammar's empty "local" namespace as a prefix, which XML forbids.
    return etree.RelaxNG(etree.fromstring(re.sub(r'\s+xmlns:local=""', "", rng).encode()))


@pytest.mark.site
def test_the_news_feed_is_valid_atom(built: Path) -> None:
    grammar = atom_grammar()
    feed = etree.parse(built / "news.xml")
    assert grammar.validate(feed), grammar.error_log
    content = " ".join(feed.getroot().itertext())
    assert "publications/wu2025towards.html" in content
    assert "publications/cheng2025revisiting.html" in content


# -- JSON-LD ---------------------------------------------------------------------------------------------


def context_terms() -> dict:
    return json.loads((SCHEMAS / "schemaorg-context.jsonld").read_text(encoding="utf-8"))["@context"]


TERMS = context_terms()


def check_json_ld(node, path: str = "$") -> None:
    if isinstance(node, list):
        for index, item in enumerate(node):
            check_json_ld(item, f"{path}[{index}]")
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "@context":
            assert value == "https://schema.org", path
            continue
        if key == "@type":
            assert isinstance(TERMS.get(value), dict), f"{path}: type {value!r}"
            assert TERMS[value]["@id"] == f"schema:{value}", f"{path}: {value!r} is not a schema.org type"
            continue
        term = TERMS.get(key)
        assert isinstance(term, dict), f"{path}.{key} is no property"
        assert term.get("@id") == f"schema:{key}", f"{path}.{key} is no property"
        values = value if isinstance(value, list) else [value]
        if term.get("@type") in {"Date", "DateTime"}:
            assert all(isinstance(v, str) and ISO_DATE.fullmatch(v) for v in values), f"{path}.{key}: {value}"
        if term.get("@type") == "@id":  # a link; or, as JSON-LD allows, a node of its own
            assert all(isinstance(v, dict) or re.match(r"https?://", v) for v in values), f"{path}.{key}"
        check_json_ld(value, f"{path}.{key}")


@pytest.mark.site
def test_every_json_ld_block_uses_schema_org_terms_only(built: Path) -> None:
    blocks = 0
    for page in sorted(built.rglob("*.html")):
        html = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for script in html.select('script[type="application/ld+json"]'):
            check_json_ld(json.loads(script.string), page.relative_to(built).as_posix())
            blocks += 1
    assert blocks >= len(list((built / "publications").glob("*.html")))
