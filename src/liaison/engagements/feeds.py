"""Calendar feeds: engagements as iCalendar (RFC 5545, the `icalendar` package) for calendar clients.

Calendar clients cannot sign in or keep a cookie, so a feed is a secret address: a user makes one
(`create_feed`), is shown its address once, and the node keeps only the SHA-256 of the secret
(`core.security.secrets.digest`, as for API tokens). The user can revoke it at any time; a revoked
or unknown secret answers 404 (`FeedNotFound`), the same answer, so a guess learns nothing. A feed
reads as its user, through the record-access gate: an H2/H3 engagement another unit owns never
appears, and a feed of a user who left (inactive) or lost the right to read engagements is gone.

Scopes: `mine` — engagements where the user is on our delegation or owns a preparation task, plus
those of the user's unit; `country` — one partner country's; `agency` — those one agency took part
in. Engagements are whole days (`DTSTART;VALUE=DATE`), the node's calendar days; each event's UID is
stable (`engagement-<id>@<node>`) so clients update it in place when it moves or is cancelled.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import Request
from icalendar import Calendar, Event
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, selectinload

from liaison.core import audit
from liaison.core.db import utcnow
from liaison.core.errors import Invalid, NotFound
from liaison.core.i18n import Phrase
from liaison.core.models import User
from liaison.core.records import referenced, snapshot
from liaison.core.security import policy
from liaison.core.security.gate import readable
from liaison.core.security.policy import Actor, ensure
from liaison.core.security.secrets import digest, new_secret
from liaison.core.settings import get_settings
from liaison.core.vocab import require
from liaison.core.web import DbSession
from liaison.engagements import schemas
from liaison.engagements.models import (
    CalendarFeed,
    Engagement,
    EngagementAgency,
    EngagementDelegate,
    PreparationTask,
)
from liaison.engagements.service import READ
from liaison.engagements.vocabulary import vocabulary
from liaison.registry.countries import country_code
from liaison.registry.models import Agency

SCOPES = {"mine": "my engagements", "country": "a partner country", "agency": "a partner agency"}
FEED_FIELDS = ("user_id", "scope", "country_code", "agency_id", "revoked_at")
FEED_PATH = "/engagements/feeds/{token}.ics"


class FeedNotFound(NotFound):
    """An unknown or revoked feed secret."""


def create_feed(session: Session, actor: User, data: schemas.FeedIn) -> tuple[CalendarFeed, str]:
    """A new feed of this user's and its secret (shown once; only its digest is kept)."""
    ensure(actor, READ)
    require(SCOPES, data.scope, "scope")
    feed = CalendarFeed(user_id=actor.id, scope=data.scope)
    if data.scope == "country":
        feed.country_code = country_code(session, data.country, "country")
        if feed.country_code is None:
            raise _missing("country")
    elif data.scope == "agency":
        if referenced(session, Agency, data.agency_id, "agency_id", "agency") is None:
            raise _missing("agency_id")
        feed.agency_id = data.agency_id
    secret = new_secret()
    feed.token_hash = digest(secret)
    session.add(feed)
    session.flush()
    audit.record(
        session, actor.username, "create", "calendar_feed", feed.id, after=snapshot(feed, FEED_FIELDS)
    )
    return feed, secret


def _missing(field: str) -> Invalid:
    return Invalid("Choose the partner of this feed.", fields={field: "required for this scope"})


class FeedSecret:
    """Dependency: the feed a secret address names and the user it reads as; 404 for an unknown or
    revoked one. It stands in for `Permission` on the feed route (the route-policy test knows it):
    the feed's user must still be allowed to read engagements."""

    def __call__(self, request: Request, session: DbSession) -> tuple[CalendarFeed, User]:
        return feed_by_secret(session, str(request.path_params.get("secret", "")))


def list_feeds(session: Session, actor: User) -> list[CalendarFeed]:
    ensure(actor, READ)
    return list(
        session.scalars(
            select(CalendarFeed).where(CalendarFeed.user_id == actor.id).order_by(CalendarFeed.id)
        )
    )


def revoke_feed(session: Session, actor: User, feed_id: int) -> CalendarFeed:
    """Revoke one of this user's feeds: its address answers 404 from now on."""
    ensure(actor, READ)
    feed = session.get(CalendarFeed, feed_id) if 0 < feed_id < 2**63 else None
    if feed is None or feed.user_id != actor.id:
        raise NotFound("There is no {what} {record_id}.", what=Phrase("calendar feed"), record_id=feed_id)
    if feed.revoked_at is None:
        before = snapshot(feed, FEED_FIELDS)
        feed.revoked_at = utcnow()
        session.flush()
        audit.record(
            session,
            actor.username,
            "revoke",
            "calendar_feed",
            feed.id,
            before=before,
            after=snapshot(feed, FEED_FIELDS),
        )
    return feed


