"""Request pages: the buttons shown are the transitions this user may make now; concurrent edits."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from liaison.core.errors import Conflict
from liaison.core.settings import get_settings
from liaison.requests import service
from liaison.requests.models import RequestDocument
from liaison.requests.schemas import RequestPatch
from tests.conftest import make_account
from tests.requests.factories import OFFICER, OTHER_OFFICER, PDF, agency, request_data


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


def _post_as_officer(
    client: TestClient, engine: Engine, path: str, data: dict[str, str], language: str
) -> tuple[int, str]:
    """A fresh draft request, a form of its page posted by an officer: the draft's id and the answer."""
    request_id = _draft(engine)
    officer = make_account(engine, "officer")
    response = client.post(
        path.format(request_id),
        headers={**officer.headers, "Accept-Language": language},
        data=data,
        follow_redirects=False,
    )
    assert response.status_code == 422, response.text
    return request_id, response.text


def test_an_over_long_reference_on_the_edit_form_is_a_page_with_the_error_not_a_500(
    client: TestClient, engine: Engine
) -> None:
    data = {"version": "1", "our_reference": "R" * 81, "facts": "Changed"}
    request_id, page = _post_as_officer(client, engine, "/requests/{}/edit", data, "en")
    assert "Our reference: Must be at most 80 characters long." in page
    with Session(engine) as session:
        stored = service.get_request(session, OFFICER, request_id)
        assert (stored.version, stored.facts) == (1, "Embezzlement of public funds, fled abroad in 2024.")


def test_choice_zero_on_the_legal_basis_form_is_a_page_with_the_error_not_a_500(
    client: TestClient, engine: Engine
) -> None:
    data = {"version": "1", "choice": "0", "reason": "Treaty"}
    request_id, page = _post_as_officer(client, engine, "/requests/{}/legal-basis", data, "vi")
    assert "Vui lòng sửa lại biểu mẫu" in page and "should be" not in page
    with Session(engine) as session:
        assert service.get_request(session, OFFICER, request_id).version == 1


def _draft_with_document(engine: Engine) -> tuple[int, int]:
    request_id = _draft(engine)
    with Session(engine) as session:
        document = service.attach_document(
            session, OFFICER, request_id, "arrest_warrant", "warrant.pdf", PDF,
            get_settings().documents_dir, 10**6,
        )  # fmt: skip
        session.commit()
        return request_id, document.id


def test_a_document_withdrawn_on_the_page_is_struck_out_with_who_when_and_why(
    client: TestClient, engine: Engine
) -> None:
    request_id, document_id = _draft_with_document(engine)
    officer = make_account(engine, "officer")
    page = client.get(f"/requests/{request_id}", headers=officer.headers).text
    assert f'action="/requests/{request_id}/documents/{document_id}/withdraw"' in page
    response = client.post(
        f"/requests/{request_id}/documents/{document_id}/withdraw",
        headers=officer.headers,
        data={"reason": "Warrant of another person"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get(f"/requests/{request_id}", headers={**officer.headers, "Accept-Language": "vi"}).text
    assert "<del><a" in page and "warrant.pdf" in page
    assert f"Đã rút bởi {officer.username} ngày" in page and "Warrant of another person" in page
    assert f"/documents/{document_id}/withdraw" not in page  # withdrawn once


def test_withdrawing_without_a_reason_is_a_page_with_the_error_and_nothing_withdrawn(
    client: TestClient, engine: Engine
) -> None:
    request_id, document_id = _draft_with_document(engine)
    officer = make_account(engine, "officer")
    response = client.post(
        f"/requests/{request_id}/documents/{document_id}/withdraw",
        headers={**officer.headers, "Accept-Language": "vi"},
        data={"reason": ""},
        follow_redirects=False,
    )
    assert response.status_code == 422
    assert "Vui lòng sửa lại biểu mẫu" in response.text
    with Session(engine) as session:
        assert session.get(RequestDocument, document_id).withdrawn_at is None  # type: ignore[union-attr]
