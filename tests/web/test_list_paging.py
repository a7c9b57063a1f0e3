"""Every list pages: each list of the side menu (and the notifications), given more records than
one page holds, shows a pager, and following its "Next" link reaches every record exactly once; a
page past the end is an empty page and a page that is not a number a readable 422, never a 500.
The lists are found from the menu (`web.rendering.navigation`): a new menu entry is either a list
with a way to fill it here or named as not a list, else the first test fails. Both backends."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from liaison import capabilities
from liaison.core import audit, notifications
from liaison.core.capability import HomeItem
from liaison.core.db import unit_of_work
from liaison.core.models import User
from liaison.exchange import correspondence, messages, sharing
from liaison.exchange.message_models import Message
from liaison.exchange.message_schemas import CorrespondenceIn
from liaison.web.forms import PAGE_SIZE
from liaison.web.rendering import navigation
from tests.conftest import Account, make_account, sign_in_pages
from tests.exchange.test_messages import OFFICER, draft, ensure_node_keys, make_peer
from tests.registry.factories import agency

COUNT = PAGE_SIZE + 1  # one record more than a page holds
TOKEN = re.compile(r"paged-(\d{3})", re.IGNORECASE)  # the mark each record carries where it is listed

NOT_LISTS = {  # menu entries that are not lists of records, and what they are instead
    "/": "the home page: what needs the reader, a few of each",
    "/engagements/calendar": "a week or a month of the calendar",
    "/screening": "a form to screen one person",
    "/screening/batch": "a form to screen a file",
    "/exchange/compose": "a form to write a message",
    "/exchange/stix": "a form to export or import a STIX bundle",
    "/ingest": "a form to upload a report",
    "/registry/search": "the search box: the best matches of a name, not a list",
    "/requests/statistics": "figures",
    "/reports/briefings": "a form to choose a partner's briefing",
    "/reports/statistics": "figures",
}

EXCHANGE_UNIT = "international-cooperation"  # the unit of the officer who writes the messages


def mark(number: int) -> str:
    return f"Paged-{number:03d}"


def post_each(
    client: TestClient, account: Account, path: str, body: Callable[[str], dict[str, object]]
) -> None:
    for number in range(COUNT):
        answer = client.post(path, json=body(mark(number)), headers=account.headers)
        assert answer.status_code == 201, answer.text


def created_id(client: TestClient, account: Account, path: str, body: dict[str, object]) -> int:
    answer = client.post(path, json=body, headers=account.headers)
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def agency_id(client: TestClient, admin: Account, country: str) -> int:
    body = {"name": f"Police of {country}", "kind": "police", "country": country}
    return created_id(client, admin, "/api/v1/agencies", body)


def extradition(client: TestClient, admin: Account, **values: object) -> Callable[[str], dict[str, object]]:
    ours, theirs = agency_id(client, admin, "VN"), agency_id(client, admin, "KZ")
    details = {"offence": "Embezzlement", "warrant_reference": "W-1", "penalty": "20 years"}
    base = {
        "kind": "extradition",
        "direction": "outgoing",
        "requesting_agency_id": ours,
        "requested_agency_id": theirs,
        "details": details,
    } | values
    return lambda token: base | {"title": token}


def fill_engagements(client: TestClient, admin: Account, engine: Engine) -> None:
    post_each(
        client, admin, "/api/v1/engagements", lambda t: {"kind": "talks", "title": t, "held_on": "2025-03-04"}
    )


def fill_commitments(client: TestClient, admin: Account, engine: Engine) -> None:
    body = {"kind": "talks", "title": "Talks", "held_on": "2025-03-04"}
    engagement = created_id(client, admin, "/api/v1/engagements", body)
    post_each(
        client,
        admin,
        "/api/v1/commitments",
        lambda t: {"engagement_id": engagement, "kind": "agreed", "text": t},
    )


def fill_cases(client: TestClient, admin: Account, engine: Engine) -> None:
    post_each(client, admin, "/api/v1/citizen-protection", lambda t: {"country": "KZ", "title": t})


def fill_agreements(client: TestClient, admin: Account, engine: Engine) -> None:
    parties = [{"country": "VN"}, {"country": "KZ"}]
    post_each(
        client, admin, "/api/v1/agreements", lambda t: {"title": t, "kind": "extradition", "parties": parties}
    )


def fill_agencies(client: TestClient, admin: Account, engine: Engine) -> None:
    post_each(client, admin, "/api/v1/agencies", lambda t: {"name": t, "kind": "police", "country": "KZ"})


def fill_partners(client: TestClient, admin: Account, engine: Engine) -> None:
    """International bodies: each is a partner of its own."""
    post_each(
        client,
        admin,
        "/api/v1/agencies",
        lambda t: {"name": t, "kind": "international_organisation", "acronym": t.upper()},
    )


def fill_officials(client: TestClient, admin: Account, engine: Engine) -> None:
    post_each(client, admin, "/api/v1/officials", lambda t: {"name": t})


def fill_mechanisms(client: TestClient, admin: Account, engine: Engine) -> None:
    post_each(client, admin, "/api/v1/mechanisms", lambda t: {"name": t, "kind": "bilateral"})


def fill_programmes(client: TestClient, admin: Account, engine: Engine) -> None:
    post_each(
        client, admin, "/api/v1/programmes", lambda t: {"title": t, "start_year": 2025, "end_year": 2027}
    )


def fill_requests(client: TestClient, admin: Account, engine: Engine) -> None:
    post_each(client, admin, "/api/v1/requests", extradition(client, admin))


def fill_overdue(client: TestClient, admin: Account, engine: Engine) -> None:
    """Incoming requests received years ago: their acknowledgement is overdue."""
    received = datetime(2020, 1, 6, 9, tzinfo=UTC).isoformat()
    post_each(
        client,
        admin,
        "/api/v1/requests",
        extradition(client, admin, direction="incoming", received_at=received, request_date="2020-01-06"),
    )


def fill_subjects(client: TestClient, admin: Account, engine: Engine) -> None:
    post_each(client, admin, "/api/v1/subjects", lambda t: {"names": [{"full_name": f"{t} Nguyen"}]})


def fill_assets(client: TestClient, admin: Account, engine: Engine) -> None:
    owner = created_id(client, admin, "/api/v1/subjects", {"names": [{"full_name": "Nguyễn Văn An"}]})
    post_each(
        client,
        admin,
        "/api/v1/assets",
        lambda t: {"kind": "vehicle", "name": t, "owner_subject_id": owner, "registration_number": t},
    )


def fill_staff(client: TestClient, admin: Account, engine: Engine) -> None:
    post_each(client, admin, "/api/v1/capacity/staff", lambda t: {"full_name": t})


def fill_activities(client: TestClient, admin: Account, engine: Engine) -> None:
    partner = agency_id(client, admin, "SG")
    post_each(
        client,
        admin,
        "/api/v1/capacity/activities",
        lambda t: {
            "kind": "training",
            "title": t,
            "partner_agency_id": partner,
            "direction": "received",
            "start_date": "2025-03-04",
        },
    )


def fill_users(client: TestClient, admin: Account, engine: Engine) -> None:
    # stored directly with one password hash: 51 argon2 hashes through the API took 13 s, and the
    # list, not the account creation (tested in tests/core), is what is checked here
    with unit_of_work(engine) as session:
        stored = session.scalars(select(User).where(User.username == admin.username)).one().password_hash
        for number in range(COUNT):
            session.add(User(username=mark(number).lower(), role="analyst", password_hash=stored))


def fill_audit(client: TestClient, admin: Account, engine: Engine) -> None:
    with unit_of_work(engine) as session:
        for number in range(COUNT):
            audit.record(session, mark(number).lower(), "update", "agency", number + 1)


def fill_notifications(client: TestClient, admin: Account, engine: Engine) -> None:
    with unit_of_work(engine) as session:
        reader = session.scalars(select(User).where(User.username == admin.username)).one()
        for number in range(COUNT):
            item = HomeItem("commitment_due", f"paging:{number}", mark(number), "/engagements")
            notifications.notify(session, reader, item)


def fill_hits(client: TestClient, admin: Account, engine: Engine) -> None:
    created_id(client, admin, "/api/v1/subjects", {"names": [{"full_name": "Nguyễn Văn An"}]})
    records = [{"record_id": mark(number), "name": "Nguyen Van An"} for number in range(COUNT)]
    answer = client.post("/api/v1/screen", json={"records": records}, headers=admin.headers)
    assert answer.status_code == 200, answer.text


def fill_peers(client: TestClient, admin: Account, engine: Engine) -> None:
    ensure_node_keys()
    with unit_of_work(engine) as session:
        for number in range(COUNT):
            make_peer(session, mark(number).lower())


def compose_each(engine: Engine, handling_code: str) -> None:
    ensure_node_keys()
    with unit_of_work(engine) as session:
        peer = make_peer(session)
        for number in range(COUNT):
            messages.compose(session, OFFICER, draft(peer, subject=mark(number), handling_code=handling_code))


def fill_outbox(client: TestClient, admin: Account, engine: Engine) -> None:
    compose_each(engine, "H1")


def fill_approvals(client: TestClient, admin: Account, engine: Engine) -> None:
    """H2 messages: each waits for a supervisor other than its writer."""
    compose_each(engine, "H2")


def fill_inbox(client: TestClient, admin: Account, engine: Engine) -> None:
    """Messages as the `message` handler keeps them when a partner's envelope is accepted."""
    ensure_node_keys()
    with unit_of_work(engine) as session:
        peer = make_peer(session)
        session.add_all(
            Message(direction="in", peer_id=peer.id, message_id=f"in-{number}", thread=f"in-{number}",
                    subject=mark(number), author=f"officer@{peer.node_id}", handling_code="H1",
                    owning_unit=EXCHANGE_UNIT, created_at=datetime(2026, 3, 4, 9, number, tzinfo=UTC))
            for number in range(COUNT)
        )  # fmt: skip


