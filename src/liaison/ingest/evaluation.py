"""Precision, recall and F1 per field of the extraction contract against labelled reports.

Two labelled sets: the five seeds, whose gold is the registry's hand-curated demo data
(`registry/demo/press_releases.yaml`) read into the contract's shape, and reports written for
the project with their labels (`bench/extraction_reports/*.yaml`). One harness scores both, so
another extractor can be compared on the same reports.

How a predicted value matches a gold one:
- date, kind, place: equal (place compared folded, spaces ignored);
- countries, crime areas: set members;
- officials: the same person (folded words equal, or one name's words all in the other's) and
  the same country;
- agreements: the same kind and status cue;
- commitments: the same kind ("suggested" and "proposed" are one: the curated seeds record
  "suggested" as proposed), the same maker (`by`, null for joint commitments) and texts sharing
  at least 40% of the shorter one's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from liaison.names.fold import fold

TARGETS = {
    "date": 0.90,
    "kind": 0.90,
    "countries": 0.90,
    "crime_areas": 0.90,
    "officials": 0.85,
    "agreements": 0.85,
    "commitments": 0.75,
}
"""The issue's F1 targets per field."""
FIELDS = ("date", "kind", "place", "countries", "officials", "crime_areas", "agreements", "commitments")
DEMO = Path(__file__).resolve().parents[1] / "registry" / "demo" / "press_releases.yaml"

# What the curated demo data leaves implicit, read from the seeds by hand: who made each
# commitment (null: both sides together or an international body) and the agreements with the
# status cue the sentence puts on them.
SEED_MAKERS: dict[str, str | None] = {
    "kz-2025-02-25-c8": "KZ",
    "asean-2024-08-28-c5": None,
    "asean-2024-08-28-c6": None,
    "sg-2024-10-09-c8": "SG",
}
SEED_JOINT_SOURCES = {"ru", "cn"}
SEED_AGREEMENTS: dict[str, list[tuple[str, str]]] = {
    "kz": [("crime_prevention", "to_negotiate")],
    "asean": [],
    "sg": [
        ("crime_prevention", "in_force"),
        ("crime_prevention", "to_sign"),
        ("extradition", "to_sign"),
        ("transfer_of_sentenced_persons", "to_sign"),
    ],
    "ru": [],
    "cn": [],
}


@dataclass
class Labelled:
    """One report and what the extraction should give for it."""

    id: str
    data: bytes
    published: date | None
    gold: dict[str, Any]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    fields: dict[str, Counts] = field(default_factory=lambda: {f: Counts() for f in FIELDS})
    skips_right: int = 0
    skips_total: int = 0


def seed_reports(seeds_dir: Path) -> list[Labelled]:
    """The five seeds with their gold read from the curated demo data."""
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    agencies = {a["ref"]: a for a in data["agencies"]}
    officials = {o["ref"]: o for o in data["officials"]}
    reports = []
    for source_key, source in data["sources"].items():
        engagements = [e for e in data["engagements"] if e["sources"][0]["source"] == source_key]
        first = engagements[0]
        published = source.get("published_on") or first["held_on"] + timedelta(days=1)
        countries: list[str] = []
        people: list[dict[str, Any]] = []
        crime: list[str] = []
        commitments = []
        for engagement in engagements:
            for code in [
                engagement.get("country"),
                *(agencies[a].get("country") for a in engagement["agencies"]),
            ]:
                if code and code not in countries:
                    countries.append(code)
            for participant in engagement["participants"]:
                official = officials[participant["official"]]
                country = agencies[official["agency"]].get("country") if official.get("agency") else None
                if all(p["name"] != official["name"] for p in people):
                    people.append({"name": official["name"], "country": country})
            crime += [c for c in engagement.get("crime_areas", []) if c not in crime]
            for commitment in engagement.get("commitments", []):
                default = None if source_key in SEED_JOINT_SOURCES else "VN"
                by = SEED_MAKERS.get(commitment["ref"], default)
                commitments.append({"kind": commitment["kind"], "by": by, "text": commitment["text"]})
        gold = {
            "date": first["held_on"].isoformat(),
            "kind": first["kind"],
            "place": first.get("place"),
            "countries": countries,
            "officials": people,
            "crime_areas": crime,
            "agreements": [{"kind": k, "status_cue": s} for k, s in SEED_AGREEMENTS[source_key]],
            "commitments": commitments,
        }
        path = seeds_dir / Path(source["file"]).name
        reports.append(Labelled(source_key, path.read_bytes(), published, gold))
    return reports


