"""Every registry and engagements page renders with the demo data, in English and in Vietnamese."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from liaison.app import create_app
from liaison.core.settings import get_settings
from tests.conftest import make_account
from tests.registry.test_demo import load_demo

PAGES = [
    "/registry/partners",
    "/registry/partners/RU",
    "/registry/partners/SG",
    "/registry/partners/KZ",
    "/registry/partners/ASEAN",
    "/registry/agencies",
    "/registry/agencies/1",
    "/registry/officials",
    "/registry/officials/1",
    "/registry/mechanisms",
    "/registry/mechanisms/4",
    "/registry/agreements",
    "/registry/agreements/new",
    "/registry/agreements/1",
    "/registry/programmes",
    "/registry/programmes/1",
    "/registry/search?q=luong+tam+quang",
    "/engagements",
    "/engagements/new",
    "/engagements/1",
    "/engagements/commitments",
    "/engagements/commitments/1",
    "/engagements/citizen-protection",
]


@pytest.fixture
def demo_client(sqlite_engine: Engine) -> Iterator[tuple[TestClient, dict[str, str]]]:
    load_demo(sqlite_engine)
    headers = make_account(sqlite_engine, "officer").headers
    with TestClient(create_app(get_settings(), sqlite_engine)) as client:
        yield client, headers


@pytest.mark.parametrize("language", ["en", "vi"])
def test_every_page_renders(demo_client: tuple[TestClient, dict[str, str]], language: str) -> None:
    client, headers = demo_client
    client.cookies.set("liaison_lang", language)
    for path in PAGES:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.text[:500])
        assert f'<html lang="{language}">' in response.text
    vietnamese = client.get("/registry/partners/RU", headers=headers).text
    if language == "vi":
        assert "Cơ quan và quan chức" in vietnamese and "Đang xây dựng" in vietnamese


def test_page_form_errors_show_the_message_and_save_nothing(
    demo_client: tuple[TestClient, dict[str, str]],
) -> None:
    client, headers = demo_client
    response = client.post(
        "/registry/agreements",
        headers=headers,
        data={"title": "Lonely", "kind": "extradition", "party_countries": "VN"},
    )
    assert response.status_code == 422 and "two or more parties" in response.text
    assert "Lonely" not in client.get("/registry/agreements", headers=headers).text
    missing = client.post(
        "/engagements/999999/commitments", headers=headers, data={"text": "x", "kind": "agreed"}
    )
    assert missing.status_code == 404
