"""The review queue at scale, through the API and the pages: filter by run and status, each person
sought's hits together with namesakes marked ambiguous, each hit's notices as of today, and bulk
dismissal that never leaves a batch half done without saying so."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from liaison.core.db import unit_of_work, utcnow
from liaison.core.models import AuditEvent
from liaison.core.security.policy import SystemActor
from liaison.subjects.schemas import NoticeIn
from liaison.subjects.service import add_notice
from tests.conftest import Account, make_account
from tests.screening.factories import restricted_subject

HUNG = "Nguyễn Văn Hùng"


def add_subject(api: TestClient, who: Account, name: str, **extra: object) -> int:
    response = api.post(
        "/api/v1/subjects", json={"names": [{"full_name": name}], **extra}, headers=who.headers
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def screen(api: TestClient, who: Account, name: str) -> int:
    """Screen one traveller; the run's id."""
    response = api.post("/api/v1/screen", json={"record_id": "T1", "name": name}, headers=who.headers)
    assert response.status_code == 200, response.text
    return int(response.json()["run_id"])


def queue(api: TestClient, who: Account, **params: object) -> dict:  # type: ignore[type-arg]
    response = api.get("/api/v1/screening/hits", params=params, headers=who.headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def three_namesakes(api: TestClient, who: Account) -> list[int]:
    return [add_subject(api, who, HUNG, nationalities=[country]) for country in ("VN", "LA", "KH")]


def test_the_queue_filters_by_run_and_marks_namesakes_ambiguous(api: TestClient, officer: Account) -> None:
    namesakes = three_namesakes(api, officer)
    add_subject(api, officer, "Trần Thị Lan")
    first = screen(api, officer, "Nguyen Van Hung")
    second = screen(api, officer, "Tran Thi Lan")
    of_first = queue(api, officer, run_id=first)
    assert of_first["total"] == 3 and sorted(h["subject_id"] for h in of_first["items"]) == namesakes
    assert {h["ambiguous"] for h in of_first["items"]} == {3}
    of_second = queue(api, officer, run_id=second)
    assert of_second["total"] == 1 and of_second["items"][0]["ambiguous"] == 1
    assert queue(api, officer)["total"] == 4
    assert queue(api, officer, run_id=first, status="dismissed")["total"] == 0


def test_grouping_puts_each_person_soughts_hits_together(api: TestClient, officer: Account) -> None:
    namesakes = three_namesakes(api, officer)
    for _ in range(2):
        screen(api, officer, "Nguyen Van Hung")
    order = [h["subject_id"] for h in queue(api, officer, by_subject=True)["items"]]
    assert sorted(order) == sorted(namesakes * 2)
    assert [s for k, s in enumerate(order) if k == 0 or order[k - 1] != s] == list(dict.fromkeys(order))


def test_each_hit_carries_its_notices_with_an_expired_one_shown_expired(
    api: TestClient, officer: Account
) -> None:
    today = utcnow().date()
    notices = [
        {"kind": "arrest", "reference": "A-1", "expires_on": str(today + timedelta(days=30))},
        {"kind": "locate", "reference": "L-1", "expires_on": str(today - timedelta(days=1))},
    ]
    subject_id = add_subject(api, officer, "Trần Thị Lan", notices=notices)
    screen(api, officer, "Tran Thi Lan")
    (hit,) = queue(api, officer)["items"]
    assert [(n["reference"], n["status"]) for n in hit["notices"]] == [("A-1", "active"), ("L-1", "expired")]
    page = api.get("/screening/hits", headers=officer.headers).text
    assert f'href="/subjects/{subject_id}"' in page and "Expired" in page and "Active" in page


def test_bulk_dismissal_is_one_audited_decision_per_hit(
    api: TestClient, officer: Account, engine: Engine
) -> None:
    three_namesakes(api, officer)
    run = screen(api, officer, "Nguyen Van Hung")
    ids = [h["id"] for h in queue(api, officer, run_id=run)["items"]]
    body = {"hit_ids": ids, "reason": "traveller is a namesake: other birth date on the passport"}
    answer = api.post("/api/v1/screening/hits/dismiss", json=body, headers=officer.headers)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"dismissed": ids, "skipped": []}
    assert queue(api, officer, run_id=run)["total"] == 0
    assert queue(api, officer, run_id=run, status="dismissed")["total"] == 3
    with unit_of_work(engine) as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "dismiss")).all()
        assert sorted(int(e.object_id) for e in events) == sorted(ids)
        assert {e.actor for e in events} == {officer.username}
    assert screen(api, officer, "Nguyen Van Hung") and queue(api, officer)["total"] == 0  # stays quiet


