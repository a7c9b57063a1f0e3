"""Extraction benchmark: precision, recall and F1 per field, and reports per second.

    .venv/bin/python bench/extraction.py                  # seeds from ../shared/seeds
    .venv/bin/python bench/extraction.py --seeds DIR --no-write

Two labelled sets: the five seeds, scored against the curated demo data
(`registry/demo/press_releases.yaml`), and the reports written for the project in
`bench/extraction_reports/` (30 meeting reports and 2 that must be skipped). Each report goes
through the same function as `liaison ingest --dry-run` (`extract_bytes`); throughput is the
whole extraction (decoding, cleaning, every field) over both sets repeated, after one warm-up
pass that builds the gazetteers. Writes the `## Extraction` section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from harness import database_backends, write_section
from liaison.core.db import unit_of_work
from liaison.core.migrate import upgrade
from liaison.core.security.policy import SystemActor
from liaison.engagements.models import Engagement
from liaison.ingest import merge, service
from liaison.ingest.evaluation import (
    FIELDS,
    TARGETS,
    Labelled,
    Score,
    score,
    second_reports,
    seed_reports,
    written_reports,
)
from liaison.ingest.extract import extract_bytes

HERE = Path(__file__).resolve().parent


def run(reports: list[Labelled]) -> Score:
    pairs = [(extract_bytes(r.data, r.published).to_contract(), r.gold) for r in reports]
    return score(pairs)


def table(name: str, result: Score, count: int) -> str:
    lines = [
        f"**{name}** ({count} reports)",
        "",
        "| field | precision | recall | F1 | target F1 |",
        "|---|---:|---:|---:|---:|",
    ]
    for field in FIELDS:
        counts = result.fields[field]
        target = f"{TARGETS[field]:.2f}" if field in TARGETS else "–"
        lines.append(
            f"| {field} | {counts.precision:.2f} | {counts.recall:.2f} | {counts.f1:.2f} | {target} |"
        )
    if result.skips_total:
        lines.append(f"| skipped as they should be | {result.skips_right}/{result.skips_total} | | | |")
    return "\n".join(lines)


def explain(reports: list[Labelled]) -> None:
    """Each field where a report's extraction differs from its gold."""
    for report in reports:
        predicted = extract_bytes(report.data, report.published).to_contract()
        for field in FIELDS:
            single = score([(predicted, {**report.gold})]).fields[field]
            if single.fp or single.fn:
                print(
                    f"{report.id} {field}: got {predicted.get(field)!r}\n    want {report.gold.get(field)!r}"
                )


def merge_proposals(written: list[Labelled]) -> str:
    """Precision and recall of "the same meeting" proposals for second reports of written meetings.

    Every written report is ingested and confirmed into one SQLite database; then each second
    report (`extraction_reports/merge/`) is ingested as a draft, and the engagements proposed for
    it are compared with the one meeting it reports (none, for reports of a different meeting of
    the same parties). Each draft is rolled back before the next.
    """
    actor = SystemActor(username="bench")
    seconds = second_reports(HERE / "extraction_reports" / "merge" / "second_reports.yaml")
    tp = fp = fn = 0
    with database_backends("sqlite", "merge") as engines:
        for _label, engine in engines:
            upgrade(engine)
            ids: dict[str, int] = {}
            with unit_of_work(engine) as session:
                for report in written:
                    outcome = service.ingest_report(session, actor, report.data, report.published)
                    if outcome.engagement_id is not None:
                        service.confirm_draft(session, actor, outcome.engagement_id)
                        ids[report.id] = outcome.engagement_id
            for second in seconds:
                with unit_of_work(engine) as session:
                    outcome = service.ingest_report(session, actor, second.data, second.published)
                    draft = session.get(Engagement, outcome.engagement_id)
                    proposed = (
                        {p.engagement.id for p in merge.proposals(session, actor, draft)} if draft else set()
                    )
                    right = ids.get(second.same_as or "")
                    tp += right in proposed
                    fp += len(proposed - {right})
                    fn += right is not None and right not in proposed
                    session.rollback()
    same = sum(1 for s in seconds if s.same_as)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return (
        f"Merge proposals: precision {precision:.2f}, recall {recall:.2f} on {len(seconds)} second reports "
        f"({same} of a meeting already recorded, {len(seconds) - same} of a different meeting of the same "
        "parties: weeks later, or within two days with another counterpart), proposed against all "
        f"{len(written)} written reports confirmed. The second reports were written for the project too "
        "(`bench/extraction_reports/merge/`), retelling its own reports in other outlets' words, and the "
        "rule that another counterpart means another meeting was added after reading one of them: a "
        "development figure, not a blind one."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_seeds = next(
        (p / "shared" / "seeds" for p in HERE.parents if (p / "shared" / "seeds").is_dir()),
        Path("shared/seeds"),
    )
    parser.add_argument("--seeds", type=Path, default=default_seeds)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument(
        "--explain", action="store_true", help="Print each report's differences from its gold."
    )
    args = parser.parse_args()
    seeds = seed_reports(args.seeds) if args.seeds.is_dir() else []
    written = written_reports(HERE / "extraction_reports")
    if args.explain:
        explain(seeds + written)
    run(written[:1])  # warm-up: gazetteers and dateparser's locale data
    sections = []
    if seeds:
        sections.append(table("Seeds against the curated demo data", run(seeds), len(seeds)))
    sections.append(table("Reports written for the project", run(written), len(written)))
    everything = seeds + written
    started = time.perf_counter()
    for _ in range(args.rounds):
        for report in everything:
            extract_bytes(report.data, report.published)
    elapsed = time.perf_counter() - started
    proposals_line = merge_proposals(written)
    rate = args.rounds * len(everything) / elapsed
    speed = (
        f"Throughput: {rate:.0f} reports per second on one process "
        f"({os.cpu_count()} cores on the machine; {args.rounds} rounds of {len(everything)} reports; "
        "target ≥ 20)."
    )
    markdown = "\n\n".join(
        [
            "## Extraction",
            "`bench/extraction.py`: the `liaison ingest --dry-run` extraction scored field by field "
            "(`liaison.ingest.evaluation` says how values are matched). The second set was written "
            "for the project — realistic reports in the styles of several outlets, years and "
            "countries, with invented details, labelled by hand in `bench/extraction_reports/` — and "
            "is not taken from any outlet nor from the reports of the evaluation kept outside the project.",
            "Read these figures as a development score, not a blind one: the rules were corrected while "
            "reading the errors on both sets (general rules — datelines, envoys' titles, appositive "
            "titles, the other party's country — never a report's phrases), so the evaluation kept "
            "outside the project is the honest measure. Seeds without a publication date in the "
            'curated data are read as published the day after the meeting; "suggested" and '
            '"proposed" count as one commitment kind because the curated data records both as proposed. '
            "Six of the written reports (`reports_c_heldout.yaml`) were labelled before the extraction "
            "first ran on them; that first, blind run scored F1 date 0.83, kind 0.83, countries 1.00, "
            "officials 0.95, crime areas 0.91, agreements 0.73, commitments 0.82: nearer what to expect "
            "on unseen reports than the figures below.",
            *sections,
            speed,
            proposals_line,
        ]
    )
    print(markdown)
    if not args.no_write:
        write_section("## Extraction", markdown + "\n")


if __name__ == "__main__":
    main()
