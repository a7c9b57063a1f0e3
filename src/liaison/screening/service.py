"""Screening as the rest of Liaison uses it: screen records, store the hits, review them.

Records are screened against the live index (`live.py`); only records that alert are stored,
with their hits. A hit whose (subject, record) pair a reviewer dismissed before is not raised
again while both are unchanged (the dismissal is keyed by the subject's and the record's
fingerprints) and is counted as `suppressed`.

Every output goes through the record-access gate (`disclosure.py`): a hit on a person sought the
reader may not read alerts with the subject's Liaison id, handling code and owning unit, the
score and the record's own particulars, and none of the subject's.

Who sees what:

- A **run** (one screen call, or a file) belongs to whoever started it: it is visible to them,
  and to supervisors and administrators; to anyone else it answers as missing. A background run
  acts as the real user who started it (`Screener`: name, role, unit), never as an administrator.
  Its hits file is written at download, through the gate, for whoever downloads it, and every
  download is audited.
- The **review queue** lists a hit when the reader may read its subject (in full), or else when
  the reader may see the run that raised it (redacted: the screener was told of the alert, and so
  are supervisors and administrators). Its total counts exactly what it lists (one SQL condition).
- **Deciding** a hit needs the right to read its subject. A hit the reader cannot see at all
  answers as missing; one they see redacted (their own alert on a restricted subject) is refused
  with whom to call: the owning unit decides, because a confirmation opens a request carrying the
  subject's particulars and a dismissal silences the alert for everyone — neither may be done
  blind. The border officer's part is to hold the traveller and call the owning unit, which the
  alert tells them.
- Confirming can open a locate-or-verify request (the requests capability's `create_request`);
  the request is derived from the subject, so it takes the subject's handling code and owning unit
  (`gate.inherit`): nobody can read the request who could not read the subject.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, true, tuple_
from sqlalchemy.orm import Session, selectinload

from liaison.core import audit
from liaison.core.db import utcnow
from liaison.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, Phrase
from liaison.core.events import HitDecided, publish
from liaison.core.schemas import Page
from liaison.core.security import gate
from liaison.core.security.policy import Actor, ensure
from liaison.screening import disclosure
from liaison.screening.disclosure import SubjectCard
from liaison.screening.engine import Hit, Screened, ScreeningIndex, ScreenRecord
from liaison.screening.models import Dismissal, ScreenedRecord, ScreeningRun
from liaison.screening.models import Hit as StoredHit
from liaison.screening.schemas import (
    DecisionIn,
    DismissIn,
    DismissOut,
    FeatureOut,
    HitOut,
    RecordIn,
    RecordResult,
    ReviewHitOut,
    RunOut,
    ScreenOut,
    SkippedHitOut,
)
from liaison.screening.scoring import ambiguity
from liaison.subjects.models import Subject

SCREEN, BATCH, READ, REVIEW = "screening.screen", "screening.batch", "screening.read", "screening.review"
CALIBRATE = "screening.calibrate"  # refit the weights from the reviewers (`calibration`)
HIT_STATUSES = ("open", "confirmed", "dismissed")
RUN_READERS = ("supervisor", "admin")  # besides its owner, who sees every run


@dataclass(frozen=True)
class Screener:
    """The user a run acts as, copied when it starts: a background job outlives the request."""

    username: str
    role: str
    unit: str

    @classmethod
    def of(cls, user: Actor) -> Screener:
        return cls(user.username, user.role, user.unit)


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
    cards = disclosure.subject_cards(session, {h.subject_id for s in screened for h in s.hits})
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
            pairs = zip(stored, raised, strict=True)
            outs = [_hit_out(actor, s.id, h, cards[h.subject_id], record) for s, h in pairs]
        results.append(RecordResult(record_id=record.record_id, hits=outs, suppressed=suppressed,
                                    problems=item.problems))  # fmt: skip
    run.records += len(screened)
    run.problems = dict(problems)
    return results


def _hit_out(reader: Actor, hit_id: int | None, hit: Hit, card: SubjectCard, record: ScreenRecord) -> HitOut:
    """A hit as the screener sees it: on a subject they may not read it still alerts, without any
    of the subject's particulars."""
    features = disclosure.shown_features(reader, card, [f.as_dict() for f in hit.features], record)
    return HitOut(
        hit_id=hit_id,
        score=hit.score,
        explanation=[FeatureOut.model_validate(f) for f in features],
        explanation_text=disclosure.explanation_text(features),
        **disclosure.subject_fields(reader, card, hit.matched_name),
    )


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
    threshold = index.weights.threshold if threshold is None else threshold
    screened = index.screen_records([_to_record(r, i) for i, r in enumerate(records)], threshold)
    run = ScreeningRun(kind=kind, actor=actor.username, status="done", problems={}, finished_at=utcnow())
    session.add(run)
    session.flush()
    results = store(session, actor, run, screened)
    audit.record(session, actor.username, "screen", "screening_run", run.id,
                 detail=f"{run.records} records, {run.hits} hits, {run.suppressed} suppressed")  # fmt: skip
    return ScreenOut(run_id=run.id, threshold=threshold, results=results)


