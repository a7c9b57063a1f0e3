"""The upload page (a file or pasted text), the review page with the evidence marked, confirmation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from liaison.app import create_app
from liaison.core.settings import get_settings
from tests.conftest import fresh_engine, make_account
from tests.ingest.test_contract import REPORT


@pytest.fixture
def officer_client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    engine = fresh_engine("sqlite", request, tmp_path_factory.mktemp("ingest-pages"))
    headers = make_account(engine, "officer").headers
    with TestClient(create_app(get_settings(), engine)) as client:
        yield client, headers
    engine.dispose()


@pytest.mark.parametrize("language", ["en", "vi"])
def test_pasted_text_becomes_a_draft_reviewed_beside_the_report_then_confirmed(
    officer_client: tuple[TestClient, dict[str, str]], language: str
) -> None:
    client, headers = officer_client
    client.cookies.set("liaison_lang", language)
    assert client.get("/ingest", headers=headers).status_code == 200
    posted = client.post(
        "/ingest", headers=headers, data={"text": REPORT, "published": "2024-08-21"}, follow_redirects=False
    )
    assert posted.status_code == 303, posted.text[:300]
    review = client.get(posted.headers["location"], headers=headers)
    assert review.status_code == 200
    assert '<mark title="official">Khamla Phommavong</mark>' in review.text
    assert '<mark title="place">Vientiane</mark>' in review.text
    draft_id = posted.headers["location"].rsplit("/", 1)[1]
    assert f'/engagements/{draft_id}"' not in client.get("/engagements", headers=headers).text
    again = client.post(
        "/ingest", headers=headers, data={"text": REPORT, "published": "2024-08-21"}, follow_redirects=False
    )
    assert again.headers["location"] == posted.headers["location"]
    confirmed = client.post(f"/ingest/drafts/{draft_id}/confirm", headers=headers, follow_redirects=False)
    assert confirmed.status_code == 303 and confirmed.headers["location"] == f"/engagements/{draft_id}"
    assert client.post(f"/ingest/drafts/{draft_id}/confirm", headers=headers).status_code == 409


def test_an_uploaded_file_without_a_meeting_shows_the_reason(
    officer_client: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = officer_client
    client.cookies.set("liaison_lang", "en")
    files = {
        "report": (
            "economy.txt",
            b"Exports rose 14 percent in December, the office said on Tuesday.",
            "text/plain",
        )
    }
    response = client.post("/ingest", headers=headers, files=files, data={"published": "2024-01-10"})
    assert response.status_code == 422 and "no meeting found" in response.text
