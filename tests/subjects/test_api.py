"""The JSON API and the pages of persons sought, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from liaison.core.models import AuditEvent
from liaison.names.search import stored_keys
from liaison.subjects.models import SubjectNameKey
from tests.conftest import make_account
from tests.subjects.factories import interpol_list_page, interpol_notice

SUBJECT = {
    "names": [
        {"full_name": "Trần Văn Mẫu", "language": "vi"},
        {"full_name": "Тран Ван Мау", "kind": "alias", "language": "ru"},
    ],
    "birth_dates": ["1978-03-14"],
    "nationalities": ["VN"],
    "documents": [{"kind": "passport", "number": "C0000001", "country": "VN"}],
    "notices": [{"kind": "arrest", "issuer": "INTERPOL", "reference": "2024/1"}],
}


def test_officer_adds_a_subject_and_finds_it_by_its_cyrillic_alias(
    client: TestClient, engine: Engine
) -> None:
    officer = make_account(engine, "officer")
    created = client.post("/api/v1/subjects", json=SUBJECT, headers=officer.headers)
    assert created.status_code == 201, created.text
    body = created.json()
    assert [n["script"] for n in body["names"]] == ["latin", "cyrillic"]
    assert body["notices"][0]["colour"] == "red" and body["notices"][0]["status"] == "active"
    found = client.get("/api/v1/subjects", params={"q": "Tran Van Mau"}, headers=officer.headers).json()
    assert [s["id"] for s in found["items"]] == [body["id"]]
    by_year = client.get("/api/v1/subjects", params={"birth_year": 1978}, headers=officer.headers).json()
    assert by_year["total"] == 1
    detail = client.get(f"/api/v1/subjects/{body['id']}", headers=officer.headers)
    assert detail.json()["documents"][0]["number"] == "C0000001"


def test_impossible_date_is_a_problem_document(client: TestClient, engine: Engine) -> None:
    officer = make_account(engine, "officer")
    response = client.post(
        "/api/v1/subjects", json={**SUBJECT, "birth_dates": ["1985-02-30"]}, headers=officer.headers
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "birth_dates.0"


def test_status_change_outside_the_workflow_lists_what_is_allowed(client: TestClient, engine: Engine) -> None:
    officer = make_account(engine, "officer")
    subject_id = client.post("/api/v1/subjects", json=SUBJECT, headers=officer.headers).json()["id"]
    response = client.post(f"/api/v1/subjects/{subject_id}/status", json={"status": "surrendered"},
                           headers=officer.headers)  # fmt: skip
    assert response.status_code == 409
    assert response.json()["allowed"] == ["located", "arrested", "cancelled"]


def test_auditor_is_refused_and_analyst_may_read_but_not_write(client: TestClient, engine: Engine) -> None:
    auditor, analyst = make_account(engine, "auditor"), make_account(engine, "analyst")
    assert client.get("/api/v1/subjects", headers=auditor.headers).status_code == 403
    assert client.get("/api/v1/subjects", headers=analyst.headers).status_code == 200
    assert client.post("/api/v1/subjects", json=SUBJECT, headers=analyst.headers).status_code == 403


def test_supervisor_uploads_an_interpol_list_and_exports_ftm(client: TestClient, engine: Engine) -> None:
    supervisor = make_account(engine, "supervisor")
    page = interpol_list_page([interpol_notice("2024/77", "SERIKBAY", "TESTOV", nationalities=("KZ",))])
    files = {"file": ("red.json", json.dumps(page).encode(), "application/json")}
    report = client.post("/api/v1/subjects/import", params={"format": "interpol"}, files=files,
                         headers=supervisor.headers)  # fmt: skip
    assert report.status_code == 200, report.text
    assert report.json() == {"created": 1, "updated": 0, "rejected": []}
    exported = client.get("/api/v1/subjects/export", params={"format": "ftm"}, headers=supervisor.headers)
    schemata = sorted(json.loads(line)["schema"] for line in exported.text.splitlines())
    assert schemata == ["Person", "Sanction"]


def test_pages_list_search_and_show_a_subject_in_vietnamese(client: TestClient, engine: Engine) -> None:
    officer = make_account(engine, "officer")
    subject_id = client.post("/api/v1/subjects", json=SUBJECT, headers=officer.headers).json()["id"]
    client.cookies.set("liaison_lang", "vi")
    listing = client.get("/subjects", params={"q": "tran van mau"}, headers=officer.headers)
    assert listing.status_code == 200
    assert "Đối tượng truy tìm" in listing.text and f"/subjects/{subject_id}" in listing.text
    detail = client.get(f"/subjects/{subject_id}", headers=officer.headers)
    assert "Тран Ван Мау" in detail.text and "Bắt giữ để dẫn độ" in detail.text


def test_page_form_adds_a_name_and_shows_a_refused_one_with_its_reason(
    client: TestClient, engine: Engine
) -> None:
    officer = make_account(engine, "officer")
    subject_id = client.post("/api/v1/subjects", json=SUBJECT, headers=officer.headers).json()["id"]
    added = client.post(f"/subjects/{subject_id}/names", data={"full_name": "陈文某", "kind": "alias"},
                        headers=officer.headers, follow_redirects=False)  # fmt: skip
    assert added.status_code == 303
    document = {"kind": "passport", "number": "X1", "country": "QQ"}
    refused = client.post(f"/subjects/{subject_id}/documents", data=document, headers=officer.headers)
    assert refused.status_code == 422 and "ISO 3166-1" in refused.text
    assert "陈文某" in client.get(f"/subjects/{subject_id}", headers=officer.headers).text


def test_birth_dates_and_nationalities_are_added_and_bad_ones_refused(
    client: TestClient, engine: Engine
) -> None:
    officer = make_account(engine, "officer")
    subject_id = client.post("/api/v1/subjects", json=SUBJECT, headers=officer.headers).json()["id"]
    url = f"/api/v1/subjects/{subject_id}"
    assert (
        client.post(f"{url}/birth-dates", json={"value": "1979"}, headers=officer.headers).status_code == 201
    )
    assert (
        client.post(f"{url}/birth-dates", json={"value": "1985-02-30"}, headers=officer.headers).status_code
        == 422
    )
    assert (
        client.post(f"{url}/nationalities", json={"country": "kz"}, headers=officer.headers).status_code
        == 201
    )
    assert (
        client.post(f"{url}/nationalities", json={"country": "XX"}, headers=officer.headers).status_code
        == 422
    )
    subject = client.get(url, headers=officer.headers).json()
    assert subject["birth_dates"] == ["1978-03-14", "1979"] and subject["nationalities"] == ["KZ", "VN"]


def test_upload_that_is_not_utf8_is_refused_and_stores_nothing(client: TestClient, engine: Engine) -> None:
    supervisor = make_account(engine, "supervisor")
    files = {"file": ("list.csv", "source_id,primary_name\nr1,Иван Петров\n".encode("cp1251"), "text/csv")}
    response = client.post("/api/v1/subjects/import", params={"format": "csv"}, files=files,
                           headers=supervisor.headers)  # fmt: skip
    assert response.status_code == 422 and "not UTF-8" in response.json()["detail"]
    assert client.get("/api/v1/subjects", headers=supervisor.headers).json()["total"] == 0


def test_notice_is_withdrawn_once_with_its_reason(client: TestClient, engine: Engine) -> None:
    officer = make_account(engine, "officer")
    subject = client.post("/api/v1/subjects", json=SUBJECT, headers=officer.headers).json()
    notice_id = subject["notices"][0]["id"]
    withdrawn = client.post(f"/api/v1/notices/{notice_id}/withdraw", json={"reason": "arrested in Almaty"},
                            headers=officer.headers)  # fmt: skip
    assert withdrawn.json()["status"] == "withdrawn" and withdrawn.json()["reason"] == "arrested in Almaty"
    again = client.post(f"/api/v1/notices/{notice_id}/withdraw", json={}, headers=officer.headers)
    assert again.status_code == 409


def test_particulars_are_changed_and_the_change_audited(client: TestClient, engine: Engine) -> None:
    officer, admin = make_account(engine, "officer"), make_account(engine, "admin")
    subject_id = client.post("/api/v1/subjects", json=SUBJECT, headers=officer.headers).json()["id"]
    change = {"believed_country": "kz", "gender": "male"}
    changed = client.patch(f"/api/v1/subjects/{subject_id}", json=change, headers=officer.headers)
    assert changed.json()["believed_country"] == "KZ"
    refused = client.patch(f"/api/v1/subjects/{subject_id}", json={"believed_country": "Atlantis"},
                           headers=officer.headers)  # fmt: skip
    assert refused.status_code == 422
    client.get(f"/api/v1/subjects/{subject_id}", headers=officer.headers)
    events = client.get("/api/v1/audit", params={"object_type": "subject", "object_id": str(subject_id)},
                        headers=admin.headers).json()  # fmt: skip
    assert {"create", "update", "read"} <= {event["action"] for event in events}


def _find(client: TestClient, headers: dict[str, str], query: str) -> list[int]:
    return [
        s["id"] for s in client.get("/api/v1/subjects", params={"q": query}, headers=headers).json()["items"]
    ]


def test_a_misspelt_alias_is_corrected_and_found_by_its_new_spelling_only(
    client: TestClient, engine: Engine
) -> None:
    officer = make_account(engine, "officer")
    body = client.post("/api/v1/subjects", json=SUBJECT, headers=officer.headers).json()
    alias = body["names"][1]
    corrected = {"full_name": "Чан Ван Мау", "kind": "alias", "language": "ru"}
    response = client.put(
        f"/api/v1/subjects/{body['id']}/names/{alias['id']}", json=corrected, headers=officer.headers
    )
    assert response.status_code == 200, response.text
    assert (response.json()["full_name"], response.json()["script"]) == ("Чан Ван Мау", "cyrillic")
    assert _find(client, officer.headers, "Чан Ван Мау") == [body["id"]]
    with Session(engine) as session:  # re-keyed: the old spelling's keys are gone
        keys = session.scalars(select(SubjectNameKey.key).where(SubjectNameKey.name_id == alias["id"])).all()
    assert sorted(keys) == sorted(stored_keys("Чан Ван Мау")) != sorted(stored_keys("Тран Ван Мау"))
    primary = body["names"][0]
    demoted = client.put(
        f"/api/v1/subjects/{body['id']}/names/{primary['id']}",
        json={"full_name": "Trần Văn Mẫu", "kind": "alias"},
        headers=officer.headers,
    )
    assert demoted.status_code == 422 and demoted.headers["content-type"] == "application/problem+json"
    names = client.get(f"/api/v1/subjects/{body['id']}", headers=officer.headers).json()["names"]
    assert [(n["full_name"], n["kind"]) for n in names] == [
        ("Trần Văn Mẫu", "primary"),
        ("Чан Ван Мау", "alias"),
    ]


def test_the_primary_name_corrected_on_the_page_renames_the_file_and_is_audited(
    client: TestClient, engine: Engine
) -> None:
    officer = make_account(engine, "officer")
    body = client.post("/api/v1/subjects", json=SUBJECT, headers=officer.headers).json()
    primary = body["names"][0]
    form = {"full_name": "Trần Văn Mậu", "kind": "primary", "language": "vi", "given_name": "Mậu",
            "family_name": "Trần", "name_order": "family_first"}  # fmt: skip
    response = client.post(
        f"/subjects/{body['id']}/names/{primary['id']}",
        data=form,
        headers=officer.headers,
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get(f"/subjects/{body['id']}", headers=officer.headers).text
    assert "<h1>Trần Văn Mậu</h1>" in page
    blank = client.post(
        f"/subjects/{body['id']}/names/{primary['id']}",
        data={**form, "full_name": " - "},
        headers={**officer.headers, "Accept-Language": "vi"},
    )
    assert blank.status_code == 422 and "Không thể sửa tên" in blank.text
    audit = client.get(
        "/api/v1/audit", params={"action": "correct name"}, headers=make_account(engine, "auditor").headers
    )
    assert audit.status_code == 200 and "Trần Văn Mậu" in audit.text


def test_a_charge_is_corrected_on_the_file_and_a_bad_country_refused(
    client: TestClient, engine: Engine
) -> None:
    officer = make_account(engine, "officer")
    with_charge = {**SUBJECT, "charges": [{"description": "Embezzlement", "legal_provision": "Art. 353"}]}
    body = client.post("/api/v1/subjects", json=with_charge, headers=officer.headers).json()
    charge_id = body["charges"][0]["id"]
    form = {"description": "Embezzlement of public property", "crime_area": "corruption",
            "legal_provision": "Article 353, Criminal Code 2015", "issuing_authority": "Investigation Police",
            "issuing_country": "VN", "warrant_reference": "W-17", "warrant_date": "2024-03-01"}  # fmt: skip
    url = f"/subjects/{body['id']}/charges/{charge_id}"
    assert client.post(url, data=form, headers=officer.headers, follow_redirects=False).status_code == 303
    refused = client.post(
        url, data={**form, "issuing_country": "QQ", "description": "Changed"}, headers=officer.headers
    )
    assert refused.status_code == 422 and "ISO 3166-1" in refused.text
    charge = client.get(f"/api/v1/subjects/{body['id']}", headers=officer.headers).json()["charges"][0]
    assert (charge["description"], charge["warrant_date"], charge["crime_area"]) == (
        "Embezzlement of public property", "2024-03-01", "corruption")  # fmt: skip
    api = client.put(
        f"/api/v1/subjects/{body['id']}/charges/{charge_id}",
        json={"warrant_date": "2024-02-30"},
        headers=officer.headers,
    )
    assert api.status_code == 422 and api.headers["content-type"] == "application/problem+json"
    audit = client.get(
        "/api/v1/audit", params={"action": "correct charge"}, headers=make_account(engine, "auditor").headers
    )
    assert "Article 353, Criminal Code 2015" in audit.text


def _document_verdict(client: TestClient, headers: dict[str, str], number: str) -> str:
    """What screening says of a traveller's document number against the file of Trần Văn Mẫu."""
    record = {"name": "Tran Van Mau", "birth_date": "1978-03-14", "document_number": number}
    (hit,) = client.post("/api/v1/screen", json=record, headers=headers).json()["results"][0]["hits"]
    return str(next(f["verdict"] for f in hit["explanation"] if f["feature"] == "document_number"))


