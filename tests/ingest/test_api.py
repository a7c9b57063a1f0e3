"""The review over JSON: items with suggestions, proposals with reasons, link, merge once, and
problem+json for bad input (nothing changed)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from liaison.core.db import unit_of_work
from tests.conftest import app_on, fresh_engine, make_account
from tests.registry import factories

HERE = Path(__file__).resolve().parent


def test_review_link_and_merge_over_json(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    engine = fresh_engine("sqlite", request, tmp_path)
    headers = make_account(engine, "officer").headers
    with unit_of_work(engine) as session:
        vn = factories.agency(session, "Bộ Công an", country="VN")
        quang_id = factories.official(session, "Lương Tam Quang", agency_id=vn.id).id
    with TestClient(app_on(engine)) as client:
        client.cookies.set("liaison_lang", "en")

        def ingest(name: str, published: str) -> int:
            text = (HERE / name).read_text()
            posted = client.post(
                "/ingest",
                headers=headers,
                data={"text": text, "published": published},
                follow_redirects=False,
            )
            return int(posted.headers["location"].rsplit("/", 1)[1])

        first = ingest("first_outlet_sg_2024.txt", "2024-10-09")
        body = client.get(f"/api/v1/ingest/drafts/{first}", headers=headers).json()
        [quang] = [i for i in body["items"] if i["name"] == "Luong Tam Quang"]
        assert quang["suggestions"][0]["record_id"] == quang_id
        assert quang["suggestions"][0]["reasons"][0] == "The same name, titles and diacritics aside."
        linked = client.post(
            f"/api/v1/ingest/drafts/{first}/items/{quang['id']}/link",
            headers=headers,
            json={"record_id": quang_id},
        )
        assert linked.status_code == 200 and linked.json()["decision"] == "linked"
        assert client.post(f"/api/v1/ingest/drafts/{first}/confirm", headers=headers).status_code == 200

        second = ingest("second_outlet_sg_2024.txt", "2024-10-10")
        review = client.get(f"/api/v1/ingest/drafts/{second}", headers=headers).json()
        assert [p["engagement_id"] for p in review["proposals"]] == [first]
        assert "Held on the same day." in review["proposals"][0]["reasons"]
        for payload, status in (({"engagement_id": 999999}, 404), ({"engagement": first}, 422), ({}, 422)):
            refused = client.post(f"/api/v1/ingest/drafts/{second}/merge", headers=headers, json=payload)
            assert (
                refused.status_code == status
                and refused.headers["content-type"] == "application/problem+json"
            )
        assert client.get(f"/api/v1/ingest/drafts/{second}", headers=headers).json()["status"] == "draft"
        merged = client.post(
            f"/api/v1/ingest/drafts/{second}/merge", headers=headers, json={"engagement_id": first}
        )
        again = client.post(
            f"/api/v1/ingest/drafts/{second}/merge", headers=headers, json={"engagement_id": first}
        )
        assert merged.status_code == again.status_code == 200 and merged.json() == again.json()
        assert len(merged.json()["sources"]) == 2
        officials = [p["official_id"] for p in merged.json()["participants"]]
        assert officials.count(quang_id) == 1
        assert client.get(f"/api/v1/ingest/drafts/{second}", headers=headers).json()["merged_into"] == first
    engine.dispose()


@contextmanager
def officer_on_a_draft(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[TestClient, dict[str, str], int]]:
    """An officer's client and the draft the first outlet's Singapore report became."""
    engine = fresh_engine("sqlite", request, tmp_path)
    headers = make_account(engine, "officer").headers
    with TestClient(app_on(engine)) as client:
        client.cookies.set("liaison_lang", "en")
        posted = client.post(
            "/ingest",
            headers=headers,
            data={"text": (HERE / "first_outlet_sg_2024.txt").read_text(), "published": "2024-10-09"},
            follow_redirects=False,
        )
        yield client, headers, int(posted.headers["location"].rsplit("/", 1)[1])
    engine.dispose()


def test_draft_commitments_are_edited_and_removed_over_json(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with officer_on_a_draft(request, tmp_path) as (client, headers, draft):
        listed = client.get(f"/api/v1/engagements/{draft}", headers=headers).json()["commitment_ids"]
        first, second = listed[:2]
        path = f"/api/v1/ingest/drafts/{draft}/commitments"
        for payload, status in (
            ({"text": ""}, 422),
            ({"due_date": "soon"}, 422),
            ({"owner_agency_id": 999999}, 422),
            ({"kind": "hoped"}, 422),
        ):
            refused = client.patch(f"{path}/{first}", headers=headers, json=payload)
            assert refused.status_code == status, (payload, refused.text)
            assert refused.headers["content-type"] == "application/problem+json"
        assert client.patch(f"{path}/999999", headers=headers, json={"text": "x"}).status_code == 404
        edited = client.patch(
            f"{path}/{first}", headers=headers, json={"text": "Sign the MoU.", "due_date": "2025-03-31"}
        )
        assert edited.status_code == 200, edited.text
        assert (edited.json()["text"], edited.json()["due_date"]) == ("Sign the MoU.", "2025-03-31")
        assert client.delete(f"{path}/{second}", headers=headers).status_code == 204
        gone = client.delete(f"{path}/{second}", headers=headers)
        assert gone.status_code == 404 and gone.headers["content-type"] == "application/problem+json"
        left = client.get(f"/api/v1/engagements/{draft}", headers=headers).json()["commitment_ids"]
        assert second not in left and first in left
        client.post(f"/api/v1/ingest/drafts/{draft}/confirm", headers=headers)
        assert client.delete(f"{path}/{first}", headers=headers).status_code == 409


def test_an_agreement_named_is_created_over_json_and_bad_input_is_refused(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with officer_on_a_draft(request, tmp_path) as (client, headers, draft):
        items = client.get(f"/api/v1/ingest/drafts/{draft}", headers=headers).json()["items"]
        agreement = next(i for i in items if i["kind"] == "agreement")
        assert agreement["suggestions"] == []  # the registry holds no agreement with Singapore
        path = f"/api/v1/ingest/drafts/{draft}/items/{agreement['id']}/agreement"
        for payload in ({"title": "", "kind": "extradition"}, {"title": "X", "kind": "friendship"}, {}):
            refused = client.post(path, headers=headers, json=payload)
            assert (
                refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
            )
        created = client.post(
            path, headers=headers, json={"title": "Agreement on extradition", "kind": "extradition"}
        )
        assert created.status_code == 201 and created.json()["decision"] == "created", created.text
        record = client.get(f"/api/v1/agreements/{created.json()['record_id']}", headers=headers).json()
        assert {p["country_code"] for p in record["parties"]} == {"VN", "SG"}
        assert (
            client.post(path, headers=headers, json={"title": "Again", "kind": "extradition"}).status_code
            == 409
        )
