"""The probes of issue 10 outside screening, each as a test: what a user of another unit could
learn or change about a restricted (H3) record before the record-access gate, on both backends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from liaison.core.db import unit_of_work
from liaison.requests.models import CooperationRequest
from liaison.subjects.models import Subject
from tests.conftest import Account, make_account
from tests.requests.factories import agency, request_data
from tests.subjects.factories import interpol_list_page, interpol_notice

OWNER, OTHER = "fugitives", "border"
H3_SUBJECT = {
    "names": [{"full_name": "Zebulon Quackenbush"}],
    "documents": [{"kind": "passport", "number": "Q9876543", "country": "VN"}],
    "handling_code": "H3",
}


def subject(client: TestClient, owner: Account, **values: object) -> int:
    response = client.post("/api/v1/subjects", json={**H3_SUBJECT, **values}, headers=owner.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def request_json(engine: Engine, **values: object) -> dict[str, object]:
    with unit_of_work(engine) as session:
        ours, theirs = agency(session, "Ministry of Public Security", "VN"), agency(session, "ACA", "KZ")
        return request_data(ours, theirs, **values).model_dump(mode="json")


def test_hidden_subject_answers_exactly_as_a_missing_one(client: TestClient, engine: Engine) -> None:
    hidden = subject(client, make_account(engine, "officer", unit=OWNER))
    outsider = make_account(engine, "supervisor", unit=OTHER)
    missing = hidden + 1000
    for verb, suffix, body in (("GET", "", None), ("PATCH", "", {"description": "x"}),
                               ("POST", "/names", {"full_name": "Other Name"})):  # fmt: skip
        answers = [
            client.request(verb, f"/api/v1/subjects/{i}{suffix}", json=body, headers=outsider.headers)
            for i in (hidden, missing)
        ]
        assert [a.status_code for a in answers] == [404, 404], verb
        assert answers[0].json()["detail"].replace(str(hidden), "N") == answers[1].json()["detail"].replace(
            str(missing), "N"
        )


def test_administrator_of_another_unit_does_not_read_h3(client: TestClient, engine: Engine) -> None:
    hidden = subject(client, make_account(engine, "officer", unit=OWNER))
    admin = make_account(engine, "admin", unit=OTHER)
    assert client.get(f"/api/v1/subjects/{hidden}", headers=admin.headers).status_code == 404
    own_admin = make_account(engine, "admin", unit=OWNER)
    assert client.get(f"/api/v1/subjects/{hidden}", headers=own_admin.headers).status_code == 200


def test_passport_number_of_a_hidden_subject_is_no_oracle(client: TestClient, engine: Engine) -> None:
    hidden = subject(client, make_account(engine, "officer", unit=OWNER))
    outsider = make_account(engine, "officer", unit=OTHER)
    own = subject(client, outsider, names=[{"full_name": "Somebody Else"}], documents=[], handling_code="H0")
    passport = {"kind": "passport", "number": "Q9876543", "country": "VN"}
    added = client.post(f"/api/v1/subjects/{own}/documents", json=passport, headers=outsider.headers)
    assert added.status_code == 409
    assert f"subject {hidden}" not in added.text and "subject_id" not in added.json()
    assert "already recorded for another person sought" in added.json()["detail"]
    created = client.post(
        "/api/v1/subjects", json={**H3_SUBJECT, "handling_code": "H0"}, headers=outsider.headers
    )
    assert created.status_code == 409 and f"subject {hidden}" not in created.text


def test_supervisor_of_another_unit_cannot_overwrite_a_hidden_subject_by_import(
    client: TestClient, engine: Engine
) -> None:
    def upload(who: Account, surname: str) -> dict[str, object]:
        page = interpol_list_page([interpol_notice("2024/77", "ZEBULON", surname)])
        files = {"file": ("red.json", json.dumps(page).encode(), "application/json")}
        params = {"format": "interpol", "source": "red", "handling_code": "H3"}
        response = client.post("/api/v1/subjects/import", params=params, files=files, headers=who.headers)
        assert response.status_code == 200, response.text
        return dict(response.json())

    assert upload(make_account(engine, "supervisor", unit=OWNER), "QUACKENBUSH")["created"] == 1
    report = upload(make_account(engine, "supervisor", unit=OTHER), "OVERWRITTEN")
    assert (report["created"], report["updated"], len(report["rejected"])) == (0, 0, 1)  # type: ignore[arg-type]
    with unit_of_work(engine) as session:
        assert session.scalars(select(Subject.primary_name)).all() == ["ZEBULON QUACKENBUSH"]


def test_request_naming_a_hidden_subject_is_refused_as_not_found(client: TestClient, engine: Engine) -> None:
    hidden = subject(client, make_account(engine, "officer", unit=OWNER))
    outsider = make_account(engine, "officer", unit=OTHER)
    body = request_json(engine, persons=[{"name": "Anyone", "subject_id": hidden}])
    refused = client.post("/api/v1/requests", json=body, headers=outsider.headers)
    assert refused.status_code == 404 and refused.json()["detail"] == f"There is no subject {hidden}."
    with unit_of_work(engine) as session:
        assert session.scalar(select(CooperationRequest.id)) is None


def test_request_naming_a_subject_inherits_its_code_and_unit(client: TestClient, engine: Engine) -> None:
    owner = make_account(engine, "officer", unit=OWNER)
    restricted = subject(client, owner)
    colleague = make_account(engine, "officer", unit=OWNER)
    body = request_json(engine, persons=[{"name": "Zebulon Quackenbush", "subject_id": restricted}])
    created = client.post("/api/v1/requests", json=body, headers=colleague.headers)
    assert created.status_code == 201, created.text
    assert created.json()["handling_code"] == "H3"
    outsider = make_account(engine, "supervisor", unit=OTHER)
    assert client.get(f"/api/v1/requests/{created.json()['id']}", headers=outsider.headers).status_code == 404


def test_subject_cannot_be_linked_to_a_hidden_request(client: TestClient, engine: Engine) -> None:
    owner = make_account(engine, "officer", unit=OWNER)
    hidden = client.post(
        "/api/v1/requests", json=request_json(engine, handling_code="H3"), headers=owner.headers
    )
    assert hidden.status_code == 201, hidden.text
    outsider = make_account(engine, "officer", unit=OTHER)
    own = subject(client, outsider, handling_code="H0", documents=[])
    link = {"request_id": hidden.json()["id"]}
    refused = client.post(f"/api/v1/subjects/{own}/requests", json=link, headers=outsider.headers)
    assert refused.status_code == 404
    missing = client.post(
        f"/api/v1/subjects/{own}/requests", json={"request_id": 9999}, headers=outsider.headers
    )
    assert missing.status_code == 404


def test_request_with_an_undeclared_code_is_listed_exactly_when_a_get_returns_it(
    client: TestClient, engine: Engine
) -> None:
    owner = make_account(engine, "officer", unit=OWNER)
    created = client.post("/api/v1/requests", json=request_json(engine), headers=owner.headers)
    request_id = created.json()["id"]
    with unit_of_work(engine) as session:  # a code removed from the vocabulary since
        session.get_one(CooperationRequest, request_id).handling_code = "H9"
    for reader in (owner, make_account(engine, "supervisor", unit=OTHER), make_account(engine, "admin")):
        listed = client.get("/api/v1/requests", headers=reader.headers).json()
        got = client.get(f"/api/v1/requests/{request_id}", headers=reader.headers)
        assert (listed["total"] == 1) == (got.status_code == 200), reader.username
        assert got.status_code in (200, 404)
    assert client.get(f"/api/v1/requests/{request_id}", headers=owner.headers).status_code == 200


def test_handling_codes_are_checked_against_the_vocabulary(client: TestClient, engine: Engine) -> None:
    officer = make_account(engine, "officer", unit=OWNER)
    for path, body in (
        ("/api/v1/requests", request_json(engine, handling_code="H3")),
        ("/api/v1/subjects", H3_SUBJECT),
        ("/api/v1/citizen-protection", {"country": "KZ", "title": "Students", "handling_code": "H3"}),
    ):
        refused = client.post(path, json={**body, "handling_code": "H7"}, headers=officer.headers)
        assert refused.status_code == 422 and "H0" in refused.text, path


def test_auditor_of_another_unit_reads_no_particulars_in_the_audit_trail(
    client: TestClient, engine: Engine
) -> None:
    owner = make_account(engine, "officer", unit=OWNER)
    hidden = subject(client, owner)
    client.post("/api/v1/requests", json=request_json(engine, handling_code="H3",
                facts="Quackenbush fled"), headers=owner.headers)  # fmt: skip
    client.get(f"/api/v1/subjects/{hidden}", headers=owner.headers)
    client.get("/api/v1/subjects", params={"q": "Quackenbush"}, headers=owner.headers)  # a hit, as searched
    auditor = make_account(engine, "auditor", unit=OTHER)
    events = client.get("/api/v1/audit", headers=auditor.headers).json()
    about = [e for e in events if e["handling_code"] == "H3"]
    assert {e["object_type"] for e in about} >= {"subject", "request"}
    assert "Quackenbush" not in json.dumps(events) and "Q9876543" not in json.dumps(events)
    assert all(e["changes"] == {} for e in about)
    own_auditor = make_account(engine, "auditor", unit=OWNER)
    assert "Quackenbush" in client.get("/api/v1/audit", headers=own_auditor.headers).text
    assert client.get("/api/v1/audit/verify", headers=auditor.headers).json()["is_intact"]


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)  # the command line is the subject here
def test_cli_export_runs_the_gate_as_the_named_user(client: TestClient, engine: Engine) -> None:
    subject(client, make_account(engine, "officer", unit=OWNER))
    make_account(engine, "supervisor", username="border.chief", unit=OTHER)
    make_account(engine, "supervisor", username="fugitives.chief", unit=OWNER)
    env = {**os.environ, "LIAISON_DATABASE_URL": engine.url.render_as_string(hide_password=False)}

    def export(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "liaison", "subjects", "export", "--format", "csv", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, check=False)

    assert export().returncode != 0  # no user: no export
    assert "Quackenbush" not in export("--user", "border.chief").stdout
    own = export("--user", "fugitives.chief")
    assert own.returncode == 0 and "Quackenbush" in own.stdout


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)  # the command line is the subject here
def test_cli_import_of_a_restricted_list_belongs_to_the_named_users_unit(
    client: TestClient, engine: Engine, tmp_path: Path
) -> None:
    chief = make_account(engine, "supervisor", username="fugitives.chief", unit=OWNER)
    page = interpol_list_page([interpol_notice("2024/78", "ZEBULON", "QUACKENBUSH")])
    path = tmp_path / "red.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    env = {**os.environ, "LIAISON_DATABASE_URL": engine.url.render_as_string(hide_password=False)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "liaison", "subjects", "import", str(path), "--format", "interpol",
                   "--handling-code", "H3", *args]  # fmt: skip
        return subprocess.run(command, env=env, capture_output=True, text=True, check=False)

    unowned = run()
    assert unowned.returncode == 1 and "--user" in unowned.stderr  # an H3 subject nobody could read
    assert run("--user", "fugitives.chief").returncode == 0
    listed = client.get("/api/v1/subjects", params={"q": "Zebulon"}, headers=chief.headers).json()
    assert listed["total"] == 1
