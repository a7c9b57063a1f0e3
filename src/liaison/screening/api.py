"""JSON routes of screening, under /api/v1. Each parses, calls the service, answers."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from liaison.core.errors import Invalid
from liaison.core.models import User
from liaison.core.schemas import Page
from liaison.core.web import DbSession, Permission
from liaison.screening import jobs, schemas, service
from liaison.screening.startup import live_index

router = APIRouter(tags=["screening"])

Screener = Annotated[User, Depends(Permission(service.SCREEN))]
Reader = Annotated[User, Depends(Permission(service.READ))]
Reviewer = Annotated[User, Depends(Permission(service.REVIEW))]
BatchUser = Annotated[User, Depends(Permission(service.BATCH))]


@router.post("/screen", response_model=schemas.ScreenOut)
def screen(
    request: Request, body: schemas.RecordIn | schemas.BatchIn, session: DbSession, user: Screener
) -> schemas.ScreenOut:
    """Screen one record, or a batch of up to 1,000 (`{"records": [...], "threshold": 0.5}`), against
    the persons sought. A record is `{record_id, name, birth_date, nationality, document_number,
    gender}`; only `name` is required. Each hit has a calibrated score (the share of such hits that
    were true matches on the labelled benchmark) and a per-feature explanation. Records that alert
    are stored for review; a pair a reviewer dismissed is not raised again (`suppressed`) while
    neither the subject nor the record changes. Records with problems (a name without letters, an
    impossible birth date) are answered with the problem, never dropped."""
    if isinstance(body, schemas.BatchIn):
        records, threshold = body.records, body.threshold
    else:
        records, threshold = [body], None
    return service.screen(session, user, live_index(request.app), records, threshold=threshold)


@router.get("/screening/hits", response_model=Page[schemas.ReviewHitOut])
def list_hits(
    session: DbSession,
    user: Reader,
    status: Literal["open", "confirmed", "dismissed"] = "open",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    run_id: Annotated[int | None, Query(ge=1)] = None,
    by_subject: bool = False,
) -> Page[schemas.ReviewHitOut]:
    """The review queue: hits in a status (default `open`), strongest first; `run_id` keeps one
    run's; `by_subject` puts each person sought's hits together (`ambiguous` > 1 marks a record
    that fits several as well: namesakes). It lists a hit when you may read its person sought (in
    full, with its `notices` and their status today), or else when you see the run that raised it
    (your own; any for supervisors and admins), then with the subject's particulars `[restricted]`
    (`restricted`: true) and its id, handling code and owning unit. `total` counts what is listed.
    Audited."""
    return service.list_hits(session, user, status, limit, offset, run_id=run_id, by_subject=by_subject)


@router.post("/screening/hits/dismiss", response_model=schemas.DismissOut)
def dismiss_hits(body: schemas.DismissIn, session: DbSession, user: Reviewer) -> schemas.DismissOut:
    """Dismiss up to 500 open hits with one reason, each its own audited decision. A hit you may
    not dismiss (not shown to you, on a restricted person sought, already decided) makes the whole
    batch a 409 naming each (`refused`) and nothing changes — unless `skip_undecidable` is true:
    then the others are dismissed and `skipped` lists each one left with why."""
    return service.dismiss_hits(session, user, body)


@router.get("/screening/hits/{hit_id}", response_model=schemas.ReviewHitOut)
def get_hit(hit_id: int, session: DbSession, user: Reader) -> schemas.ReviewHitOut:
    """One hit with the record screened and the explanation, through the gate as in the list; a hit
    you are not shown answers 404, as a missing one. Audited."""
    return service.get_hit(session, user, hit_id)


@router.post("/screening/hits/{hit_id}/decision", response_model=schemas.ReviewHitOut)
def decide(hit_id: int, body: schemas.DecisionIn, session: DbSession, user: Reviewer) -> schemas.ReviewHitOut:
    """Confirm or dismiss an open hit. Dismissing needs a reason and keeps the pair quiet until the
    subject or the record changes. Confirming with `requesting_agency_id` and `requested_agency_id`
    opens a locate-or-verify request to the partner in the same transaction; the request takes the
    subject's handling code and owning unit. Only those who may read the person sought decide: a
    hit you see redacted (your alert on a restricted subject) answers 403 naming the owning unit
    to call, one you are not shown 404."""
    return service.decide(session, user, hit_id, body)


@router.post(
    "/screening/runs",
    response_model=schemas.RunOut,
    status_code=202,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "threshold": {"type": "number", "minimum": 0, "maximum": 1},
                        },
                    }
                }
            },
        }
    },
)
async def start_run(
    request: Request, response: Response, session: DbSession, user: BatchUser
) -> schemas.RunOut:
    """Screen a file in the background: multipart `file`, a CSV (UTF-8, with a header) or a Parquet
    file with the columns `record_id, name, birth_date, nationality, document_number, gender` (only
    `name` is required; others are ignored and named). Optional `threshold` (0 to 1; default the
    calibrated one). The same checks as the batch page: the file's type by its name and its first
    bytes, a `name` column, and the upload size limit (413 over it); a refused file opens no run.

    Answers 202 with the run (`Location`: the run): it belongs to whoever started it, and only they,
    supervisors and administrators see it (others: 404, as for a missing run). Follow it with
    `GET /screening/runs/{id}`, then fetch `GET /screening/runs/{id}/hits`."""
    form = await request.form()
    threshold = _threshold(form.get("threshold"))
    run = await jobs.accept_upload(request, session, user, form.get("file"), threshold)
    response.headers["location"] = f"/api/v1/screening/runs/{run.id}"
    return schemas.RunOut.model_validate(run)


def _threshold(value: object) -> float | None:
    """The threshold asked for; none: the one of the weights the run is screened with."""
    if value is None or value == "":
        return None
    try:
        threshold = float(str(value))
    except ValueError:
        threshold = -1.0
    if not 0.0 <= threshold <= 1.0:
        raise Invalid("The threshold is a number from 0 to 1.", fields={"threshold": "from 0 to 1"})
    return threshold


@router.get("/screening/runs", response_model=Page[schemas.RunOut])
def list_runs(
    session: DbSession,
    user: BatchUser,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[schemas.RunOut]:
    """The screening runs you see, newest first: your own; every run for supervisors and admins."""
    return service.list_runs(session, user, limit, offset)


@router.get("/screening/runs/{run_id}", response_model=schemas.RunOut)
def get_run(run_id: int, session: DbSession, user: BatchUser) -> schemas.RunOut:
    """A run: `status` (running, done, failed with `detail`), `progress` (0 to 1), the counts
    (`total` records in the file, `records` screened so far, `hits`, `suppressed`), and the rows
    `rejected` (not screened) and `partly_screened` by reason. 404 unless it is yours, or you are a
    supervisor or an administrator."""
    return schemas.RunOut.model_validate(service.get_run(session, user, run_id))


@router.get(
    "/screening/runs/{run_id}/hits",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The hits file."}},
)
def run_hits(run_id: int, session: DbSession, user: BatchUser) -> Response:
    """The run's hits as CSV: `record_id, record_name, subject_id, subject_source, subject_source_id,
    subject_name, handling_code, owning_unit, score, explanation`. Each subject is named by its
    Liaison id and by the list's own id for it. A subject you may not read still alerts, with its
    id, handling code and owning unit (whom to call) and the score; its name, the list's id and its
    side of the explanation read `[restricted]`. Written for you at each download and audited.
    409 while the run is still running; 404 unless the run is yours, or you are a supervisor or an
    administrator."""
    return jobs.hits_download(service.hits_file(session, user, run_id), run_id)
