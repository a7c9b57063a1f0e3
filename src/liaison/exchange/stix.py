"""STIX 2.1 bundles of persons sought, notices, confirmed screening hits and free notes, written
and read with the `stix2` library so MISP and OpenCTI users can take part.

Which STIX object each record becomes, and why:

- a person sought is an `identity` with `identity_class: individual`: what MISP's STIX converter
  and OpenCTI ("Individual") both make of a person. A `threat-actor` describes a group's intent
  and capabilities, which an arrest warrant does not establish.
- a notice is a `note` about that identity (`object_refs`): an annotation with an issuer and a
  period; OpenCTI shows notes on the entity's page, MISP keeps them with the event.
- a confirmed screening hit is a `sighting` of the identity, `where_sighted_refs` our agency:
  "this person was seen here at this time" is what a confirmed hit says.
- a free note is a `note` about the objects it names (by default the producer).
- our agency is an `identity` with `identity_class: organization`, every object's
  `created_by_ref`.

Handling codes travel as the TLP marking definitions the STIX 2.1 specification fixes (their ids
are the same everywhere, so every STIX tool recognises them): H0 → TLP:WHITE, H1 → TLP:GREEN,
H2 → TLP:AMBER, H3 → TLP:RED, and as `x_liaison_handling_code` for an exact round trip. What STIX
has no property for (names in several scripts, birth dates as precise as known, identity
documents, charges, notice kind) travels in `x_liaison_*` custom properties, which STIX allows and
other tools keep as they are.

Export passes the record-access gate: only persons the user may read (SQL `gate.readable`, and a
named person the user may not read answers as missing), their notices and confirmed hits; a
partner's H2/H3 copy leaves only with its provider's permission (`subjects.may_pass_on`, the one
rule messages forward by too): named, it is refused (403); in "everyone" it stays out. Import
validates the whole bundle with `stix2` and every person with the subjects' own checks before
anything is written; persons are stored through the subjects service keyed by their STIX id (a
re-import updates, never duplicates). Both are audited, with the strictest handling code moved.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any

import stix2
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from stix2.exceptions import STIXError

from liaison.core import audit
from liaison.core.db import utcnow
from liaison.core.errors import Invalid, NotFound, Phrase
from liaison.core.security import gate
from liaison.core.security.policy import Actor, ensure
from liaison.exchange import keys
from liaison.screening.models import Hit
from liaison.subjects import service as subjects
from liaison.subjects.models import PARTNER_SOURCE, Subject

EXPORT = "exchange.stix_export"
IMPORT = "exchange.stix_import"
SOURCE = "stix"
NODE_SOURCE = PARTNER_SOURCE  # a person shared by a partner's node: source "node:<node id>", its id there
PRODUCER = "Liaison"
NAMESPACE = uuid.UUID("5d3c1b9e-55a1-4b8e-9b51-0c7a3f0e2a11")  # Liaison's STIX ids (uuid5)
MAX_BUNDLE_BYTES = 20 * 1_048_576

HANDLING_TO_TLP: dict[str, stix2.MarkingDefinition] = {
    "H0": stix2.TLP_WHITE,
    "H1": stix2.TLP_GREEN,
    "H2": stix2.TLP_AMBER,
    "H3": stix2.TLP_RED,
}
TLP_TO_HANDLING = {marking.id: code for code, marking in HANDLING_TO_TLP.items()}
# STIX 2.1 domain and relationship objects: those that carry `created` and `modified`.
DOMAIN_AND_RELATIONSHIP_TYPES = frozenset(
    (
        "attack-pattern",
        "campaign",
        "course-of-action",
        "grouping",
        "identity",
        "incident",
        "indicator",
        "infrastructure",
        "intrusion-set",
        "location",
        "malware",
        "malware-analysis",
        "note",
        "observed-data",
        "opinion",
        "report",
        "threat-actor",
        "tool",
        "vulnerability",
        "relationship",
        "sighting",
    )
)


@dataclass(frozen=True)
class FreeNote:
    """A note written for the bundle: an abstract, its text, its handling code and what it is about
    (STIX ids in the bundle; empty means the producer)."""

    content: str
    abstract: str = ""
    handling_code: str = "H0"
    about: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportChoice:
    """What to export: the persons sought named (all the user may read when empty), with their
    notices, confirmed hits when asked, and free notes."""

    subject_ids: tuple[int, ...] = ()
    hits: bool = True
    notes: tuple[FreeNote, ...] = ()
    producer: str = PRODUCER


@dataclass
class ExportResult:
    bundle: dict[str, Any]
    counts: dict[str, int]
    handling_code: str


@dataclass
class ImportReport:
    bundle_id: str
    objects: int = 0
    subject_ids: list[int] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    notices: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    handling_code: str = "H0"


def stix_id(kind: str, *parts: object) -> str:
    """A stable STIX id for a Liaison record, so a re-export is the same object to OpenCTI and MISP."""
    return f"{kind}--{uuid.uuid5(NAMESPACE, ':'.join(str(p) for p in parts))}"


def this_node() -> str:
    """This node's id (`liaison node init`), which keeps its STIX ids apart from other nodes'."""
    return keys.load().node_id if keys.exists() else "local"


def subject_stix_id(subject: Subject) -> str:
    """A person imported from STIX keeps the id it came with, one shared by a partner's node the id
    that node gives it; the others get a stable id of this node's."""
    if subject.source == SOURCE and subject.source_id:
        return subject.source_id
    if subject.source.startswith(NODE_SOURCE) and subject.source_id:
        return stix_id("identity", "subject", subject.source.removeprefix(NODE_SOURCE), subject.source_id)
    return stix_id("identity", "subject", this_node(), subject.id)


