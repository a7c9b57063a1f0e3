"""Texts in two languages: an engagement's, an agreement's and a programme's title and summary, a
request's title, a commitment's and an action item's text written in one language, with their
versions in the other; each page shows the reader's language, the record's own when no version
was given; a translation in the record's own language, of a field that has none or of a text not
given is refused and nothing is written; the search box finds either version. Both backends."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from liaison.core import bilingual, i18n
from liaison.core.db import unit_of_work
from liaison.engagements.models import Engagement
from liaison.registry.models import Agreement, Programme
from liaison.requests.models import CooperationRequest
from tests.conftest import Account, csrf_token, make_account, sign_in_pages
from tests.requests.factories import agency

VI_TITLE = "Hội đàm với Bộ Nội vụ Liên bang Nga"
EN_TITLE = "Talks with the Russian Ministry of Internal Affairs"


@pytest.fixture
def officer(engine: Engine) -> Account:
    return make_account(engine, "officer")


def heading(client: TestClient, path: str, language: str) -> str:
    client.cookies.set("liaison_lang", language)
    match = re.search(r"<h1>(.*?)</h1>", client.get(path).text, re.S)
    assert match is not None
    return unescape(match.group(1)).strip()


def test_a_record_reads_in_the_readers_language_and_falls_back_to_its_own(
    client: TestClient, officer: Account
) -> None:
    created = client.post(
        "/api/v1/engagements",
        headers=officer.headers,
        json={
            "kind": "talks",
            "title": VI_TITLE,
            "summary": "Hai bên thống nhất trao đổi thông tin.",
            "held_on": "2025-03-04",
            "country": "RU",
            "language": "vi",
            "translations": {
                "en": {"title": EN_TITLE, "summary": "Both sides agreed to exchange information."}
            },
        },
    )
    assert created.status_code == 201, created.text
    engagement = created.json()
    assert engagement["language"] == "vi" and engagement["translations"]["en"]["title"] == EN_TITLE
    commitment = client.post(
        "/api/v1/commitments",
        headers=officer.headers,
        json={
            "engagement_id": engagement["id"],
            "kind": "agreed",
            "text": "Exchange information on fugitives",
            "translations": {"vi": {"text": "Trao đổi thông tin về đối tượng truy nã"}},
        },
    ).json()
    assert commitment["language"] == "en"
    untranslated = client.post(
        "/api/v1/commitments",
        headers=officer.headers,
        json={"engagement_id": engagement["id"], "kind": "agreed", "text": "Meet again in Moscow"},
    ).json()

    sign_in_pages(client, officer)
    path = f"/engagements/{engagement['id']}"
    assert heading(client, path, "en") == EN_TITLE
    assert heading(client, path, "vi") == VI_TITLE
    client.cookies.set("liaison_lang", "en")
    assert "Both sides agreed to exchange information." in client.get(path).text
    assert (
        "Trao đổi thông tin về đối tượng truy nã" not in client.get("/engagements/commitments?status=").text
    )
    client.cookies.set("liaison_lang", "vi")
    listed = client.get("/engagements/commitments?status=").text
    assert (
        "Trao đổi thông tin về đối tượng truy nã" in listed and "Meet again in Moscow" in listed
    )  # fallback
    assert heading(client, f"/engagements/commitments/{commitment['id']}", "vi") != ""
    assert untranslated["translations"] == {}
    # the one search box finds the engagement by either version of its title
    for words in ("Russian Ministry of Internal Affairs", "Bộ Nội vụ Liên bang Nga"):
        found = client.get("/api/v1/search", params={"q": words}, headers=officer.headers).json()
        assert any(hit.get("id") == engagement["id"] for hit in found if hit.get("entity") == "engagement"), (
            found
        )


def test_the_edit_form_takes_the_other_language(client: TestClient, engine: Engine, officer: Account) -> None:
    engagement = client.post(
        "/api/v1/engagements",
        headers=officer.headers,
        json={"kind": "talks", "title": EN_TITLE, "held_on": "2025-03-04"},
    ).json()
    sign_in_pages(client, officer)
    path = f"/engagements/{engagement['id']}"
    form = {
        "csrf_token": csrf_token(client, path),
        "title": EN_TITLE,
        "held_on": "2025-03-04",
        "language": "en",
        "translation_title": VI_TITLE,
        "translation_summary": "",
    }
    assert client.post(path, data=form, follow_redirects=False).status_code == 303
    with unit_of_work(engine) as session:
        stored = session.get(Engagement, engagement["id"])
        assert stored is not None and stored.translations == {"vi": {"title": VI_TITLE}}
    assert heading(client, path, "vi") == VI_TITLE
    page = client.get(path).text
    assert f'name="translation_title" maxlength="300" value="{VI_TITLE}"' in page


def test_an_action_item_reads_in_the_readers_language(
    client: TestClient, officer: Account, engine: Engine
) -> None:
    admin = make_account(engine, "admin")
    programme = client.post(
        "/api/v1/programmes",
        headers=admin.headers,
        json={"title": "Plan 2025–2027", "start_year": 2025, "end_year": 2027},
    ).json()
    item = client.post(
        f"/api/v1/programmes/{programme['id']}/action-items",
        headers=admin.headers,
        json={"text": "Đào tạo chung", "language": "vi", "translations": {"en": {"text": "Joint training"}}},
    )
    assert item.status_code == 201, item.text
    sign_in_pages(client, officer)
    path = f"/registry/programmes/{programme['id']}"
    client.cookies.set("liaison_lang", "en")
    assert "<tr><td>Joint training</td>" in client.get(path).text
    client.cookies.set("liaison_lang", "vi")
    assert "<tr><td>Đào tạo chung</td>" in client.get(path).text
    form = {
        "csrf_token": csrf_token(client, path),
        "text": "Đào tạo chung",
        "language": "vi",
        "translation_text": "Joint training of investigators",
    }
    updated = client.post(f"/registry/action-items/{item.json()['id']}", data=form, follow_redirects=False)
    assert updated.status_code == 303
    client.cookies.set("liaison_lang", "en")
    assert "<tr><td>Joint training of investigators</td>" in client.get(path).text
    refused = client.post(
        f"/api/v1/programmes/{programme['id']}/action-items",
        headers=admin.headers,
        json={"text": "Training", "translations": {"en": {"text": "Training"}}},
    )
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"


def test_the_languages_of_record_texts_are_the_pages_languages() -> None:
    assert tuple(i18n.LANGUAGES) == bilingual.TEXT_LANGUAGES


VI_AGREEMENT = "Hiệp định dẫn độ Việt Nam – Kazakhstan"
EN_AGREEMENT = "Viet Nam – Kazakhstan extradition treaty"
AGREEMENT = {"title": VI_AGREEMENT, "kind": "extradition", "parties": [{"country": "VN"}, {"country": "KZ"}]}
ENGAGEMENT = {"kind": "talks", "title": "Talks", "held_on": "2025-03-04"}
PROGRAMME = {"title": "Chương trình hợp tác 2025–2027", "start_year": 2025, "end_year": 2027}


def first_link(client: TestClient, path: str, target: str, language: str) -> str:
    """The text of the first link to `target` on the page read in `language`."""
    client.cookies.set("liaison_lang", language)
    match = re.search(rf'<a href="{re.escape(target)}">(.*?)</a>', client.get(path).text, re.S)
    assert match is not None, target
    return unescape(match.group(1)).strip()


@pytest.fixture
def agencies(engine: Engine) -> dict[str, int]:
    with unit_of_work(engine) as session:
        return {
            "vn": agency(session, "Ministry of Public Security", "VN", "interior").id,
            "kz": agency(session, "Anti-Corruption Agency of Kazakhstan", "KZ", "anti_corruption").id,
        }


def extradition(agencies: dict[str, int], **values: object) -> dict[str, object]:
    return {
        "kind": "extradition",
        "direction": "outgoing",
        "requesting_agency_id": agencies["vn"],
        "requested_agency_id": agencies["kz"],
        "details": {"offence": "Embezzlement", "warrant_reference": "W-1", "penalty": "20 years"},
    } | values


def test_an_agreement_reads_in_the_readers_language_and_is_found_by_either_title(
    client: TestClient, officer: Account, engine: Engine
) -> None:
    created = client.post(
        "/api/v1/agreements",
        headers=officer.headers,
        json=AGREEMENT
        | {"summary": "Dẫn độ tội phạm.", "language": "vi", "translations": {"en": {"title": EN_AGREEMENT}}},
    )
    assert created.status_code == 201, created.text
    agreement = created.json()
    assert agreement["language"] == "vi" and agreement["translations"] == {"en": {"title": EN_AGREEMENT}}
    sign_in_pages(client, officer)
    path = f"/registry/agreements/{agreement['id']}"
    assert heading(client, path, "en") == EN_AGREEMENT
    assert heading(client, path, "vi") == VI_AGREEMENT
    assert first_link(client, "/registry/agreements", path, "en") == EN_AGREEMENT
    assert first_link(client, "/registry/agreements", path, "vi") == VI_AGREEMENT
    assert "Dẫn độ tội phạm." in client.get(path).text  # no English summary: the summary as written
    for words in ("Kazakhstan extradition", "dẫn độ Việt Nam"):
        found = client.get("/api/v1/search", params={"q": words}, headers=officer.headers).json()
        assert any(hit["entity"] == "agreement" and hit["id"] == agreement["id"] for hit in found), found
    form = {
        "csrf_token": csrf_token(client, path),
        "title": VI_AGREEMENT,
        "kind": "extradition",
        "summary": "Dẫn độ tội phạm.",
        "language": "vi",
        "translation_title": EN_AGREEMENT,
        "translation_summary": "Extradition of offenders.",
    }
    assert client.post(path, data=form, follow_redirects=False).status_code == 303
    client.cookies.set("liaison_lang", "en")
    assert "Extradition of offenders." in client.get(path).text
    patched = client.patch(
        f"/api/v1/agreements/{agreement['id']}",
        headers=officer.headers,
        json={"language": "en", "title": EN_AGREEMENT, "summary": "Extradition of offenders.",
              "translations": {"vi": {"title": VI_AGREEMENT}}},
    )  # fmt: skip
    assert patched.status_code == 200 and patched.json()["translations"] == {"vi": {"title": VI_AGREEMENT}}
    assert heading(client, path, "vi") == VI_AGREEMENT


def test_a_programme_reads_in_the_readers_language_on_its_list_and_page(
    client: TestClient, officer: Account, engine: Engine
) -> None:
    sign_in_pages(client, officer)
    form = {
        "csrf_token": csrf_token(client, "/registry/programmes"),
        "title": "Coordinated Action Programme 2025–2027",
        "start_year": "2025",
        "end_year": "2027",
        "status": "active",
        "summary": "Joint action against transnational crime.",
        "language": "en",
        "translation_title": "Chương trình hành động phối hợp 2025–2027",
        "translation_summary": "",
    }
    created = client.post("/registry/programmes", data=form, follow_redirects=False)
    assert created.status_code == 303, created.text
    path = created.headers["location"]
    assert heading(client, path, "vi") == "Chương trình hành động phối hợp 2025–2027"
    assert heading(client, path, "en") == "Coordinated Action Programme 2025–2027"
    assert (
        first_link(client, "/registry/programmes", path, "vi") == "Chương trình hành động phối hợp 2025–2027"
    )
    client.cookies.set("liaison_lang", "vi")
    assert "Joint action against transnational crime." in client.get(path).text  # the fallback
    edited = form | {"csrf_token": csrf_token(client, path), "translation_summary": "Phối hợp đấu tranh."}
    assert client.post(path, data=edited, follow_redirects=False).status_code == 303
    assert "Phối hợp đấu tranh." in client.get(path).text
    programme = client.get(f"/api/v1{path.removeprefix('/registry')}", headers=officer.headers).json()
    assert programme["translations"] == {
        "vi": {"title": "Chương trình hành động phối hợp 2025–2027", "summary": "Phối hợp đấu tranh."}
    }


def test_a_request_title_reads_in_the_readers_language(
    client: TestClient, officer: Account, engine: Engine, agencies: dict[str, int]
) -> None:
    created = client.post(
        "/api/v1/requests",
        headers=officer.headers,
        json=extradition(
            agencies,
            title="Dẫn độ Nguyễn Văn A",
            language="vi",
            translations={"en": {"title": "Extradition of Nguyen Van A"}},
        ),
    )
    assert created.status_code == 201, created.text
    request = created.json()
    assert (
        request["language"] == "vi"
        and request["translations"]["en"]["title"] == "Extradition of Nguyen Van A"
    )
    sign_in_pages(client, officer)
    path = f"/requests/{request['id']}"
    assert heading(client, path, "en") == "Extradition of Nguyen Van A"
    assert heading(client, path, "vi") == "Dẫn độ Nguyễn Văn A"
    client.cookies.set("liaison_lang", "en")
    assert "Extradition of Nguyen Van A</a>" in client.get("/requests").text
    client.cookies.set("liaison_lang", "vi")
    assert "Dẫn độ Nguyễn Văn A</a>" in client.get("/requests").text
    form = {
        "csrf_token": csrf_token(client, path),
        "version": str(request["version"]),
        "title": "Dẫn độ Nguyễn Văn A",
        "language": "vi",
        "translation_title": "Extradition of Mr Nguyen Van A",
        "our_reference": "",
        "their_reference": "",
        "facts": "",
    }
    assert client.post(f"{path}/edit", data=form, follow_redirects=False).status_code == 303
    assert heading(client, path, "en") == "Extradition of Mr Nguyen Van A"


@pytest.mark.parametrize("record", ["engagement", "agreement", "programme", "request"])
@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"language": "vi", "translations": {"vi": {"title": "Trùng ngôn ngữ"}}}, "translations"),
        ({"translations": {"vi": {"place": "Hà Nội"}}}, "translations"),
        ({"language": "fr"}, "language"),
        ({"translations": {"fr": {"title": "Titre"}}}, "translations"),
    ],
)
def test_a_translation_that_does_not_fit_is_refused_and_nothing_written(
    client: TestClient,
    engine: Engine,
    officer: Account,
    agencies: dict[str, int],
    record: str,
    extra: dict[str, object],
    field: str,
) -> None:
    path, body, model = {
        "engagement": ("/api/v1/engagements", ENGAGEMENT, Engagement),
        "agreement": ("/api/v1/agreements", AGREEMENT, Agreement),
        "programme": ("/api/v1/programmes", PROGRAMME, Programme),
        "request": ("/api/v1/requests", extradition(agencies, title="Dẫn độ"), CooperationRequest),
    }[record]
    answer = client.post(path, headers=officer.headers, json=body | extra)
    assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"
    assert field in str(answer.json()), answer.json()
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(model)) == 0


def test_a_translation_of_a_title_not_given_is_refused_on_the_api_and_the_page(
    client: TestClient, engine: Engine, officer: Account, agencies: dict[str, int]
) -> None:
    untitled = client.post(
        "/api/v1/requests",
        headers=officer.headers,
        json=extradition(agencies, translations={"vi": {"title": "Dẫn độ"}}),
    )
    assert untitled.status_code == 422 and "title" in str(untitled.json()), untitled.json()
    sign_in_pages(client, officer)
    form = {
        "csrf_token": csrf_token(client, "/registry/programmes"),
        "title": "Plan 2025–2027",
        "start_year": "2025",
        "end_year": "2027",
        "status": "active",
        "language": "fr",
    }
    page = client.post("/registry/programmes", data=form, follow_redirects=False)
    assert page.status_code == 422 and "Plan 2025–2027" in page.text  # the form again, as typed
    with unit_of_work(engine) as session:
        assert session.scalar(select(func.count()).select_from(CooperationRequest)) == 0
        assert session.scalar(select(func.count()).select_from(Programme)) == 0


def test_the_partner_view_and_home_read_in_the_readers_language(client: TestClient, officer: Account) -> None:
    from datetime import date, timedelta

    soon = (date.today() + timedelta(days=3)).isoformat()
    engagement = client.post(
        "/api/v1/engagements",
        headers=officer.headers,
        json={"kind": "talks", "title": VI_TITLE, "held_on": soon, "country": "RU", "stage": "planned",
              "language": "vi", "translations": {"en": {"title": EN_TITLE}}},
    )  # fmt: skip
    assert engagement.status_code == 201, engagement.text
    agreement = client.post(
        "/api/v1/agreements",
        headers=officer.headers,
        json=AGREEMENT | {"language": "vi", "translations": {"en": {"title": EN_AGREEMENT}}},
    )
    assert agreement.status_code == 201, agreement.text
    sign_in_pages(client, officer)
    engagement_link = f"/engagements/{engagement.json()['id']}"
    agreement_link = f"/registry/agreements/{agreement.json()['id']}"
    assert first_link(client, "/registry/partners/RU", engagement_link, "en") == EN_TITLE
    assert first_link(client, "/registry/partners/RU", engagement_link, "vi") == VI_TITLE
    assert first_link(client, "/registry/partners/KZ", agreement_link, "en") == EN_AGREEMENT
    assert first_link(client, "/registry/partners/KZ", agreement_link, "vi") == VI_AGREEMENT
    client.cookies.set("liaison_lang", "en")
    home = unescape(client.get("/").text)
    assert EN_TITLE in home and VI_TITLE not in home