def fill_sharing(client: TestClient, admin: Account, engine: Engine) -> None:
    """Persons sought shared with a partner's node: each share is listed under the person's name."""
    people = [created_id(client, admin, "/api/v1/subjects", {"names": [{"full_name": f"{mark(n)} Nguyen"}]})
              for n in range(COUNT)]  # fmt: skip
    ensure_node_keys()
    with unit_of_work(engine) as session:
        peer = make_peer(session)
        for person in people:
            sharing.share_subject(session, OFFICER, person, peer.agency_id)


def fill_correspondence(client: TestClient, admin: Account, engine: Engine) -> None:
    with unit_of_work(engine) as session:
        ours, theirs = agency(session, "MPS", country="VN"), agency(session, "Embassy", country="RU")
        for number in range(COUNT):
            entry = CorrespondenceIn(direction="out", kind="note_verbale", reference=f"{number}/BCA",
                                     dated=date(2026, 3, 4), from_agency_id=ours.id, to_agency_id=theirs.id,
                                     subject=mark(number))  # fmt: skip
            correspondence.record(session, OFFICER, entry)


FILL: dict[str, Callable[[TestClient, Account, Engine], None]] = {
    "/engagements": fill_engagements,
    "/engagements/commitments": fill_commitments,
    "/engagements/citizen-protection": fill_cases,
    "/registry/partners": fill_partners,
    "/registry/agreements": fill_agreements,
    "/registry/agencies": fill_agencies,
    "/registry/officials": fill_officials,
    "/registry/mechanisms": fill_mechanisms,
    "/registry/programmes": fill_programmes,
    "/requests": fill_requests,
    "/requests/overdue": fill_overdue,
    "/subjects": fill_subjects,
    "/assets": fill_assets,
    "/capacity": fill_activities,
    "/capacity/staff": fill_staff,
    "/screening/hits": fill_hits,
    "/users": fill_users,
    "/audit": fill_audit,
    "/notifications": fill_notifications,
    "/exchange/peers": fill_peers,
    "/exchange/outbox": fill_outbox,
    "/exchange/approvals": fill_approvals,
    "/exchange/inbox": fill_inbox,
    "/exchange/correspondence": fill_correspondence,
    "/exchange/sharing": fill_sharing,
}
# who reads each list: an administrator, but a supervisor of the writers' unit decides approvals
READERS = {"/exchange/approvals": "supervisor"}