def _markings(code: str) -> list[str]:
    return [HANDLING_TO_TLP.get(code, stix2.TLP_RED).id]


def _midnight(day: Any) -> datetime:
    return datetime.combine(day, time(0), UTC)


# ---------------------------------------------------------------- export


def _subjects(session: Session, actor: Actor, ids: Sequence[int]) -> list[Subject]:
    """The persons to export, all through the gate; a named hidden one answers as missing."""
    query = (
        select(Subject)
        .where(gate.readable(actor, Subject))
        .options(*(selectinload(getattr(Subject, rel)) for rel in subjects.SUBJECT_RELATIONS))
        .order_by(Subject.id)
    )
    if ids:
        gate.get_all_readable(session, actor, "subject", ids, "subject")
        query = query.where(Subject.id.in_(ids))
    readable = [s for s in session.scalars(query) if gate.may_read(actor, s)]
    for subject in readable if ids else ():  # named: refused, with the reason
        subjects.ensure_may_pass_on(session, actor, subject)
    return [s for s in readable if subjects.may_pass_on(s)]  # all: a partner's restricted copy stays


def _person(subject: Subject, producer: str) -> stix2.Identity:
    out = subjects.subject_out(subject)
    return stix2.Identity(
        id=subject_stix_id(subject),
        created=subject.created_at,
        modified=max(subject.updated_at, subject.created_at),
        created_by_ref=producer,
        identity_class="individual",
        name=subject.primary_name,
        description=subject.description or None,
        object_marking_refs=_markings(subject.handling_code),
        x_liaison_handling_code=subject.handling_code,
        x_liaison_subject_id=subject.id,
        x_liaison_status=subject.status,
        x_liaison_gender=subject.gender,
        x_liaison_birth_place=subject.birth_place,
        x_liaison_believed_country=subject.believed_country,
        x_liaison_names=[
            {k: n.model_dump()[k] for k in ("full_name", "kind", "language", "given_name", "family_name")}
            for n in out.names
        ],
        x_liaison_birth_dates=[b.value for b in subject.birth_dates],
        x_liaison_nationalities=[n.country for n in subject.nationalities],
        x_liaison_documents=[
            {
                "kind": d.kind,
                "number": d.number,
                "country": d.country,
                "issued_on": d.issued_on.isoformat() if d.issued_on else None,
                "expires_on": d.expires_on.isoformat() if d.expires_on else None,
            }
            for d in subject.documents
        ],
        x_liaison_charges=[
            {
                "crime_area": c.crime_area,
                "description": c.description,
                "legal_provision": c.legal_provision,
                "issuing_authority": c.issuing_authority,
                "issuing_country": c.issuing_country,
                "warrant_reference": c.warrant_reference,
            }
            for c in subject.charges
        ],
        allow_custom=True,
    )


