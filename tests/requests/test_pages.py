"""Request pages: the buttons shown are the transitions this user may make now; concurrent edits."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from liaison.core.errors import Conflict
from liaison.requests import service
from liaison.requests.schemas import RequestPatch
from tests.conftest import make_account
from tests.requests.factories import OFFICER, OTHER_OFFICER, agency, request_data


def _draft(engine: Engine) -> int:
    with Session(engine) as session:
        vn = agency(session, "Ministry of Public Security", "VN", "interior")
        kz = agency(session, "Anti-Corruption Agency of Kazakhstan", "KZ", "anti_corruption")
        request = service.create_request(session, OFFICER, request_data(vn, kz))
        session.commit()
        return request.id


def test_page_shows_only_the_transitions_the_user_may_make(client: TestClient, engine: Engine) -> None:
    request_id = _draft(engine)
    officer = make_account(engine, "officer")
    supervisor = make_account(engine, "supervisor")
    analyst = make_account(engine, "analyst")
    officer_page = client.get(f"/requests/{request_id}", headers=officer.headers).text
    supervisor_page = client.get(f"/requests/{request_id}", headers=supervisor.headers).text
    analyst_page = client.get(f"/requests/{request_id}", headers=analyst.headers).text
    assert "Submit to partner" in officer_page and ">Withdraw<" not in officer_page
    assert "Submit to partner" in supervisor_page and ">Withdraw<" in supervisor_page
    assert "Submit to partner" not in analyst_page and "No transition is open to you" in analyst_page


def test_creation_form_lists_the_kinds_required_documents(client: TestClient, engine: Engine) -> None:
    officer = make_account(engine, "officer")
    page = client.get(
        "/requests/new?kind=transfer_of_sentenced_persons&direction=outgoing", headers=officer.headers
    )
    assert page.status_code == 200
    assert "Written consent of the sentenced person" in page.text


def test_concurrent_edit_of_the_same_version_is_refused_by_the_database(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE), so two writers never hold the same version")
    request_id = _draft(engine)
    with Session(engine) as first, Session(engine) as second:
        mine = service.get_request(first, OFFICER, request_id)
        theirs = service.get_request(second, OTHER_OFFICER, request_id)
        assert mine.version == theirs.version == 1
        service.update_request(first, OFFICER, request_id, RequestPatch(version=1, facts="First"))
        first.commit()
        with pytest.raises(Conflict):
            service.update_request(second, OTHER_OFFICER, request_id, RequestPatch(version=1, facts="Second"))
        second.rollback()
    with Session(engine) as check:
        assert service.get_request(check, OFFICER, request_id).facts == "First"
