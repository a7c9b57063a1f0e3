"""STIX 2.1 export and import of persons sought, notices, confirmed hits and free notes, on SQLite
and PostgreSQL: the bundle parses with `stix2`, passes the gate, round-trips, and a bad bundle
changes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import stix2
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from liaison.core.audit import AuditEvent
from liaison.core.db import unit_of_work
from liaison.core.errors import Invalid, NotFound
from liaison.exchange import stix
from liaison.subjects.models import Notice, Subject
from tests.conftest import Account, app_on, csrf_token, make_account, sign_in_pages
from tests.subjects.factories import actor

UNIT = "fugitives"
PERSON = {
    "names": [{"full_name": "Trần Văn Bình"}, {"full_name": "陈文平", "kind": "native", "language": "zh"}],
    "birth_dates": ["1975-06"],
    "nationalities": ["VN"],
    "documents": [{"kind": "passport", "number": "B7654321", "country": "VN"}],
    "charges": [{"crime_area": "money_laundering", "description": "laundering through shell firms"}],
    "notices": [{"kind": "arrest", "issuer": "INTERPOL", "reference": "2024/1234", "reason": "red notice"}],
    "handling_code": "H2",
}
SUPERVISOR = actor("supervisor", UNIT, "sup.fugitives")
OUTSIDER = actor("supervisor", "border", "sup.border")


@pytest.fixture
def api(engine: Engine) -> Iterator[TestClient]:
    with TestClient(app_on(engine), base_url="http://testserver") as client:
        yield client


def add_person(api: TestClient, who: Account, body: dict[str, object]) -> int:
    response = api.post("/api/v1/subjects", json=body, headers=who.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def confirm_hit(api: TestClient, who: Account, name: str, born: str) -> int:
    found = api.post("/api/v1/screen", json={"name": name, "birth_date": born}, headers=who.headers)
    (hit,) = found.json()["results"][0]["hits"]
    decided = api.post(f"/api/v1/screening/hits/{hit['hit_id']}/decision", json={"decision": "confirm"},
                       headers=who.headers)  # fmt: skip
    assert decided.status_code == 200, decided.text
    return int(hit["hit_id"])


def by_type(bundle: dict[str, object], kind: str) -> list[dict[str, object]]:
    return [o for o in bundle["objects"] if o["type"] == kind]  # type: ignore[attr-defined]


def test_export_is_a_valid_stix_bundle_with_persons_notices_sightings_and_tlp(
    api: TestClient, engine: Engine
) -> None:
    owner = make_account(engine, "supervisor", "sup.fugitives", unit=UNIT)
    subject_id = add_person(api, owner, PERSON)
    confirm_hit(api, owner, "Tran Van Binh", "1975-06-02")
    note = stix.FreeNote(
        content="Shell firms registered in Almaty.", abstract="Financial lead", handling_code="H1"
    )
    with unit_of_work(engine) as session:
        result = stix.export_bundle(session, SUPERVISOR, stix.ExportChoice(notes=(note,)))
    bundle = result.bundle
    parsed = stix2.parse(json.dumps(bundle), allow_custom=True, version="2.1")
    assert isinstance(parsed, stix2.Bundle)
    (person,) = [o for o in by_type(bundle, "identity") if o["identity_class"] == "individual"]
    assert person["name"] == "Trần Văn Bình" and person["x_liaison_handling_code"] == "H2"
    assert person["object_marking_refs"] == [stix2.TLP_AMBER.id]
    assert {n["full_name"] for n in person["x_liaison_names"]} == {"Trần Văn Bình", "陈文平"}  # type: ignore[attr-defined]
    notes = by_type(bundle, "note")
    assert any(
        n.get("x_liaison_notice_kind") == "arrest" and n["object_refs"] == [person["id"]] for n in notes
    )
    assert any(n.get("abstract") == "Financial lead" for n in notes)
    (sighting,) = by_type(bundle, "sighting")
    assert sighting["sighting_of_ref"] == person["id"]
    assert {m["id"] for m in by_type(bundle, "marking-definition")} == {
        stix2.TLP_WHITE.id, stix2.TLP_GREEN.id, stix2.TLP_AMBER.id}  # fmt: skip
    assert result.counts == {"persons": 1, "notices": 1, "sightings": 1, "notes": 1}
    with unit_of_work(engine) as session:
        subject = session.get(Subject, subject_id)
        assert subject is not None and person["id"] == stix.subject_stix_id(subject)
    with unit_of_work(engine) as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "stix_bundle")).one()
        assert event.action == "read" and event.handling_code == "H2" and event.actor == "sup.fugitives"


def test_export_leaves_out_what_the_gate_hides(api: TestClient, engine: Engine) -> None:
    owner = make_account(engine, "supervisor", "sup.fugitives", unit=UNIT)
    hidden = add_person(api, owner, {**PERSON, "handling_code": "H3"})
    with unit_of_work(engine) as session:
        result = stix.export_bundle(session, OUTSIDER)
        assert result.counts["persons"] == 0 and "Bình" not in json.dumps(result.bundle, ensure_ascii=False)
        with pytest.raises(NotFound):
            stix.export_bundle(session, OUTSIDER, stix.ExportChoice(subject_ids=(hidden,)))


def test_a_bundle_round_trips_into_another_node_and_reimport_updates(api: TestClient, engine: Engine) -> None:
    owner = make_account(engine, "supervisor", "sup.fugitives", unit=UNIT)
    subject_id = add_person(api, owner, PERSON)
    with unit_of_work(engine) as session:
        text = json.dumps(stix.export_bundle(session, SUPERVISOR).bundle)
        session.delete(session.get(Subject, subject_id))  # as if the bundle reached another node
    importer = actor("supervisor", "intake", "sup.intake")
    with unit_of_work(engine) as session:
        report = stix.import_bundle(session, importer, text)
    assert (report.created, report.updated, report.notices) == (1, 0, 1)
    assert report.skipped == {"identity (organisation)": 1}
    with unit_of_work(engine) as session:
        (subject,) = session.scalars(select(Subject)).all()
        assert subject.primary_name == "Trần Văn Bình" and subject.handling_code == "H2"
        assert subject.owning_unit == "intake" and subject.source == "stix"
        assert [n.full_name for n in subject.names] == ["Trần Văn Bình", "陈文平"]
        assert [(n.kind, n.reference) for n in subject.notices] == [("arrest", "2024/1234")]
        again = stix.import_bundle(session, importer, text)
        assert (again.created, again.updated) == (0, 1)
        assert session.scalar(select(func.count()).select_from(Notice)) == 1
        # exported again, the person keeps the STIX id it came with
        exported = stix.export_bundle(session, importer).bundle
        assert any(o["id"] == subject.source_id for o in exported["objects"])


def test_tlp_red_makes_an_imported_person_h3_whatever_the_floor(engine: Engine) -> None:
    person = stix2.Identity(
        name="Lê Thị Hoa", identity_class="individual", object_marking_refs=[stix2.TLP_RED]
    )
    bundle = stix2.Bundle(person, stix2.TLP_RED)
    with unit_of_work(engine) as session:
        report = stix.import_bundle(session, SUPERVISOR, bundle.serialize(), handling_code="H0")
        assert report.created == 1 and report.handling_code == "H3"
        assert session.scalars(select(Subject)).one().handling_code == "H3"


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        '{"type": "indicator"}',
        '{"type": "bundle", "id": "bundle--0", "objects": [{"type": "identity"}]}',
        json.dumps(
            {
                "type": "bundle",
                "id": "bundle--6f2a5a8e-9f4d-4a57-9a0e-2b9b1d3c4e5f",
                "objects": [
                    {
                        "type": "identity",
                        "spec_version": "2.1",
                        "id": "identity--6f2a5a8e-9f4d-4a57-9a0e-2b9b1d3c4e50",
                        "created": "2024-01-01T00:00:00Z",
                        "modified": "2024-01-01T00:00:00Z",
                        "name": "A",
                        "identity_class": "individual",
                    },
                    {
                        "type": "identity",
                        "spec_version": "2.1",
                        "id": "identity--6f2a5a8e-9f4d-4a57-9a0e-2b9b1d3c4e51",
                        "created": "2024-01-01T00:00:00Z",
                        "modified": "2024-01-01T00:00:00Z",
                        "name": "B",
                        "identity_class": "individual",
                        "x_liaison_birth_dates": ["not a date"],
                    },
                ],
            }
        ),
    ],
    ids=["not-json", "not-a-bundle", "invalid-object", "one-bad-person"],
)
def test_a_bad_bundle_is_refused_with_a_reason_and_changes_nothing(engine: Engine, text: str) -> None:
    with pytest.raises(Invalid) as refused, unit_of_work(engine) as session:
        stix.import_bundle(session, SUPERVISOR, text)
    assert refused.value.render("en").startswith("The STIX bundle is not valid")
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(Subject)) == 0
        assert session.scalars(select(AuditEvent).where(AuditEvent.object_type == "stix_bundle")).all() == []


def test_import_over_a_person_this_user_may_not_read_answers_as_missing(engine: Engine) -> None:
    person = stix2.Identity(name="Lê Thị Hoa", identity_class="individual", x_liaison_handling_code="H3",
                            allow_custom=True)  # fmt: skip
    text = stix2.Bundle(person, allow_custom=True).serialize()
    with unit_of_work(engine) as session:
        stix.import_bundle(session, SUPERVISOR, text)
    with pytest.raises(NotFound), unit_of_work(engine) as session:
        stix.import_bundle(session, OUTSIDER, text)


def test_api_exports_a_bundle_and_refuses_a_bad_one_as_problem_json(api: TestClient, engine: Engine) -> None:
    owner = make_account(engine, "supervisor", "sup.fugitives", unit=UNIT)
    add_person(api, owner, PERSON)
    exported = api.get("/api/v1/exchange/stix/export", headers=owner.headers)
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("application/stix+json")
    assert isinstance(stix2.parse(exported.text, allow_custom=True, version="2.1"), stix2.Bundle)
    with_note = api.post("/api/v1/exchange/stix/export", json={"notes": [{"content": "Seen in Almaty."}]},
                         headers=owner.headers)  # fmt: skip
    assert with_note.status_code == 200 and "Seen in Almaty." in with_note.text
    bad = api.post("/api/v1/exchange/stix/import", files={"file": ("b.json", b'{"type": "bundle"}')},
                   headers=owner.headers)  # fmt: skip
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert "The STIX bundle is not valid" in bad.json()["detail"]
    officer = make_account(engine, "officer", unit=UNIT)
    assert api.get("/api/v1/exchange/stix/export", headers=officer.headers).status_code == 403


def test_export_page_refuses_a_wrong_note_handling_code_even_without_a_note(
    api: TestClient, engine: Engine
) -> None:
    owner = make_account(engine, "supervisor", "sup.fugitives", unit=UNIT)
    sign_in_pages(api, owner, "/exchange/stix")
    form = {
        "csrf_token": csrf_token(api, "/exchange/stix"),
        "subject_ids": "",
        "note": "",
        "note_handling_code": "H9",
    }
    refused = api.post("/exchange/stix/export", data=form)
    assert refused.status_code == 422 and refused.headers["content-type"].startswith("text/html")
    assert "Note handling code" in refused.text


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)  # the command line is the subject here
def test_cli_exports_and_imports_as_a_named_user(api: TestClient, engine: Engine, tmp_path: Path) -> None:
    owner = make_account(engine, "supervisor", "sup.fugitives", unit=UNIT)
    add_person(api, owner, {k: v for k, v in PERSON.items() if k != "documents"})  # imported beside it
    bundle = tmp_path / "bundle.json"
    env = {**os.environ, "LIAISON_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    liaison = [sys.executable, "-m", "liaison"]
    exported = subprocess.run([*liaison, "exchange", "stix", "export", "--user", "sup.fugitives", "--out",
                               str(bundle)], env=env, capture_output=True, text=True)  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    assert "1 persons, 1 notices" in exported.stdout
    broken = tmp_path / "broken.json"
    broken.write_text('{"type": "bundle", "id": "bundle--x", "objects": [{"type": "identity"}]}')
    refused = subprocess.run([*liaison, "exchange", "stix", "import", str(broken), "--user", "sup.fugitives"],
                             env=env, capture_output=True, text=True)  # fmt: skip
    assert refused.returncode != 0 and "The STIX bundle is not valid" in refused.stdout + refused.stderr
    command = [*liaison, "exchange", "stix", "import", str(bundle), "--user", "sup.fugitives"]
    imported = subprocess.run(command, env=env, capture_output=True, text=True)
    assert imported.returncode == 0, imported.stderr
    assert "0 created, 0 updated" not in imported.stdout and "created" in imported.stdout
