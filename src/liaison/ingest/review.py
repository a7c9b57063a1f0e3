"""The officer's review of a draft: what its report names, settled one by one, and its fields corrected.

Each official, agency and agreement the report names is a `DraftItem`. The officer links it to a
registry record the suggestions offer, creates the record from it (through the registry's own
services, so their checks and audit apply) or sets it aside. Suggestions read names the way
screening does (`names.forms.clean_words` drops titles and ranks, `names.keys.name_forms` folds
diacritics and romanises), so "Sen. Lt. Gen. Lương Tam Quang" finds "General Luong Tam Quang".
Nothing is written to the registry but on the officer's explicit action.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from liaison.core import audit
from liaison.core.errors import Conflict, Invalid, NotFound
from liaison.core.i18n import Phrase
from liaison.core.records import referenced, snapshot
from liaison.core.security.policy import Actor, ensure
from liaison.engagements import schemas as engagement_schemas
from liaison.engagements import service as engagements
from liaison.engagements.models import Commitment, Engagement
from liaison.ingest import agreement_match
from liaison.ingest import schemas as ingest_schemas
from liaison.ingest.extract import Extraction, extract_text
from liaison.ingest.models import DraftItem
from liaison.names.forms import clean_words, name_parts
from liaison.names.keys import name_forms
from liaison.registry import agencies as registry_agencies
from liaison.registry import agreements as registry_agreements
from liaison.registry import officials as registry_officials
from liaison.registry import schemas as registry_schemas
from liaison.registry.models import Agency, Agreement, Official, SearchEntry
from liaison.registry.name_search import name_key, search_keys_query

WRITE, REGISTRY_READ = "engagements.write", "registry.read"
HOME_COUNTRY = "VN"
"""The country of the ministry whose reports these are: the partner is the other country."""
OFFICIAL, AGENCY, AGREEMENT = "official", "agency", "agreement"
ITEM_KINDS = (OFFICIAL, AGENCY, AGREEMENT)
MIN_SIMILARITY = 0.5
SUGGESTIONS = 5
CANDIDATES = 40
# words an agency's name shares with every other agency's
AGENCY_STOPWORDS = frozenset({"of", "the", "and", "for", "s", "on", "in"})


@dataclass(frozen=True)
class Suggestion:
    """A registry record the item may be, how alike the names are, and why."""

    record_id: int
    label: str
    score: float
    reasons: list[Phrase] = field(default_factory=list)


def record_items(
    session: Session, engagement_id: int, extraction: Extraction, linked: dict[tuple[str, str], int]
) -> None:
    """The report's officials (not the persons merely mentioned), agencies and agreements as items;
    those the extraction already matched to a registry record (`linked`, by kind and ref) are linked."""
    rows: dict[tuple[str, str], DraftItem] = {}

    def add(item: DraftItem, ref: str | None) -> None:
        # one agreement text may name two (extradition, transfer of sentenced persons): kinds part them
        item.name_key = name_key(f"{item.title} {item.name}" if item.kind == AGREEMENT else item.name)
        record_id = linked.get((item.kind, ref)) if ref else None
        if record_id is not None:
            item.decision, item.record_id = "linked", record_id
        rows.setdefault((item.kind, item.name_key), item)

    for person in extraction.persons:
        if not person.is_mentioned:
            add(
                DraftItem(
                    kind=OFFICIAL,
                    name=person.name[:300],
                    title=person.title[:300],
                    country_code=person.country,
                    start=person.start,
                    end=person.end,
                ),
                person.registry_ref,
            )
    for agency in extraction.agencies:
        add(
            DraftItem(
                kind=AGENCY,
                name=agency.name[:300],
                country_code=agency.country,
                start=agency.start,
                end=agency.end,
            ),
            agency.registry_ref,
        )
    for agreement in extraction.agreements:
        add(
            DraftItem(
                kind=AGREEMENT,
                name=agreement.text[:300],
                title=agreement.kind,
                cue=agreement.status_cue or "",
                year=agreement.year,
                start=agreement.start,
                end=agreement.end,
            ),
            None,
        )
    for item in rows.values():
        item.engagement_id = engagement_id
        session.add(item)
    session.flush()


def items_of(session: Session, engagement_id: int) -> list[DraftItem]:
    return list(
        session.scalars(
            select(DraftItem).where(DraftItem.engagement_id == engagement_id).order_by(DraftItem.id)
        )
    )


# Reading names


def person_readings(name: str) -> list[frozenset[str]]:
    """The words of a person's name in each reading: titles and ranks dropped, folded, romanised."""
    words = name_parts(name)[0].split()
    kept = " ".join(words[k] for k in clean_words(words)) if words else name
    return [frozenset(form.split()) for form in name_forms(kept) if form]


