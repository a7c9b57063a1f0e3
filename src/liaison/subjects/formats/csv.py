"""CSV with a documented header: one subject per row, UTF-8, comma-separated, first row the header.

| column | meaning |
|---|---|
| `source_id` | required: the sender's own id for the person (re-import updates, never duplicates) |
| `primary_name` | required: the name as written, any script |
| `given_name`, `family_name`, `name_order` | primary name's parts; order `given_first`, `family_first` |
| `language` | language of the primary name (ISO 639-1, e.g. vi, ru, kk, zh) |
| `aliases` | other names, separated by `;` |
| `birth_dates` | separated by `;`, each `1970-05-12`, `1970-05`, `1970` or `1968..1971` |
| `birth_place`, `gender` (`male`, `female`, `other`, `unknown`), `description` | particulars |
| `nationalities` | ISO 3166-1 alpha-2 codes separated by `;` |
| `believed_country` | ISO 3166-1 alpha-2 code of where the person is believed to be |
| `documents` | separated by `;`, each `kind:country:number` (e.g. `passport:VN:C1234567`) |
| `crime_area` (registry code), `charge` (its text), `legal_provision` | one charge |
| `issuing_authority`, `warrant_reference`, `warrant_date` | its warrant |
| `notice_kind`, `notice_issuer`, `notice_reference`, `notice_issued_on`, `notice_expires_on` | one notice |
| `status` | written on export; ignored on import (a subject's status changes only through its workflow) |

Only `source_id` and `primary_name` are required; a header with a column not listed here is refused,
so a misspelt column is not silently lost. Export writes every column, the first charge and the
first active notice.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from liaison.subjects.formats import ParsedRow, not_this_format
from liaison.subjects.schemas import SubjectOut

COLUMNS = (
    "source_id", "primary_name", "given_name", "family_name", "name_order", "language", "aliases",
    "birth_dates", "birth_place", "gender", "nationalities", "believed_country", "description",
    "documents", "crime_area", "charge", "legal_provision", "issuing_authority", "warrant_reference",
    "warrant_date", "notice_kind", "notice_issuer", "notice_reference", "notice_issued_on",
    "notice_expires_on", "status",
)  # fmt: skip
REQUIRED = ("source_id", "primary_name")
SEPARATOR = ";"


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(SEPARATOR) if part.strip()]


def estimate(text: str) -> int | None:
    """About how many rows `read` yields: the lines after the header."""
    return max(text.count("\n") - (1 if text.endswith("\n") else 0), 0)


def read(text: str) -> Iterator[ParsedRow]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        found = f"its header {', '.join(header[:4]) or '(empty)'}... lacks {', '.join(missing)}"
        raise not_this_format("the file", "Liaison subjects CSV", found)
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        raise not_this_format("the file", "Liaison subjects CSV", f"unknown columns {', '.join(unknown)}")
    reader.fieldnames = header
    for record in reader:
        line = reader.line_num
        if None in record:
            yield ParsedRow(
                line, (record.get("source_id") or "").strip(), error="more fields than the header"
            )
            continue
        row = {k: (v or "").strip() for k, v in record.items()}
        if not row.get("source_id"):
            yield ParsedRow(line, "", error="source_id is empty")
            continue
        try:
            yield ParsedRow(line, row["source_id"], _payload(row))
        except ValueError as error:
            yield ParsedRow(line, row["source_id"], error=str(error))


def _document(text: str) -> dict[str, Any]:
    kind, country, number = [*text.split(":", 2), "", ""][:3]
    if not number:
        raise ValueError(f"document {text!r} is not kind:country:number")
    return {"kind": kind.strip(), "country": country.strip(), "number": number.strip()}


def _payload(row: dict[str, str]) -> dict[str, Any]:
    names = [
        {
            "full_name": row["primary_name"],
            "kind": "primary",
            "given_name": row.get("given_name", ""),
            "family_name": row.get("family_name", ""),
            "name_order": row.get("name_order") or "unknown",
            "language": row.get("language", ""),
        },
        *({"full_name": alias, "kind": "alias"} for alias in _split(row.get("aliases", ""))),
    ]
    payload: dict[str, Any] = {
        "names": names,
        "birth_dates": _split(row.get("birth_dates", "")),
        "birth_place": row.get("birth_place", ""),
        "gender": row.get("gender") or "unknown",
        "nationalities": _split(row.get("nationalities", "")),
        "believed_country": row.get("believed_country", ""),
        "description": row.get("description", ""),
        "documents": [_document(d) for d in _split(row.get("documents", ""))],
    }
    charge = {
        k: row.get(k, "") for k in ("crime_area", "legal_provision", "issuing_authority", "warrant_reference")
    }
    if row.get("charge") or any(charge.values()):
        payload["charges"] = [
            {**charge, "description": row.get("charge", ""), "warrant_date": row.get("warrant_date") or None}
        ]
    if row.get("notice_kind"):
        payload["notices"] = [
            {
                "kind": row["notice_kind"],
                "issuer": row.get("notice_issuer", ""),
                "reference": row.get("notice_reference", ""),
                "issued_on": row.get("notice_issued_on") or None,
                "expires_on": row.get("notice_expires_on") or None,
            }
        ]
    return payload


def record(subject: SubjectOut) -> dict[str, str]:
    """One CSV row for a subject."""
    primary = next(
        (n for n in subject.names if n.kind == "primary"), subject.names[0] if subject.names else None
    )
    charge = subject.charges[0] if subject.charges else None
    notice = next((n for n in subject.notices if n.status == "active"), None)
    return {
        "source_id": subject.source_id or f"liaison-subject-{subject.id}",
        "primary_name": primary.full_name if primary else subject.primary_name,
        "given_name": primary.given_name if primary else "",
        "family_name": primary.family_name if primary else "",
        "name_order": primary.name_order if primary else "unknown",
        "language": primary.language if primary else "",
        "aliases": SEPARATOR.join(n.full_name for n in subject.names if n is not primary),
        "birth_dates": SEPARATOR.join(subject.birth_dates),
        "birth_place": subject.birth_place,
        "gender": subject.gender,
        "nationalities": SEPARATOR.join(subject.nationalities),
        "believed_country": subject.believed_country,
        "description": subject.description,
        "documents": SEPARATOR.join(f"{d.kind}:{d.country}:{d.number}" for d in subject.documents),
        "crime_area": charge.crime_area if charge else "",
        "charge": charge.description if charge else "",
        "legal_provision": charge.legal_provision if charge else "",
        "issuing_authority": charge.issuing_authority if charge else "",
        "warrant_reference": charge.warrant_reference if charge else "",
        "warrant_date": charge.warrant_date.isoformat() if charge and charge.warrant_date else "",
        "notice_kind": notice.kind if notice else "",
        "notice_issuer": notice.issuer if notice else "",
        "notice_reference": notice.reference if notice else "",
        "notice_issued_on": notice.issued_on.isoformat() if notice and notice.issued_on else "",
        "notice_expires_on": notice.expires_on.isoformat() if notice and notice.expires_on else "",
        "status": subject.status,
    }


def write(subjects: Iterable[SubjectOut], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for subject in subjects:
        writer.writerow(record(subject))
        count += 1
    return count