def test_a_batch_with_a_hit_already_decided_is_refused_whole_or_skips_it_when_asked(
    api: TestClient, officer: Account
) -> None:
    three_namesakes(api, officer)
    ids = [h["id"] for h in queue(api, officer, run_id=screen(api, officer, "Nguyen Van Hung"))["items"]]
    decided = api.post(f"/api/v1/screening/hits/{ids[0]}/decision", json={"decision": "confirm"},
                       headers=officer.headers)  # fmt: skip
    assert decided.status_code == 200
    body = {"hit_ids": ids, "reason": "namesakes"}
    refused = api.post("/api/v1/screening/hits/dismiss", json=body, headers=officer.headers)
    assert refused.status_code == 409
    assert (
        refused.json()["refused"] == [ids[0]]
        and f"Hit {ids[0]} was already confirmed" in refused.json()["detail"]
    )
    assert queue(api, officer)["total"] == 2  # nothing changed
    skipping = api.post("/api/v1/screening/hits/dismiss", json=body | {"skip_undecidable": True},
                        headers=officer.headers)  # fmt: skip
    assert skipping.status_code == 200
    assert skipping.json()["dismissed"] == ids[1:]
    assert skipping.json()["skipped"] == [
        {"hit_id": ids[0], "reason": f"Hit {ids[0]} was already confirmed."}
    ]
    assert queue(api, officer)["total"] == 0


def test_bulk_dismissal_holds_the_gate_for_restricted_and_hidden_hits(
    api: TestClient, officer: Account, engine: Engine
) -> None:
    hidden_id = restricted_subject(engine)
    with unit_of_work(engine) as session:
        owner = SystemActor(username="fugitives-owner", role="officer", unit="fugitives")
        add_notice(session, owner, hidden_id, NoticeIn(kind="arrest", reference="FUG-RED-42"))
    add_subject(api, officer, "Phạm Văn Đông")  # readable, alike in name
    run = screen(api, officer, "Pham Van Dong")
    hits = queue(api, officer, run_id=run)["items"]
    assert next(h["notices"] for h in hits if h["restricted"]) == []  # a notice number names the person
    assert "FUG-RED-42" not in api.get("/screening/hits", headers=officer.headers).text
    restricted = next(h["id"] for h in hits if h["restricted"])
    readable = next(h["id"] for h in hits if not h["restricted"])
    other = make_account(engine, "officer", unit="other-unit")
    # the other officer is not told of this officer's alert on a restricted subject
    assert [h["id"] for h in queue(api, other)["items"]] == [readable]
    both = {"hit_ids": [readable, restricted], "reason": "x"}
    refused = api.post("/api/v1/screening/hits/dismiss", json=both, headers=officer.headers)
    assert refused.status_code == 409 and "only its owning unit (fugitives)" in refused.json()["detail"]
    blind = api.post("/api/v1/screening/hits/dismiss", json={"hit_ids": [restricted], "reason": "x"},
                     headers=other.headers)  # fmt: skip
    assert blind.status_code == 409 and f"There is no hit {restricted}." in blind.json()["detail"]
    assert "fugitives" not in blind.text
    assert queue(api, officer, run_id=run)["total"] == 2  # nothing changed


def test_the_page_filters_groups_and_dismisses_the_ticked_hits(api: TestClient, officer: Account) -> None:
    namesakes = three_namesakes(api, officer)
    add_subject(api, officer, "Trần Thị Lan")
    run = screen(api, officer, "Nguyen Van Hung")
    screen(api, officer, "Tran Thi Lan")
    page = api.get("/screening/hits", params={"run": run, "group": "subject"}, headers=officer.headers).text
    assert page.count('class="hit"') == 3 and "Trần Thị Lan" not in page
    assert all(f'aria-label="Person sought {s}"' in page for s in namesakes)
    assert page.count('data-testid="ambiguous"') == 3
    ids = [h["id"] for h in queue(api, officer, run_id=run)["items"]]
    form = {
        "hit_id": [str(i) for i in ids],
        "reason": "",
        "run": str(run),
        "group": "subject",
        "status": "open",
    }
    missing_reason = api.post("/screening/hits/dismiss", data=form, headers=officer.headers)
    assert missing_reason.status_code == 422 and "Say why the hits are dismissed." in missing_reason.text
    done = api.post("/screening/hits/dismiss", data=form | {"reason": "namesakes"}, headers=officer.headers)
    assert done.status_code == 200 and "Dismissed 3 hits." in done.text
    assert queue(api, officer)["total"] == 1
    again = api.post("/screening/hits/dismiss", data=form | {"reason": "namesakes"}, headers=officer.headers)
    assert again.status_code == 409 and "Nothing was dismissed" in again.text
