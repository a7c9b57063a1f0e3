"""FollowTheMoney entities as JSON lines (OpenSanctions, Aleph), read and written with the
`followthemoney` library.

Read: each `Person` is a subject (its entity id is the source id); `Passport` and
`Identification` entities are its documents through `holder`; `Sanction` entities are its notices
through `entity` (kind `sanction`, or the kind named by a `programId` "liaison-notice-<kind>" that
Liaison's own export writes). A person's `passportNumber`/`idNumber` become documents too.
Related entities may come before or after their person: the file is read twice, the second time
streaming the persons.

Write: each subject as a `Person`, its documents as `Passport`/`Identification`, its notices as
`Sanction` (with `programId` "liaison-notice-<kind>", so a re-import restores the kind). FtM has no
schema for charges: they travel in CSV, not here.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

import orjson
from followthemoney import model

from liaison.subjects.formats import ParsedRow, not_this_format
from liaison.subjects.schemas import SubjectOut
from liaison.subjects.values import country_codes
from liaison.subjects.vocabulary import vocabulary

NOTICE_PROGRAM_PREFIX = "liaison-notice-"
DOCUMENT_SCHEMATA = ("Passport", "Identification")
ALIAS_PROPERTIES = ("alias", "weakAlias", "previousName")
GENDERS = {"male": "male", "female": "female", "other": "other"}
FULL_DATE_LENGTH = 10
MAX_NAMES, MAX_BIRTH_DATES, MAX_DOCUMENTS, MAX_NOTICES = 50, 10, 50, 20  # as `schemas.SubjectIn` allows
_PERSON = re.compile(r'"schema"\s*:\s*"Person"')


def _lines(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, line


def _parse(line: str) -> dict[str, Any] | str:
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        return f"not valid JSON ({error.msg} at column {error.colno})"
    if not isinstance(data, dict) or not isinstance(data.get("schema"), str):
        return "not a FollowTheMoney entity (a JSON object with a schema)"
    return data


def estimate(text: str) -> int | None:
    """About how many rows `read` yields: the persons (and any line that is not an entity)."""
    return len(_PERSON.findall(text))


Pending = list[tuple[int, str]]


def _related(
    text: str,
) -> tuple[Pending, dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """First pass: documents and sanctions by the id of the entity they are about, and the lines
    left for the second pass (persons, and lines that are not entities, to report in order)."""
    pending: Pending = []
    documents: dict[str, list[dict[str, Any]]] = defaultdict(list)
    sanctions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for number, line in _lines(text):
        data = _parse(line)
        if isinstance(data, str) or data["schema"] == "Person":
            pending.append((number, line))
            continue
        properties = data.get("properties") or {}
        if not isinstance(properties, dict):
            continue
        if data["schema"] in DOCUMENT_SCHEMATA:
            for holder in properties.get("holder", []):
                documents[holder].append(data)
        elif data["schema"] == "Sanction":
            for entity in properties.get("entity", []):
                sanctions[entity].append(data)
    return pending, documents, sanctions


def read(text: str) -> Iterator[ParsedRow]:
    first = next(_lines(text), None)
    if first is None:
        return
    data = _parse(first[1])
    if isinstance(data, str):
        hint = (
            " (it looks like INTERPOL notice JSON: use --format interpol)" if "entity_id" in first[1] else ""
        )
        raise not_this_format("the file", "FollowTheMoney JSON lines", f"line {first[0]} is {data}{hint}")
    pending, documents, sanctions = _related(text)
    for number, line in pending:
        data = _parse(line)
        if isinstance(data, str):
            yield ParsedRow(number, "", error=data)
            continue
        if data["schema"] != "Person":
            continue
        proxy = _Entity(data)
        if not isinstance(data.get("properties", {}), dict):
            yield ParsedRow(number, proxy.id, error="not a valid entity: properties is not an object")
            continue
        if not proxy.id:
            yield ParsedRow(number, "", error="a Person needs an id")
            continue
        yield ParsedRow(
            number, proxy.id, _person(proxy, documents.get(proxy.id, []), sanctions.get(proxy.id, []))
        )


class _Entity:
    """A person's raw FtM properties, read as the followthemoney proxy reads them (lists of text);
    lighter than building a proxy for each of 100,000 lines."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.id = str(data.get("id") or "")
        self.properties = _props(data)

    def get(self, prop: str) -> list[str]:
        return self.properties.get(prop, [])

    def first(self, prop: str) -> str | None:
        values = self.properties.get(prop)
        return values[0] if values else None


