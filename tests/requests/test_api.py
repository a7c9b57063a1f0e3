"""The requests API end to end: creation, workflow errors, locking, documents, lists, statistics."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from liaison.app import create_app
from liaison.core.db import utcnow
from liaison.core.models import AuditEvent
from liaison.core.settings import get_settings
from tests.conftest import Account, make_account
from tests.requests.factories import PDF, agency

LIMIT = 4096
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode."
)


@pytest.fixture
def api(engine: Engine, tmp_path: Path) -> Iterator[TestClient]:
    settings = get_settings().model_copy(update={"home": tmp_path, "max_upload_bytes": LIMIT})
    with TestClient(create_app(settings, engine)) as client:
        yield client


@pytest.fixture
def agencies(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        found = {
            "vn": agency(session, "Ministry of Public Security", "VN", "interior").id,
            "kz": agency(session, "Anti-Corruption Agency of Kazakhstan", "KZ", "anti_corruption").id,
            "ru": agency(session, "Ministry of Internal Affairs of Russia", "RU", "interior").id,
        }
        session.commit()
    return found


@pytest.fixture
def officer(engine: Engine) -> Account:
    return make_account(engine, "officer", "officer.api")


def _extradition(api: TestClient, who: Account, agencies: dict[str, int]) -> dict:  # type: ignore[type-arg]
    body = {
        "kind": "extradition",
        "direction": "outgoing",
        "requesting_agency_id": agencies["vn"],
        "requested_agency_id": agencies["kz"],
        "title": "Extradition of N.V.A.",
        "details": {"offence": "Embezzlement", "warrant_reference": "W-1", "penalty": "20 years"},
    }
    response = api.post("/api/v1/requests", json=body, headers=who.headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _upload(
    api: TestClient, who: Account, request_id: int, name: str, content: bytes, kind: str = "request_letter"
):  # type: ignore[no-untyped-def]
    return api.post(
        f"/api/v1/requests/{request_id}/documents",
        data={"document_type": kind},
        files={"file": (name, content, "application/pdf")},
        headers=who.headers,
    )


def test_creation_answers_the_request_with_its_legal_basis_and_version(
    api: TestClient, agencies: dict[str, int], officer: Account
) -> None:
    created = _extradition(api, officer, agencies)
    assert created["status"] == "draft" and created["version"] == 1
    assert created["legal_basis_is_reciprocity"] is True
    assert created["allowed_transitions"] == ["submit"]
    assert "arrest_warrant" in created["missing_documents"]


def test_illegal_transition_answers_409_with_the_allowed_ones(
    api: TestClient, agencies: dict[str, int], officer: Account
) -> None:
    created = _extradition(api, officer, agencies)
    response = api.post(
        f"/api/v1/requests/{created['id']}/transitions", json={"transition": "grant"}, headers=officer.headers
    )
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["allowed"] == ["submit"]


def test_submission_with_documents_missing_answers_422_naming_them(
    api: TestClient, agencies: dict[str, int], officer: Account
) -> None:
    created = _extradition(api, officer, agencies)
    assert _upload(api, officer, created["id"], "letter.pdf", PDF).status_code == 201
    response = api.post(
        f"/api/v1/requests/{created['id']}/transitions",
        json={"transition": "submit"},
        headers=officer.headers,
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["missing_documents"] == [
        "arrest_warrant",
        "statement_of_facts",
        "legal_provisions",
        "identification",
    ]
    assert {e["field"] for e in problem["errors"]} >= {"documents.arrest_warrant", "documents.identification"}


def test_second_officer_editing_a_stale_version_gets_409_and_nothing_is_lost(
    api: TestClient, engine: Engine, agencies: dict[str, int], officer: Account
) -> None:
    other = make_account(engine, "officer", "officer.other")
    created = _extradition(api, officer, agencies)
    url = f"/api/v1/requests/{created['id']}"
    etag = api.get(url, headers=officer.headers).headers["etag"]
    first = api.patch(url, json={"facts": "First"}, headers={**officer.headers, "If-Match": etag})
    assert first.status_code == 200 and first.json()["version"] == 2
    second = api.patch(url, json={"facts": "Second"}, headers={**other.headers, "If-Match": etag})
    assert second.status_code == 409
    assert second.json()["current_version"] == 2
    assert api.get(url, headers=officer.headers).json()["facts"] == "First"


def test_stale_version_on_a_transition_is_refused(
    api: TestClient, agencies: dict[str, int], officer: Account
) -> None:
    created = _extradition(api, officer, agencies)
    url = f"/api/v1/requests/{created['id']}"
    api.patch(url, json={"facts": "changed", "version": 1}, headers=officer.headers)
    response = api.post(
        url + "/transitions", json={"transition": "submit", "version": 1}, headers=officer.headers
    )
    assert response.status_code == 409


def test_upload_over_the_limit_is_refused(
    api: TestClient, agencies: dict[str, int], officer: Account
) -> None:
    created = _extradition(api, officer, agencies)
    response = _upload(api, officer, created["id"], "big.pdf", PDF + b"0" * LIMIT)
    assert response.status_code == 413


def test_executable_renamed_pdf_is_refused(
    api: TestClient, agencies: dict[str, int], officer: Account
) -> None:
    created = _extradition(api, officer, agencies)
    response = _upload(api, officer, created["id"], "warrant.pdf", EXE, "arrest_warrant")
    assert response.status_code == 422
    assert "not accepted" in response.json()["detail"]
    assert api.get(f"/api/v1/requests/{created['id']}", headers=officer.headers).json()["documents"] == []


def test_pdf_named_as_text_is_refused(api: TestClient, agencies: dict[str, int], officer: Account) -> None:
    created = _extradition(api, officer, agencies)
    response = _upload(api, officer, created["id"], "notes.txt", PDF)
    assert response.status_code == 422


def test_document_is_typed_by_its_bytes_hashed_and_stored_once(
    api: TestClient, agencies: dict[str, int], officer: Account, tmp_path: Path
) -> None:
    created = _extradition(api, officer, agencies)
    first = _upload(api, officer, created["id"], "letter.pdf", PDF).json()
    second = _upload(api, officer, created["id"], "copy.pdf", PDF, "arrest_warrant").json()
    digest = hashlib.sha256(PDF).hexdigest()
    assert first["sha256"] == second["sha256"] == digest
    assert first["content_type"] == "application/pdf"
    stored = [p for p in (tmp_path / "documents").rglob("*") if p.is_file()]
    assert [p.name for p in stored] == [digest]


def test_plain_text_and_word_documents_are_accepted(
    api: TestClient, agencies: dict[str, int], officer: Account
) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    created = _extradition(api, officer, agencies)
    text = _upload(api, officer, created["id"], "facts.txt", "Tóm tắt sự việc".encode())
    word = _upload(api, officer, created["id"], "facts.docx", buffer.getvalue(), "statement_of_facts")
    assert (text.status_code, word.status_code) == (201, 201)
    assert word.json()["content_type"].endswith("wordprocessingml.document")


def test_every_download_is_audited(
    api: TestClient, engine: Engine, agencies: dict[str, int], officer: Account
) -> None:
    created = _extradition(api, officer, agencies)
    document = _upload(api, officer, created["id"], "letter.pdf", PDF).json()
    url = f"/api/v1/requests/{created['id']}/documents/{document['id']}"
    for _ in range(2):
        response = api.get(url, headers=officer.headers)
        assert response.status_code == 200 and response.content == PDF
    with Session(engine) as session:
        reads = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "read", AuditEvent.object_type == "request_document"
            )
        ).all()
    assert [(e.actor, e.object_id) for e in reads] == [("officer.api", str(document["id"]))] * 2


def test_incoming_request_received_long_ago_is_accepted_with_a_warning_and_listed_overdue(
    api: TestClient, agencies: dict[str, int], officer: Account
) -> None:
    body = {
        "kind": "information_request",
        "direction": "incoming",
        "requesting_agency_id": agencies["ru"],
        "requested_agency_id": agencies["vn"],
        "urgency": "urgent",
        "received_at": (utcnow() - timedelta(days=10)).isoformat(),
        "details": {"questions": "Entry records", "purpose": "Investigation"},
    }
    response = api.post("/api/v1/requests", json=body, headers=officer.headers)
    assert response.status_code == 201
    assert any("already passed" in w for w in response.json()["warnings"])
    overdue = api.get(
        f"/api/v1/requests/overdue?partner_agency_id={agencies['ru']}", headers=officer.headers
    ).json()
    assert [item["id"] for item in overdue["items"]] == [response.json()["id"]]
    assert (
        api.get(
            f"/api/v1/requests/overdue?partner_agency_id={agencies['kz']}", headers=officer.headers
        ).json()["total"]
        == 0
    )


def test_list_filters_by_kind_partner_direction_and_status(
    api: TestClient, agencies: dict[str, int], officer: Account
) -> None:
    created = _extradition(api, officer, agencies)
    query = f"kind=extradition&partner_agency_id={agencies['kz']}&direction=outgoing&status=draft"
    found = api.get(f"/api/v1/requests?{query}", headers=officer.headers).json()
    assert [item["id"] for item in found["items"]] == [created["id"]]
    assert api.get("/api/v1/requests?direction=incoming", headers=officer.headers).json()["total"] == 0


def test_legal_basis_proposal_endpoint_says_reciprocity_when_nothing_applies(
    api: TestClient, agencies: dict[str, int], officer: Account
) -> None:
    response = api.get(
        f"/api/v1/requests/legal-basis?kind=extradition&requesting_agency_id={agencies['vn']}"
        f"&requested_agency_id={agencies['kz']}&request_date=2026-06-15",
        headers=officer.headers,
    )
    assert response.status_code == 200
    assert response.json()["is_reciprocity"] is True
    assert "reciprocity" in response.json()["summary"]


def test_statistics_count_and_time_the_answers(
    api: TestClient, agencies: dict[str, int], officer: Account
) -> None:
    for days in (2, 4, 9):
        body = {
            "kind": "information_request",
            "direction": "incoming",
            "requesting_agency_id": agencies["ru"],
            "requested_agency_id": agencies["vn"],
            "received_at": (utcnow() - timedelta(days=days)).isoformat(),
            "details": {"questions": "Q", "purpose": "P"},
        }
        created = api.post("/api/v1/requests", json=body, headers=officer.headers).json()
        answered = api.post(
            f"/api/v1/requests/{created['id']}/transitions",
            json={"transition": "answer"},
            headers=officer.headers,
        )
        assert answered.status_code == 200
    _extradition(api, officer, agencies)
    stats = api.get("/api/v1/requests/statistics", headers=officer.headers).json()
    assert {c["key"]: c["count"] for c in stats["by_kind"]} == {"information_request": 3, "extradition": 1}
    assert {c["key"]: c["count"] for c in stats["by_status"]} == {"answered": 3, "draft": 1}
    [times] = stats["response_times"]
    assert (times["kind"], times["answered"]) == ("information_request", 3)
    assert times["median_days"] == pytest.approx(4, abs=0.01)
    assert times["p90_days"] == pytest.approx(8, abs=0.01)
    assert stats["backlog"][-1]["open"] == 0
    assert stats["backlog"][-2]["open"] == 1  # a week ago one of them was already open


def _withdraw(api: TestClient, who: Account, request_id: int, document_id: int, reason: str):  # type: ignore[no-untyped-def]
    return api.post(
        f"/api/v1/requests/{request_id}/documents/{document_id}/withdraw",
        json={"reason": reason},
        headers=who.headers,
    )


def test_a_withdrawn_document_stays_struck_out_and_no_longer_counts(
    api: TestClient, engine: Engine, agencies: dict[str, int], officer: Account, tmp_path: Path
) -> None:
    created = _extradition(api, officer, agencies)
    warrant = _upload(api, officer, created["id"], "warrant.pdf", PDF, "arrest_warrant").json()
    attached = api.get(f"/api/v1/requests/{created['id']}", headers=officer.headers).json()
    assert "arrest_warrant" not in attached["missing_documents"]
    response = _withdraw(api, officer, created["id"], warrant["id"], "Warrant of another person")
    assert response.status_code == 200, response.text
    withdrawn = response.json()
    assert (
        withdrawn["withdrawn_by"] == "officer.api"
        and withdrawn["withdrawal_reason"] == "Warrant of another person"
    )
    assert withdrawn["withdrawn_at"] is not None
    after = api.get(f"/api/v1/requests/{created['id']}", headers=officer.headers).json()
    assert [d["id"] for d in after["documents"]] == [warrant["id"]]  # kept, never deleted
    assert "arrest_warrant" in after["missing_documents"]
    assert [p.name for p in (tmp_path / "documents").rglob("*") if p.is_file()] == [warrant["sha256"]]
    with Session(engine) as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "withdraw document")).one()
    assert (event.actor, event.object_type, event.object_id) == ("officer.api", "request", str(created["id"]))
    assert "Warrant of another person" in str(event.changes)


def test_withdrawing_needs_a_reason_and_happens_once(
    api: TestClient, agencies: dict[str, int], officer: Account
) -> None:
    created = _extradition(api, officer, agencies)
    document = _upload(api, officer, created["id"], "letter.pdf", PDF).json()
    blank = _withdraw(api, officer, created["id"], document["id"], "   ")
    assert blank.status_code == 422 and blank.headers["content-type"] == "application/problem+json"
    listed = api.get(f"/api/v1/requests/{created['id']}", headers=officer.headers).json()["documents"]
    assert listed[0]["withdrawn_at"] is None
    assert _withdraw(api, officer, created["id"], document["id"], "Duplicate").status_code == 200
    again = _withdraw(api, officer, created["id"], document["id"], "Duplicate")
    assert again.status_code == 409 and again.headers["content-type"] == "application/problem+json"
    other = _extradition(api, officer, agencies)
    elsewhere = _withdraw(api, officer, other["id"], document["id"], "Wrong request")
    assert elsewhere.status_code == 404
