"""The partner briefing: for a partner (a country, an organisation, or one agency of either) and a
meeting date, the one document an officer puts in the minister's folder.

It starts from the registry's partner view, which already asks every capability for what this
reader may see (engagements, commitments, requests, persons sought, citizen-protection cases,
each through the record-access gate), and adds what a meeting needs on top: programmes with
their action items, agreements with the dates of their status, every commitment from earlier
engagements (open ones first), and talking points derived from those facts, each linked to the
records it comes from. A section the reader may not read is absent, and so is every talking
point that would come from it: a briefing never says more than its reader may read.

The briefing is built in the language it will be read in (`core.i18n.speaking`): labels, dates
and talking points are words already, so the page, the PDF and the DOCX say the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum, auto
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from liaison.core import bilingual, i18n
from liaison.core.capability import PartnerScope
from liaison.core.errors import Invalid, Phrase
from liaison.core.records import today
from liaison.core.security import gate
from liaison.core.security.policy import Actor, ensure
from liaison.core.vocab import label
from liaison.engagements.models import Commitment, Engagement
from liaison.engagements.partners import with_partner
from liaison.engagements.vocabulary import vocabulary as engagement_words
from liaison.registry.models import AgencyName, Agreement, Programme
from liaison.registry.partners import partner_view
from liaison.registry.programmes import status_shown
from liaison.registry.vocabulary import country_label, crime_areas
from liaison.registry.vocabulary import vocabulary as registry_words
from liaison.reports import READ
from liaison.subjects.vocabulary import vocabulary as subject_words


class SectionCode(StrEnum):
    """A section of the partner briefing, in the document's order."""

    # Each member is its code (what the API takes and the page posts) and its heading (the msgid):
    # one list, so the API's document, the page's choices and the headings cannot disagree.

    heading: str

    def __new__(cls, code: str, heading: str) -> SectionCode:
        member = str.__new__(cls, code)
        member._value_ = code
        member.heading = heading
        return member

    talking_points = auto(), "Talking points"
    agencies = auto(), "Agencies and officials"
    mechanisms = auto(), "Mechanisms and roles"
    agreements = auto(), "Agreements by status"
    programmes = auto(), "Programmes and action items"
    engagements = auto(), "Engagement timeline"
    commitments = auto(), "Commitments from earlier engagements"
    requests = auto(), "Requests"
    persons_sought = auto(), "Persons sought believed to be in the partner's territory"
    citizen_protection = auto(), "Citizen protection"
    assets = auto(), "Assets held there"
    capacity_building = auto(), "Capacity building"


SECTIONS: dict[str, str] = {section.value: section.heading for section in SectionCode}
"""Each section's code and its heading, in the document's order."""

OPEN_COMMITMENTS = ("open", "in_progress")
MAX_COMMITMENTS = 40
"""A briefing is a few pages for a minister's folder: at most this many commitments (open ones
first), `MAX_ENGAGEMENTS` on the timeline, `MAX_REQUESTS` open requests and `MAX_PERSONS` persons
sought listed; the counts and talking points still cover every record shown to the gate."""
MAX_ENGAGEMENTS = 40
MAX_REQUESTS = 30
MAX_PERSONS = 50
MAX_LINKS = 5
NOTES_LIMIT = 4000


@dataclass(frozen=True)
class Link:
    """A record a fact comes from: its words and its page."""

    label: str
    path: str


@dataclass(frozen=True)
class TalkingPoint:
    text: str
    section: str
    links: tuple[Link, ...] = ()


