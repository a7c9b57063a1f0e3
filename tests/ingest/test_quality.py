"""The extraction against labelled reports: the five seeds field by field against the curated demo
data, and the reports written for the project against the issue's F1 targets."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from liaison.ingest.evaluation import TARGETS, Labelled, score, seed_reports, written_reports
from liaison.ingest.extract import extract_bytes
from liaison.ingest.text import unwrap

HERE = Path(__file__).resolve()
SEEDS = next(
    (p / "shared" / "seeds" for p in (HERE.parents[3], HERE.parents[4]) if (p / "shared" / "seeds").is_dir()),
    HERE.parents[3] / "shared" / "seeds",
)
WRITTEN = HERE.parents[2] / "bench" / "extraction_reports"


def seeds() -> list[Labelled]:
    if not SEEDS.is_dir():
        pytest.skip(f"press releases not found at {SEEDS}")
    return seed_reports(SEEDS)


@pytest.mark.parametrize("source", ["kz", "asean", "sg", "ru", "cn"])
def test_each_seed_matches_the_curated_data_on_date_kind_parties_and_agreements(source: str) -> None:
    report = next(r for r in seeds() if r.id == source)
    predicted = extract_bytes(report.data, report.published).to_contract()
    gold = report.gold
    assert predicted["skip"] is False
    assert predicted["date"] == gold["date"]
    assert predicted["kind"] == gold["kind"]
    assert set(predicted["countries"]) == set(gold["countries"])
    counts = score([(predicted, gold)]).fields
    assert counts["place"].f1 == 1.0, (predicted["place"], gold["place"])
    assert counts["officials"].f1 == 1.0, (predicted["officials"], gold["officials"])
    assert counts["agreements"].f1 == 1.0, (predicted["agreements"], gold["agreements"])
    assert counts["crime_areas"].recall == 1.0, (predicted["crime_areas"], gold["crime_areas"])


def test_the_seeds_name_their_registry_agencies() -> None:
    wanted = {
        "kz": {"kz-anti-corruption-agency", "vn-mps"},
        "asean": {"asean-secretariat", "vn-mps"},
        "sg": {"sg-mha"},
        "ru": {"vn-mps", "ru-mvd"},
        "cn": {"cn-mps"},
    }
    for report in seeds():
        extraction = extract_bytes(report.data, report.published)
        assert wanted[report.id] <= {a.registry_ref for a in extraction.agencies}, report.id


def test_the_seeds_keep_recalled_leaders_apart_from_participants() -> None:
    cn = next(r for r in seeds() if r.id == "cn")
    predicted = extract_bytes(cn.data, cn.published).to_contract()
    assert {p["name"] for p in predicted["mentioned_persons"]} == {"Xi Jinping", "To Lam"}
    assert "To Lam" not in {o["name"] for o in predicted["officials"]}


def test_the_first_seed_ignores_the_teasers_after_the_article() -> None:
    kz = next(r for r in seeds() if r.id == "kz")
    extraction = extract_bytes(kz.data, kz.published)
    assert "Timor-Leste" not in extraction.text and "Bùi Thanh Sơn" not in extraction.text
    assert "TL" not in extraction.to_contract()["countries"]


def test_every_extracted_value_points_at_its_evidence() -> None:
    for report in seeds():
        extraction = extract_bytes(report.data, report.published)
        text = extraction.text
        assert extraction.kind.span is not None and extraction.date.span is not None
        for person in extraction.persons:
            assert text[person.start : person.end].replace("’", "'") == person.name.replace("’", "'")
        for commitment in extraction.commitments:
            assert commitment.sentence in text
            assert text[commitment.start : commitment.end].strip(" ,;.")[:20] in commitment.sentence


def test_the_written_reports_meet_the_targets() -> None:
    reports = written_reports(WRITTEN)
    assert len([r for r in reports if not r.gold.get("skip")]) >= 30
    result = score([(extract_bytes(r.data, r.published).to_contract(), r.gold) for r in reports])
    assert result.skips_right == result.skips_total
    for field, target in TARGETS.items():
        assert result.fields[field].f1 >= target, (field, result.fields[field])


def hard_wrapped(data: bytes, width: int) -> bytes:
    """The report as an e-mail or a copy from a PDF gives it: each paragraph wrapped at `width`."""
    lines = data.decode("utf-8").split("\n")
    return "\n".join(textwrap.fill(line, width) if line.strip() else line for line in lines).encode()


@pytest.mark.parametrize("width", [60, 72, 100])
def test_a_hard_wrapped_report_reads_as_the_same_report(width: int) -> None:
    reports = seeds() + written_reports(WRITTEN)
    differing = {}
    for report in reports:
        as_published = extract_bytes(report.data, report.published).to_contract()
        wrapped = extract_bytes(hard_wrapped(report.data, width), report.published).to_contract()
        fields = [field for field in as_published if as_published[field] != wrapped[field]]
        if fields:
            differing[report.id] = fields
    assert differing == {}


def test_lines_that_each_end_a_sentence_are_not_joined() -> None:
    text = "Two ministries met in Hà Nội.\nThey agreed to share information.\nA plan follows next year.\n"
    assert unwrap(text) == text
    headline = "Việt Nam and Kazakhstan step up cooperation\n\nThe two sides met on Tuesday in Hà Nội.\n"
    assert unwrap(headline) == headline