def agency_readings(name: str) -> list[frozenset[str]]:
    """The telling words of an agency's name in each reading (no "of", "the")."""
    return [
        frozenset(w for w in form.split() if w not in AGENCY_STOPWORDS) for form in name_forms(name) if form
    ]


def similarity(left: Iterable[frozenset[str]], right: Iterable[frozenset[str]]) -> tuple[float, int, int]:
    """The best overlap of two names' readings: (shared / all words, shared, words of the first)."""
    best = (0.0, 0, 0)
    right = list(right)
    for a in left:
        for b in right:
            if a and b:
                shared = len(a & b)
                score = shared / len(a | b)
                if score > best[0]:
                    best = (score, shared, len(a))
    return best


def candidate_ids(session: Session, entity: str, readings: list[frozenset[str]]) -> list[int]:
    """Records of one kind sharing the most words with the readings, from the registry's search keys."""
    hits: Counter[int] = Counter()
    for word in {w for reading in readings for w in reading if len(w) > 1}:
        ids = session.scalars(
            search_keys_query(word)
            .where(SearchEntry.entity == entity)
            .with_only_columns(SearchEntry.entity_id)
            .distinct()
            .limit(500)
        )
        hits.update(set(ids))
    return [record_id for record_id, _ in hits.most_common(CANDIDATES)]


def suggestions(session: Session, actor: Actor, item: DraftItem) -> list[Suggestion]:
    """Registry records the item may be, best first (for an official or an agency)."""
    ensure(actor, REGISTRY_READ)
    if item.kind == OFFICIAL:
        return _suggest(
            session,
            item,
            person_readings(item.name),
            person_readings,
            [
                (
                    o.id,
                    o.name,
                    [o.name, *(n.text for n in o.names)],
                    o.agency.country_code if o.agency else None,
                )
                for o in session.scalars(
                    select(Official)
                    .where(Official.id.in_(candidate_ids(session, "official", person_readings(item.name))))
                    .options(selectinload(Official.names), selectinload(Official.agency))
                )
            ],
        )
    if item.kind == AGENCY:
        readings = agency_readings(item.name)
        return _suggest(
            session,
            item,
            readings,
            agency_readings,
            [
                (a.id, a.name, [a.name, *(n.text for n in a.names)], a.country_code)
                for a in session.scalars(
                    select(Agency)
                    .where(Agency.id.in_(candidate_ids(session, "agency", readings)))
                    .options(selectinload(Agency.names))
                )
            ],
        )
    if item.kind == AGREEMENT:
        engagement = session.get_one(Engagement, item.engagement_id)
        return [
            Suggestion(*row)
            for row in agreement_match.scored(
                session, item.name, item.title, item.year, engagement.country_code
            )[:SUGGESTIONS]
        ]
    return []


def _suggest(
    session: Session,
    item: DraftItem,
    readings: list[frozenset[str]],
    read: Callable[[str], list[frozenset[str]]],
    records: list[tuple[int, str, list[str], str | None]],
) -> list[Suggestion]:
    found = []
    for record_id, label, forms, country in records:
        if item.country_code and country and country != item.country_code:
            continue  # another country's official or agency of the same name
        score, shared, total = similarity(readings, [r for form in forms for r in read(form)])
        if score < MIN_SIMILARITY:
            continue
        reasons = [
            Phrase("The same name, titles and diacritics aside.")
            if score == 1.0
            else Phrase(
                "{shared} of {total} words of the name in common.", {"shared": shared, "total": total}
            )
        ]
        if item.country_code and country == item.country_code:
            reasons.append(Phrase("The same country: {country}.", {"country": country}))
            score += 0.1
        found.append(Suggestion(record_id, label, round(min(score, 1.0), 2), reasons))
    return sorted(found, key=lambda s: (-s.score, s.label))[:SUGGESTIONS]


# Settling items