@dataclass
class Briefing:
    """Everything the document shows, in words of one language; `sections` is what is shown."""

    partner_key: str
    partner_name: str
    territory: str
    is_country: bool
    agency_id: int | None
    meeting_on: date
    prepared_on: date
    language: str
    sections: tuple[str, ...]
    notes: str = ""
    agencies: list[dict[str, Any]] = field(default_factory=list)
    mechanisms: list[dict[str, Any]] = field(default_factory=list)
    agreements: list[dict[str, Any]] = field(default_factory=list)
    programmes: list[dict[str, Any]] = field(default_factory=list)
    engagements: list[dict[str, Any]] | None = None
    commitments: list[dict[str, Any]] | None = None
    requests: dict[str, Any] | None = None
    persons_sought: list[dict[str, Any]] | None = None
    citizen_protection: list[dict[str, Any]] | None = None
    assets: dict[str, Any] | None = None
    capacity_building: dict[str, Any] | None = None
    open_commitments: int = 0
    oldest_open_commitment: dict[str, Any] | None = None
    proposals: dict[int, dict[str, Any]] = field(default_factory=dict)
    """The latest open proposal (a commitment of kind "proposed") made about each agreement at an
    engagement up to the meeting, by agreement id; empty for a reader who may not read engagements."""
    talking_points: list[TalkingPoint] = field(default_factory=list)

    def shows(self, section: str) -> bool:
        """Chosen by the officer and readable by this reader."""
        return section in self.sections and getattr(self, section, None) is not None

    @property
    def headings(self) -> dict[str, str]:
        words = i18n.translations(self.language)
        return {code: words.gettext(heading) for code, heading in SECTIONS.items()}

    @property
    def title(self) -> str:
        return Phrase("Briefing: {partner}", {"partner": self.partner_name}).render(self.language)

    @property
    def subtitle(self) -> str:
        return Phrase(
            "For the meeting on {meeting}; prepared on {prepared} from the records you may read.",
            {"meeting": i18n.show_date(self.meeting_on), "prepared": i18n.show_date(self.prepared_on)},
        ).render(self.language)


def chosen_sections(codes: Sequence[str] | None) -> tuple[str, ...]:
    """The sections asked for, in document order; none asked means all. An unknown code is refused."""
    if not codes:
        return tuple(SECTIONS)
    unknown = [code for code in codes if code not in SECTIONS]
    if unknown:
        raise Invalid(
            "Unknown briefing section {code!r}; use one of {choices}.",
            code=unknown[0],
            choices=list(SECTIONS),
            fields={"sections": Phrase("one of {choices}", {"choices": list(SECTIONS)})},
        )
    return tuple(code for code in SECTIONS if code in codes)


