"""The upload page (a file or pasted text), the review page with the evidence marked, confirmation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from liaison.core.db import unit_of_work
from liaison.core.models import AuditEvent
from liaison.engagements.models import Engagement
from liaison.registry import demo as registry_demo
from liaison.registry.models import Mechanism
from tests.conftest import app_on, fresh_engine, make_account
from tests.ingest.test_contract import REPORT


@pytest.fixture
def officer_client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    engine = fresh_engine("sqlite", request, tmp_path_factory.mktemp("ingest-pages"))
    headers = make_account(engine, "officer").headers
    with TestClient(app_on(engine)) as client:
        yield client, headers
    engine.dispose()


def pasted(client: TestClient, headers: dict[str, str], text: str, published: str) -> tuple[str, str]:
    """The review page's address and text for a pasted report."""
    draft = client.post(
        "/ingest", headers=headers, data={"text": text, "published": published}, follow_redirects=False
    ).headers["location"]
    return draft, client.get(draft, headers=headers).text


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


def test_the_review_page_links_refuses_bad_input_readably_and_merges(
    officer_client: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = officer_client
    client.cookies.set("liaison_lang", "vi")
    here = Path(__file__).resolve().parent
    first = client.post(
        "/ingest",
        headers=headers,
        data={"text": (here / "first_outlet_sg_2024.txt").read_text(), "published": "2024-10-09"},
        follow_redirects=False,
    ).headers["location"]
    first_id = int(first.rsplit("/", 1)[1])
    page = client.get(first, headers=headers).text
    assert (
        "Những người và cơ quan bản tin nêu tên" in page
        and "Danh bạ không có hồ sơ nào mang tên này." in page
    )
    item_id = re.search(r'/items/(\d+)/official"', page).group(1)  # type: ignore[union-attr]
    bad = client.post(f"{first}/items/{item_id}/link", headers=headers, data={"record_id": "x"})
    assert bad.status_code == 422 and 'role="alert"' in bad.text
    missing = client.post(f"{first}/items/{item_id}/link", headers=headers, data={"record_id": "999999"})
    assert missing.status_code in (404, 422) and 'role="alert"' in missing.text
    created = client.post(
        f"{first}/items/{item_id}/official",
        headers=headers,
        data={"name": "Luong Tam Quang", "title": "Minister of Public Security"},
        follow_redirects=False,
    )
    assert created.status_code == 303
    assert client.post(f"{first}/confirm", headers=headers, follow_redirects=False).status_code == 303

    second = client.post(
        "/ingest",
        headers=headers,
        data={"text": (here / "second_outlet_sg_2024.txt").read_text(), "published": "2024-10-10"},
        follow_redirects=False,
    ).headers["location"]
    review = client.get(second, headers=headers).text
    assert f'data-testid="proposal-{first_id}"' in review and "Diễn ra cùng ngày." in review
    wrong = client.post(f"{second}/merge", headers=headers, data={"engagement_id": "999999"})
    assert wrong.status_code == 404 and 'role="alert"' in wrong.text
    merged = client.post(
        f"{second}/merge", headers=headers, data={"engagement_id": str(first_id)}, follow_redirects=False
    )
    assert merged.headers["location"] == f"/engagements/{first_id}"
    again = client.post(
        f"{second}/merge", headers=headers, data={"engagement_id": str(first_id)}, follow_redirects=False
    )
    assert again.headers["location"] == f"/engagements/{first_id}"
    # the draft's engagement is gone; its review page sends to the engagement it became a source of
    gone = client.get(second, headers=headers, follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"] == f"/engagements/{first_id}"
    assert client.get(f"/engagements/{second.rsplit('/', 1)[1]}", headers=headers).status_code == 404


def test_an_analyst_reads_the_review_but_may_not_settle_or_merge(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    engine = fresh_engine("sqlite", request, tmp_path_factory.mktemp("ingest-policy"))
    officer, analyst = make_account(engine, "officer").headers, make_account(engine, "analyst").headers
    with TestClient(app_on(engine)) as client:
        client.cookies.set("liaison_lang", "en")
        draft, page = pasted(client, officer, REPORT, "2024-08-21")
        item_id = re.search(r'/items/(\d+)/dismiss"', page).group(1)  # type: ignore[union-attr]
        seen = client.get(draft, headers=analyst)
        assert (
            seen.status_code == 200 and "/dismiss" not in seen.text and "Confirm the draft" not in seen.text
        )
        for path, data in (
            (f"{draft}/items/{item_id}/dismiss", {}),
            (f"{draft}/merge", {"engagement_id": "1"}),
            (f"{draft}/confirm", {}),
            (draft, {"title": "Changed"}),
        ):
            assert client.post(path, headers=analyst, data=data).status_code == 403, path
        assert "Not settled yet." in client.get(draft, headers=officer).text
    engine.dispose()


def test_the_officer_edits_and_removes_commitments_on_the_review_page(
    officer_client: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = officer_client
    client.cookies.set("liaison_lang", "en")
    draft = client.post(
        "/ingest", headers=headers, data={"text": REPORT, "published": "2024-08-21"}, follow_redirects=False
    ).headers["location"]
    page = client.get(draft, headers=headers).text
    first, second = re.findall(r'data-testid="commitment-(\d+)"', page)[:2]
    edit = f"{draft}/commitments/{first}"
    for data, message in (
        ({"text": "", "kind": "agreed"}, 'role="alert"'),
        ({"text": "Share data.", "kind": "agreed", "due_date": "31/12/2025"}, 'role="alert"'),
        ({"text": "Share data.", "kind": "agreed", "owner_agency_id": "999999"}, 'role="alert"'),
    ):
        refused = client.post(edit, headers=headers, data=data)
        assert refused.status_code == 422 and message in refused.text, data
    assert "Share data." not in client.get(draft, headers=headers).text
    saved = client.post(
        edit,
        headers=headers,
        data={"text": "Share data on traffickers.", "kind": "pledged", "due_date": "2025-12-31"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    removed = client.post(f"{draft}/commitments/{second}/remove", headers=headers, follow_redirects=False)
    assert removed.status_code == 303
    page = client.get(draft, headers=headers).text
    assert "Share data on traffickers." in page and 'value="2025-12-31"' in page
    assert f'data-testid="commitment-{second}"' not in page
    assert client.post(f"{draft}/commitments/{second}/remove", headers=headers).status_code == 404


def test_the_review_marks_countries_and_mechanisms_and_the_officer_sets_the_mechanism(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    engine = fresh_engine("sqlite", request, tmp_path_factory.mktemp("ingest-mechanism"))
    with unit_of_work(engine) as session:
        registry_demo.load(session, "demo")
        mechanism_ids = {str(ref): i for ref, i in session.execute(select(Mechanism.ref, Mechanism.id))}
    headers = make_account(engine, "officer").headers
    report = (Path(__file__).resolve().parent / "first_outlet_sg_2024.txt").read_text()
    report += "\nQuang proposed that the two ministries cooperate within the framework of the SOMTC.\n"
    with TestClient(app_on(engine)) as client:
        client.cookies.set("liaison_lang", "en")
        draft, page = pasted(client, headers, report, "2024-10-09")
        assert '<mark title="country: SG">Singapore</mark>' in page
        assert '<mark title="mechanism">the 12th annual meeting</mark>' in page
        # a mechanism named inside a commitment is marked within the commitment's mark
        assert re.search(
            r'<mark title="commitment: proposed">[^<]*<mark title="mechanism">SOMTC</mark>', page
        )
        annual = mechanism_ids["vn-sg-annual-meeting"]
        assert f'<option value="{annual}" selected>' in page and 'name="ordinal"' in page
        assert 'value="12"' in page

        form = {"title": "Talks", "kind": "talks", "held_on": "2024-10-09", "country": "SG"}
        for bad in ("x", "999999"):
            refused = client.post(draft, headers=headers, data={**form, "mechanism_id": bad, "ordinal": "12"})
            assert refused.status_code == 422 and 'role="alert"' in refused.text
        refused = client.post(
            draft, headers=headers, data={**form, "mechanism_id": str(annual), "ordinal": "0"}
        )
        assert refused.status_code == 422 and 'role="alert"' in refused.text
        with unit_of_work(engine) as session:
            engagement = session.get_one(Engagement, int(draft.rsplit("/", 1)[1]))
            assert (engagement.mechanism_id, engagement.ordinal) == (annual, 12)
        somtc = mechanism_ids["somtc"]
        changed = client.post(
            draft,
            headers=headers,
            data={**form, "mechanism_id": str(somtc), "ordinal": ""},
            follow_redirects=False,
        )
        assert changed.status_code == 303
        assert f'<option value="{somtc}" selected>' in client.get(draft, headers=headers).text
        cleared = client.post(
            draft, headers=headers, data={**form, "mechanism_id": ""}, follow_redirects=False
        )
        assert cleared.status_code == 303
        with unit_of_work(engine) as session:
            engagement = session.get_one(Engagement, int(draft.rsplit("/", 1)[1]))
            assert (engagement.mechanism_id, engagement.ordinal) == (None, None)
            assert session.scalars(
                select(AuditEvent).where(
                    AuditEvent.object_type == "engagement",
                    AuditEvent.object_id == str(engagement.id),
                    AuditEvent.action == "update",
                )
            ).all()
    engine.dispose()
