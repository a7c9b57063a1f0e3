"""Screening as the rest of Liaison uses it: screen records, store the hits, review them.

Records are screened against the live index (`live.py`); only records that alert are stored,
with their hits. A hit whose (subject, record) pair a reviewer dismissed before is not raised
again while both are unchanged (the dismissal is keyed by the subject's and the record's
fingerprints) and is counted as `suppressed`. Confirming a hit can open a locate-or-verify
request to the partner in the same step (the requests capability's `create_request`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session, selectinload

from liaison.core import audit
from liaison.core.db import utcnow
from liaison.core.errors import Conflict, Invalid, NotFound, Phrase
from liaison.core.schemas import Page
from liaison.core.security.policy import Actor, ensure, may
from liaison.screening.engine import DEFAULT_THRESHOLD, Hit, Screened, ScreeningIndex, ScreenRecord
from liaison.screening.models import Dismissal, ScreenedRecord, ScreeningRun
from liaison.screening.models import Hit as StoredHit
from liaison.screening.schemas import (
    DecisionIn,
    FeatureOut,
    HitOut,
    RecordIn,
    RecordResult,
    ReviewHitOut,
    RunOut,
    ScreenOut,
)
from liaison.subjects.models import Subject

SCREEN, BATCH, READ, REVIEW = "screening.screen", "screening.batch", "screening.read", "screening.review"
HIT_STATUSES = ("open", "confirmed", "dismissed")
RESTRICTED = "[restricted]"  # in place of a subject's name the user may not read


def _to_record(data: RecordIn, position: int) -> ScreenRecord:
    return ScreenRecord(
        data.record_id or str(position + 1),
        data.name,
        data.birth_date or None,
        (data.nationality or "").upper() or None,
        data.document_number or None,
        data.gender or None,
    )


def _dismissed(session: Session, screened: Sequence[Screened]) -> set[tuple[int, str, str]]:
    pairs = {(h.subject_id, s.record.fingerprint()) for s in screened for h in s.hits}
    if not pairs:
        return set()
    rows = session.execute(
        select(Dismissal.subject_id, Dismissal.record_fingerprint, Dismissal.subject_fingerprint).where(
            tuple_(Dismissal.subject_id, Dismissal.record_fingerprint).in_(list(pairs))
        )
    )
    return {(int(a), str(b), str(c)) for a, b, c in rows}


def store(
    session: Session,
    actor: Actor,
    run: ScreeningRun,
    screened: Sequence[Screened],
) -> list[RecordResult]:
    """Store the records that alerted and their hits (dismissed pairs left out and counted)."""
    dismissed = _dismissed(session, screened)
    readable = _readable_subjects(session, actor, {h.subject_id for s in screened for h in s.hits})
    results = []
    problems: Counter[str] = Counter(run.problems or {})
    for item in screened:
        record = item.record
        fingerprint = record.fingerprint()
        raised = [h for h in item.hits if (h.subject_id, fingerprint, h.subject_fingerprint) not in dismissed]
        suppressed = len(item.hits) - len(raised)
        run.suppressed += suppressed
        problems.update(p.split(":")[0] for p in item.problems)
        outs: list[HitOut] = []
        if raised:
            row = ScreenedRecord(
                run_id=run.id,
                record_id=record.record_id[:120],
                name=record.name[:400],
                birth_date=(record.birth_date or "")[:24],
                nationality=(record.nationality or "")[:3],
                document_number=(record.document_number or "")[:80],
                gender=(record.gender or "")[:10],
                fingerprint=fingerprint,
            )
            session.add(row)
            session.flush()
            stored = [
                StoredHit(
                    screened_record_id=row.id,
                    subject_id=h.subject_id,
                    score=h.score,
                    matched_name=h.matched_name[:300],
                    explanation=[f.as_dict() for f in h.features],
                    subject_fingerprint=h.subject_fingerprint,
                )
                for h in raised
            ]
            session.add_all(stored)
            session.flush()
            run.hits += len(stored)
            outs = [_hit_out(s.id, h, h.subject_id in readable) for s, h in zip(stored, raised, strict=True)]
        results.append(RecordResult(record_id=record.record_id, hits=outs, suppressed=suppressed,
                                    problems=item.problems))  # fmt: skip
    run.records += len(screened)
    run.problems = dict(problems)
    return results


def _hit_out(hit_id: int | None, hit: Hit, readable: bool) -> HitOut:
    """A hit as the screener sees it: a subject whose handling code they may not read still alerts,
    without its name."""
    features = [f.as_dict() for f in hit.features]
    if not readable:
        features = [{**f, "detail": RESTRICTED} if f["feature"] == "name" else f for f in features]
    return HitOut(
        hit_id=hit_id,
        subject_id=hit.subject_id,
        score=hit.score,
        matched_name=hit.matched_name if readable else RESTRICTED,
        explanation=[FeatureOut.model_validate(f) for f in features],
        explanation_text=hit.explanation
        if readable
        else "; ".join(f"{f['feature']} {f['verdict']}: {f['detail']}" for f in features),
    )


def _readable_subjects(session: Session, actor: Actor, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    subjects = session.scalars(select(Subject).where(Subject.id.in_(ids)))
    return {s.id for s in subjects if may(actor, "subjects.read", s)}


def screen(
    session: Session,
    actor: Actor,
    index: ScreeningIndex,
    records: Sequence[RecordIn],
    *,
    threshold: float | None = None,
    kind: str = "api",
) -> ScreenOut:
    """Screen records against the persons sought; the records that alert are stored with their hits."""
    ensure(actor, SCREEN)
    if not records:
        raise Invalid("Send at least one record.", fields={"records": "empty"})
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    screened = index.screen_records([_to_record(r, i) for i, r in enumerate(records)], threshold)
    run = ScreeningRun(kind=kind, actor=actor.username, status="done", problems={}, finished_at=utcnow())
    session.add(run)
    session.flush()
    results = store(session, actor, run, screened)
    audit.record(session, actor.username, "screen", "screening_run", run.id,
                 detail=f"{run.records} records, {run.hits} hits, {run.suppressed} suppressed")  # fmt: skip
    return ScreenOut(run_id=run.id, threshold=threshold, results=results)


# -- review ---------------------------------------------------------------------------------------


def _review_out(hit: StoredHit, subject: Subject, actor: Actor) -> ReviewHitOut:
    """A hit for a reviewer; the subject's name only when their handling code lets the reviewer read it."""
    readable = may(actor, "subjects.read", subject)
    subject_name = subject.primary_name if readable else RESTRICTED
    explanation = (
        hit.explanation
        if readable
        else [{**f, "detail": RESTRICTED} if f.get("feature") == "name" else f for f in hit.explanation]
    )
    record = hit.record
    return ReviewHitOut(
        id=hit.id,
        status=hit.status,
        score=hit.score,
        subject_id=hit.subject_id,
        subject_name=subject_name,
        matched_name=hit.matched_name if readable else RESTRICTED,
        record_id=record.record_id,
        record_name=record.name,
        record_birth_date=record.birth_date,
        record_nationality=record.nationality,
        explanation=explanation,
        reason=hit.reason,
        decided_by=hit.decided_by,
        decided_at=hit.decided_at,
        request_id=hit.request_id,
        created_at=hit.created_at,
    )