def build_briefing(
    session: Session,
    actor: Actor,
    partner: str,
    *,
    agency_id: int | None = None,
    meeting_on: date | None = None,
    sections: Sequence[str] | None = None,
    notes: str = "",
) -> Briefing:
    """The briefing for this reader, in the current language (wrap in `i18n.speaking`)."""
    ensure(actor, READ)
    if len(notes) > NOTES_LIMIT:
        raise Invalid(
            "The notes are longer than {limit} characters.",
            limit=NOTES_LIMIT,
            fields={"notes": Phrase("at most {limit} characters", {"limit": NOTES_LIMIT})},
        )
    chosen = chosen_sections(sections)
    view = partner_view(session, actor, partner, agency_id)
    on = meeting_on or today()
    language = i18n.current_language.get()
    names = _agency_names(session, [a.id for a in view.agencies])
    local = {a.id: names.get(a.id, {}).get(language, [a.name])[0] for a in view.agencies}
    name = view.name
    if agency_id is not None:
        name = local[agency_id]
    elif view.is_country:
        name = country_label(view.key)
    briefing = Briefing(
        partner_key=view.key,
        partner_name=name,
        territory=country_label(view.key) if view.is_country else name,
        is_country=view.is_country,
        agency_id=agency_id,
        meeting_on=on,
        prepared_on=today(),
        language=language,
        sections=chosen,
        notes=notes.strip(),
    )
    words = registry_words()
    briefing.agencies = [
        {
            "id": agency.id,
            "name": local[agency.id],
            "other_names": list(
                dict.fromkeys(
                    text
                    for text in [
                        agency.name,
                        *(t for texts in names.get(agency.id, {}).values() for t in texts),
                    ]
                    if text != local[agency.id]
                )
            ),
            "acronym": agency.acronym,
            "kind": label(words.agency_kinds, agency.kind),
            "officials": [o for o in view.officials if o["agency_id"] == agency.id],
        }
        for agency in view.agencies
    ]
    briefing.mechanisms = [
        {
            **m,
            "kind": label(words.mechanism_kinds, m["kind"]),
            "recurrence": label(words.recurrences, m["recurrence"]),
            "roles": [role_line(role) for role in m["roles"]],
        }
        for m in view.mechanisms
    ]
    agreement_ids = [a.id for group in view.agreements_by_status.values() for a in group]
    briefing.agreements = _agreements(session, agreement_ids)
    briefing.programmes = _programmes(session, [p["id"] for p in view.programmes], on)
    if view.engagements is not None:
        briefing.engagements = [
            {
                **e,
                "kind": label(engagement_words().engagement_kinds, e["kind"]),
                "held": i18n.show_date(e["held_on"]),
            }
            for e in view.engagements[:MAX_ENGAGEMENTS]
        ]
        scope = PartnerScope(view.key, view.is_country, tuple(a.id for a in view.agencies))
        briefing.commitments = _commitments(session, actor, scope, on)
        briefing.open_commitments, briefing.oldest_open_commitment = _open_commitments(
            session, actor, scope, on
        )
        briefing.proposals = _proposals(session, actor, scope, agreement_ids, on)
    if view.requests is not None:
        briefing.requests = _requests(view.requests)
    if view.persons_sought is not None:
        briefing.persons_sought = _persons(view.persons_sought, on)
    if view.citizen_protection_cases is not None and view.is_country:
        briefing.citizen_protection = [
            {**c, "status_label": label(engagement_words().case_statuses, c["status"])}
            for c in view.citizen_protection_cases
        ]
    if view.asset_figures and view.asset_figures["rows"]:
        briefing.assets = view.asset_figures
    if view.capacity_building and view.capacity_building["rows"]:
        briefing.capacity_building = view.capacity_building
    briefing.talking_points = talking_points(briefing)
    if briefing.requests is not None:  # the points used every open request; the document lists the first
        briefing.requests["open_requests"] = briefing.requests["open_requests"][:MAX_REQUESTS]
    if briefing.persons_sought is not None:
        briefing.persons_sought = briefing.persons_sought[:MAX_PERSONS]
    return briefing