def ftm_country(code: str) -> str:
    """FtM country codes are ISO in lower case, plus historic ones ("suhh") and regions
    ("ge-ab"): keep the ISO part where there is one, pass the rest on to be judged."""
    upper = code.strip().upper()
    base = upper.split("-")[0]
    if len(upper) > 2 and base in country_codes():
        return base
    return upper


def _full_date(values: list[str]) -> str | None:
    return next((v[:FULL_DATE_LENGTH] for v in values if len(v) >= FULL_DATE_LENGTH), None)


def _props(data: dict[str, Any]) -> dict[str, list[str]]:
    properties = data.get("properties") or {}
    if not isinstance(properties, dict):
        return {}
    return {k: vs for k, vs in properties.items() if isinstance(vs, list)}


def _documents(proxy: _Entity, related: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    nationality = [ftm_country(c) for c in proxy.get("nationality")][:1]
    for data in related:
        props = _props(data)
        kind = (
            "passport"
            if data["schema"] == "Passport" or "passport" in " ".join(props.get("type", [])).lower()
            else "national_id"
        )
        for number in props.get("number", []):
            found.append(
                {
                    "kind": kind,
                    "number": number[:80],
                    "country": ftm_country((props.get("country") or [""])[0]),
                    "issued_on": _full_date(props.get("startDate", [])),
                    "expires_on": _full_date(props.get("endDate", [])),
                }
            )
    for prop, kind in (("passportNumber", "passport"), ("idNumber", "national_id")):
        for number in proxy.get(prop):
            if not any(d["number"] == number and d["kind"] == kind for d in found):
                found.append(
                    {"kind": kind, "number": number[:80], "country": nationality[0] if nationality else ""}
                )
    return found


def _notices(related: list[dict[str, Any]]) -> list[dict[str, Any]]:
    notices = []
    kinds = vocabulary().notice_kinds
    for data in related:
        props = _props(data)
        program = (props.get("programId") or [""])[0]
        kind = (
            program.removeprefix(NOTICE_PROGRAM_PREFIX)
            if program.startswith(NOTICE_PROGRAM_PREFIX)
            else "sanction"
        )
        notices.append(
            {
                "kind": kind if kind in kinds else "sanction",
                "issuer": "; ".join(props.get("authority", []))[:200],
                "reference": (
                    (props.get("authorityId") or props.get("unscId") or [str(data.get("id", ""))])[0]
                )[:120],
                "issued_on": _full_date(props.get("startDate", []) + props.get("listingDate", [])),
                "expires_on": _full_date(props.get("endDate", [])),
                "reason": "; ".join(props.get("reason", []) + props.get("program", []))[:5000],
            }
        )
    return notices


def _person(
    proxy: _Entity, documents: list[dict[str, Any]], sanctions: list[dict[str, Any]]
) -> dict[str, Any]:
    names = proxy.get("name")
    first, last = proxy.first("firstName") or "", proxy.first("lastName") or ""
    if not names and (first or last):
        names = [f"{first} {last}".strip()]
    entries = [{"full_name": n[:300], "kind": "primary" if i == 0 else "alias"} for i, n in enumerate(names)]
    if entries:
        entries[0].update(
            given_name=first[:200],
            family_name=last[:200],
            name_order="given_first" if first and last else "unknown",
        )
    known = set(names)
    for prop in ALIAS_PROPERTIES:
        for alias in proxy.get(prop):
            if alias not in known:
                known.add(alias)
                entries.append({"full_name": alias[:300], "kind": "alias"})
    description = "; ".join(
        proxy.get("notes")
        + proxy.get("description")
        + [f"{p}: {v}" for p in ("height", "eyeColor", "hairColor") for v in proxy.get(p)]
    )
    nationalities = list(
        dict.fromkeys(ftm_country(c) for c in proxy.get("nationality") + proxy.get("citizenship"))
    )
    return {
        # Lists such as OpenSanctions give some persons dozens of aliases: keep what a subject holds.
        "names": entries[:MAX_NAMES],
        "birth_dates": list(dict.fromkeys(d[:10] for d in proxy.get("birthDate")))[:MAX_BIRTH_DATES],
        "birth_place": "; ".join(proxy.get("birthPlace"))[:200],
        "gender": GENDERS.get(proxy.first("gender") or "", "unknown"),
        "nationalities": [c for c in nationalities if c != "ZZ"][:10],
        "documents": _documents(proxy, documents)[:MAX_DOCUMENTS],
        "notices": _notices(sanctions)[:MAX_NOTICES],
        "description": description[:5000],
    }


def entity_id(subject: SubjectOut) -> str:
    """A subject's stable FtM id: the one it came with from an FtM list, else one from its Liaison id."""
    if subject.source == "ftm" and subject.source_id:
        return subject.source_id
    return f"liaison-subject-{subject.id}"


def entities(subject: SubjectOut) -> list[Any]:
    """The subject as FtM entity proxies: Person, its documents and its notices."""
    person = model.make_entity("Person")
    person.id = entity_id(subject)
    for name in subject.names:
        person.add("name" if name.kind == "primary" else "alias", name.full_name)
        if name.kind == "primary":
            person.add("firstName", name.given_name or None)
            person.add("lastName", name.family_name or None)
    person.add("birthDate", [d for d in subject.birth_dates if ".." not in d])
    person.add("birthPlace", subject.birth_place or None)
    person.add("gender", subject.gender if subject.gender in GENDERS else None)
    person.add("nationality", [c.lower() for c in subject.nationalities])
    person.add("notes", subject.description or None)
    if subject.status in ("sought", "located"):
        person.add("topics", "wanted")
    found = [person]
    for document in subject.documents:
        entity = model.make_entity("Passport" if document.kind == "passport" else "Identification")
        entity.make_id(person.id, "document", document.kind, document.number, document.country)
        entity.add("holder", person.id)
        entity.add("number", document.number)
        entity.add(
            "type",
            vocabulary().document_kinds[document.kind].en
            if document.kind in vocabulary().document_kinds
            else document.kind,
        )
        entity.add("country", document.country.lower() or None)
        entity.add("startDate", document.issued_on.isoformat() if document.issued_on else None)
        entity.add("endDate", document.expires_on.isoformat() if document.expires_on else None)
        found.append(entity)
    for notice in subject.notices:
        sanction = model.make_entity("Sanction")
        sanction.make_id(person.id, "notice", notice.kind, notice.reference, str(notice.id))
        sanction.add("entity", person.id)
        sanction.add("authority", notice.issuer or None)
        sanction.add("authorityId", notice.reference or None)
        sanction.add("programId", NOTICE_PROGRAM_PREFIX + notice.kind)
        sanction.add(
            "program",
            vocabulary().notice_kinds[notice.kind].en
            if notice.kind in vocabulary().notice_kinds
            else notice.kind,
        )
        sanction.add("status", notice.status)
        sanction.add("reason", notice.reason or None)
        sanction.add("startDate", notice.issued_on.isoformat() if notice.issued_on else None)
        sanction.add("endDate", notice.expires_on.isoformat() if notice.expires_on else None)
        found.append(sanction)
    return found


def write(subjects: Iterable[SubjectOut], out: TextIO) -> int:
    count = 0
    for subject in subjects:
        for entity in entities(subject):
            out.write(json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count