def _notice(subject: Subject, person_id: str, notice: Any, producer: str) -> stix2.Note:
    status = subjects.notice_status(notice)
    return stix2.Note(
        id=stix_id("note", "notice", notice.id, person_id),
        created=notice.created_at,
        modified=notice.created_at,
        created_by_ref=producer,
        abstract=f"{notice.kind} notice {notice.reference}".strip(),
        content=notice.reason or f"{notice.kind} notice issued by {notice.issuer or 'unknown issuer'}",
        authors=[notice.issuer] if notice.issuer else None,
        object_refs=[person_id],
        object_marking_refs=_markings(subject.handling_code),
        x_liaison_handling_code=subject.handling_code,
        x_liaison_notice_kind=notice.kind,
        x_liaison_notice_reference=notice.reference,
        x_liaison_notice_issuer=notice.issuer,
        x_liaison_notice_issued_on=notice.issued_on.isoformat() if notice.issued_on else None,
        x_liaison_notice_expires_on=notice.expires_on.isoformat() if notice.expires_on else None,
        x_liaison_notice_status=status,
        allow_custom=True,
    )


def _sightings(
    session: Session, people: dict[int, tuple[Subject, str]], producer: str
) -> list[stix2.Sighting]:
    if not people:
        return []
    hits = session.scalars(
        select(Hit).where(Hit.status == "confirmed", Hit.subject_id.in_(list(people))).order_by(Hit.id)
    )
    found = []
    for hit in hits:
        subject, person_id = people[hit.subject_id]
        seen = hit.decided_at or hit.created_at
        found.append(
            stix2.Sighting(
                id=stix_id("sighting", "hit", hit.id, person_id),
                created=hit.created_at,
                modified=seen,
                created_by_ref=producer,
                sighting_of_ref=person_id,
                where_sighted_refs=[producer],
                first_seen=seen,
                last_seen=seen,
                count=1,
                summary=False,
                object_marking_refs=_markings(subject.handling_code),
                x_liaison_handling_code=subject.handling_code,
                x_liaison_hit_score=round(hit.score, 4),
                x_liaison_matched_name=hit.matched_name,
                allow_custom=True,
            )
        )
    return found


def _free_note(note: FreeNote, producer: str, known: set[str], index: int, now: datetime) -> stix2.Note:
    gate.check_handling_code(note.handling_code)
    about = list(note.about) or [producer]
    unknown = [ref for ref in about if ref not in known]
    if unknown:
        raise Invalid(
            "A note is about {refs}, which the bundle does not hold.",
            refs=unknown,
            fields={f"notes.{index}.about": "not in the bundle"},
        )
    return stix2.Note(
        id=stix_id("note", "free", producer, index, note.abstract, note.content),
        created=now,
        modified=now,
        created_by_ref=producer,
        abstract=note.abstract or None,
        content=note.content,
        object_refs=about,
        object_marking_refs=_markings(note.handling_code),
        x_liaison_handling_code=note.handling_code,
        allow_custom=True,
    )


def export_bundle(session: Session, actor: Actor, choice: ExportChoice = ExportChoice()) -> ExportResult:
    """A STIX 2.1 bundle of what `choice` names and the actor may read; audited as one read that
    keeps the strictest handling code exported."""
    ensure(actor, EXPORT)
    result, protected = build_bundle(session, actor, choice)
    audit.record_read(
        session,
        actor.username,
        "stix_bundle",
        result.bundle["id"],
        detail="export: " + ", ".join(f"{v} {k}" for k, v in result.counts.items()),
        protected=subjects.found_among(actor, protected),
    )
    return result


def build_bundle(session: Session, actor: Actor, choice: ExportChoice) -> tuple[ExportResult, list[Subject]]:
    """The bundle and the restricted persons in it, through the gate; callers check the role and
    audit (an export, or a dispatch to a partner's node)."""
    now = utcnow()
    producer = stix2.Identity(
        id=stix_id("identity", "producer", choice.producer),
        created=_midnight(now.date()),
        modified=_midnight(now.date()),
        name=choice.producer,
        identity_class="organization",
        object_marking_refs=_markings("H0"),
    )
    objects: list[Any] = [producer]
    people: dict[int, tuple[Subject, str]] = {}
    codes = ["H0"]
    protected: list[Subject] = []
    notices = 0
    for subject in _subjects(session, actor, choice.subject_ids):
        person = _person(subject, producer.id)
        people[subject.id] = (subject, person.id)
        objects.append(person)
        codes.append(subject.handling_code)
        if gate.scope_of(subject.handling_code) != "everyone":
            protected.append(subject)
        for notice in subject.notices:
            objects.append(_notice(subject, person.id, notice, producer.id))
            notices += 1
    sightings = _sightings(session, people, producer.id) if choice.hits else []
    objects.extend(sightings)
    known = {o.id for o in objects}
    for index, note in enumerate(choice.notes):
        objects.append(_free_note(note, producer.id, known, index, now))
        codes.append(note.handling_code)
    markings = {ref for o in objects for ref in o.get("object_marking_refs", [])}
    objects.extend(m for m in HANDLING_TO_TLP.values() if m.id in markings)
    bundle = stix2.Bundle(objects=objects, allow_custom=True)
    counts = {
        "persons": len(people),
        "notices": notices,
        "sightings": len(sightings),
        "notes": len(choice.notes),
    }
    return ExportResult(json.loads(bundle.serialize()), counts, gate.strictest(*codes)), protected


