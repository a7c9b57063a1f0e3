"""Two outlets reporting one meeting: the draft proposed as the engagement already recorded, and merged.

A proposal is an engagement held within `WINDOW_DAYS` of the draft, with no other partner
country, scored on the date, the partner country, the participants and agencies they share
(registry links, or the same person's name read as screening reads names) and the words their
reports share. Each part of the score is a reason shown to the officer. Merging adds the draft's
new participants, agencies, crime areas, commitments and agreements referred to the engagement,
and its report as a further source; nothing already there is added twice. The draft's own
engagement is then removed in the same transaction, so no empty engagement is left. A draft
merges once: merging it again into the same engagement changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from liaison.core import audit
from liaison.core.errors import Conflict, NotFound
from liaison.core.i18n import Phrase
from liaison.core.security import gate
from liaison.core.security.policy import Actor, ensure
from liaison.engagements import schemas as engagement_schemas
from liaison.engagements import service as engagements
from liaison.engagements.models import (
    CitizenProtectionCase,
    Commitment,
    Engagement,
    EngagementParticipant,
    EngagementSource,
)
from liaison.ingest.models import DraftItem, DraftMerge
from liaison.ingest.review import OFFICIAL, items_of, open_draft, person_readings, similarity
from liaison.names.fold import fold

WRITE, READ = "engagements.write", "engagements.read"
WINDOW_DAYS = 2
THRESHOLD = 0.55
WEIGHTS = {"date": 0.3, "country": 0.2, "parties": 0.3, "text": 0.2}
SAME_COMMITMENT = 0.6
_WORD = re.compile(r"[^\W\d_]{4,}")
_COMMON = frozenset(
    """that this with from their they have been will were said also both sides which would other
    there these those into over under about after before during between minister ministry
    ministries public security police cooperation meeting talks delegation country countries
    vietnam vietnamese against crime crimes""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Proposal:
    """An engagement the draft may report, its score (0 to 1) and the reasons for it."""

    engagement: Engagement
    score: float
    reasons: list[Phrase] = field(default_factory=list)


def words(text: str) -> frozenset[str]:
    """A report's telling words: folded, four letters or more, the words of every report left out."""
    return frozenset(w for w in _WORD.findall(fold(text)) if w not in _COMMON)


def engagement_text(engagement: Engagement) -> str:
    parts = [engagement.title, engagement.summary, *(s.quote for s in engagement.sources)]
    parts += [s.report_text or "" for s in engagement.sources]
    return "\n".join(parts)


def participant_names(engagement: Engagement, items: list[DraftItem]) -> dict[str, list[frozenset[str]]]:
    """Everyone taking part, by a key (registry id, else the name) with their name readings."""
    found: dict[str, list[frozenset[str]]] = {}
    for participant in engagement.participants:
        official = participant.official
        readings = [
            r for form in (official.name, *(n.text for n in official.names)) for r in person_readings(form)
        ]
        found[f"id:{official.id}"] = readings
    for item in items:
        if item.kind == OFFICIAL and item.decision != "dismissed":
            key = f"id:{item.record_id}" if item.record_id else f"name:{item.name_key}"
            found.setdefault(key, person_readings(item.name))
    return found


def shared_participants(
    ours: dict[str, list[frozenset[str]]], theirs: dict[str, list[frozenset[str]]]
) -> int:
    """How many of our participants are theirs too: the same registry record or the same name."""
    shared = 0
    for key, readings in ours.items():
        if key in theirs or any(similarity(readings, other)[0] == 1.0 for other in theirs.values()):
            shared += 1
    return shared


