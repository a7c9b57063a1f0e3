"""Pages of the cooperation registry: search, partners, agencies, officials, mechanisms,
agreements (with the status form) and programmes. Same service calls as the API."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.core import bilingual
from liaison.core.errors import DomainError
from liaison.core.models import User
from liaison.core.vocab import allowed_next, label
from liaison.core.web import DbSession, Permission
from liaison.registry import (
    agencies,
    agreements,
    mechanisms,
    name_search,
    officials,
    partners,
    programmes,
    schemas,
)
from liaison.registry.models import Agency, Agreement
from liaison.registry.vocabulary import countries, country_label, crime_areas, vocabulary
from liaison.web.forms import (
    PAGE_SIZE,
    PageNumber,
    attempt,
    form_values,
    lines,
    many,
    one_page,
    optional_date,
    optional_int,
    pager,
    parse,
    posted,
    redirect,
    refusal,
    texts_in_two_languages,
)
from liaison.web.rendering import NavItem, render

router = APIRouter(include_in_schema=False)

Reader = Annotated[User, Depends(Permission("registry.read"))]
Writer = Annotated[User, Depends(Permission("registry.write"))]
Text = Annotated[str | None, Query(max_length=300)]
CodeQuery = Annotated[str | None, Query(max_length=40)]

NAV = (
    NavItem("Partners", "/registry/partners", "registry.read", "g t"),
    NavItem("Agreements", "/registry/agreements", "registry.read"),
    NavItem("Agencies", "/registry/agencies", "registry.read"),
    NavItem("Officials", "/registry/officials", "registry.read"),
    NavItem("Mechanisms", "/registry/mechanisms", "registry.read"),
    NavItem("Programmes", "/registry/programmes", "registry.read"),
    NavItem("Search", "/registry/search", "registry.read"),
)


LANGUAGE_TAG = re.compile(r"^(?P<text>.*?)\s*\[(?P<lang>[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)\]$")


def tagged_names(value: str | None, kept: Sequence[Any] = ()) -> list[dict[str, str]]:
    """Other names from a text area, one a line, each with its language tag: written after the
    name in brackets ("Министерство внутренних дел [ru]", as the form shows them), or, for a
    line without one, the tag the same name already had (`kept`), so saving a form unchanged,
    or from a client that drops the brackets, keeps every tag."""
    previous = {name.text: name.lang for name in kept}
    names = []
    for line in lines(value):
        found = LANGUAGE_TAG.match(line)
        if found and found["text"]:
            names.append({"text": found["text"], "lang": found["lang"]})
        else:
            names.append({"text": line, "lang": previous.get(line, "")})
    return names


def show(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """Render with the vocabularies and label helpers every registry page uses."""
    helpers = {
        "words": vocabulary(),
        "crime_areas": crime_areas(),
        "label": label,
        "country_label": country_label,
        "countries": countries(),
    }
    return render(request, f"registry/{template}", {**helpers, **context}, status_code=status_code)


def list_page(
    request: Request,
    template: str,
    rows_key: str,
    lister: Callable[..., tuple[list[Any], int]],
    session: Session,
    user: User,
    filters: dict[str, Any],
    page: int = 1,
    form: dict[str, Any] | None = None,
    error: str | None = None,
    status: int = 200,
    **extra: Any,
) -> HTMLResponse:
    """A filtered, paginated list with its create form (refilled, with the error, after a refusal)."""
    rows, total = lister(session, user, **filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    context = {
        rows_key: rows,
        "filters": filters,
        "pager": pager(page, total),
        "form": form or {},
        "error": error,
        **extra,
    }
    return show(request, template, context, status)


# Search and partners


@router.get("/registry/search", response_class=HTMLResponse)
def search_page(request: Request, session: DbSession, user: Reader, q: Text = None) -> HTMLResponse:
    hits: list[schemas.SearchHit] = []
    error = None
    if q:
        try:
            hits = name_search.search(session, user, q, 50)
        except DomainError as problem:
            error = problem.detail
    return show(request, "search.html", {"q": q or "", "hits": hits, "error": error})


@router.get("/registry/partners", response_class=HTMLResponse)
def partners_page(request: Request, session: DbSession, user: Reader, page: PageNumber = 1) -> HTMLResponse:
    listed, shown = one_page(partners.partners(session, user), page)
    return show(request, "partners.html", {"partners": listed, "pager": shown, "filters": {}})


@router.get("/registry/partners/{partner}", response_class=HTMLResponse)
def partner_page(request: Request, partner: str, session: DbSession, user: Reader) -> HTMLResponse:
    view = partners.partner_view(session, user, partner)
    return show(request, "partner.html", {"view": view, "agreement_groups": _agreement_groups(view)})


def _agreement_groups(view: schemas.PartnerOut) -> list[dict[str, Any]]:
    """The agreements by status in words, as the list shared with the briefing shows them."""
    words = vocabulary()
    return [
        {
            "label": label(words.agreement_statuses, status),
            "items": [
                {
                    "id": a.id,
                    "title": bilingual.shown(a, "title"),  # in the reader's language
                    "kind": label(words.agreement_kinds, a.kind),
                }
                for a in chosen
            ],
        }
        for status, chosen in view.agreements_by_status.items()
    ]


# Agencies


@router.get("/registry/agencies", response_class=HTMLResponse)
def agencies_page(
    request: Request,
    session: DbSession,
    user: Reader,
    country: CodeQuery = None,
    kind: CodeQuery = None,
    q: Text = None,
    page: PageNumber = 1,
) -> HTMLResponse:
    return _agencies(request, session, user, {"country": country, "kind": kind, "q": q}, page)


def _agencies(
    request: Request,
    session: Session,
    user: User,
    filters: dict[str, Any],
    page: int = 1,
    form: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return list_page(
        request,
        "agencies.html",
        "agencies",
        agencies.list_agencies,
        session,
        user,
        filters,
        page,
        form,
        error,
        status,
        parents=agencies.agency_choices(session),
    )


@router.post("/registry/agencies", response_class=HTMLResponse, response_model=None)
async def add_agency(request: Request, session: DbSession, user: Writer) -> HTMLResponse | RedirectResponse:
    values = await form_values(request)
    data = {
        "name": values.get("name", ""),
        "kind": values.get("kind", ""),
        "country": values.get("country") or None,
        "acronym": values.get("acronym", ""),
        "parent_id": optional_int(values.get("parent_id")),
        "names": tagged_names(values.get("other_names")),
    }
    agency = attempt(session, lambda: agencies.create_agency(session, user, parse(schemas.AgencyIn, data)))
    if isinstance(agency, DomainError):
        return _agencies(
            request,
            session,
            user,
            {},
            form=values,
            error=agency.detail,
            status=agency.status,
        )
    return redirect(f"/registry/agencies/{agency.id}")


@router.get("/registry/agencies/{agency_id}", response_class=HTMLResponse)
def agency_page(request: Request, agency_id: int, session: DbSession, user: Reader) -> HTMLResponse:
    return _agency(request, session, user, agency_id)


def _agency(
    request: Request,
    session: Session,
    user: User,
    agency_id: int,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    agency = agencies.get_agency(session, user, agency_id)
    its_officials, _ = officials.list_officials(session, user, agency_id=agency_id, limit=200)
    its_mechanisms, _ = mechanisms.list_mechanisms(session, user, agency_id=agency_id, limit=200)
    children = list(
        session.scalars(select(Agency).where(Agency.parent_id == agency_id).order_by(Agency.name_key))
    )
    context = {
        "agency": agency,
        "officials": its_officials,
        "mechanisms": its_mechanisms,
        "children": children,
        "error": error,
    }
    return show(request, "agency.html", context, status)


@router.post("/registry/agencies/{agency_id}", response_class=HTMLResponse, response_model=None)
async def edit_agency(
    request: Request, agency_id: int, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    values = await form_values(request)
    data = {
        "name": values.get("name", ""),
        "acronym": values.get("acronym", ""),
        "kind": values.get("kind", ""),
        "notes": values.get("notes", ""),
        "names": tagged_names(values.get("other_names"), agencies.get_agency(session, user, agency_id).names),
    }
    outcome = attempt(
        session, lambda: agencies.update_agency(session, user, agency_id, parse(schemas.AgencyPatch, data))
    )
    if isinstance(outcome, DomainError):
        return _agency(request, session, user, agency_id, outcome.detail, outcome.status)
    return redirect(f"/registry/agencies/{agency_id}")


# Officials


@router.get("/registry/officials", response_class=HTMLResponse)
def officials_page(
    request: Request,
    session: DbSession,
    user: Reader,
    q: Text = None,
    country: CodeQuery = None,
    page: PageNumber = 1,
) -> HTMLResponse:
    return _officials(request, session, user, {"q": q, "country": country}, page)


def _officials(
    request: Request,
    session: Session,
    user: User,
    filters: dict[str, Any],
    page: int = 1,
    form: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return list_page(
        request,
        "officials.html",
        "officials",
        officials.list_officials,
        session,
        user,
        filters,
        page,
        form,
        error,
        status,
        agencies=agencies.agency_choices(session),
    )


@router.post("/registry/officials", response_class=HTMLResponse, response_model=None)
async def add_official(request: Request, session: DbSession, user: Writer) -> HTMLResponse | RedirectResponse:
    values = await form_values(request)
    posts = []
    if values.get("title"):
        posts.append(
            {
                "title": values["title"],
                "rank": values.get("rank", ""),
                "agency_id": optional_int(values.get("agency_id")),
                "start_date": optional_date(values.get("start_date")),
                "end_date": optional_date(values.get("end_date")),
            }
        )
    data = {
        "name": values.get("name", ""),
        "agency_id": optional_int(values.get("agency_id")),
        "names": [{"text": line} for line in lines(values.get("other_names"))],
        "posts": posts,
    }
    official = attempt(
        session, lambda: officials.create_official(session, user, parse(schemas.OfficialIn, data))
    )
    if isinstance(official, DomainError):
        return _officials(
            request,
            session,
            user,
            {},
            form=values,
            error=official.detail,
            status=official.status,
        )
    return redirect(f"/registry/officials/{official.id}")


def _official(
    request: Request,
    session: Session,
    user: User,
    official_id: int,
    error: str | None = None,
    status: int = 200,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    context = {
        "official": officials.get_official(session, user, official_id),
        "agencies": agencies.agency_choices(session),
        "error": error,
        "form": form or {},
    }
    return show(request, "official.html", context, status)


@router.get("/registry/officials/{official_id}", response_class=HTMLResponse)
def official_page(request: Request, official_id: int, session: DbSession, user: Reader) -> HTMLResponse:
    return _official(request, session, user, official_id)


@router.post("/registry/officials/{official_id}/posts", response_class=HTMLResponse, response_model=None)
async def take_post(
    request: Request, official_id: int, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    values = await form_values(request)
    data = {
        "title": values.get("title", ""),
        "rank": values.get("rank", ""),
        "agency_id": optional_int(values.get("agency_id")),
        "start_date": optional_date(values.get("start_date")),
    }
    outcome = attempt(
        session, lambda: officials.take_post(session, user, official_id, parse(schemas.NewPostIn, data))
    )
    if isinstance(outcome, DomainError):
        return _official(request, session, user, official_id, outcome.detail, outcome.status, values)
    return redirect(f"/registry/officials/{official_id}")


# Mechanisms


@router.get("/registry/mechanisms", response_class=HTMLResponse)
def mechanisms_page(
    request: Request,
    session: DbSession,
    user: Reader,
    kind: CodeQuery = None,
    q: Text = None,
    page: PageNumber = 1,
) -> HTMLResponse:
    return _mechanisms(request, session, user, {"kind": kind, "q": q}, page)


def _mechanisms(
    request: Request,
    session: Session,
    user: User,
    filters: dict[str, Any],
    page: int = 1,
    form: dict[str, Any] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return list_page(
        request,
        "mechanisms.html",
        "mechanisms",
        mechanisms.list_mechanisms,
        session,
        user,
        filters,
        page,
        form,
        error,
        status,
        agencies=agencies.agency_choices(session),
    )


@router.post("/registry/mechanisms", response_class=HTMLResponse, response_model=None)
async def add_mechanism(
    request: Request, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    values, multi = await posted(request)
    data = {
        "name": values.get("name", ""),
        "acronym": values.get("acronym", ""),
        "kind": values.get("kind", ""),
        "recurrence": values.get("recurrence", ""),
        "host_agency_id": optional_int(values.get("host_agency_id")),
        "member_agency_ids": many(multi.get("member_agency_ids", [])),
        "description": values.get("description", ""),
    }
    mechanism = attempt(
        session, lambda: mechanisms.create_mechanism(session, user, parse(schemas.MechanismIn, data))
    )
    if isinstance(mechanism, DomainError):
        return _mechanisms(
            request,
            session,
            user,
            {},
            form=values,
            error=mechanism.detail,
            status=mechanism.status,
        )
    return redirect(f"/registry/mechanisms/{mechanism.id}")


def _mechanism(
    request: Request,
    session: Session,
    user: User,
    mechanism_id: int,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = {
        "mechanism": mechanisms.get_mechanism(session, user, mechanism_id),
        "error": error,
        "form": form or {},
        "agencies": agencies.agency_choices(session),
    }
    return show(request, "mechanism.html", context, status)


@router.get("/registry/mechanisms/{mechanism_id}", response_class=HTMLResponse)
def mechanism_page(request: Request, mechanism_id: int, session: DbSession, user: Reader) -> HTMLResponse:
    return _mechanism(request, session, user, mechanism_id)


@router.post("/registry/mechanisms/{mechanism_id}/roles", response_class=HTMLResponse, response_model=None)
async def add_role(
    request: Request, mechanism_id: int, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    values = await form_values(request)
    data = {
        "role": values.get("role", ""),
        "holder_agency_id": optional_int(values.get("holder_agency_id")),
        "holder_country": values.get("holder_country") or None,
        "counterpart_country": values.get("counterpart_country") or None,
        "crime_area": values.get("crime_area") or None,
        "start_date": optional_date(values.get("start_date")),
        "end_date": optional_date(values.get("end_date")),
        "note": values.get("note", ""),
    }
    outcome = attempt(
        session,
        lambda: mechanisms.add_mechanism_role(session, user, mechanism_id, parse(schemas.RoleIn, data)),
    )
    if isinstance(outcome, DomainError):
        return _mechanism(request, session, user, mechanism_id, outcome.detail, values, outcome.status)
    return redirect(f"/registry/mechanisms/{mechanism_id}")


# Agreements


@router.get("/registry/agreements", response_class=HTMLResponse)
def agreements_page(
    request: Request,
    session: DbSession,
    user: Reader,
    kind: CodeQuery = None,
    status: CodeQuery = None,
    country: CodeQuery = None,
    q: Text = None,
    page: PageNumber = 1,
) -> HTMLResponse:
    filters = {"kind": kind, "status": status, "country": country, "q": q}
    rows, total = agreements.list_agreements(
        session, user, **filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    return show(
        request, "agreements.html", {"agreements": rows, "filters": filters, "pager": pager(page, total)}
    )


def _agreement_form(
    request: Request, session: Session, form: dict[str, Any], error: str | None = None, status: int = 200
) -> HTMLResponse:
    context = {
        "form": form,
        "error": error,
        "agencies": agencies.agency_choices(session),
        "agreements": list(session.scalars(select(Agreement).order_by(Agreement.title_key))),
    }
    return show(request, "agreement_form.html", context, status)


@router.get("/registry/agreements/new", response_class=HTMLResponse)
def new_agreement_page(request: Request, session: DbSession, user: Writer) -> HTMLResponse:
    return _agreement_form(request, session, {})


@router.post("/registry/agreements", response_class=HTMLResponse, response_model=None)
async def add_agreement(
    request: Request, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    values, multi = await posted(request)
    parties = [{"agency_id": agency_id} for agency_id in many(multi.get("party_agency_ids", []))]
    parties += [{"country": code} for code in multi.get("party_countries", []) if code]
    data: dict[str, Any] = {
        "title": values.get("title", ""),
        "kind": values.get("kind", ""),
        "parties": parties,
        "crime_areas": multi.get("crime_areas", []),
        "summary": values.get("summary", ""),
        "amends_id": optional_int(values.get("amends_id")),
        "supersedes_id": optional_int(values.get("supersedes_id")),
        **texts_in_two_languages(values, agreements.AGREEMENT_TEXTS),
    }
    if values.get("status_on"):
        data["history"] = [
            {"status": values.get("status") or "proposed", "effective_on": values["status_on"]}
        ]
    agreement = attempt(
        session, lambda: agreements.create_agreement(session, user, parse(schemas.AgreementIn, data))
    )
    if isinstance(agreement, DomainError):
        form = {
            **values,
            "party_agency_ids": multi.get("party_agency_ids", []),
            "crime_areas": multi.get("crime_areas", []),
        }
        return _agreement_form(request, session, form, agreement.detail, agreement.status)
    return redirect(f"/registry/agreements/{agreement.id}")


def _agreement(
    request: Request,
    session: Session,
    user: User,
    agreement_id: int,
    error: str | None = None,
    status: int = 200,
    edited: dict[str, Any] | None = None,
) -> HTMLResponse:
    """The agreement's page; after a refused correction `edited` holds what was typed."""
    agreement = agreements.get_agreement(session, user, agreement_id)
    all_programmes, _ = programmes.list_programmes(session, user, limit=500)
    context = {
        "agreement": agreement,
        "allowed": allowed_next(vocabulary().agreement_statuses, agreement.status),
        "error": error,
        "programmes": [p for p in all_programmes if p.agreement_id == agreement.id],
        "edited": edited or {},
        "others": session.scalars(
            select(Agreement).where(Agreement.id != agreement.id).order_by(Agreement.title_key)
        ).all(),
    }
    return show(request, "agreement.html", context, status)