# ---------------------------------------------------------------- import


def parse_bundle(text: str | bytes) -> stix2.Bundle:
    """The bundle, validated by `stix2` (every object's required properties, types and references);
    anything else is `Invalid` with the reason, before anything is written."""
    if len(text) > MAX_BUNDLE_BYTES:
        raise Invalid(
            "The STIX bundle is larger than {limit} bytes.",
            limit=MAX_BUNDLE_BYTES,
            fields={"file": "too large"},
        )
    try:
        document = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise Invalid(
            "The STIX bundle is not valid: {reason}.", reason=str(error), fields={"file": "not JSON"}
        ) from error
    if not isinstance(document, dict) or document.get("type") != "bundle":
        raise Invalid(
            "The STIX bundle is not valid: {reason}.",
            reason="the document is not a STIX bundle (type must be 'bundle')",
            fields={"file": "not a bundle"},
        )
    missing = _missing_properties(document)
    if missing:
        raise Invalid(
            "The STIX bundle is not valid: {reason}.", reason=missing, fields={"file": "invalid STIX 2.1"}
        )
    try:
        parsed = stix2.parse(document, allow_custom=True, version="2.1")
    except (STIXError, ValueError, TypeError, KeyError) as error:
        raise Invalid(
            "The STIX bundle is not valid: {reason}.",
            reason=str(error),
            fields={"file": "invalid STIX 2.1"},
        ) from error
    if not isinstance(parsed, stix2.Bundle):
        raise Invalid(
            "The STIX bundle is not valid: {reason}.",
            reason="the document is not a STIX 2.1 bundle",
            fields={"file": "not a bundle"},
        )
    return parsed


def _missing_properties(document: dict[str, Any]) -> str:
    """The first required common property the bundle or one of its objects lacks: `stix2` would
    make up an id and timestamps, which would make a different object of every import."""
    if not isinstance(document.get("id"), str):
        return "the bundle has no id"
    objects = document.get("objects", [])
    if not isinstance(objects, list):
        return "the bundle's objects are not a list"
    for index, item in enumerate(objects):
        if not isinstance(item, dict):
            return f"object {index} is not a JSON object"
        wanted = ["type", "id", "spec_version"]
        if item.get("type") in DOMAIN_AND_RELATIONSHIP_TYPES:
            wanted += ["created", "modified"]
        elif item.get("type") == "marking-definition":
            wanted += ["created"]
        absent = [name for name in wanted if name not in item]
        if absent:
            return f"object {index} ({item.get('id', item.get('type', '?'))}) has no {', '.join(absent)}"
    return ""


def _code_of(item: Any, floor: str) -> str:
    """The handling code of an imported object: the strictest of the importer's floor, its TLP
    marking and its `x_liaison_handling_code`."""
    codes = [floor]
    codes += [TLP_TO_HANDLING[ref] for ref in item.get("object_marking_refs", []) if ref in TLP_TO_HANDLING]
    own = item.get("x_liaison_handling_code")
    if isinstance(own, str) and own:
        codes.append(gate.check_handling_code(own, "x_liaison_handling_code"))
    return gate.strictest(*codes)


def _notice_payload(note: Any) -> dict[str, Any]:
    return {
        "kind": note.get("x_liaison_notice_kind"),
        "reference": note.get("x_liaison_notice_reference") or "",
        "issuer": note.get("x_liaison_notice_issuer") or "",
        "issued_on": note.get("x_liaison_notice_issued_on"),
        "expires_on": note.get("x_liaison_notice_expires_on"),
        "reason": note.get("content") or "",
    }


