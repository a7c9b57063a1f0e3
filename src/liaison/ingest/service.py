"""Store an extracted report as a draft engagement, find it again, and confirm it.

A draft is an engagement with `status = "draft"`, created through the engagements service (so
its validation and audit apply) from the extraction: kind, date, place, partner country, crime
areas, the registry agencies and officials the report names, the registry mechanism it belongs to
(`mechanism_match`) with the meeting's number, its lead sentence as the source's quote, and its
commitments. The same report (same text, or same URL) ingested again answers the
draft it made the first time and writes nothing. Confirmation is an audited status change.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from liaison.core import audit
from liaison.core.errors import NotFound
from liaison.core.security import gate
from liaison.core.security.policy import Actor, ensure
from liaison.engagements import schemas
from liaison.engagements import service as engagements
from liaison.engagements.models import Commitment, Engagement, EngagementSource
from liaison.engagements.vocabulary import vocabulary
from liaison.ingest import mechanism_match, review
from liaison.ingest.extract import Extraction, extract_bytes, extract_text
from liaison.names.fold import fold
from liaison.registry.models import Agency, Official
from liaison.registry.vocabulary import countries, crime_areas

WRITE = "engagements.write"
HOME_COUNTRY = review.HOME_COUNTRY


@dataclass(frozen=True)
class Outcome:
    """What ingesting one report did: the draft (new or found again), or why there is none."""

    engagement_id: int | None
    created: bool
    reason: str | None
    extraction: Extraction


def content_hash(text: str) -> str:
    """The report's identity: its article text, case and spacing aside."""
    return hashlib.sha256(fold(text).encode("utf-8")).hexdigest()


def ingest_report(
    session: Session,
    actor: Actor,
    data: bytes,
    published: date | None,
    source_url: str = "",
    file_name: str = "",
) -> Outcome:
    """A draft engagement for one report; the existing draft when the report was ingested before."""
    ensure(actor, WRITE)
    extraction = extract_bytes(data, published)
    if extraction.skip:
        return Outcome(None, False, extraction.reason, extraction)
    digest = content_hash(extraction.text)
    known = find_source(session, digest, source_url)
    if known is not None:
        return Outcome(known, False, None, extraction)
    linked = registry_ids(session, extraction)
    draft = draft_of(extraction, linked, published, source_url, file_name)
    mechanism = mechanism_match.mechanism_of(session, extraction, draft.country)
    if mechanism is not None:  # the registry mechanism the meeting belongs to, with its number
        draft.mechanism_id, draft.ordinal = mechanism
    engagement = engagements.create_engagement(session, actor, draft)
    engagement.status = "draft"
    engagement.sources[0].content_hash = digest
    engagement.sources[0].report_text = extraction.text
    for hit in extraction.commitments:
        if hit.kind in vocabulary().commitment_kinds:
            session.add(
                Commitment(
                    engagement_id=engagement.id,
                    country_code=hit.by,
                    text=hit.text,
                    kind=hit.kind,
                    status="open",
                )
            )
    session.flush()
    review.record_items(session, engagement.id, extraction, linked)
    return Outcome(engagement.id, True, None, extraction)


def find_source(session: Session, digest: str, source_url: str) -> int | None:
    conditions = [EngagementSource.content_hash == digest]
    if source_url:
        conditions.append(EngagementSource.url == source_url)
    return session.scalar(select(EngagementSource.engagement_id).where(or_(*conditions)).limit(1))


def registry_ids(session: Session, extraction: Extraction) -> dict[tuple[str, str], int]:
    """Registry ids of the agencies and officials the extraction matched, by kind and ref; the
    agencies of the officials taking part take part too, those named only as a post someone also
    holds do not."""
    agency_refs = [a.registry_ref for a in extraction.agencies if a.registry_ref and not a.is_post]
    official_refs = [p.registry_ref for p in extraction.persons if p.registry_ref and not p.is_mentioned]
    found: dict[tuple[str, str], int] = {}
    if agency_refs:
        for ref, agency_id in session.execute(
            select(Agency.ref, Agency.id).where(Agency.ref.in_(agency_refs))
        ):
            found[(review.AGENCY, str(ref))] = agency_id
    if official_refs:
        rows = session.execute(select(Official.ref, Official.id).where(Official.ref.in_(official_refs)))
        for ref, official_id in rows:
            found[(review.OFFICIAL, str(ref))] = official_id
        their_agencies = session.execute(
            select(Agency.ref, Agency.id)
            .join(Official, Official.agency_id == Agency.id)
            .where(Official.ref.in_(official_refs), Agency.ref.is_not(None))
        )
        for ref, agency_id in their_agencies:
            found[(review.AGENCY, str(ref))] = agency_id
    return found


def draft_of(
    extraction: Extraction,
    linked: dict[tuple[str, str], int],
    published: date | None,
    source_url: str,
    file_name: str,
) -> schemas.EngagementIn:
    """The engagement the extraction describes, linked to the registry records it matched."""
    kinds = vocabulary().engagement_kinds
    kind = extraction.kind.value if extraction.kind.value in kinds else "talks"
    held_on, note = held_on_of(extraction.date.value, published)
    known_countries = countries()
    partner = next((c.value for c in extraction.countries if c.value != HOME_COUNTRY), None)
    agency_ids = [i for (kind_, _), i in linked.items() if kind_ == review.AGENCY]
    official_ids = [i for (kind_, _), i in linked.items() if kind_ == review.OFFICIAL]
    title = extraction.text.strip().split("\n", 1)[0][:200] or "Report of a meeting"
    lead = extraction.lead.value or ""
    return schemas.EngagementIn(
        kind=kind,
        title=title,
        held_on=held_on,
        date_note=note,
        place=(extraction.place.value or "")[:200],
        country=partner if partner in known_countries else None,
        agency_ids=agency_ids,
        participants=[schemas.ParticipantIn(official_id=i) for i in official_ids],
        crime_areas=[c.value for c in extraction.crime_areas if c.value in crime_areas()],
        summary=lead,
        sources=[
            schemas.SourceIn(url=source_url[:1000], file=file_name[:300], published_on=published, quote=lead)
        ],
    )


def held_on_of(value: str | None, published: date | None) -> tuple[date, str]:
    """The draft's date and a note saying how it was read."""
    if value and len(value) == 10:
        return date.fromisoformat(value), "Read from the report."
    if value and len(value) == 7:
        return date.fromisoformat(value + "-01"), "The report gives the month only."
    day = published or date.today()
    return day, "The report gives no date: the publication date."


def confirm_draft(session: Session, actor: Actor, engagement_id: int) -> Engagement:
    """An officer confirms a draft: it becomes a registry engagement (audited)."""
    ensure(actor, WRITE)
    engagement = review.open_draft(session, engagement_id)
    engagement.status = "confirmed"
    audit.record(
        session,
        actor.username,
        "confirm",
        "engagement",
        engagement.id,
        before={"status": "draft"},
        after={"status": "confirmed"},
    )
    return engagement


def draft_for_review(
    session: Session, actor: Actor, engagement_id: int
) -> tuple[Engagement, Extraction | None]:
    """A draft and its report's extraction again (deterministic), for the evidence to highlight."""
    ensure(actor, "engagements.read")
    engagement = session.get(Engagement, engagement_id)
    if engagement is None or not gate.may_read(actor, engagement):  # hidden answers as missing
        raise NotFound("No engagement {engagement_id}.", engagement_id=engagement_id)
    source = next((s for s in engagement.sources if s.report_text), None)
    if source is None or source.report_text is None:
        return engagement, None
    return engagement, extract_text(source.report_text, source.published_on)