def list_hits(
    session: Session, actor: Actor, status: str = "open", limit: int = 50, offset: int = 0
) -> Page[ReviewHitOut]:
    """The review queue: hits in a status, strongest first."""
    ensure(actor, READ)
    if status not in HIT_STATUSES:
        raise Invalid(
            "Unknown status {status!r}.",
            status=status,
            fields={"status": Phrase("one of {choices}", {"choices": list(HIT_STATUSES)})},
        )
    query = select(StoredHit, Subject).join(Subject, Subject.id == StoredHit.subject_id)
    query = query.where(StoredHit.status == status).options(selectinload(StoredHit.record))
    total = session.scalar(select(func.count()).select_from(StoredHit).where(StoredHit.status == status)) or 0
    rows = session.execute(
        query.order_by(StoredHit.score.desc(), StoredHit.id)
        .limit(min(max(limit, 1), 500))
        .offset(max(offset, 0))
    ).all()
    audit.record_read(session, actor.username, "screening_hit", "*", detail=f"review queue ({status})")
    items = [_review_out(h, subject, actor) for h, subject in rows]
    return Page(items=items, total=total, limit=limit, offset=offset)


def get_hit(session: Session, actor: Actor, hit_id: int) -> ReviewHitOut:
    ensure(actor, READ)
    row = session.execute(
        select(StoredHit, Subject)
        .join(Subject, Subject.id == StoredHit.subject_id)
        .where(StoredHit.id == hit_id)
        .options(selectinload(StoredHit.record))
    ).first()
    if row is None:
        raise NotFound("There is no hit {hit_id}.", hit_id=hit_id)
    audit.record_read(session, actor.username, "screening_hit", hit_id)
    return _review_out(row[0], row[1], actor)