def open_draft(session: Session, engagement_id: int) -> Engagement:
    """A draft still under review, or a readable refusal (there is none, or it is settled)."""
    engagement = session.get(Engagement, engagement_id)
    if engagement is None:
        raise NotFound("No engagement {engagement_id}.", engagement_id=engagement_id)
    if engagement.status != "draft":
        raise Conflict("Engagement {engagement_id} is not a draft.", engagement_id=engagement_id, allowed=[])
    return engagement


def draft_item(session: Session, engagement_id: int, item_id: int) -> tuple[Engagement, DraftItem]:
    """A draft still under review and one of its items, or a readable refusal."""
    engagement = open_draft(session, engagement_id)
    item = session.get(DraftItem, item_id)
    if item is None or item.engagement_id != engagement_id:
        raise NotFound("The draft has no item {item_id}.", item_id=item_id)
    return engagement, item


def link_item(session: Session, actor: Actor, engagement_id: int, item_id: int, record_id: int) -> DraftItem:
    """The item is this registry record: an official joins the participants, an agency the agencies."""
    ensure(actor, WRITE)
    engagement, item = draft_item(session, engagement_id, item_id)
    if item.decision in ("linked", "created") and item.record_id == record_id:
        return item  # the same link again changes nothing
    if item.decision != "open":
        raise Conflict("This item is already settled.", allowed=[])
    model = {OFFICIAL: Official, AGENCY: Agency, AGREEMENT: Agreement}[item.kind]
    referenced(session, model, record_id, "record_id", item.kind)
    _attach(session, actor, engagement, item, record_id)
    item.decision, item.record_id = "linked", record_id
    session.flush()
    return item


def _attach(session: Session, actor: Actor, engagement: Engagement, item: DraftItem, record_id: int) -> None:
    """Add the record to the engagement through the engagements service (validated, audited):
    an official to the participants, an agency to the agencies, an agreement to the commitments
    made in the sentence that refers to it."""
    kind = item.kind
    if kind == AGREEMENT:
        for commitment in commitments_referring(engagement, item):
            engagements.update_commitment(
                session, actor, commitment.id, engagement_schemas.CommitmentPatch(agreement_id=record_id)
            )
    if kind == OFFICIAL and record_id not in {p.official_id for p in engagement.participants}:
        participants = [
            engagement_schemas.ParticipantIn(official_id=p.official_id, role=p.role)
            for p in engagement.participants
        ]
        participants.append(engagement_schemas.ParticipantIn(official_id=record_id))
        engagements.update_engagement(
            session, actor, engagement.id, engagement_schemas.EngagementPatch(participants=participants)
        )
    if kind == AGENCY and record_id not in {a.agency_id for a in engagement.agencies}:
        agency_ids = [a.agency_id for a in engagement.agencies] + [record_id]
        engagements.update_engagement(
            session, actor, engagement.id, engagement_schemas.EngagementPatch(agency_ids=agency_ids)
        )


def create_official(
    session: Session, actor: Actor, engagement_id: int, item_id: int, data: registry_schemas.OfficialIn
) -> DraftItem:
    """The officer confirms a new registry official from the item; it joins the participants."""
    ensure(actor, WRITE)
    engagement, item = draft_item(session, engagement_id, item_id)
    _check_open(item, OFFICIAL)
    official = registry_officials.create_official(session, actor, data)
    _attach(session, actor, engagement, item, official.id)
    item.decision, item.record_id = "created", official.id
    session.flush()
    return item


def create_agency(
    session: Session, actor: Actor, engagement_id: int, item_id: int, data: registry_schemas.AgencyIn
) -> DraftItem:
    """The officer confirms a new registry agency from the item; it joins the engagement's agencies."""
    ensure(actor, WRITE)
    engagement, item = draft_item(session, engagement_id, item_id)
    _check_open(item, AGENCY)
    agency = registry_agencies.create_agency(session, actor, data)
    _attach(session, actor, engagement, item, agency.id)
    item.decision, item.record_id = "created", agency.id
    session.flush()
    return item


def commitments_referring(engagement: Engagement, item: DraftItem) -> list[Commitment]:
    """The draft's commitments, not yet tied to an agreement, read from the sentence naming the item."""
    source = next((s for s in engagement.sources if s.report_text), None)
    if source is None or source.report_text is None:
        return []
    text = source.report_text
    extraction = extract_text(text, source.published_on)
    # the commitment whose words name the agreement, else those of the sentence that does
    texts = {hit.text for hit in extraction.commitments if hit.start <= item.start < hit.end}
    for hit in extraction.commitments if not texts else []:
        start = text.find(hit.sentence)
        if 0 <= start <= item.start < start + len(hit.sentence):
            texts.add(hit.text)
    return [c for c in engagement.commitments if c.agreement_id is None and c.text in texts]