def test_every_menu_entry_is_a_list_checked_here_or_named_as_not_a_list() -> None:
    capabilities.install(capabilities.enabled())
    entries = {item.path for group in navigation() for item in group.items}
    unchecked = entries - set(FILL) - set(NOT_LISTS)
    assert not unchecked, f"a list page without a paging check: {sorted(unchecked)}"


def marks(html: str) -> set[int]:
    """The records a page lists: the marks on it, leaving out its forms' choices (a select of
    every agency is not the list)."""
    listed = re.sub(r"<select.*?</select>|<datalist.*?</datalist>", "", html, flags=re.S)
    return {int(number) for number in TOKEN.findall(unescape(listed))}


def next_link(html: str) -> str | None:
    found = re.search(r'<a href="([^"]*)" rel="next">', html)
    return unescape(found.group(1)) if found else None


@pytest.mark.parametrize("path", sorted(FILL))
def test_a_list_longer_than_a_page_pages(client: TestClient, engine: Engine, path: str) -> None:
    admin = make_account(engine, "admin", unit=EXCHANGE_UNIT)
    FILL[path](client, admin, engine)
    sign_in_pages(
        client, make_account(engine, READERS[path], unit=EXCHANGE_UNIT) if path in READERS else admin
    )
    seen: list[set[int]] = []
    url: str | None = path
    while url is not None and len(seen) < 10:
        page = client.get(url if url.startswith("/") else path + url)
        assert page.status_code == 200, (url, page.text[:500])
        seen.append(marks(page.text))
        url = next_link(page.text)
    assert len(seen) >= 2, f"{path}: {COUNT} records on one page, no pager"
    assert all(len(found) <= PAGE_SIZE for found in seen), path
    everything = [number for found in seen for number in found]
    assert sorted(everything) == list(range(COUNT)), f"{path}: pages miss or repeat records"

    beyond = client.get(f"{path}?page=999")
    assert beyond.status_code in (200, 404, 422) and not marks(beyond.text), path
    for bad in ("0", "two", "-1"):
        refused = client.get(f"{path}?page={bad}")
        assert refused.status_code == 422 and "Traceback" not in refused.text, (path, bad)