@router.get("/registry/agreements/{agreement_id}", response_class=HTMLResponse)
def agreement_page(request: Request, agreement_id: int, session: DbSession, user: Reader) -> HTMLResponse:
    return _agreement(request, session, user, agreement_id)


@router.post("/registry/agreements/{agreement_id}", response_class=HTMLResponse, response_model=None)
async def correct_agreement(
    request: Request, agreement_id: int, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    """Correct an agreement's description: title, kind, crime areas, what it amends or
    supersedes, summary. Its status moves only through its dated history."""
    values, multi = await posted(request)
    data = {
        "title": values.get("title", ""),
        "kind": values.get("kind", ""),
        "crime_areas": multi.get("crime_areas", []),
        "amends_id": optional_int(values.get("amends_id")),
        "supersedes_id": optional_int(values.get("supersedes_id")),
        "summary": values.get("summary", ""),
        **texts_in_two_languages(values, agreements.AGREEMENT_TEXTS),
    }
    outcome = attempt(
        session,
        lambda: agreements.update_agreement(session, user, agreement_id, parse(schemas.AgreementPatch, data)),
    )
    if isinstance(outcome, DomainError):
        edited = {**values, "crime_areas": multi.get("crime_areas", [])}
        return _agreement(request, session, user, agreement_id, outcome.detail, outcome.status, edited)
    return redirect(f"/registry/agreements/{agreement_id}")


@router.post("/registry/agreements/{agreement_id}/status", response_class=HTMLResponse, response_model=None)
async def change_status(
    request: Request, agreement_id: int, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    values = await form_values(request)
    data = {
        "status": values.get("status", ""),
        "effective_on": optional_date(values.get("effective_on")),
        "note": values.get("note", ""),
    }
    outcome = attempt(
        session,
        lambda: agreements.change_agreement_status(
            session, user, agreement_id, parse(schemas.StatusChangeIn, data)
        ),
    )
    if isinstance(outcome, DomainError):
        detail = refusal(outcome, vocabulary().agreement_statuses)
        return _agreement(request, session, user, agreement_id, detail, outcome.status)
    return redirect(f"/registry/agreements/{agreement_id}")


# Programmes


@router.get("/registry/programmes", response_class=HTMLResponse)
def programmes_page(
    request: Request,
    session: DbSession,
    user: Reader,
    country: CodeQuery = None,
    status: CodeQuery = None,
    page: PageNumber = 1,
) -> HTMLResponse:
    return _programmes(request, session, user, {"country": country, "status": status}, page)


def _programmes(
    request: Request,
    session: Session,
    user: User,
    filters: dict[str, Any],
    page: int = 1,
    form: dict[str, Any] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    all_agreements = list(session.scalars(select(Agreement).order_by(Agreement.title_key)))
    return list_page(
        request,
        "programmes.html",
        "programmes",
        programmes.list_programmes,
        session,
        user,
        filters,
        page,
        form,
        error,
        status,
        progress=programmes.progress,
        status_shown=programmes.status_shown,
        agencies=agencies.agency_choices(session),
        agreements=all_agreements,
    )


@router.post("/registry/programmes", response_class=HTMLResponse, response_model=None)
async def add_programme(
    request: Request, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    values, multi = await posted(request)
    data = {
        "title": values.get("title", ""),
        "start_year": optional_int(values.get("start_year")),
        "end_year": optional_int(values.get("end_year")),
        "status": values.get("status", ""),
        "agreement_id": optional_int(values.get("agreement_id")),
        "party_agency_ids": many(multi.get("party_agency_ids", [])),
        "summary": values.get("summary", ""),
        **texts_in_two_languages(values, programmes.PROGRAMME_TEXTS),
    }
    programme = attempt(
        session, lambda: programmes.create_programme(session, user, parse(schemas.ProgrammeIn, data))
    )
    if isinstance(programme, DomainError):
        return _programmes(
            request,
            session,
            user,
            {},
            form=values,
            error=programme.detail,
            status=programme.status,
        )
    return redirect(f"/registry/programmes/{programme.id}")


def _programme(
    request: Request,
    session: Session,
    user: User,
    programme_id: int,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
    edited: dict[str, str] | None = None,
) -> HTMLResponse:
    """The programme's page; after a refused post, `form` (a new action item) or `edited` (the
    programme's own fields) hold what was typed, so nothing typed is lost."""
    programme = programmes.get_programme(session, user, programme_id)
    context = {
        "programme": programme,
        "progress": programmes.progress(programme),
        "counted": programmes.counted_items(programme),
        "status_shown": programmes.status_shown(programme),
        "error": error,
        "form": form or {},
        "edited": edited or {},
        "agencies": agencies.agency_choices(session),
    }
    return show(request, "programme.html", context, status)


@router.get("/registry/programmes/{programme_id}", response_class=HTMLResponse)
def programme_page(request: Request, programme_id: int, session: DbSession, user: Reader) -> HTMLResponse:
    return _programme(request, session, user, programme_id)


@router.post("/registry/programmes/{programme_id}", response_class=HTMLResponse, response_model=None)
async def edit_programme(
    request: Request, programme_id: int, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    """Correct a programme's title, period, status, signing date and summary."""
    values = await form_values(request)
    data = {
        "title": values.get("title", ""),
        "start_year": optional_int(values.get("start_year")),
        "end_year": optional_int(values.get("end_year")),
        "status": values.get("status", ""),
        "signed_on": optional_date(values.get("signed_on")),
        "summary": values.get("summary", ""),
        **texts_in_two_languages(values, programmes.PROGRAMME_TEXTS),
    }
    outcome = attempt(
        session,
        lambda: programmes.update_programme(session, user, programme_id, parse(schemas.ProgrammePatch, data)),
    )
    if isinstance(outcome, DomainError):
        return _programme(
            request, session, user, programme_id, outcome.detail, status=outcome.status, edited=values
        )
    return redirect(f"/registry/programmes/{programme_id}")


@router.post(
    "/registry/programmes/{programme_id}/action-items", response_class=HTMLResponse, response_model=None
)
async def add_action_item(
    request: Request, programme_id: int, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    values = await form_values(request)
    data = {
        "text": values.get("text", ""),
        "owner_agency_id": optional_int(values.get("owner_agency_id")),
        "due_date": optional_date(values.get("due_date")),
        **texts_in_two_languages(values, programmes.ACTION_ITEM_TEXTS),
    }
    outcome = attempt(
        session,
        lambda: programmes.add_action_item(session, user, programme_id, parse(schemas.ActionItemIn, data)),
    )
    if isinstance(outcome, DomainError):
        return _programme(request, session, user, programme_id, outcome.detail, values, outcome.status)
    return redirect(f"/registry/programmes/{programme_id}")


@router.post("/registry/action-items/{item_id}", response_class=HTMLResponse, response_model=None)
async def update_action_item(
    request: Request, item_id: int, session: DbSession, user: Writer
) -> HTMLResponse | RedirectResponse:
    values = await form_values(request)
    data = {
        "text": values.get("text", ""),
        "owner_agency_id": optional_int(values.get("owner_agency_id")),
        "due_date": optional_date(values.get("due_date")),
        "status": values.get("status") or None,
        "note": values.get("note", ""),
        **texts_in_two_languages(values, programmes.ACTION_ITEM_TEXTS),
    }
    item = attempt(
        session,
        lambda: programmes.update_action_item(session, user, item_id, parse(schemas.ActionItemPatch, data)),
    )
    if isinstance(item, DomainError):
        return show(request, "message.html", {"error": item.detail}, item.status)
    return redirect(f"/registry/programmes/{item.programme_id}")