def test_a_mistyped_document_is_corrected_on_the_file_and_screened_by_its_new_number(
    client: TestClient, engine: Engine
) -> None:
    officer = make_account(engine, "officer")
    body = client.post("/api/v1/subjects", json=SUBJECT, headers=officer.headers).json()
    document_id = body["documents"][0]["id"]
    matching = _document_verdict(client, officer.headers, "C0000001")
    assert _document_verdict(client, officer.headers, "C0000010") != matching
    form = {"kind": "passport", "number": "C0000010", "country": "vn", "issued_on": "2019-05-01",
            "expires_on": "2029-05-01"}  # fmt: skip
    url = f"/subjects/{body['id']}/documents/{document_id}"
    assert client.post(url, data=form, headers=officer.headers, follow_redirects=False).status_code == 303
    document = client.get(f"/api/v1/subjects/{body['id']}", headers=officer.headers).json()["documents"][0]
    assert (document["number"], document["country"], document["expires_on"]) == (
        "C0000010",
        "VN",
        "2029-05-01",
    )
    assert _document_verdict(client, officer.headers, "C0000010") == matching
    assert _document_verdict(client, officer.headers, "C0000001") != matching
    found = client.get("/api/v1/subjects", params={"document": "C0000010"}, headers=officer.headers).json()
    assert [s["id"] for s in found["items"]] == [body["id"]]
    audit = client.get(
        "/api/v1/audit",
        params={"action": "correct document"},
        headers=make_account(engine, "auditor").headers,
    )
    assert audit.status_code == 200 and "C0000001" in audit.text and "C0000010" in audit.text


