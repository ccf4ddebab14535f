"""The bib tidier: the real refs.bib is tidy, tidying loses nothing and is idempotent, pasted entries from
Scholar, the ACL Anthology, arXiv and DBLP (tests/data/pasted/) become entries of ours, bad input is
refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import REPO
from pybtex.database import parse_string

from portfolio.bib.check import lint_text
from portfolio.bib.cli import main as cli
from portfolio.bib.tidy import TidyError, tidy_text

PASTED = Path(__file__).parent / "data" / "pasted"


def same_entries(before: str, after: str) -> None:
    """Both texts parse to the same entries: type, every field and every name part."""
    old, new = parse_string(before, "bibtex").entries, parse_string(after, "bibtex").entries
    assert list(sorted(old)) == list(sorted(new))
    parts = ("first_names", "middle_names", "prelast_names", "last_names", "lineage_names")
    for key, entry in old.items():
        assert new[key].type == entry.type, key
        assert dict(new[key].fields) == dict(entry.fields), key
        for role, persons in entry.persons.items():
            assert [[getattr(p, part) for part in parts] for p in new[key].persons[role]] == [
                [getattr(p, part) for part in parts] for p in persons
            ], key


def tidied(name: str) -> dict:
    text = (PASTED / name).read_text(encoding="utf-8")
    result = tidy_text(text)
    assert tidy_text(result.text).text == result.text, "tidying twice changes nothing"
    return parse_string(result.text, "bibtex").entries


def test_the_real_refs_bib_is_tidy() -> None:
    text = (REPO / "refs.bib").read_text(encoding="utf-8")
    assert tidy_text(text).text == text, "refs.bib is not tidy: run `make tidy` and commit the result"


def test_tidying_loses_nothing_and_is_idempotent_on_a_shuffled_real_file() -> None:
    text = (REPO / "refs.bib").read_text(encoding="utf-8")
    header, _, body = text.partition("\n\n@")
    entries = ("@" + body).split("\n\n")
    shuffled = header + "\n\n" + "\n\n".join(reversed(entries))
    # Messy spacing, quotes instead of braces and a numeric month, as a hand edit leaves them.
    shuffled = shuffled.replace("  year               = {2024},", '  year="2024" ,', 3).replace(
        "= aug,", "= {8},", 2
    )
    result = tidy_text(shuffled)
    same_entries(text, result.text)
    assert result.text == text
    assert result.changes == []


def test_comments_travel_with_their_entry_and_the_header_stays() -> None:
    text = (
        "% The header.\n\n"
        "@misc{old2019paper, title={Old}, author={Kun Zhou}, year={2019}, howpublished={arXiv}}\n\n"
        "% Camera-ready pending.\n"
        "@misc{new2024paper, title={New}, author={Kun Zhou}, year={2024}, howpublished={arXiv}}\n"
    )
    result = tidy_text(text).text
    assert result.startswith("% The header.\n\n% Camera-ready pending.\n@misc{new2024paper,")
    assert result.index("new2024paper") < result.index("old2019paper")


def test_a_scholar_entry_gets_its_arxiv_id_and_badge() -> None:
    entry = tidied("scholar.bib")["zhou2024jiuzhang3"]
    assert (entry.fields["eprint"], entry.fields["archiveprefix"]) == ("2405.14365", "arXiv")
    assert entry.fields["venue_short"] == "arXiv 2024"
    assert [str(person) for person in entry.persons["author"]][:2] == ["Zhou, Kun", "Zhang, Beichen"]


def test_an_anthology_entry_gets_its_anthology_id_findings_track_and_our_key() -> None:
    entries = tidied("anthology.bib")
    assert list(entries) == ["chen2024improving"]
    entry = entries["chen2024improving"]
    assert entry.fields["anthology"] == "2024.findings-acl.338"
    assert (entry.fields["venue_short"], entry.fields["track"]) == ("ACL 2024 Findings", "Findings")
    assert entry.fields["month"] == "August"
    assert entry.fields["abstract"].startswith("Reinforcement learning (RL)")
    assert [str(person) for person in entry.persons["editor"]] == [
        "Ku, Lun-Wei",
        "Martins, Andre",
        "Srikumar, Vivek",
    ]


def test_an_arxiv_entry_keeps_its_fields_and_gets_a_badge() -> None:
    entry = tidied("arxiv.bib")["zhou2023dontmakellm"]
    assert entry.fields["primaryclass"] == "cs.CL"
    assert entry.fields["venue_short"] == "arXiv 2023"
    assert entry.fields["title"] == "Don't Make Your LLM an Evaluation Benchmark Cheater"


def test_dblp_entries_lose_bookkeeping_and_get_clean_urls_badges_and_keys() -> None:
    entries = tidied("dblp.bib")
    assert sorted(entries) == ["zhao2023survey", "zhou2024jiuzhang3"]
    neurips = entries["zhou2024jiuzhang3"]
    assert not {"timestamp", "biburl", "bibsource"} & set(neurips.fields)
    assert neurips.fields["url"] == (
        "https://papers.nips.cc/paper_files/paper/2024/hash/0356216f73660e15670510f5e42b5fa6-Abstract-Conference.html"
    )
    assert neurips.fields["venue_short"] == "NeurIPS 2024"
    survey = entries["zhao2023survey"]
    assert (survey.fields["eprint"], survey.fields["archiveprefix"], survey.fields["venue_short"]) == (
        "2303.18223",
        "arXiv",
        "arXiv 2023",
    )


@pytest.mark.parametrize("name", sorted(path.name for path in PASTED.glob("*.bib")))
def test_every_pasted_sample_passes_the_bib_checks_once_tidied(name: str) -> None:
    result = tidy_text((PASTED / name).read_text(encoding="utf-8"))
    assert lint_text(result.text, Path(name), ["Kun Zhou"]) == []


def test_a_cited_key_is_reported_not_renamed() -> None:
    text = (PASTED / "anthology.bib").read_text(encoding="utf-8")
    result = tidy_text(text, cited={"chen-etal-2024-improving"})
    assert "chen-etal-2024-improving" in parse_string(result.text, "bibtex").entries
    assert (
        "chen-etal-2024-improving: key 'chen-etal-2024-improving' breaks the naming rule but is cited on a "
        "page: rename it to 'chen2024improving' here and in the pages"
    ) in result.changes


def test_input_it_cannot_parse_is_refused_with_a_reason(tmp_path: Path, capsys) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{broken2024x,\n  title = {Unclosed,\n}\n", encoding="utf-8")
    assert cli(["tidy", str(bib)]) == 2
    message = capsys.readouterr().err
    assert message.startswith(f"{bib}: cannot parse:")
    assert "make check names the line" in message
    assert bib.read_text(encoding="utf-8") == "@misc{broken2024x,\n  title = {Unclosed,\n}\n"
    with pytest.raises(TidyError, match="@string and @preamble"):
        tidy_text('@string{acl = "ACL"}\n@misc{a2024b, title={T}, author={A B}, year={2024}}\n')


def test_the_check_mode_names_the_command_to_run(tmp_path: Path, capsys) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text((PASTED / "arxiv.bib").read_text(encoding="utf-8"), encoding="utf-8")
    assert cli(["tidy", str(bib), "--check"]) == 1
    assert (
        capsys.readouterr().err.strip().endswith(f"{bib} is not tidy: run `make tidy` and commit the result")
    )
    assert cli(["tidy", str(bib)]) == 0
    assert cli(["tidy", str(bib), "--check"]) == 0


@pytest.mark.parametrize("name", sorted(path.name for path in PASTED.glob("*.bib")))
def test_a_pasted_sample_keeps_every_field_but_dblp_bookkeeping(name: str) -> None:
    text = (PASTED / name).read_text(encoding="utf-8")
    before = list(parse_string(text, "bibtex").entries.values())
    after = list(parse_string(tidy_text(text).text, "bibtex").entries.values())
    assert len(before) == len(after)
    by_title = {entry.fields["title"]: entry for entry in after}
    for entry in before:
        tidy = by_title[entry.fields["title"]]
        for field_name, value in entry.fields.items():
            if field_name.lower() in {"timestamp", "biburl", "bibsource"}:
                assert field_name not in tidy.fields
                continue
            kept = tidy.fields[field_name]
            # The documented rewrites of a value: https for known hosts, DBLP's escaped underscores.
            assert kept in {value, value.replace("http://", "https://", 1).replace("\\_", "_")}, field_name
        for role, persons in entry.persons.items():
            assert [str(person) for person in tidy.persons[role]] == [str(person) for person in persons]


def test_a_parenthesis_in_the_last_entrys_value_does_not_end_it() -> None:
    """An abstract "1) ... 2) ..." (arXiv's, pasted or added by make add) is text, not the entry's end."""
    text = (
        "% header\n\n@misc{zhou2024numbered,\n  title = {Numbered},\n  author = {Kun Zhou},\n"
        "  year = {2024},\n"
        "  abstract = {Three aims: 1) to improve; 2) to exchange; and 3) to pay tribute.},\n}\n"
    )
    once = tidy_text(text).text
    assert tidy_text(once).text == once
    assert once.count("to pay tribute") == 1