def written_reports(folder: Path) -> list[Labelled]:
    """The reports written for the project, with their labels."""
    reports = []
    for path in sorted(folder.glob("*.yaml")):
        for row in yaml.safe_load(path.read_text(encoding="utf-8"))["reports"]:
            gold = dict(row["gold"])
            if isinstance(gold.get("date"), date):
                gold["date"] = gold["date"].isoformat()
            reports.append(Labelled(row["id"], row["text"].encode("utf-8"), row.get("published"), gold))
    return reports


def score(pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> Score:
    """Counts per field over (predicted contract, gold) pairs."""
    result = Score()
    for predicted, gold in pairs:
        if gold.get("skip"):
            result.skips_total += 1
            result.skips_right += bool(predicted["skip"])
            continue
        if predicted["skip"]:
            result.skips_total += 1
        for name in ("date", "kind", "place"):
            single(
                result.fields[name],
                predicted.get(name),
                gold.get(name),
                same_place if name == "place" else None,
            )
        matched(result.fields["countries"], predicted["countries"], gold["countries"], lambda a, b: a == b)
        matched(
            result.fields["crime_areas"], predicted["crime_areas"], gold["crime_areas"], lambda a, b: a == b
        )
        matched(result.fields["officials"], predicted["officials"], gold["officials"], same_official)
        matched(result.fields["agreements"], predicted["agreements"], gold["agreements"], same_agreement)
        matched(result.fields["commitments"], predicted["commitments"], gold["commitments"], same_commitment)
    return result


def single(counts: Counts, predicted: Any, gold: Any, same: Any = None) -> None:
    equal = (
        (same(predicted, gold) if same else predicted == gold)
        if predicted is not None and gold is not None
        else False
    )
    if equal:
        counts.tp += 1
        return
    if predicted is not None:
        counts.fp += 1
    if gold is not None:
        counts.fn += 1


def matched(counts: Counts, predicted: list[Any], gold: list[Any], same: Any) -> None:
    """Greedy one-to-one matching of predicted to gold items."""
    left = list(gold)
    for item in predicted:
        hit = next((g for g in left if same(item, g)), None)
        if hit is None:
            counts.fp += 1
        else:
            counts.tp += 1
            left.remove(hit)
    counts.fn += len(left)


def compact(text: str | None) -> str:
    return fold(text or "").replace(" ", "")


def same_place(a: str, b: str) -> bool:
    return compact(a) == compact(b) or (
        bool(compact(a)) and (compact(a) in compact(b) or compact(b) in compact(a))
    )


def same_name(a: str, b: str) -> bool:
    wa, wb = set(fold(a).split()), set(fold(b).split())
    return bool(wa and wb) and (wa == wb or wa <= wb or wb <= wa)


def same_official(predicted: dict[str, Any], gold: dict[str, Any]) -> bool:
    return same_name(predicted["name"], gold["name"]) and predicted.get("country") == gold.get("country")


def same_agreement(predicted: dict[str, Any], gold: dict[str, Any]) -> bool:
    return bool(predicted["kind"] == gold["kind"] and predicted.get("status_cue") == gold.get("status_cue"))


_KIND_CLASS = {"suggested": "proposed"}


def same_commitment(predicted: dict[str, Any], gold: dict[str, Any]) -> bool:
    kind_a = _KIND_CLASS.get(predicted["kind"], predicted["kind"])
    kind_b = _KIND_CLASS.get(gold["kind"], gold["kind"])
    return (
        kind_a == kind_b
        and predicted.get("by") == gold.get("by")
        and overlaps(predicted["text"], gold["text"])
    )


def overlaps(a: str, b: str) -> bool:
    wa = {w for w in re.findall(r"\w+", fold(a)) if len(w) > 2}
    wb = {w for w in re.findall(r"\w+", fold(b)) if len(w) > 2}
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= 0.4


@dataclass(frozen=True)
class SecondReport:
    """Another outlet's report: of the same meeting as `same_as`, or of a different one near `near`."""

    id: str
    data: bytes
    published: date | None
    same_as: str | None
    near: str | None


def second_reports(path: Path) -> list[SecondReport]:
    """The second reports written for the project to measure merge proposals."""
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))["reports"]
    return [
        SecondReport(r["id"], r["text"].encode("utf-8"), r.get("published"), r.get("same_as"), r.get("near"))
        for r in rows
    ]