def _person_payload(person: Any, notes: Iterable[Any], code: str) -> dict[str, Any]:
    names = person.get("x_liaison_names") or [{"full_name": person["name"]}]
    return {
        "names": names,
        "birth_dates": person.get("x_liaison_birth_dates") or [],
        "birth_place": person.get("x_liaison_birth_place") or "",
        "gender": person.get("x_liaison_gender") or "unknown",
        "nationalities": person.get("x_liaison_nationalities") or [],
        "documents": person.get("x_liaison_documents") or [],
        "charges": person.get("x_liaison_charges") or [],
        "notices": [_notice_payload(n) for n in notes],
        "description": person.get("description") or "",
        "believed_country": person.get("x_liaison_believed_country") or "",
        "handling_code": code,
    }


def import_bundle(
    session: Session, actor: Actor, text: str | bytes, handling_code: str = "H1"
) -> ImportReport:
    """Store the persons sought (and their notices) a STIX 2.1 bundle carries, through the subjects
    service, keyed by STIX id; the other objects are counted as skipped. One bad person refuses the
    whole bundle, naming it; a person already here that this user may not read answers as missing."""
    ensure(actor, IMPORT)
    report = store_people(session, actor, parse_bundle(text), handling_code, SOURCE, lambda p: str(p["id"]))
    protected = gate.Referenced(0, actor.unit, report.handling_code)
    audit.record(
        session,
        actor.username,
        "import",
        "stix_bundle",
        report.bundle_id,
        after={"created": report.created, "updated": report.updated, "notices": report.notices,
               "skipped": report.skipped, "subject_ids": report.subject_ids},
        detail=f"STIX import of {report.objects} objects",
        protected=protected if gate.scope_of(report.handling_code) != "everyone" else None,
    )  # fmt: skip
    return report


def store_people(
    session: Session,
    actor: Actor,
    bundle: stix2.Bundle,
    handling_code: str,
    source: str,
    key: Callable[[Any], str],
) -> ImportReport:
    """The persons of a validated bundle, stored under `source` keyed by `key(person)`; all or nothing."""
    floor = gate.check_handling_code(handling_code)
    objects = list(bundle.get("objects", []))
    people = [o for o in objects if o["type"] == "identity" and o.get("identity_class") == "individual"]
    person_ids = {p["id"] for p in people}
    notes_of: dict[str, list[Any]] = {}
    skipped: Counter[str] = Counter()
    for item in objects:
        if item["type"] == "note" and item.get("x_liaison_notice_kind"):
            about = [ref for ref in item["object_refs"] if ref in person_ids]
            if about:
                notes_of.setdefault(about[0], []).append(item)
                continue
        if item in people or item["type"] == "marking-definition":
            continue
        skipped[item["type"] if item["type"] != "identity" else "identity (organisation)"] += 1
    items = []
    codes = [floor]
    for person in people:
        code = _code_of(person, floor)
        codes.append(code)
        payload = _person_payload(person, notes_of.get(person["id"], []), code)
        try:
            clean = subjects.parse_subject(payload, actor)
        except Invalid as error:
            raise Invalid(
                "The STIX bundle is not valid: {reason}.",
                reason=f"{person['id']}: {error.render('en')}",
                fields={person["id"]: error.render("en")},
            ) from error
        person_key = key(person)
        if not person_key:
            raise Invalid(
                "The STIX bundle is not valid: {reason}.",
                reason=f"{person['id']} has no {source} key",
                fields={"file": "invalid STIX 2.1"},
            )
        items.append((person_key, clean))
    existing = session.scalars(
        select(Subject).where(Subject.source == source, Subject.source_id.in_([k for k, _ in items]))
    ).all()
    for subject in existing:
        if not gate.may_read(actor, subject):
            raise NotFound(
                "There is no {what} {record_id}.", what=Phrase("subject"), record_id=subject.source_id
            )
    stored = subjects.store_subjects(session, actor, source, items, imported=True) if items else []
    return ImportReport(
        bundle_id=bundle["id"],
        objects=len(objects),
        created=sum(1 for _, created in stored if created),
        updated=sum(1 for _, created in stored if not created),
        notices=sum(len(n) for n in notes_of.values()),
        skipped=dict(skipped),
        handling_code=gate.strictest(*codes),
        subject_ids=[i for i, _ in stored],
    )