# -- review ---------------------------------------------------------------------------------------


def _review_out(hit: StoredHit, subject: Subject, run: ScreeningRun, reader: Actor) -> ReviewHitOut:
    """A hit for a reviewer, through the gate: the subject's particulars (its notices too) only
    when readable; how ambiguous the hit is, always (a count about the list, not the subject)."""
    card = disclosure.card_of(subject)
    record = hit.record
    return ReviewHitOut(
        id=hit.id,
        run_id=run.id,
        status=hit.status,
        score=hit.score,
        ambiguous=ambiguity(hit.explanation),
        notices=disclosure.notices_shown(reader, card, subject),
        record_id=record.record_id,
        record_name=record.name,
        record_birth_date=record.birth_date,
        record_nationality=record.nationality,
        record_document_number=record.document_number,
        record_gender=record.gender,
        explanation=disclosure.shown_features(reader, card, hit.explanation, record),
        reason=hit.reason,
        decided_by=hit.decided_by,
        decided_at=hit.decided_at,
        request_id=hit.request_id,
        created_at=hit.created_at,
        **disclosure.subject_fields(reader, card, hit.matched_name),
    )


def _sees_run(reader: Actor) -> ColumnElement[bool]:
    """A run is its owner's, and supervisors' and administrators'."""
    return true() if reader.role in RUN_READERS else ScreeningRun.actor == reader.username


def _may_see_run(reader: Actor, run: ScreeningRun) -> bool:
    return reader.role in RUN_READERS or run.actor == reader.username


def _hits_seen_by(reader: Actor) -> Any:
    """The hits this reader is told of: on a subject they may read, or raised in a run they see."""
    return (
        select(StoredHit, Subject, ScreeningRun)
        .join(Subject, Subject.id == StoredHit.subject_id)
        .join(ScreenedRecord, ScreenedRecord.id == StoredHit.screened_record_id)
        .join(ScreeningRun, ScreeningRun.id == ScreenedRecord.run_id)
        .where(or_(gate.readable(reader, Subject), _sees_run(reader)))
    )


