"""Officials: persons in an official role, with names in several scripts and posts held over time."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from liaison.core import audit
from liaison.core.listing import apply_sort, paginate
from liaison.core.records import check_period, get_or_404, referenced, snapshot
from liaison.core.security.policy import Actor, ensure
from liaison.names.fold import fold
from liaison.registry import READ, WRITE, schemas
from liaison.registry.models import Agency, Official, OfficialName, OfficialPost
from liaison.registry.name_search import index_names, matching_ids, name_key

OFFICIAL_SORTS = {"name": Official.name_key, "id": Official.id}
OFFICIAL_FIELDS = ("name", "agency_id", "notes")


def _official_forms(official: Official) -> list[str]:
    return [official.name, *(n.text for n in official.names)]


def _posts(session: Session, posts: Sequence[schemas.PostIn]) -> list[OfficialPost]:
    result = []
    for index, post in enumerate(posts):
        check_period(post.start_date, post.end_date, f"posts.{index}.end_date")
        referenced(session, Agency, post.agency_id, f"posts.{index}.agency_id", "agency")
        result.append(OfficialPost(**post.model_dump()))
    return result


def create_official(session: Session, actor: Actor, data: schemas.OfficialIn) -> Official:
    ensure(actor, WRITE)
    referenced(session, Agency, data.agency_id, "agency_id", "agency")
    official = Official(
        ref=data.ref,
        name=data.name,
        name_key=name_key(data.name),
        agency_id=data.agency_id,
        notes=data.notes,
        names=[OfficialName(text=n.text, lang=n.lang) for n in data.names],
        posts=_posts(session, data.posts),
    )
    session.add(official)
    session.flush()
    index_names(session, "official", official.id, _official_forms(official), romanise=True)
    audit.record(
        session, actor.username, "create", "official", official.id, after=snapshot(official, OFFICIAL_FIELDS)
    )
    return official


def update_official(
    session: Session, actor: Actor, official_id: int, data: schemas.OfficialPatch
) -> Official:
    ensure(actor, WRITE)
    official: Official = get_or_404(session, Official, official_id, "official")
    before = snapshot(official, OFFICIAL_FIELDS)
    changes = data.model_dump(exclude_unset=True)
    if "agency_id" in changes:
        referenced(session, Agency, changes["agency_id"], "agency_id", "agency")
        official.agency_id = changes["agency_id"]
    if changes.get("name"):
        official.name, official.name_key = changes["name"], name_key(changes["name"])
    if changes.get("notes") is not None:
        official.notes = changes["notes"]
    if data.names is not None:
        official.names = [OfficialName(text=n.text, lang=n.lang) for n in data.names]
    if data.posts is not None:
        official.posts = _posts(session, data.posts)
    session.flush()
    index_names(session, "official", official.id, _official_forms(official), romanise=True)
    audit.record(
        session,
        actor.username,
        "update",
        "official",
        official.id,
        before=before,
        after=snapshot(official, OFFICIAL_FIELDS),
    )
    return official


def _post_line(post: OfficialPost) -> str:
    """A post as one line of the audit's before/after."""
    held = f"{post.start_date or '?'}..{post.end_date or ''}"
    return f"{post.title} ({post.rank or '-'}, agency {post.agency_id or '-'}) {held}"


def take_post(session: Session, actor: Actor, official_id: int, data: schemas.NewPostIn) -> Official:
    """The official takes a new post from `data.start_date`: the posts still open end that day,
    the new one is added, and the official's agency follows the post's when it names one. The
    posts held before stay, so the record reads as a career over time."""
    ensure(actor, WRITE)
    official: Official = get_or_404(session, Official, official_id, "official")
    referenced(session, Agency, data.agency_id, "agency_id", "agency")
    before = [_post_line(p) for p in official.posts]
    for post in official.posts:
        if post.end_date is None:
            check_period(post.start_date, data.start_date, "start_date")
            post.end_date = data.start_date
    official.posts.append(OfficialPost(**data.model_dump()))
    if data.agency_id is not None:
        official.agency_id = data.agency_id
    session.flush()
    audit.record(
        session,
        actor.username,
        "update",
        "official",
        official.id,
        before={"posts": before},
        after={"posts": [_post_line(p) for p in official.posts], "agency_id": official.agency_id},
    )
    return official


def get_official(session: Session, actor: Actor, official_id: int) -> Official:
    ensure(actor, READ)
    official: Official = get_or_404(session, Official, official_id, "official")
    return official


def list_officials(
    session: Session,
    actor: Actor,
    *,
    agency_id: int | None = None,
    country: str | None = None,
    q: str | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Official], int]:
    ensure(actor, READ)
    query = select(Official).options(selectinload(Official.names), selectinload(Official.posts))
    if agency_id is not None:
        query = query.where(Official.agency_id == agency_id)
    if country:
        query = query.where(
            Official.agency_id.in_(select(Agency.id).where(Agency.country_code == country.upper()))
        )
    if q and fold(q):
        query = query.where(Official.id.in_(matching_ids(session, "official", q)))
    return paginate(session, apply_sort(query, sort, OFFICIAL_SORTS, "name"), limit, offset)