def score_pair(
    draft: Engagement, draft_items: list[DraftItem], other: Engagement, other_items: list[DraftItem]
) -> Proposal | None:
    """The proposal that the draft reports `other`'s meeting, or None when it cannot be."""
    days = abs((draft.held_on - other.held_on).days)
    if days > WINDOW_DAYS:
        return None
    if draft.country_code and other.country_code and draft.country_code != other.country_code:
        return None
    reasons: list[Phrase] = []
    parts: dict[str, float] = {"date": 1.0 - days / (WINDOW_DAYS + 1)}
    reasons.append(
        Phrase("Held on the same day.")
        if days == 0
        else Phrase("Held {days} days apart (the reports may date it differently).", {"days": days})
    )
    parts["country"] = 0.0
    if draft.country_code and draft.country_code == other.country_code:
        parts["country"] = 1.0
        reasons.append(Phrase("The same partner country: {country}.", {"country": draft.country_code}))
    ours, theirs = participant_names(draft, draft_items), participant_names(other, other_items)
    people = shared_participants(ours, theirs)
    agencies = {a.agency_id for a in draft.agencies} & {a.agency_id for a in other.agencies}
    union = max(1, min(len(ours), len(theirs)))
    parts["parties"] = min(1.0, people / union + 0.5 * bool(agencies))
    if people:
        reasons.append(Phrase("Participants in common: {count}.", {"count": people}))
    if people < len(ours) and shared_participants(theirs, ours) < len(theirs):
        # each report names someone the other does not: another counterpart, so likely another meeting
        parts["parties"] = 0.0
        reasons.append(Phrase("Each report names someone the other does not."))
    if agencies:
        reasons.append(Phrase("Agencies in common: {count}.", {"count": len(agencies)}))
    ours_words, theirs_words = words(engagement_text(draft)), words(engagement_text(other))
    overlap = len(ours_words & theirs_words) / max(1, min(len(ours_words), len(theirs_words)))
    parts["text"] = min(1.0, overlap * 2)
    if overlap >= 0.2:
        reasons.append(
            Phrase("The reports share {percent}% of their words.", {"percent": round(overlap * 100)})
        )
    if draft.kind == other.kind:
        reasons.append(Phrase("The same kind of engagement."))
    score = sum(WEIGHTS[name] * value for name, value in parts.items())
    if score < THRESHOLD:
        return None
    return Proposal(other, round(score, 2), reasons)


def proposals(session: Session, actor: Actor, draft: Engagement) -> list[Proposal]:
    """Recorded engagements the draft may report, best first."""
    ensure(actor, READ)
    if draft.status != "draft":
        return []
    window = timedelta(days=WINDOW_DAYS)
    others = session.scalars(
        select(Engagement)
        .where(
            Engagement.status == "confirmed",
            Engagement.id != draft.id,
            Engagement.held_on.between(draft.held_on - window, draft.held_on + window),
            gate.readable(actor, Engagement),  # a meeting the reviewer may not read is no candidate
        )
        .options(
            selectinload(Engagement.sources),
            selectinload(Engagement.agencies),
            selectinload(Engagement.participants).selectinload(EngagementParticipant.official),
        )
        .limit(200)
    )
    draft_items = items_of(session, draft.id)
    found = [
        p for other in others if (p := score_pair(draft, draft_items, other, items_of(session, other.id)))
    ]
    return sorted(found, key=lambda p: -p.score)


def merged_into(session: Session, draft_id: int) -> int | None:
    """The engagement a draft was merged into, if it was. A merged draft's engagement is gone: an
    engagement under that number now is another one (SQLite may give a freed number again)."""
    if session.get(Engagement, draft_id) is not None:
        return None
    return session.scalar(select(DraftMerge.engagement_id).where(DraftMerge.draft_id == draft_id))


def merge_draft(session: Session, actor: Actor, draft_id: int, engagement_id: int) -> Engagement:
    """The draft's report is another source of `engagement`: what it adds is added, once."""
    ensure(actor, WRITE)
    done = merged_into(session, draft_id)
    if done is not None:
        if done != engagement_id:
            raise Conflict(
                "Draft {draft_id} was already merged into engagement {engagement_id}.",
                draft_id=draft_id,
                engagement_id=done,
                allowed=[],
            )
        return engagements.get_engagement(session, actor, done)
    draft = open_draft(session, draft_id)
    target = session.get(Engagement, engagement_id)
    if target is None or not gate.may_read(actor, target):  # hidden answers as missing
        raise NotFound("No engagement {engagement_id}.", engagement_id=engagement_id)
    if target.id == draft.id or target.status != "confirmed":
        raise Conflict(
            "A draft merges into a confirmed engagement, not into engagement {engagement_id}.",
            engagement_id=engagement_id,
            allowed=[],
        )
    if session.scalar(
        select(CitizenProtectionCase.id).where(CitizenProtectionCase.engagement_id == draft.id)
    ):
        raise Conflict(
            "A citizen-protection case refers to draft {draft_id}: confirm the draft instead.",
            draft_id=draft.id,
            allowed=[],
        )
    added = _add_parties(session, actor, draft, target)
    added["sources"] = _move_sources(session, draft, target)
    added["commitments"] = _move_commitments(session, draft, target)
    added["items"] = _move_items(session, draft, target)
    _remove_draft(session, actor, draft)
    stale = session.get(DraftMerge, draft_id)  # a freed number's earlier merge
    if stale is not None:
        session.delete(stale)
        session.flush()
    session.add(DraftMerge(draft_id=draft_id, engagement_id=target.id, merged_by=actor.username))
    session.flush()
    audit.record(
        session,
        actor.username,
        "merge",
        "engagement",
        target.id,
        before={"status": "draft"},
        after={"merged_draft": draft_id, **added},
    )
    return target