def create_agreement(
    session: Session, actor: Actor, engagement_id: int, item_id: int, data: ingest_schemas.NewAgreementIn
) -> DraftItem:
    """The officer confirms a new registry agreement from the item, between our country and the
    draft's partner; the commitments made in its sentence concern it."""
    ensure(actor, WRITE)
    engagement, item = draft_item(session, engagement_id, item_id)
    _check_open(item, AGREEMENT)
    partner = engagement.country_code
    if partner is None or partner == HOME_COUNTRY:
        raise Invalid(
            "Set the draft's partner country first: the agreement is with it.",
            fields={"country": "the partner country"},
        )
    status, effective_on = agreement_match.first_status(item.cue, item.year, engagement.held_on)
    agreement = registry_agreements.create_agreement(
        session,
        actor,
        registry_schemas.AgreementIn(
            title=data.title,
            kind=data.kind,
            parties=[
                registry_schemas.PartyIn(country=HOME_COUNTRY),
                registry_schemas.PartyIn(country=partner),
            ],
            history=[
                registry_schemas.StatusChangeIn(
                    status=data.status or status,
                    effective_on=data.effective_on or effective_on,
                    note=f"Read from the report of engagement {engagement.id}.",
                )
            ],
        ),
    )
    _attach(session, actor, engagement, item, agreement.id)
    item.decision, item.record_id = "created", agreement.id
    session.flush()
    return item


def _check_open(item: DraftItem, kind: str) -> None:
    if item.kind != kind:
        raise Invalid("This item is not of the kind {kind}.", kind=kind, fields={"item": "another kind"})
    if item.decision != "open":
        raise Conflict("This item is already settled.", allowed=[])


def dismiss_item(session: Session, actor: Actor, engagement_id: int, item_id: int) -> DraftItem:
    """Not a party to the meeting (a misread name): left out, the registry untouched."""
    ensure(actor, WRITE)
    _, item = draft_item(session, engagement_id, item_id)
    if item.decision == "dismissed":
        return item
    if item.decision != "open":
        raise Conflict("This item is already settled.", allowed=[])
    item.decision = "dismissed"
    session.flush()
    return item


def correct_draft(
    session: Session, actor: Actor, engagement_id: int, data: engagement_schemas.EngagementPatch
) -> Engagement:
    """The officer corrects the draft's fields, through the engagements service (validated, audited)."""
    ensure(actor, WRITE)
    open_draft(session, engagement_id)
    return engagements.update_engagement(session, actor, engagement_id, data)


# The draft's commitments


def draft_commitment(session: Session, engagement_id: int, commitment_id: int) -> Commitment:
    """A commitment of a draft still under review, or a readable refusal."""
    open_draft(session, engagement_id)
    commitment = session.get(Commitment, commitment_id)
    if commitment is None or commitment.engagement_id != engagement_id:
        raise NotFound("The draft has no commitment {commitment_id}.", commitment_id=commitment_id)
    return commitment


def edit_commitment(
    session: Session,
    actor: Actor,
    engagement_id: int,
    commitment_id: int,
    data: engagement_schemas.CommitmentPatch,
) -> Commitment:
    """The officer corrects what the report was read to commit to (text, kind, owner, due date),
    through the engagements service (validated, audited)."""
    ensure(actor, WRITE)
    draft_commitment(session, engagement_id, commitment_id)
    return engagements.update_commitment(session, actor, commitment_id, data)


def remove_commitment(session: Session, actor: Actor, engagement_id: int, commitment_id: int) -> None:
    """A commitment misread from the report goes before the draft is accepted (audited)."""
    ensure(actor, WRITE)
    commitment = draft_commitment(session, engagement_id, commitment_id)
    before = snapshot(commitment, engagements.COMMITMENT_FIELDS)
    session.delete(commitment)
    session.flush()
    session.expire(session.get_one(Engagement, engagement_id), ["commitments"])
    audit.record(session, actor.username, "delete", "commitment", commitment_id, before=before)