def decide(session: Session, actor: Actor, hit_id: int, data: DecisionIn) -> ReviewHitOut:
    """Confirm or dismiss an open hit with a reason; a confirmation may open a locate-or-verify request."""
    ensure(actor, REVIEW)
    hit = session.get(StoredHit, hit_id)
    if hit is None:
        raise NotFound("There is no hit {hit_id}.", hit_id=hit_id)
    if hit.status != "open":
        raise Conflict(
            "Hit {hit_id} was already {decision}.", hit_id=hit_id, decision=Phrase(hit.status), allowed=[]
        )
    if data.decision == "dismiss" and not data.reason.strip():
        raise Invalid("Say why the hit is dismissed.", fields={"reason": "required to dismiss"})
    before = {"status": hit.status}
    hit.status = "confirmed" if data.decision == "confirm" else "dismissed"
    hit.reason, hit.decided_by, hit.decided_at = data.reason, actor.username, utcnow()
    record = hit.record
    if hit.status == "dismissed":
        session.add(
            Dismissal(
                subject_id=hit.subject_id,
                record_fingerprint=record.fingerprint,
                subject_fingerprint=hit.subject_fingerprint,
                hit_id=hit.id,
                reason=data.reason,
                actor=actor.username,
            )
        )
    elif data.requesting_agency_id or data.requested_agency_id:
        hit.request_id = _open_request(session, actor, hit, record, data)
    session.flush()
    after = {"status": hit.status, "reason": data.reason, "request_id": hit.request_id}
    audit.record(session, actor.username, data.decision, "screening_hit", hit.id, before=before, after=after)
    return get_hit(session, actor, hit.id)


def _open_request(
    session: Session, actor: Actor, hit: StoredHit, record: ScreenedRecord, data: DecisionIn
) -> int:
    """A locate-or-verify request to the partner about the confirmed traveller."""
    from datetime import date

    from liaison.requests.schemas import PersonIn, RequestIn
    from liaison.requests.service import create_request

    if not (data.requesting_agency_id and data.requested_agency_id):
        raise Invalid(
            "To open a request, name both the requesting and the requested agency.",
            fields={"requested_agency_id": "required with the requesting agency"},
        )
    birth: date | None = None
    if len(record.birth_date) == 10:
        try:
            birth = date.fromisoformat(record.birth_date)
        except ValueError:
            birth = None
    nationality = record.nationality if len(record.nationality) == 2 and record.nationality.isalpha() else ""
    explanation = "; ".join(f"{f['feature']} {f['verdict']}: {f['detail']}" for f in hit.explanation)
    request = create_request(
        session,
        actor,
        RequestIn(
            kind="locate_person",
            direction="outgoing",
            requesting_agency_id=data.requesting_agency_id,
            requested_agency_id=data.requested_agency_id,
            title=f"Verify identity: {record.name[:150]}",
            facts=f"Screening hit {hit.id} (score {hit.score:.2f}) confirmed by {actor.username}: "
            f"{data.reason}\n{explanation}"[:20_000],
            details={"purpose": "verify_identity"},
            persons=[
                PersonIn(
                    name=record.name[:200],
                    birth_date=birth,
                    nationality=nationality.upper(),
                    subject_id=hit.subject_id,
                )
            ],
        ),
    )
    return int(request.id)


# -- runs -----------------------------------------------------------------------------------------


def list_runs(session: Session, actor: Actor, limit: int = 20) -> list[RunOut]:
    ensure(actor, BATCH)
    runs = session.scalars(select(ScreeningRun).order_by(ScreeningRun.id.desc()).limit(limit))
    return [RunOut.model_validate(run) for run in runs]


def get_run(session: Session, actor: Actor, run_id: int) -> ScreeningRun:
    ensure(actor, BATCH)
    run = session.get(ScreeningRun, run_id)
    if run is None:
        raise NotFound("There is no screening run {run_id}.", run_id=run_id)
    return run


def start_file_run(session: Session, actor: Actor, source: str) -> ScreeningRun:
    ensure(actor, BATCH)
    run = ScreeningRun(kind="file", actor=actor.username, source=source[:300], status="running", problems={})
    session.add(run)
    session.flush()
    audit.record(session, actor.username, "create", "screening_run", run.id, detail=f"file {source[:200]}")
    return run


def finish_run(
    run: ScreeningRun, status: str, detail: str = "", extra_problems: dict[str, Any] | None = None
) -> None:
    run.status, run.detail, run.finished_at = status, detail[:2000], utcnow()
    if extra_problems:
        run.problems = {**(run.problems or {}), **extra_problems}