def list_hits(
    session: Session,
    actor: Actor,
    status: str = "open",
    limit: int = 50,
    offset: int = 0,
    *,
    run_id: int | None = None,
    by_subject: bool = False,
) -> Page[ReviewHitOut]:
    """The review queue: hits in a status, strongest first, or of one run; with `by_subject`, each
    subject's hits together (the subject with the strongest hit first). The total counts what the
    reader is shown."""
    ensure(actor, READ)
    if status not in HIT_STATUSES:
        raise Invalid(
            "Unknown status {status!r}.",
            status=status,
            fields={"status": Phrase("one of {choices}", {"choices": list(HIT_STATUSES)})},
        )
    query = _hits_seen_by(actor).where(StoredHit.status == status)
    if run_id is not None:
        query = query.where(ScreeningRun.id == run_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    order: list[Any] = [StoredHit.score.desc(), StoredHit.id]
    if by_subject:
        strongest = func.max(StoredHit.score).over(partition_by=StoredHit.subject_id)
        order = [strongest.desc(), StoredHit.subject_id, *order]
    rows = session.execute(
        query.options(selectinload(StoredHit.record), selectinload(Subject.notices))
        .order_by(*order)
        .limit(min(max(limit, 1), 500))
        .offset(max(offset, 0))
    ).all()
    shown = f"review queue ({status}{f', run {run_id}' if run_id is not None else ''})"
    audit.record_read(session, actor.username, "screening_hit", "*", detail=shown)
    items = [_review_out(h, subject, run, actor) for h, subject, run in rows]
    return Page(items=items, total=total, limit=limit, offset=offset)


def _seen_hit(session: Session, actor: Actor, hit_id: int) -> tuple[StoredHit, Subject, ScreeningRun]:
    """The hit with its subject and run, or the same `NotFound` whether missing or not shown."""
    row = None
    if 0 < hit_id < 2**63:
        row = session.execute(
            _hits_seen_by(actor).where(StoredHit.id == hit_id).options(selectinload(StoredHit.record))
        ).first()
    if row is None:
        raise NotFound("There is no hit {hit_id}.", hit_id=hit_id)
    return row[0], row[1], row[2]


def get_hit(session: Session, actor: Actor, hit_id: int) -> ReviewHitOut:
    ensure(actor, READ)
    hit, subject, run = _seen_hit(session, actor, hit_id)
    audit.record_read(session, actor.username, "screening_hit", hit_id)
    return _review_out(hit, subject, run, actor)


def _decidable(session: Session, actor: Actor, hit_id: int) -> tuple[StoredHit, Subject]:
    """The open hit this reviewer may decide, or the error saying why not: missing or not shown
    (`NotFound`), on a subject they may not read (`Forbidden`), already decided (`Conflict`)."""
    hit, subject, _run = _seen_hit(session, actor, hit_id)
    if not gate.may_read(actor, subject):
        raise Forbidden(
            "Hit {hit_id} is on a restricted person sought ({code}): only its owning unit ({unit}) may "
            "decide it. Hold the traveller and call them.",
            hit_id=hit_id,
            code=subject.handling_code,
            unit=subject.owning_unit or "?",
        )
    if hit.status != "open":
        raise Conflict(
            "Hit {hit_id} was already {decision}.", hit_id=hit_id, decision=Phrase(hit.status), allowed=[]
        )
    return hit, subject


def decide(session: Session, actor: Actor, hit_id: int, data: DecisionIn) -> ReviewHitOut:
    """Confirm or dismiss an open hit with a reason; a confirmation may open a locate-or-verify request.

    Only a reviewer who may read the subject decides (see the module's docstring)."""
    ensure(actor, REVIEW)
    hit, subject = _decidable(session, actor, hit_id)
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
        hit.request_id = _open_request(session, actor, hit, subject, record, data)
    session.flush()
    after = {"status": hit.status, "reason": data.reason, "request_id": hit.request_id}
    audit.record(session, actor.username, data.decision, "screening_hit", hit.id, before=before, after=after)
    publish(
        session,
        HitDecided(
            actor=actor.username,
            hit_id=hit.id,
            subject_id=hit.subject_id,
            decision=data.decision,
            request_id=hit.request_id,
        ),
    )
    return get_hit(session, actor, hit.id)


def dismiss_hits(session: Session, actor: Actor, data: DismissIn, language: str | None = None) -> DismissOut:
    """Dismiss several open hits with one reason, each as its own audited decision (`decide`).

    Every hit is checked first, by the same rules as one decision. A hit this reviewer may not
    dismiss (not shown, restricted, already decided) refuses the whole batch, listing each with
    why, and nothing changes; with `skip_undecidable` the others are dismissed and the skipped
    ones listed with why. A batch is never half done without saying so."""
    ensure(actor, REVIEW)
    if not data.reason.strip():
        raise Invalid("Say why the hits are dismissed.", fields={"reason": "required to dismiss"})
    wanted = list(dict.fromkeys(data.hit_ids))
    refused: list[tuple[int, DomainError]] = []
    for hit_id in wanted:
        try:
            _decidable(session, actor, hit_id)
        except (NotFound, Forbidden, Conflict) as refusal:  # reported to the reviewer, never ignored
            refused.append((hit_id, refusal))
    skipped = [SkippedHitOut(hit_id=hit_id, reason=refusal.render(language)) for hit_id, refusal in refused]
    if refused and not data.skip_undecidable:
        raise Conflict(
            "Nothing was dismissed: you may not dismiss {count} of the {total} hits chosen. {reasons}",
            count=len(refused),
            total=len(wanted),
            reasons=[refusal.message for _, refusal in refused],
            allowed=[],
            refused=[s.hit_id for s in skipped],
        )
    left_out = {s.hit_id for s in skipped}
    decision = DecisionIn(decision="dismiss", reason=data.reason)
    dismissed = [hit_id for hit_id in wanted if hit_id not in left_out]
    for hit_id in dismissed:
        decide(session, actor, hit_id, decision)
    return DismissOut(dismissed=dismissed, skipped=skipped)


def _open_request(
    session: Session, actor: Actor, hit: StoredHit, subject: Subject, record: ScreenedRecord, data: DecisionIn
) -> int:
    """A locate-or-verify request to the partner about the confirmed traveller, derived from the
    subject: it takes the subject's handling code and owning unit."""
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
    derived = SimpleNamespace(handling_code="H0", owning_unit=actor.unit)
    gate.inherit(derived, subject)
    gate.check_handling_code(derived.handling_code)  # a subject's unknown code opens no request
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
            f"{data.reason}\n{disclosure.explanation_text(hit.explanation)}"[:20_000],
            details={"purpose": "verify_identity"},
            persons=[
                PersonIn(
                    name=record.name[:200],
                    birth_date=birth,
                    nationality=nationality.upper(),
                    subject_id=hit.subject_id,
                )
            ],
            handling_code=derived.handling_code,
        ),
    )
    if request.owning_unit != derived.owning_unit:  # the subject's unit, where its code is the stricter
        before = {"owning_unit": request.owning_unit}
        request.owning_unit = derived.owning_unit
        after = {"owning_unit": request.owning_unit}
        detail = f"inherited from subject {subject.id}"
        audit.record(session, actor.username, "update", "request", request.id, before=before, after=after,
                     detail=detail)  # fmt: skip
    return int(request.id)


