"""Pages of screening: screen one person (with each hit explained), upload a file for batch
screening (progress, then the hits to download), and the review queue. Same service calls as the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from liaison.core.errors import DomainError, Invalid
from liaison.core.models import User
from liaison.core.web import DbSession, Permission
from liaison.registry.agencies import agency_choices
from liaison.screening import jobs, schemas, service
from liaison.screening.startup import live_index
from liaison.subjects.vocabulary import vocabulary as subject_vocabulary
from liaison.web.forms import (
    PAGE_SIZE,
    PageNumber,
    attempt,
    form_values,
    pager,
    parse,
    posted,
    redirect,
)
from liaison.web.rendering import NavItem, render

router = APIRouter(include_in_schema=False)
NAV = (
    NavItem("Screen a person", "/screening", service.SCREEN, "g s"),
    NavItem("Batch screening", "/screening/batch", service.BATCH),
    NavItem("Hits to review", "/screening/hits", service.READ, "g v"),
)

Screener = Annotated[User, Depends(Permission(service.SCREEN))]
BatchUser = Annotated[User, Depends(Permission(service.BATCH))]
Reader = Annotated[User, Depends(Permission(service.READ))]
Reviewer = Annotated[User, Depends(Permission(service.REVIEW))]
RECORD_FIELDS = ("name", "birth_date", "nationality", "document_number", "gender")


def _record(values: dict[str, str]) -> schemas.RecordIn:
    fields = {key: (values.get(key) or "").strip() or None for key in RECORD_FIELDS}
    return parse(schemas.RecordIn, fields | {"name": values.get("name", "")})


@router.get("/screening", response_class=HTMLResponse)
def screen_page(request: Request, user: Screener) -> HTMLResponse:
    return render(request, "screening/screen.html", {"form": {}, "result": None})


@router.post("/screening", response_class=HTMLResponse)
async def screen_person(request: Request, session: DbSession, user: Screener) -> HTMLResponse:
    values = await form_values(request)
    index = live_index(request.app)

    def run() -> schemas.ScreenOut:
        record = _record(values)
        if not record.name.strip():
            raise Invalid("Enter a name to screen.", fields={"name": "required"})
        return service.screen(session, user, index, [record], kind="single")

    result = attempt(session, run)
    context: dict[str, Any] = {"form": values, "result": result, "threshold": index.weights.threshold}
    if isinstance(result, DomainError):
        context.update(result=None, error=result.detail)
        return render(request, "screening/screen.html", context, status_code=result.status)
    return render(request, "screening/screen.html", context)


@router.get("/screening/batch", response_class=HTMLResponse)
def batch_page(request: Request, session: DbSession, user: BatchUser) -> HTMLResponse:
    return render(request, "screening/batch.html", _batch_context(request, session, user))


def _batch_context(request: Request, session: DbSession, user: User) -> dict[str, Any]:
    return {"runs": service.list_runs(session, user).items}


@router.post("/screening/batch", response_class=HTMLResponse, response_model=None)
async def upload_batch(
    request: Request, session: DbSession, user: BatchUser
) -> HTMLResponse | RedirectResponse:
    form = await request.form()
    try:
        run = await jobs.accept_upload(request, session, user, form.get("file"))
    except Invalid as error:
        context = {**_batch_context(request, session, user), "error": error.detail}
        return render(request, "screening/batch.html", context, status_code=422)
    return redirect(f"/screening/batch/{run.id}")


def _run_context(session: DbSession, user: User, run_id: int) -> dict[str, Any]:
    run = service.get_run(session, user, run_id)
    return {"run": schemas.RunOut.model_validate(run)}


@router.get("/screening/batch/{run_id}", response_class=HTMLResponse)
def batch_run_page(request: Request, run_id: int, session: DbSession, user: BatchUser) -> HTMLResponse:
    return render(request, "screening/batch_run.html", _run_context(session, user, run_id))


@router.get("/screening/batch/{run_id}/progress", response_class=HTMLResponse)
def batch_run_progress(request: Request, run_id: int, session: DbSession, user: BatchUser) -> HTMLResponse:
    return render(request, "screening/_run_progress.html", _run_context(session, user, run_id))


@router.get("/screening/batch/{run_id}/hits.csv", response_model=None)
def batch_run_hits(run_id: int, session: DbSession, user: BatchUser) -> Response:
    """The run's hits through the gate for whoever downloads them; audited."""
    return jobs.hits_download(service.hits_file(session, user, run_id), run_id)