def _agency_names(session: Session, agency_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    """Each agency's other name forms by language (`{id: {"vi": ["Bộ Nội vụ Liên bang Nga"]}}`)."""
    found: dict[int, dict[str, list[str]]] = {}
    rows = session.execute(
        select(AgencyName.agency_id, AgencyName.lang, AgencyName.text)
        .where(AgencyName.agency_id.in_(agency_ids))
        .order_by(AgencyName.id)
    )
    for agency_id, lang, text in rows:
        found.setdefault(agency_id, {}).setdefault(lang, []).append(text)
    return found


def role_line(role: dict[str, Any]) -> str:
    """A role held in a mechanism, in one line: who holds it, towards whom, for what, when."""
    parts = [
        f"{label(registry_words().role_kinds, role['role'])}: "
        f"{role['holder_agency'] or country_label(role['holder_country'])}"
    ]
    if role["counterpart_country"]:
        parts.append(
            Phrase(
                "relations with {country}", {"country": country_label(role["counterpart_country"])}
            ).render()
        )
    if role["crime_area"]:
        parts.append(label(crime_areas(), role["crime_area"]))
    if role["start_date"] or role["end_date"]:
        start, end = role["start_date"], role["end_date"]
        parts.append(f"{start.year if start else '…'}–{end.year if end else '…'}")
    if role["status"] != "held":
        parts.append(i18n.gettext(role["status"]))
    return " · ".join(parts)


def _agreements(session: Session, agreement_ids: list[int]) -> list[dict[str, Any]]:
    """Agreements grouped by status in the vocabulary's order, each with the date it reached it."""
    words = registry_words()
    agreements = session.scalars(
        select(Agreement).where(Agreement.id.in_(agreement_ids)).options(selectinload(Agreement.history))
    )
    by_status: dict[str, list[dict[str, Any]]] = {}
    for agreement in agreements:
        reached = [c for c in agreement.history if c.status == agreement.status]
        in_force_since = next(
            (c.effective_on for c in agreement.history if c.status == "in_force" and c.effective_on), None
        )
        by_status.setdefault(agreement.status, []).append(
            {
                "id": agreement.id,
                "title": bilingual.shown(agreement, "title"),
                "kind": label(words.agreement_kinds, agreement.kind),
                "status": agreement.status,
                "since": reached[-1].effective_on if reached else None,
                "since_shown": i18n.show_date(reached[-1].effective_on) if reached else "",
                "in_force_since": in_force_since,
                "note": reached[-1].note if reached else "",
            }
        )
    return [
        {"status": status, "label": label(words.agreement_statuses, status), "items": by_status[status]}
        for status in words.agreement_statuses
        if status in by_status
    ]


def _programmes(session: Session, programme_ids: list[int], on: date) -> list[dict[str, Any]]:
    words = registry_words()
    programmes = session.scalars(
        select(Programme)
        .where(Programme.id.in_(programme_ids))
        .options(selectinload(Programme.action_items))
        .order_by(Programme.start_year, Programme.id)
    )
    found = []
    for programme in programmes:
        counted = [i for i in programme.action_items if i.status != "dropped"]
        done = sum(i.status == "done" for i in counted)
        found.append(
            {
                "id": programme.id,
                "title": bilingual.shown(programme, "title"),
                "years": f"{programme.start_year}–{programme.end_year}",
                "start_year": programme.start_year,
                "end_year": programme.end_year,
                "status": programme.status,
                "status_label": status_shown(programme, on),
                "done": done,
                "total": len(counted),
                "percent": round(100 * done / len(counted)) if counted else 0,
                "has_ended": programme.end_year < on.year,
                "action_items": [
                    {
                        "text": item.text,
                        "status": item.status,
                        "status_label": label(words.action_item_statuses, item.status),
                        "due": i18n.show_date(item.due_date),
                    }
                    for item in programme.action_items
                ],
            }
        )
    return found


def _earlier_commitments(actor: Actor, scope: PartnerScope, on: date) -> Select[Commitment, str, date]:
    """Commitments made at engagements with the partner up to the meeting, of the engagements the
    reader may read (a commitment is as readable as its engagement)."""
    return (
        select(Commitment, Engagement.title, Engagement.held_on)
        .join(Engagement, Commitment.engagement_id == Engagement.id)
        .where(with_partner(scope), Engagement.held_on <= on, gate.readable(actor, Engagement))
    )


def _commitments(session: Session, actor: Actor, scope: PartnerScope, on: date) -> list[dict[str, Any]]:
    """The commitments made at engagements with the partner up to the meeting, open ones first,
    then the newest engagement first (the caller has checked the reader may read engagements)."""
    rows = session.execute(
        _earlier_commitments(actor, scope, on)
        .order_by(Commitment.status.not_in(OPEN_COMMITMENTS), Engagement.held_on.desc(), Commitment.id)
        .limit(MAX_COMMITMENTS)
    ).all()
    return [_commitment(commitment, title, held_on) for commitment, title, held_on in rows]


def _open_commitments(
    session: Session, actor: Actor, scope: PartnerScope, on: date
) -> tuple[int, dict[str, Any] | None]:
    """How many of those commitments are still open, however many, and the oldest of them."""
    still_open = _earlier_commitments(actor, scope, on).where(Commitment.status.in_(OPEN_COMMITMENTS))
    count = session.scalar(select(func.count()).select_from(still_open.subquery())) or 0
    oldest = session.execute(still_open.order_by(Engagement.held_on, Commitment.id).limit(1)).first()
    if oldest is None:
        return count, None
    commitment, title, held_on = oldest
    return count, _commitment(commitment, title, held_on)


def _proposals(
    session: Session, actor: Actor, scope: PartnerScope, agreement_ids: list[int], on: date
) -> dict[int, dict[str, Any]]:
    """For each of these agreements, the latest still-open proposal about it (signing, amending)
    made at an engagement with the partner up to the meeting."""
    rows = session.execute(
        _earlier_commitments(actor, scope, on)
        .where(
            Commitment.agreement_id.in_(agreement_ids),
            Commitment.kind == "proposed",
            Commitment.status.in_(OPEN_COMMITMENTS),
        )
        .order_by(Engagement.held_on, Commitment.id)
    ).all()
    return {
        commitment.agreement_id: _commitment(commitment, title, held_on)
        for commitment, title, held_on in rows
        if commitment.agreement_id is not None
    }  # the latest wins: rows come oldest first


def _commitment(commitment: Commitment, title: str, held_on: date) -> dict[str, Any]:
    words = engagement_words()
    return {
        "id": commitment.id,
        "text": commitment.text,
        "kind": label(words.commitment_kinds, commitment.kind),
        "status": commitment.status,
        "status_label": label(words.commitment_statuses, commitment.status),
        "is_open": commitment.status in OPEN_COMMITMENTS,
        "due": i18n.show_date(commitment.due_date),
        "engagement_id": commitment.engagement_id,
        "engagement": title,
        "held_on": held_on,
        "held": i18n.show_date(held_on),
    }


def _requests(summary: dict[str, Any]) -> dict[str, Any]:
    """The requests' summary with its dates as words."""
    return {
        **summary,
        "open_requests": [
            {
                **row,
                "requested": i18n.show_date(row["request_date"]),
                "due": i18n.show_date(row["next_due_at"]),
            }
            for row in summary["open_requests"]
        ],
    }


def _persons(persons: list[dict[str, Any]], on: date) -> list[dict[str, Any]]:
    words = subject_words()
    return [
        {
            **person,
            "status_label": label(words.statuses, person["status"]),
            "notices": [
                {
                    **notice,
                    "expires": i18n.show_date(notice["expires_on"]),
                    "is_active": notice["status"] == "active"
                    and (notice["expires_on"] is None or notice["expires_on"] >= on),
                }
                for notice in person["notices"]
            ],
        }
        for person in persons
    ]


# ------------------------------------------------------------------ talking points


def talking_points(briefing: Briefing) -> list[TalkingPoint]:
    """Sentences a minister can say, each from facts of the briefing and linked to their records.

    Only facts of sections this reader may read feed them (a hidden person sought is in no count).
    """
    points: list[TalkingPoint] = []
    partner = briefing.partner_name
    language = briefing.language

    def say(section: str, template: str, links: Sequence[Link], one: str = "", **params: Any) -> None:
        """Add a point; `one` is the template for a count of exactly one."""
        chosen = one if one and params.get("count") == 1 else template
        text = Phrase(chosen, params).render(language)
        points.append(TalkingPoint(text, section, tuple(links[:MAX_LINKS])))

    for programme in briefing.programmes:
        link = [Link(programme["title"], f"/registry/programmes/{programme['id']}")]
        values = {"title": programme["title"], "done": programme["done"], "total": programme["total"]}
        if programme["status"] == "preparing":
            say(
                "programmes",
                "{title}: being prepared, {count} action items so far.",
                link,
                one="{title}: being prepared, one action item so far.",
                count=programme["total"],
                **values,
            )
        elif programme["status"] == "active" and programme["has_ended"]:
            say(
                "programmes",
                "{title} ended in {end}: {done} of {total} action items done; "
                "its results are due for review.",
                link,
                end=programme["end_year"],
                **values,
            )
        else:
            say("programmes", "{title}: {done} of {total} action items done.", link, **values)

    for group in briefing.agreements:
        for agreement in group["items"]:
            link = [Link(agreement["title"], f"/registry/agreements/{agreement['id']}")]
            since = agreement["in_force_since"]
            if group["status"] in ("in_force", "amended") and since is not None:
                proposal = briefing.proposals.get(agreement["id"])
                values = {
                    "title": agreement["title"],
                    "year": since.year,
                    "years": max(briefing.meeting_on.year - since.year, 0),
                }
                if proposal is None:
                    say(
                        "agreements", "{title} has been in force since {year}: {years} years.", link, **values
                    )
                else:
                    say(
                        "agreements",
                        "{title} has been in force since {year}: {years} years; "
                        "amendments proposed on {date}.",
                        [*link, Link(proposal["engagement"], f"/engagements/{proposal['engagement_id']}")],
                        date=proposal["held"],
                        **values,
                    )
            elif group["status"] in ("proposed", "negotiating"):
                template = (
                    "{title}: proposed on {date}."
                    if group["status"] == "proposed"
                    else "{title}: under negotiation since {date}."
                )
                say(
                    "agreements",
                    template,
                    link,
                    title=agreement["title"],
                    date=agreement["since_shown"] or "—",
                )

    oldest = briefing.oldest_open_commitment
    if briefing.commitments is not None and oldest is not None:
        still_open = [c for c in briefing.commitments if c["is_open"]]
        if still_open:
            say(
                "commitments",
                "{count} commitments from earlier engagements are still open; "
                "the oldest from {date} ({engagement}).",
                [Link(c["text"][:80], f"/engagements/commitments/{c['id']}") for c in still_open],
                one="One commitment from an earlier engagement is still open, from {date} ({engagement}).",
                count=briefing.open_commitments,
                date=oldest["held"],
                engagement=oldest["engagement"],
            )

    if briefing.requests is not None:
        _request_points(briefing.requests, partner, say)

    if briefing.persons_sought:
        active = sum(any(n["is_active"] for n in p["notices"]) for p in briefing.persons_sought)
        say(
            "persons_sought",
            "{count} persons sought are believed to be in {territory}; {active} with a notice in force.",
            [Link(p["name"], f"/subjects/{p['id']}") for p in briefing.persons_sought],
            one="One person sought is believed to be in {territory}; {active} with a notice in force.",
            count=len(briefing.persons_sought),
            territory=briefing.territory,
            active=active,
        )

    if briefing.citizen_protection:
        still_open = [c for c in briefing.citizen_protection if c["status"] != "closed"]
        if still_open:
            say(
                "citizen_protection",
                "Citizen protection: {count} cases still open.",
                [Link(c["title"], "/engagements/citizen-protection") for c in still_open],
                one="Citizen protection: one case still open.",
                count=len(still_open),
            )

    if briefing.assets:
        _asset_point(briefing.assets, briefing.territory, briefing.partner_key, say)

    if briefing.capacity_building:
        _capacity_point(briefing.capacity_building, partner, say)

    if briefing.engagements:
        last = max(
            (e for e in briefing.engagements if e["held_on"] <= briefing.meeting_on),
            key=lambda e: e["held_on"],
            default=None,
        )
        if last is not None:
            say(
                "engagements",
                "Last engagement: {title}, {date}.",
                [Link(last["title"], f"/engagements/{last['id']}")],
                title=last["title"],
                date=last["held"],
            )
    return points


ASSET_POINT_STATUSES = ("frozen", "confiscated", "returned")


def _asset_point(figures: dict[str, Any], territory: str, country: str, say: Any) -> None:
    """One point: the value that reached the first of frozen, confiscated, returned there."""
    templates = {
        "frozen": ("{currency} {value} frozen in {territory} since {year} ({count} assets).",
                   "{currency} {value} frozen in {territory} since {year} (one asset)."),
        "confiscated": ("{currency} {value} confiscated in {territory} since {year} ({count} assets).",
                        "{currency} {value} confiscated in {territory} since {year} (one asset)."),
        "returned": ("{currency} {value} returned from {territory} since {year} ({count} assets).",
                     "{currency} {value} returned from {territory} since {year} (one asset)."),
    }  # fmt: skip
    for status in ASSET_POINT_STATUSES:
        rows = [row for row in figures["rows"] if row["status"] == status]
        if not rows or Decimal(figures["totals"][status]) == 0:
            continue
        template, one = templates[status]
        say(
            "assets",
            template,
            [Link(territory, f"/assets?country={country}")],
            one=one,
            currency=figures["currency"],
            value=amount(Decimal(figures["totals"][status])),
            territory=territory,
            year=min(row["year"] for row in rows),
            count=sum(row["assets"] for row in rows),
        )
        return


def amount(value: Decimal) -> str:
    """A sum of money as a minister reads it: thousands grouped, no cents when there are none."""
    shown = f"{value:,.2f}".removesuffix(".00")
    if i18n.current_language.get() == "vi":  # Vietnamese groups with dots and decimals with a comma
        shown = shown.replace(",", " ").replace(".", ",").replace(" ", ".")
    return shown


def _capacity_point(counts: dict[str, Any], partner: str, say: Any) -> None:
    """One point: the officers trained with the partner, and in which years."""
    years = sorted({row["year"] for row in counts["rows"] if row["kind"] == "training"})
    if not counts["officers_trained"] or not years:
        return
    first, last = years[0], years[-1]
    say(
        "capacity_building",
        "{count} officers trained with {partner} in {years}.",
        [Link(partner, "/capacity")],
        one="One officer trained with {partner} in {years}.",
        count=counts["officers_trained"],
        partner=partner,
        years=str(first) if first == last else f"{first}–{last}",
    )


def _kind_word(kind_label: str) -> str:
    """A request kind as it reads inside "{kind} requests": "information", not "information
    request requests" ("thông tin" inside "yêu cầu {kind}", not "yêu cầu yêu cầu …")."""
    word = kind_label.lower().removesuffix(" request").removeprefix("yêu cầu ")
    return word or kind_label.lower()


def _request_points(summary: dict[str, Any], partner: str, say: Any) -> None:
    if summary["open"]:
        say(
            "requests",
            "Requests with {partner}: {open} open of {total}, {overdue} overdue.",
            [Link(r["title"] or r["kind_label"], f"/requests/{r['id']}") for r in summary["open_requests"]],
            partner=partner,
            open=summary["open"],
            total=summary["total"],
            overdue=summary["overdue"],
        )
    for row in summary["by_kind"]:
        if not row["overdue"]:
            continue
        late = [
            r
            for r in summary["open_requests"]
            if r["kind"] == row["kind"] and r["direction"] == row["direction"] and r["overdue_days"] > 0
        ]
        outgoing = row["direction"] == "outgoing"
        template = (
            "{count} {kind} requests to {partner} overdue, the oldest by {days} days."
            if outgoing
            else "{count} {kind} requests from {partner} overdue on our side, the oldest by {days} days."
        )
        one = (
            "One {kind} request to {partner} overdue, by {days} days."
            if outgoing
            else "One {kind} request from {partner} overdue on our side, by {days} days."
        )
        say(
            "requests",
            template,
            [Link(r["title"] or r["kind_label"], f"/requests/{r['id']}") for r in late],
            one=one,
            count=row["overdue"],
            kind=_kind_word(row["kind_label"]),
            partner=partner,
            days=max((r["overdue_days"] for r in late), default=0),
        )