def _remove_draft(session: Session, actor: Actor, draft: Engagement) -> None:
    """The draft's engagement, emptied by the merge, goes: no shell is left in the registry."""
    before = {"status": draft.status, "title": draft.title, "held_on": draft.held_on.isoformat()}
    draft_id = draft.id
    session.delete(draft)
    session.flush()
    audit.record(session, actor.username, "delete", "engagement", draft_id, before=before)


def _add_parties(session: Session, actor: Actor, draft: Engagement, target: Engagement) -> dict[str, int]:
    """The draft's participants, agencies and crime areas the engagement lacks, through its service."""
    have = {p.official_id for p in target.participants}
    new_people = [p for p in draft.participants if p.official_id not in have]
    have_agencies = [a.agency_id for a in target.agencies]
    new_agencies = [a.agency_id for a in draft.agencies if a.agency_id not in have_agencies]
    new_areas = [c for c in draft.crime_areas if c not in target.crime_areas]
    if new_people or new_agencies or new_areas:
        engagements.update_engagement(
            session,
            actor,
            target.id,
            engagement_schemas.EngagementPatch(
                participants=[
                    engagement_schemas.ParticipantIn(official_id=p.official_id, role=p.role)
                    for p in [*target.participants, *new_people]
                ],
                agency_ids=have_agencies + new_agencies,
                crime_areas=[*target.crime_areas, *new_areas],
            ),
        )
    return {"participants": len(new_people), "agencies": len(new_agencies), "crime_areas": len(new_areas)}


def _move_sources(session: Session, draft: Engagement, target: Engagement) -> int:
    """The draft's report becomes a source of the engagement (unless that report is there already)."""
    hashes = {s.content_hash for s in target.sources if s.content_hash}
    urls = {s.url for s in target.sources if s.url}
    moved = 0
    for source in list(draft.sources):
        if not (source.content_hash in hashes or (source.url and source.url in urls)):
            target.sources.append(
                EngagementSource(
                    url=source.url,
                    file=source.file,
                    published_on=source.published_on,
                    quote=source.quote,
                    content_hash=source.content_hash,
                    report_text=source.report_text,
                )
            )
            moved += 1
    draft.sources.clear()
    session.flush()
    return moved


def same_commitment(a: Commitment, b: Commitment) -> bool:
    """One commitment reported twice: the same kind and mostly the same words."""
    if a.kind != b.kind:
        return False
    left, right = words(a.text), words(b.text)
    if not left or not right:
        return fold(a.text) == fold(b.text)
    return len(left & right) / len(left | right) >= SAME_COMMITMENT


def _move_commitments(session: Session, draft: Engagement, target: Engagement) -> int:
    """The draft's commitments the engagement lacks move to it; those it has already are dropped."""
    kept = list(target.commitments)
    moved = 0
    for commitment in list(draft.commitments):
        if any(same_commitment(commitment, other) for other in kept):
            session.delete(commitment)
            continue
        commitment.engagement_id, commitment.country_code = target.id, target.country_code
        kept.append(commitment)
        moved += 1
    session.flush()
    session.expire(target, ["commitments"])
    session.expire(draft, ["commitments"])
    return moved


def _move_items(session: Session, draft: Engagement, target: Engagement) -> int:
    """What the draft's report names (agreements referred above all) goes with it, once."""
    have = {(i.kind, i.name_key) for i in items_of(session, target.id)}
    moved = 0
    for item in items_of(session, draft.id):
        if (item.kind, item.name_key) in have:
            session.delete(item)
        else:
            item.engagement_id = target.id
            have.add((item.kind, item.name_key))
            moved += 1
    session.flush()
    return moved