# -- runs -----------------------------------------------------------------------------------------


def list_runs(session: Session, actor: Actor, limit: int = 20, offset: int = 0) -> Page[RunOut]:
    """The runs this user sees (their own; every run for supervisors and administrators), newest first."""
    ensure(actor, BATCH)
    query = select(ScreeningRun).where(_sees_run(actor))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    limit = min(max(limit, 1), 500)
    runs = session.scalars(query.order_by(ScreeningRun.id.desc()).limit(limit).offset(max(offset, 0)))
    return Page(items=[RunOut.model_validate(run) for run in runs], total=total, limit=limit, offset=offset)


def get_run(session: Session, actor: Actor, run_id: int) -> ScreeningRun:
    """A run its owner, a supervisor or an administrator asks for; to anyone else, as missing."""
    ensure(actor, BATCH)
    run = session.get(ScreeningRun, run_id) if 0 < run_id < 2**63 else None
    if run is None or not _may_see_run(actor, run):
        raise NotFound("There is no screening run {run_id}.", run_id=run_id)
    return run


def start_file_run(
    session: Session,
    actor: Actor,
    source: str,
    total: int | None = None,
    upload: str = "",
    threshold: float | None = None,
) -> ScreeningRun:
    """Queue a file run for the batch worker, which acts as `actor` as they are now."""
    ensure(actor, BATCH)
    run = ScreeningRun(
        kind="file", actor=actor.username, actor_role=actor.role, actor_unit=actor.unit,
        source=source[:300], status="queued", problems={}, total=total, upload=upload, threshold=threshold,
    )  # fmt: skip
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


def hits_file(session: Session, actor: Actor, run_id: int) -> str:
    """The run's hits as CSV (`disclosure.HIT_COLUMNS`), through the gate for whoever asks; audited.

    Written from the stored hits at each download, so a supervisor of another unit downloading an
    analyst's run sees what they may read, not what the analyst may."""
    run = get_run(session, actor, run_id)
    if run.status in ("queued", "running"):
        raise Conflict(
            "Screening run {run_id} is still running; its hits are not ready yet.", run_id=run_id, allowed=[]
        )
    rows = session.execute(
        select(StoredHit, ScreenedRecord, Subject)
        .join(ScreenedRecord, ScreenedRecord.id == StoredHit.screened_record_id)
        .join(Subject, Subject.id == StoredHit.subject_id)
        .where(ScreenedRecord.run_id == run.id)
        .order_by(ScreenedRecord.id, StoredHit.score.desc(), StoredHit.id)
    ).all()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(disclosure.HIT_COLUMNS)
    for hit, record, subject in rows:
        writer.writerow(
            disclosure.hit_line(
                actor,
                disclosure.card_of(subject),
                record.record_id,
                record.name,
                hit.score,
                disclosure.explanation_text(hit.explanation),
                disclosure.explanation_text(disclosure.withheld_features(hit.explanation, record)),
            )
        )
    audit.record_read(session, actor.username, "screening_run", run.id, detail=f"hits file, {len(rows)} hits")
    return out.getvalue()
