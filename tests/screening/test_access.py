"""Screening outputs through the record-access gate, on SQLite and PostgreSQL: a hit on a person
sought of another unit under H3 alerts (id, handling code, owning unit, score, the traveller's own
particulars) and shows none of the subject's particulars, in every output; runs are their owner's,
supervisors' and admins'; hits on hidden subjects are decided by the owning unit only."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from liaison.core.db import unit_of_work
from liaison.core.models import AuditEvent
from liaison.requests.models import CooperationRequest
from tests.conftest import Account, make_account
from tests.screening.factories import RESTRICTED_NAME, agency_pair, restricted_subject

pytestmark = pytest.mark.usefixtures("batch_worker")  # the runs must be screened

# The traveller as written at the border: the same person as the subject, in other spellings, so
# that nothing of the subject's own (its name with diacritics, its ISO date, its passport number
# as recorded, its other nationality, its list id, its description) can come from the record.
TRAVELLER = {
    "record_id": "T1",
    "name": "PHAM VAN DONG",
    "birth_date": "02.02.1950",
    "nationality": "VN",
    "document_number": "C765 4321",
}
SUBJECT_SECRETS = ("Phạm", "1950-02-02", "C7654321", "vs LA", "FUG-2024-0042", "scar", "read as")


def assert_withheld(text: str) -> None:
    for secret in SUBJECT_SECRETS:
        assert secret not in text, secret


def screen(client: TestClient, who: Account, record: dict[str, str] = TRAVELLER) -> dict:  # type: ignore[type-arg]
    response = client.post("/api/v1/screen", json=record, headers=who.headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def travellers_csv() -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(TRAVELLER))
    writer.writeheader()
    writer.writerow(TRAVELLER)
    writer.writerow({"record_id": "T2", "name": "Somebody Else", "birth_date": "1980"})
    writer.writerow({"record_id": "T3", "name": "!!!"})
    return out.getvalue().encode()


def wait_done(client: TestClient, who: Account, run_id: int) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + 60
    while True:
        run = client.get(f"/api/v1/screening/runs/{run_id}", headers=who.headers)
        assert run.status_code == 200, run.text
        if run.json()["status"] not in ("queued", "running"):
            return run.json()  # type: ignore[no-any-return]
        assert time.monotonic() < deadline
        time.sleep(0.2)


def start_run(client: TestClient, who: Account, content: bytes, filename: str = "arrivals.csv") -> int:
    posted = client.post(
        "/api/v1/screening/runs", files={"file": (filename, content, "text/csv")}, headers=who.headers
    )
    assert posted.status_code == 202, posted.text
    assert posted.headers["location"] == f"/api/v1/screening/runs/{posted.json()['id']}"
    return int(posted.json()["id"])


def hits_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def subject_id(engine: Engine) -> int:
    return restricted_subject(engine)


@pytest.fixture
def border_analyst(engine: Engine) -> Account:
    return make_account(engine, "analyst", unit="border")


def test_real_time_hit_on_a_hidden_subject_alerts_without_any_of_its_particulars(
    client: TestClient, engine: Engine, subject_id: int, border_analyst: Account
) -> None:
    (hit,) = screen(client, border_analyst)["results"][0]["hits"]
    assert_withheld(str(hit))
    assert hit["subject_id"] == subject_id and hit["score"] >= 0.9 and hit["restricted"] is True
    assert (hit["handling_code"], hit["owning_unit"]) == ("H3", "fugitives")
    assert hit["subject_name"] == hit["matched_name"] == "[restricted]"
    assert "02.02.1950 vs [restricted]" in hit["explanation_text"]  # the traveller's own side stays

    queued = client.get(f"/api/v1/screening/hits/{hit['hit_id']}", headers=border_analyst.headers).json()
    assert queued["record_name"] == "PHAM VAN DONG" and queued["handling_code"] == "H3"
    assert_withheld(str(queued))
    page = client.post("/screening", data=TRAVELLER, headers=border_analyst.headers)
    assert page.status_code == 200 and "hold the traveller" in page.text
    assert_withheld(page.text)
    assert f"/subjects/{subject_id}" not in page.text

    owner = make_account(engine, "officer", unit="fugitives")
    full = client.get(f"/api/v1/screening/hits/{hit['hit_id']}", headers=owner.headers).json()
    assert full["subject_name"] == RESTRICTED_NAME and full["subject_source_id"] == "FUG-2024-0042"
    assert "1950-02-02" in str(full["explanation"])


def test_page_upload_hits_file_of_a_border_analyst_withholds_the_h3_subject(
    client: TestClient, subject_id: int, border_analyst: Account
) -> None:
    posted = client.post(
        "/screening/batch",
        files={"file": ("arrivals.csv", travellers_csv(), "text/csv")},
        headers=border_analyst.headers,
        follow_redirects=False,
    )
    assert posted.status_code == 303
    run_page = posted.headers["location"]
    deadline = time.monotonic() + 60
    while "done" not in client.get(run_page + "/progress", headers=border_analyst.headers).text:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    hits = client.get(run_page + "/hits.csv", headers=border_analyst.headers)
    assert hits.status_code == 200
    assert_withheld(hits.text)
    (row,) = hits_rows(hits.text)
    assert row["subject_id"] == str(subject_id) and row["subject_name"] == "[restricted]"
    assert (row["handling_code"], row["owning_unit"], row["record_name"]) == (
        "H3",
        "fugitives",
        "PHAM VAN DONG",
    )
    assert_withheld(hits.text)


def test_the_review_queue_lists_and_counts_only_hits_the_reader_is_told_of(
    client: TestClient, engine: Engine, subject_id: int, border_analyst: Account
) -> None:
    screen(client, border_analyst)
    colleague = make_account(engine, "analyst", unit="border")
    supervisor = make_account(engine, "supervisor", unit="border")
    owner = make_account(engine, "analyst", unit="fugitives")

    def queue(who: Account) -> dict:  # type: ignore[type-arg]
        return client.get("/api/v1/screening/hits", headers=who.headers).json()  # type: ignore[no-any-return]

    assert queue(colleague) == {"items": [], "total": 0, "limit": 50, "offset": 0}
    for who, shown in (
        (border_analyst, "[restricted]"),
        (supervisor, "[restricted]"),
        (owner, RESTRICTED_NAME),
    ):
        listed = queue(who)
        assert listed["total"] == len(listed["items"]) == 1
        assert listed["items"][0]["subject_name"] == shown
    assert_withheld(str(queue(supervisor)))
    page = client.get("/screening/hits", headers=colleague.headers)
    assert "PHAM VAN DONG" not in page.text and "Hits: 0" in page.text
    hit_id = queue(owner)["items"][0]["id"]
    assert client.get(f"/api/v1/screening/hits/{hit_id}", headers=colleague.headers).status_code == 404


def test_only_the_owning_unit_decides_a_hit_on_a_hidden_subject_and_its_request_inherits_the_code(
    client: TestClient, engine: Engine, subject_id: int
) -> None:
    ours, partner = agency_pair(engine, "Lao Police", "LA", "police")
    border_officer = make_account(engine, "officer", unit="border")
    (hit,) = screen(client, border_officer)["results"][0]["hits"]
    confirm = {"decision": "confirm", "reason": "photo", "requesting_agency_id": ours,
               "requested_agency_id": partner}  # fmt: skip
    url = f"/api/v1/screening/hits/{hit['hit_id']}/decision"
    refused = client.post(url, json=confirm, headers=border_officer.headers)
    assert refused.status_code == 403 and "fugitives" in refused.json()["detail"]
    other_officer = make_account(engine, "officer", unit="border")
    assert client.post(url, json=confirm, headers=other_officer.headers).status_code == 404
    dismiss = {"decision": "dismiss", "reason": "namesake"}
    assert client.post(url, json=dismiss, headers=border_officer.headers).status_code == 403
    with unit_of_work(engine) as session:
        assert session.scalar(select(CooperationRequest.id)) is None

    owner = make_account(engine, "officer", unit="fugitives")
    decided = client.post(url, json=confirm, headers=owner.headers)
    assert decided.status_code == 200, decided.text
    with unit_of_work(engine) as session:
        request = session.get_one(CooperationRequest, decided.json()["request_id"])
        assert (request.handling_code, request.owning_unit) == ("H3", "fugitives")
    response = client.get(f"/api/v1/requests/{request.id}", headers=border_officer.headers)
    assert response.status_code in (403, 404)
    assert client.get(f"/api/v1/requests/{request.id}", headers=owner.headers).status_code == 200


def test_a_run_is_its_owners_supervisors_and_admins_and_each_download_is_audited(
    client: TestClient, engine: Engine, subject_id: int, border_analyst: Account
) -> None:
    run_id = start_run(client, border_analyst, travellers_csv())
    wait_done(client, border_analyst, run_id)
    other = make_account(engine, "analyst", unit="border")
    for path in (f"/screening/batch/{run_id}", f"/screening/batch/{run_id}/progress",
                 f"/screening/batch/{run_id}/hits.csv", f"/api/v1/screening/runs/{run_id}",
                 f"/api/v1/screening/runs/{run_id}/hits"):  # fmt: skip
        assert client.get(path, headers=other.headers).status_code == 404, path
        assert client.get(path.replace(str(run_id), "999999"), headers=other.headers).status_code == 404
    assert client.get("/api/v1/screening/runs", headers=other.headers).json()["total"] == 0
    assert str(run_id) not in client.get("/screening/batch", headers=other.headers).text.split("<tbody>")[1]
    for role in ("supervisor", "admin"):
        who = make_account(engine, role, unit="border")
        hits = client.get(f"/api/v1/screening/runs/{run_id}/hits", headers=who.headers)
        assert hits.status_code == 200 and len(hits_rows(hits.text)) == 1
        assert_withheld(hits.text)
    client.get(f"/screening/batch/{run_id}/hits.csv", headers=border_analyst.headers)
    with unit_of_work(engine) as session:
        downloads = session.scalars(
            select(AuditEvent.actor).where(
                AuditEvent.action == "read",
                AuditEvent.object_type == "screening_run",
                AuditEvent.object_id == str(run_id),
            )
        ).all()
    assert len(downloads) == 3 and border_analyst.username in downloads and other.username not in downloads


def test_batch_runs_api_reports_progress_counts_and_rejected_rows_and_names_subjects_by_both_ids(
    client: TestClient, engine: Engine, subject_id: int
) -> None:
    owner = make_account(engine, "analyst", unit="fugitives")
    run_id = start_run(client, owner, travellers_csv())
    run = wait_done(client, owner, run_id)
    assert run["status"] == "done" and run["progress"] == 1.0 and run["actor"] == owner.username
    assert (run["total"], run["records"], run["hits"]) == (3, 3, 1)
    assert run["rejected"] == {"name has no letters": 1} and run["partly_screened"] == {}
    hits = client.get(f"/api/v1/screening/runs/{run_id}/hits", headers=owner.headers)
    assert hits.status_code == 200 and hits.headers["content-type"].startswith("text/csv")
    (row,) = hits_rows(hits.text)
    assert (row["subject_id"], row["subject_source"], row["subject_source_id"]) == (
        str(subject_id), "fugitives-list", "FUG-2024-0042"
    )  # fmt: skip
    assert row["subject_name"] == RESTRICTED_NAME and row["record_name"] == "PHAM VAN DONG"
    assert "1950-02-02" in row["explanation"]
    with unit_of_work(engine) as session:  # the background job acted as the analyst, not as a stand-in
        screened_by = session.scalars(
            select(AuditEvent.actor).where(AuditEvent.action == "screen", AuditEvent.object_id == str(run_id))
        ).all()
    assert screened_by == [owner.username]


def test_batch_runs_api_accepts_parquet(client: TestClient, engine: Engine, subject_id: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(pa.table({"name": ["Pham Van Dong"], "birth_date": ["1950-02-02"]}), sink)
    owner = make_account(engine, "officer", unit="fugitives")
    run_id = start_run(client, owner, sink.getvalue(), "arrivals.parquet")
    assert wait_done(client, owner, run_id)["hits"] == 1


def test_batch_runs_api_refuses_bad_files_as_problems_and_opens_no_run(
    client: TestClient, engine: Engine, border_analyst: Account
) -> None:
    bad = {
        "list.xlsx": b"PK\x03\x04",
        "arrivals.csv": b"MZ\x90\x00\x03\x00",
        "arrivals.parquet": b"name\nA\n",
        "surnames.csv": b"record_id,surname\n1,Nguyen\n",
    }
    for filename, content in bad.items():
        posted = client.post("/api/v1/screening/runs", files={"file": (filename, content, "text/csv")},
                             headers=border_analyst.headers)  # fmt: skip
        assert posted.status_code == 422, filename
        assert posted.headers["content-type"] == "application/problem+json"
    missing = client.post("/api/v1/screening/runs", data={"x": "1"}, headers=border_analyst.headers)
    assert missing.status_code == 422 and missing.json()["errors"]
    threshold = client.post("/api/v1/screening/runs", files={"file": ("a.csv", b"name\nA\n", "text/csv")},
                            data={"threshold": "2"}, headers=border_analyst.headers)  # fmt: skip
    assert threshold.status_code == 422
    assert client.get("/api/v1/screening/runs", headers=border_analyst.headers).json()["total"] == 0


def test_batch_runs_api_refuses_a_file_over_the_upload_limit(engine: Engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from liaison.app import create_app
    from liaison.core.settings import get_settings

    settings = get_settings().model_copy(update={"home": tmp_path, "max_upload_bytes": 10_000})
    analyst = make_account(engine, "analyst")
    with TestClient(create_app(settings, engine), base_url="http://testserver") as client:
        content = b"name\n" + b"Nguyen Van An\n" * 2000
        posted = client.post("/api/v1/screening/runs", files={"file": ("big.csv", content, "text/csv")},
                             headers=analyst.headers)  # fmt: skip
        assert posted.status_code == 413 and posted.headers["content-type"] == "application/problem+json"
        assert client.get("/api/v1/screening/runs", headers=analyst.headers).json()["total"] == 0


def test_done_when_a_border_analyst_screening_a_file_through_the_api_gets_the_h3_subject_without_its_name(
    client: TestClient, subject_id: int, border_analyst: Account
) -> None:
    run_id = start_run(client, border_analyst, travellers_csv())
    assert wait_done(client, border_analyst, run_id)["hits"] == 1
    hits = client.get(f"/api/v1/screening/runs/{run_id}/hits", headers=border_analyst.headers)
    (row,) = hits_rows(hits.text)
    assert row["subject_id"] == str(subject_id) and float(row["score"]) >= 0.9  # it alerts
    assert (row["handling_code"], row["owning_unit"]) == ("H3", "fugitives")  # whom to call
    assert row["subject_name"] == row["subject_source_id"] == "[restricted]"
    assert_withheld(hits.text)  # nor its birth date, nor its document number


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)  # the gate, not the database, is the subject
def test_cli_hits_file_passes_the_gate_for_the_command_line_and_for_a_named_user(
    engine: Engine, tmp_path: Path
) -> None:
    subject_id = restricted_subject(engine)
    make_account(engine, "analyst", username="border-analyst", unit="border")
    make_account(engine, "analyst", username="fugitives-analyst", unit="fugitives")
    source = tmp_path / "arrivals.csv"
    source.write_bytes(travellers_csv())
    out = tmp_path / "hits.csv"
    env = {**os.environ, "LIAISON_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    command = [sys.executable, "-m", "liaison", "screen", str(source), "--out", str(out), "--workers", "1"]

    def hits_as(*user: str) -> dict[str, str]:
        done = subprocess.run([*command, *user], env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        (row,) = hits_rows(out.read_text(encoding="utf-8"))
        assert row["subject_id"] == str(subject_id) and row["record_name"] == "PHAM VAN DONG"
        return row

    for user in ((), ("--user", "border-analyst")):
        assert hits_as(*user)["subject_name"] == "[restricted]"
        assert_withheld(out.read_text(encoding="utf-8"))
    owner = hits_as("--user", "fugitives-analyst")
    assert owner["subject_name"] == RESTRICTED_NAME and owner["subject_source_id"] == "FUG-2024-0042"
    unknown = subprocess.run(
        [*command, "--user", "nobody"], env=env, capture_output=True, text=True, check=False
    )
    assert unknown.returncode == 1 and "nobody" in unknown.stderr
    with unit_of_work(engine) as session:
        events = session.execute(
            select(AuditEvent.actor, AuditEvent.detail).where(AuditEvent.action == "screen")
        ).all()
    assert sorted(actor for actor, _ in events) == sorted(["border-analyst", "cli", "fugitives-analyst"] * 2)
    outcomes = sorted(detail.split(":")[0] for _, detail in events)
    assert outcomes == ["done"] * 3 + ["started"] * 3 and "1 hits" in events[1][1]