def feed_by_secret(session: Session, secret: str) -> tuple[CalendarFeed, User]:
    """The live feed with this secret and the user it reads as; `FeedNotFound` for an unknown,
    revoked or orphaned one, or one whose user may no longer read engagements."""
    row = session.execute(
        select(CalendarFeed, User)
        .join(User, User.id == CalendarFeed.user_id)
        .where(CalendarFeed.token_hash == digest(secret), CalendarFeed.revoked_at.is_(None), User.is_active)
    ).first()
    if row is None or not policy.may(row[1], READ):
        raise FeedNotFound("There is no such calendar feed.")
    return row[0], row[1]


def feed_engagements(session: Session, reader: Actor, feed: CalendarFeed, user: User) -> list[Engagement]:
    query = select(Engagement).where(
        Engagement.status.not_in(("draft", "merged")), readable(reader, Engagement)
    )
    if feed.scope == "mine":
        on_delegation = select(EngagementDelegate.engagement_id).where(
            EngagementDelegate.username == user.username
        )
        owns_task = select(PreparationTask.engagement_id).where(PreparationTask.owner == user.username)
        mine: list[ColumnElement[bool]] = [Engagement.id.in_(on_delegation), Engagement.id.in_(owns_task)]
        if user.unit:
            mine.append(Engagement.owning_unit == user.unit)
        query = query.where(or_(*mine))
    elif feed.scope == "country":
        query = query.where(Engagement.country_code == feed.country_code)
    else:
        query = query.where(
            Engagement.id.in_(
                select(EngagementAgency.engagement_id).where(EngagementAgency.agency_id == feed.agency_id)
            )
        )
    return list(
        session.scalars(
            query.options(
                selectinload(Engagement.delegates).selectinload(EngagementDelegate.official)
            ).order_by(Engagement.held_on, Engagement.id)
        )
    )


ICS_STATUS = {"planned": "TENTATIVE", "held": "CONFIRMED", "cancelled": "CANCELLED"}


def ics(engagements: list[Engagement], request: Request, name: str) -> bytes:
    """The engagements as one iCalendar document: an all-day event each, its agenda and delegations
    in the description, a link to its page."""
    node = request.url.hostname or "liaison"
    cal = Calendar()
    cal.add("prodid", "-//Liaison//engagements//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", get_settings().timezone)
    words = vocabulary()
    for engagement in engagements:
        event = Event()
        event.add("uid", f"engagement-{engagement.id}@{node}")
        event.add("dtstamp", engagement.updated_at or utcnow())
        event.add("dtstart", engagement.held_on)
        event.add("dtend", (engagement.end_on or engagement.held_on) + timedelta(days=1))
        event.add("summary", engagement.title)
        event.add("status", ICS_STATUS.get(engagement.stage, "CONFIRMED"))
        if engagement.place:
            event.add("location", engagement.place)
        lines = [
            words.engagement_stages[engagement.stage].en
            if engagement.stage in words.engagement_stages
            else ""
        ]
        if engagement.agenda:
            lines += ["Agenda:", *(f"{n}. {item}" for n, item in enumerate(engagement.agenda, 1))]
        for side in words.delegation_sides:
            members = [delegate_name(d) for d in engagement.delegates if d.side == side]
            if members:
                lines.append(f"{words.delegation_sides[side].en}: {', '.join(members)}")
        event.add("description", "\n".join(line for line in lines if line))
        event.add("url", str(request.base_url).rstrip("/") + f"/engagements/{engagement.id}")
        cal.add_component(event)
    return cal.to_ical()


def delegate_name(delegate: EngagementDelegate) -> str:
    """How a delegation list names a member: the official's name, else the name as written, else
    the user's name."""
    if delegate.official is not None:
        return delegate.official.name
    return delegate.name or delegate.username or ""


def feed_name(session: Session, feed: CalendarFeed, user: User) -> str:
    if feed.scope == "country":
        return f"Liaison · {feed.country_code}"
    if feed.scope == "agency":
        agency = session.get(Agency, feed.agency_id)
        return f"Liaison · {agency.name if agency else feed.agency_id}"
    return f"Liaison · {user.username}"