@router.get("/screening/hits", response_class=HTMLResponse)
def review_queue(
    request: Request,
    session: DbSession,
    user: Reader,
    status: Annotated[str, Query(max_length=12)] = "open",
    run: Annotated[str, Query(max_length=20)] = "",
    group: Annotated[str, Query(max_length=10)] = "",
    page: PageNumber = 1,
) -> HTMLResponse:
    status = status if status in service.HIT_STATUSES else "open"
    filters = QueueFilters(status, _run_id(run), group == "subject")
    return render(request, "screening/hits.html", _queue_context(session, user, filters, page))


def _run_id(value: str) -> int | None:
    """The run filter: a run's number, or all runs for anything else."""
    value = value.strip()
    return int(value) if value.isdigit() and 0 < int(value) < 2**63 else None


@dataclass(frozen=True)
class QueueFilters:
    """What the review queue shows: a status, one run or all, grouped by person sought or not."""

    status: str = "open"
    run_id: int | None = None
    by_subject: bool = False

    def query(self) -> dict[str, str]:
        """The filters as the pager's and the forms' query parameters."""
        shown = {
            "status": self.status,
            "run": str(self.run_id or ""),
            "group": "subject" if self.by_subject else "",
        }
        return {key: value for key, value in shown.items() if value}


def _by_subject(hits: list[schemas.ReviewHitOut]) -> list[dict[str, Any]]:
    """The page's hits cut into runs of one person sought each (the service orders them so)."""
    groups: list[dict[str, Any]] = []
    for hit in hits:
        if not groups or groups[-1]["subject_id"] != hit.subject_id:
            groups.append({"subject_id": hit.subject_id, "name": hit.subject_name, "hits": []})
        groups[-1]["hits"].append(hit)
    return groups


def _queue_context(session: DbSession, user: User, filters: QueueFilters, page: int = 1) -> dict[str, Any]:
    """One page of the review queue with the shared pager, which keeps the chosen filters."""
    hits = service.list_hits(
        session,
        user,
        filters.status,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
        run_id=filters.run_id,
        by_subject=filters.by_subject,
    )
    return {
        "page": hits,
        "groups": _by_subject(hits.items),
        "pager": pager(page, hits.total),
        "filters": filters.query(),
        "queue": filters,
        "subject_vocab": subject_vocabulary(),
        "status": filters.status,
        "statuses": service.HIT_STATUSES,
        "agencies": agency_choices(session),
    }


@router.post("/screening/hits/{hit_id}/decision", response_class=HTMLResponse, response_model=None)
async def decide_hit(
    request: Request, hit_id: int, session: DbSession, user: Reviewer
) -> HTMLResponse | RedirectResponse:
    values = await form_values(request)

    def run() -> schemas.ReviewHitOut:
        data = parse(
            schemas.DecisionIn,
            {
                "decision": values.get("decision", ""),
                "reason": values.get("reason", ""),
                "requesting_agency_id": values.get("requesting_agency_id") or None,
                "requested_agency_id": values.get("requested_agency_id") or None,
            },
        )
        return service.decide(session, user, hit_id, data)

    outcome = attempt(session, run)
    if isinstance(outcome, DomainError):
        return _queue_with_error(request, session, user, outcome)
    return redirect("/screening/hits")


def _queue_with_error(
    request: Request, session: DbSession, user: User, error: DomainError, filters: QueueFilters | None = None
) -> HTMLResponse:
    context = {**_queue_context(session, user, filters or QueueFilters()), "error": error.detail}
    return render(request, "screening/hits.html", context, status_code=error.status)


@router.post("/screening/hits/dismiss", response_class=HTMLResponse, response_model=None)
async def dismiss_hits(
    request: Request, session: DbSession, user: Reviewer
) -> HTMLResponse | RedirectResponse:
    """The queue's bulk dismissal: the ticked hits, one reason; a refusal shows the queue again with
    each hit that could not be dismissed and why, and nothing changed."""
    values, many = await posted(request)
    filters = QueueFilters(
        values.get("status", "open") if values.get("status") in service.HIT_STATUSES else "open",
        _run_id(values.get("run", "")),
        values.get("group") == "subject",
    )

    def run() -> schemas.DismissOut:
        data = parse(
            schemas.DismissIn,
            {
                "hit_ids": many.get("hit_id", []),
                "reason": values.get("reason", ""),
                "skip_undecidable": values.get("skip_undecidable") == "yes",
            },
        )
        return service.dismiss_hits(session, user, data)

    outcome = attempt(session, run)
    if isinstance(outcome, DomainError):
        return _queue_with_error(request, session, user, outcome, filters)
    context = {**_queue_context(session, user, filters), "dismissed": outcome}
    return render(request, "screening/hits.html", context)