def test_a_document_corrected_to_a_number_already_held_or_expiring_before_issue_changes_nothing(
    client: TestClient, engine: Engine
) -> None:
    officer = make_account(engine, "officer")
    two = {
        **SUBJECT,
        "documents": [*SUBJECT["documents"], {"kind": "passport", "number": "B7", "country": "VN"}],
    }
    body = client.post("/api/v1/subjects", json=two, headers=officer.headers).json()
    other = client.post(
        "/api/v1/subjects",
        json={"names": [{"full_name": "Lê Thị Khác"}], "documents": [{"kind": "passport", "number": "K1"}]},
        headers=officer.headers,
    ).json()
    first = body["documents"][0]
    url = f"/api/v1/subjects/{body['id']}/documents/{first['id']}"
    for number, country in (("B-7", "VN"), ("k 1", "")):  # this file's other passport; another file's
        taken = client.put(url, json={"kind": "passport", "number": number, "country": country},
                           headers=officer.headers)  # fmt: skip
        assert taken.status_code == 409 and taken.headers["content-type"] == "application/problem+json"
    backwards = client.put(
        url,
        json={
            "kind": "passport",
            "number": "C0000002",
            "issued_on": "2020-01-01",
            "expires_on": "2019-01-01",
        },
        headers=officer.headers,
    )
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "document.expires_on"
    unknown = client.put(url, json={"kind": "library_card", "number": "C0000002"}, headers=officer.headers)
    assert unknown.status_code == 422
    elsewhere = client.put(
        f"/api/v1/subjects/{body['id']}/documents/{other['documents'][0]['id']}",
        json={"kind": "passport", "number": "C0000002"},
        headers=officer.headers,
    )
    assert elsewhere.status_code == 404
    page = client.post(
        f"/subjects/{body['id']}/documents/{first['id']}",
        data={"kind": "passport", "number": "B7", "country": "VN"},
        headers=officer.headers,
    )
    assert page.status_code == 409 and "already belongs to subject" in page.text
    documents = client.get(f"/api/v1/subjects/{body['id']}", headers=officer.headers).json()["documents"]
    assert [(d["number"], d["country"]) for d in documents] == [("C0000001", "VN"), ("B7", "VN")]
    with Session(engine) as session:
        assert (
            session.scalars(select(AuditEvent.action).where(AuditEvent.action == "correct document")).all()
            == []
        )
