"""Bulk status changes of commitments: the same follow-up on several at once, through the API and
the commitments list; a refusal of any one (an illegal move, one not found) names it and changes
none; every one that moved is audited. Both backends."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from liaison.core.db import unit_of_work
from liaison.core.models import AuditEvent
from liaison.engagements.models import Commitment, CommitmentFollowUp
from tests.conftest import Account, csrf_token, make_account, sign_in_pages

BULK = "/api/v1/commitments/follow-ups"


def commitments(client: TestClient, officer: Account, count: int) -> list[int]:
    engagement = client.post(
        "/api/v1/engagements",
        headers=officer.headers,
        json={"kind": "talks", "title": "Talks with the MIA", "held_on": "2025-02-25", "country": "RU"},
    ).json()
    return [
        client.post(
            "/api/v1/commitments",
            headers=officer.headers,
            json={"engagement_id": engagement["id"], "text": f"Commitment number {n}", "kind": "agreed"},
        ).json()["id"]
        for n in range(count)
    ]


def statuses(engine: Engine, ids: list[int]) -> list[str]:
    with unit_of_work(engine) as session:
        rows = {c.id: c.status for c in session.scalars(select(Commitment).where(Commitment.id.in_(ids)))}
    return [rows[i] for i in ids]


def follow_ups(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        return int(session.scalar(select(func.count()).select_from(CommitmentFollowUp)) or 0)


def test_the_api_moves_several_commitments_or_none(client: TestClient, engine: Engine) -> None:
    officer = make_account(engine, "officer")
    first, second, third = commitments(client, officer, 3)
    moved = client.post(
        BULK,
        headers=officer.headers,
        json={"commitment_ids": [first, second], "status": "in_progress", "note": "Draft exchanged"},
    )
    assert moved.status_code == 200, moved.text
    assert [c["status"] for c in moved.json()] == ["in_progress", "in_progress"]
    assert statuses(engine, [first, second, third]) == ["in_progress", "in_progress", "open"]
    with unit_of_work(engine) as session:
        audited = session.scalars(
            select(AuditEvent.object_id).where(AuditEvent.action == "follow_up").order_by(AuditEvent.id)
        ).all()
    assert audited == [str(first), str(second)]

    done = client.post(BULK, headers=officer.headers, json={"commitment_ids": [first], "status": "done"})
    assert done.status_code == 200
    before = follow_ups(engine)
    # `first` is done: done → dropped is not a move, so the whole batch is refused
    refused = client.post(
        BULK, headers=officer.headers, json={"commitment_ids": [third, first], "status": "dropped"}
    )
    assert refused.status_code == 409 and refused.headers["content-type"] == "application/problem+json"
    assert f"Commitment {first}:" in refused.json()["detail"] and refused.json()["allowed"] == ["in_progress"]
    assert statuses(engine, [first, third]) == ["done", "open"] and follow_ups(engine) == before

    missing = client.post(
        BULK, headers=officer.headers, json={"commitment_ids": [third, 999999], "note": "x"}
    )
    assert missing.status_code == 404 and follow_ups(engine) == before
    for body in ({"commitment_ids": [], "note": "x"}, {"commitment_ids": [third]}, {"commitment_ids": ["x"]}):
        answer = client.post(BULK, headers=officer.headers, json=body)
        assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"
    assert follow_ups(engine) == before
    analyst = make_account(engine, "analyst")
    assert (
        client.post(BULK, headers=analyst.headers, json={"commitment_ids": [third], "note": "x"}).status_code
        == 403
    )


def test_the_commitments_list_follows_up_the_ticked_ones(client: TestClient, engine: Engine) -> None:
    officer = make_account(engine, "officer")
    first, second, third = commitments(client, officer, 3)
    sign_in_pages(client, officer)
    page = client.get("/engagements/commitments")
    assert 'form="bulk-follow-up"' in page.text and 'name="status" value="open,in_progress"' in page.text
    token = csrf_token(client, "/engagements/commitments")
    form = {
        "csrf_token": token,
        "status": "open,in_progress",
        "commitment_id": [str(first), str(third)],
        "new_status": "done",
        "note": "Signed in Moscow",
        "noted_on": "2025-11-01",
    }
    answer = client.post("/engagements/commitments/follow-ups", data=form, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/engagements/commitments?status=open%2Cin_progress"
    assert statuses(engine, [first, second, third]) == ["done", "open", "done"]

    before = follow_ups(engine)
    refused = client.post(
        "/engagements/commitments/follow-ups",
        data={**form, "commitment_id": [str(second), str(first)], "new_status": "dropped"},
    )
    assert refused.status_code == 409 and "text/html" in refused.headers["content-type"]
    message = re.search(r'<p class="error" role="alert">(.*?)</p>', refused.text, re.S)
    assert message is not None and f"Commitment {first}:" in unescape(message.group(1))
    assert "Nothing was changed." in unescape(message.group(1))
    assert statuses(engine, [first, second]) == ["done", "open"] and follow_ups(engine) == before

    none_ticked = client.post("/engagements/commitments/follow-ups", data={"csrf_token": token, "note": "x"})
    assert none_ticked.status_code == 422 and "Tick the commitments to follow up first." in none_ticked.text
    assert follow_ups(engine) == before


def test_a_commitment_the_gate_hides_is_not_found_and_the_batch_changes_nothing(
    client: TestClient, engine: Engine
) -> None:
    """The bulk change reads each commitment through the record-access gate: one of another
    unit's H3 engagement is a 404 (its existence not confirmed), and the readable one beside it
    does not move either."""
    owner = make_account(engine, "officer", unit="international-cooperation")
    outsider = make_account(engine, "officer", unit="border-guard")
    secret = client.post(
        "/api/v1/engagements",
        headers=owner.headers,
        json={"kind": "talks", "title": "Closed talks", "held_on": "2025-02-25", "handling_code": "H3"},
    ).json()
    hidden = client.post(
        "/api/v1/commitments",
        headers=owner.headers,
        json={"engagement_id": secret["id"], "text": "Hand over the file", "kind": "agreed"},
    ).json()["id"]
    (visible,) = commitments(client, outsider, 1)
    answer = client.post(
        BULK, headers=outsider.headers, json={"commitment_ids": [visible, hidden], "status": "in_progress"}
    )
    assert answer.status_code == 404 and "Hand over the file" not in answer.text
    assert statuses(engine, [visible, hidden]) == ["open", "open"]
