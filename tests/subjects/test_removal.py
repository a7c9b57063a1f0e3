"""A name, identity document or charge entered by mistake comes off a person's file with a reason:
through the API and the page; audited with what it was and why; screening and search stop
finding the removed name; the primary name, what came with an imported list and a missing reason
are refused and nothing changes; on another unit's restricted file removing or correcting any part
answers as missing. Both backends."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from liaison.core.db import unit_of_work
from liaison.core.models import AuditEvent
from tests.conftest import csrf_token, make_account, sign_in_pages
from tests.subjects.test_api import SUBJECT, _find


def test_a_mistaken_alias_document_and_charge_come_off_the_file_with_a_reason(
    client: TestClient, engine: Engine
) -> None:
    officer = make_account(engine, "officer")
    body = client.post("/api/v1/subjects", json=SUBJECT, headers=officer.headers).json()
    subject_id, primary = body["id"], body["names"][0]
    alias = client.post(
        f"/api/v1/subjects/{body['id']}/names",
        json={"full_name": "Петров Иван Сергеевич", "kind": "alias", "language": "ru"},
        headers=officer.headers,
    ).json()
    charge = client.post(
        f"/api/v1/subjects/{subject_id}/charges",
        json={"description": "Fraud (entered on the wrong file)", "crime_area": "money_laundering"},
        headers=officer.headers,
    ).json()
    assert _find(client, officer.headers, "Петров Иван Сергеевич") == [subject_id]
    url = f"/api/v1/subjects/{subject_id}"

    for part, part_id in (("names", primary["id"]), ("names", alias["id"])):
        missing = client.post(
            f"{url}/{part}/{part_id}/remove", json={"reason": "  "}, headers=officer.headers
        )
        assert missing.status_code == 422 and missing.headers["content-type"] == "application/problem+json"
    kept = client.post(
        f"{url}/names/{primary['id']}/remove", json={"reason": "typo"}, headers=officer.headers
    )
    assert kept.status_code == 409 and "correct it instead" in kept.json()["detail"]
    elsewhere = client.post(f"{url}/names/999999/remove", json={"reason": "typo"}, headers=officer.headers)
    assert elsewhere.status_code == 404
    assert (
        client.post(f"{url}/aliases/1/remove", json={"reason": "x"}, headers=officer.headers).status_code
        == 422
    )

    removed = client.post(
        f"{url}/names/{alias['id']}/remove",
        json={"reason": "Another person's alias"},
        headers=officer.headers,
    )
    assert removed.status_code == 200, removed.text
    assert [n["full_name"] for n in removed.json()["names"]] == ["Trần Văn Mẫu", "Тран Ван Мау"]
    assert _find(client, officer.headers, "Петров Иван Сергеевич") == []
    document = body["documents"][0]
    assert (
        client.post(
            f"{url}/documents/{document['id']}/remove",
            json={"reason": "Belongs to his brother"},
            headers=officer.headers,
        ).json()["documents"]
        == []
    )

    sign_in_pages(client, officer)
    page = client.get(f"/subjects/{subject_id}").text
    assert f'action="/subjects/{subject_id}/charges/{charge["id"]}/remove"' in page
    assert (
        f'action="/subjects/{subject_id}/names/{primary["id"]}/remove"' not in page
    )  # corrected, not removed
    form = {"csrf_token": csrf_token(client, f"/subjects/{subject_id}"), "reason": ""}
    refused = client.post(f"/subjects/{subject_id}/charges/{charge['id']}/remove", data=form)
    assert refused.status_code == 422 and "Say why it is removed" in unescape(refused.text)
    form["reason"] = "Entered on the wrong file"
    answer = client.post(
        f"/subjects/{subject_id}/charges/{charge['id']}/remove", data=form, follow_redirects=False
    )
    assert answer.status_code == 303
    assert "Fraud (entered on the wrong file)" not in client.get(f"/subjects/{subject_id}").text

    with unit_of_work(engine) as session:
        events = session.execute(
            select(AuditEvent.action, AuditEvent.detail)
            .where(AuditEvent.action.like("remove %"))
            .order_by(AuditEvent.id)
        ).all()
    assert [tuple(e) for e in events] == [
        ("remove name", "Another person's alias"),
        ("remove document", "Belongs to his brother"),
        ("remove charge", "Entered on the wrong file"),
    ]


def test_a_name_from_an_imported_list_is_corrected_in_that_list(client: TestClient, engine: Engine) -> None:
    officer = make_account(engine, "supervisor")
    listed = client.post(
        "/api/v1/subjects/import",
        params={"format": "csv"},
        files={"file": ("list.csv", "source_id,primary_name\nr1,Nguyễn Văn Hùng\n", "text/csv")},
        headers=officer.headers,
    )
    assert listed.status_code == 200, listed.text
    found = client.get("/api/v1/subjects", params={"q": "Nguyen Van Hung"}, headers=officer.headers).json()
    subject = client.get(f"/api/v1/subjects/{found['items'][0]['id']}", headers=officer.headers).json()
    name = subject["names"][0]
    answer = client.post(
        f"/api/v1/subjects/{subject['id']}/names/{name['id']}/remove",
        json={"reason": "x"},
        headers=officer.headers,
    )
    assert answer.status_code == 409, answer.text
    assert re.search(r"came with the list", answer.json()["detail"])


def test_another_units_restricted_file_is_not_found_and_none_of_its_parts_change(
    client: TestClient, engine: Engine
) -> None:
    """Removing or correcting a name, document or charge reads the file through the record-access
    gate: on another unit's H3 file every one of them answers as missing (404, on the API and the
    page, naming nothing of it), and the file and the audit trail stay as they were."""
    owner = make_account(engine, "officer", unit="fugitives")
    outsider = make_account(engine, "officer", unit="border")
    restricted = {**SUBJECT, "handling_code": "H3", "charges": [{"description": "Embezzlement"}]}
    body = client.post("/api/v1/subjects", json=restricted, headers=owner.headers).json()
    url = f"/api/v1/subjects/{body['id']}"
    alias, document, charge = body["names"][1], body["documents"][0], body["charges"][0]
    corrections = {
        "names": (alias["id"], {"full_name": "Чан Ван Мау", "kind": "alias"}),
        "documents": (document["id"], {"kind": "passport", "number": "C0000002"}),
        "charges": (charge["id"], {"description": "Fraud"}),
    }
    for part, (part_id, correction) in corrections.items():
        page = f"/subjects/{body['id']}/{part}/{part_id}"
        answers = [
            client.post(f"{url}/{part}/{part_id}/remove", json={"reason": "x"}, headers=outsider.headers),
            client.put(f"{url}/{part}/{part_id}", json=correction, headers=outsider.headers),
            client.post(f"{page}/remove", data={"reason": "x"}, headers=outsider.headers),
            client.post(page, data=correction, headers=outsider.headers),
        ]
        for answer in answers:
            assert answer.status_code == 404, (part, answer.request.url, answer.text)
            assert not any(marker in answer.text for marker in ("Trần", "Тран", "C0000001", "Embezzlement"))
    assert client.get(url, headers=owner.headers).json() | {"updated_at": None} == body | {"updated_at": None}
    with unit_of_work(engine) as session:
        changes = session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.action.like("remove %") | AuditEvent.action.like("correct %")
            )
        ).all()
    assert changes == []
    mine = client.post(
        f"/subjects/{body['id']}/charges/{charge['id']}",
        data={"description": "Fraud"},
        headers=owner.headers,
        follow_redirects=False,
    )
    assert mine.status_code == 303  # the same form, by the file's own unit
