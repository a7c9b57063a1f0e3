"""Registry pages: the one pager keeps the list's filters, URL-encoded, from page to page; the edit
forms keep what they do not show and correct a record with its audit."""

from __future__ import annotations

import html
import re
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from liaison.core.db import unit_of_work
from liaison.core.models import AuditEvent
from liaison.registry import programmes, schemas
from liaison.registry.models import ActionItem, Agency, Agreement, Programme
from liaison.web.forms import PAGE_SIZE
from tests.conftest import make_account
from tests.registry.factories import ADMIN, agency, agreement, official


def test_the_pager_keeps_the_filters_and_encodes_them(client: TestClient, engine: Engine) -> None:
    with unit_of_work(engine) as session:
        for number in range(PAGE_SIZE + 1):
            agency(session, f"Cục Cảnh sát & Biên phòng {number:02d}", "VN")
        agency(session, "Cục Cảnh sát Singapore", "SG")
    headers = make_account(engine, "analyst").headers
    first = client.get("/registry/agencies", params={"q": "cuc canh sat", "country": "VN"}, headers=headers)
    assert 'href="?country=VN&amp;q=cuc+canh+sat&amp;page=2"' in first.text
    second = client.get(
        "/registry/agencies", params={"q": "cuc canh sat", "country": "VN", "page": 2}, headers=headers
    )
    assert "Biên phòng 50" in second.text and "Biên phòng 00" not in second.text
    assert "Cục Cảnh sát Singapore" not in second.text


def test_the_requests_list_pages_with_the_same_pager(client: TestClient, engine: Engine) -> None:
    headers = make_account(engine, "analyst").headers
    page = client.get("/requests", params={"page": 1, "direction": "incoming"}, headers=headers)
    assert page.status_code == 200 and 'aria-label="Pages"' not in page.text  # one page: no links
    assert client.get("/requests", params={"offset": "x", "page": 0}, headers=headers).status_code == 422


def _edit_form(page: str) -> dict[str, str]:
    """The agency page's edit form as a browser would post it untouched."""
    names = re.search(r'<textarea id="e-names"[^>]*>(.*?)</textarea>', page, re.S)
    notes = re.search(r'<textarea id="e-notes"[^>]*>(.*?)</textarea>', page, re.S)
    kind = re.search(r'<select id="e-kind".*?<option value="([a-z_]+)" selected>', page, re.S)
    fields = {
        key: re.search(rf'id="e-{key}" name="{key}"[^>]*value="([^"]*)"', page) for key in ("name", "acronym")
    }
    assert names and notes and kind and all(fields.values())
    return {
        "name": html.unescape(fields["name"][1]),  # type: ignore[index]
        "acronym": html.unescape(fields["acronym"][1]),  # type: ignore[index]
        "kind": kind[1],
        "other_names": html.unescape(names[1]),
        "notes": html.unescape(notes[1]),
    }


def _names(engine: Engine, agency_id: int) -> list[tuple[str, str]]:
    with unit_of_work(engine) as session:
        return [(n.text, n.lang) for n in session.get(Agency, agency_id).names]  # type: ignore[union-attr]


def test_saving_an_agency_form_unchanged_keeps_the_language_tags_of_its_other_names(
    client: TestClient, engine: Engine
) -> None:
    tagged = [("Министерство внутренних дел", "ru"), ("Bộ Nội vụ Nga", "vi"), ("MVD", "")]
    with unit_of_work(engine) as session:
        names = [{"text": text, "lang": lang} for text, lang in tagged]
        agency_id = agency(session, "Ministry of Internal Affairs of Russia", "RU", names=names).id
    headers = make_account(engine, "admin").headers
    form = _edit_form(client.get(f"/registry/agencies/{agency_id}", headers=headers).text)
    saved = client.post(f"/registry/agencies/{agency_id}", data=form, headers=headers, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert _names(engine, agency_id) == tagged


def test_a_name_posted_without_its_tag_keeps_the_tag_it_had_and_a_new_tag_is_read(
    client: TestClient, engine: Engine
) -> None:
    with unit_of_work(engine) as session:
        names = [{"text": "Министерство внутренних дел", "lang": "ru"}]
        agency_id = agency(session, "Ministry of Internal Affairs of Russia", "RU", names=names).id
    headers = make_account(engine, "admin").headers
    form = _edit_form(client.get(f"/registry/agencies/{agency_id}", headers=headers).text)
    form["other_names"] = "Министерство внутренних дел\nBộ Nội vụ Liên bang Nga [vi]\n"
    saved = client.post(f"/registry/agencies/{agency_id}", data=form, headers=headers, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert _names(engine, agency_id) == [
        ("Министерство внутренних дел", "ru"),
        ("Bộ Nội vụ Liên bang Nga", "vi"),
    ]


def _programme_with_items(engine: Engine) -> int:
    """A 2022–2024 programme still recorded as under way, with three items: one done, one in
    progress, one dropped."""
    with unit_of_work(engine) as session:
        programme = programmes.create_programme(
            session, ADMIN, schemas.ProgrammeIn(title="Plan 2022–2024", start_year=2022, end_year=2024)
        )
        for text, status in (
            ("Joint training", "done"),
            ("Liaison post", "in_progress"),
            ("Hotline", "dropped"),
        ):
            programmes.add_action_item(
                session, ADMIN, programme.id, schemas.ActionItemIn(text=text, status=status)
            )
        return programme.id


def test_a_programme_s_status_and_period_are_corrected_on_its_page_and_audited(
    client: TestClient, engine: Engine
) -> None:
    programme_id = _programme_with_items(engine)
    officer = make_account(engine, "officer")
    page = client.get(f"/registry/programmes/{programme_id}", headers=officer.headers).text
    assert "50% · 1 of 2 action items done" in page  # the dropped item is not counted
    data = {"title": "Plan 2022–2025", "start_year": "2022", "end_year": "2025", "status": "completed",
            "signed_on": "2022-03-01", "summary": "Extended by one year."}  # fmt: skip
    response = client.post(
        f"/registry/programmes/{programme_id}", data=data, headers=officer.headers, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    page = client.get(f"/registry/programmes/{programme_id}", headers=officer.headers).text
    assert "2022–2025" in page and "Completed" in page and "Extended by one year." in page
    with unit_of_work(engine) as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "programme", AuditEvent.action == "update")
        ).one()
        assert event.actor == officer.username and "completed" in str(event.changes)


def test_a_programme_ending_before_it_starts_is_a_page_with_the_error_and_nothing_changed(
    client: TestClient, engine: Engine
) -> None:
    programme_id = _programme_with_items(engine)
    officer = make_account(engine, "officer")
    data = {"title": "Plan", "start_year": "2024", "end_year": "2022", "status": "active", "summary": ""}
    response = client.post(
        f"/registry/programmes/{programme_id}",
        data=data,
        headers={**officer.headers, "Accept-Language": "vi"},
        follow_redirects=False,
    )
    assert response.status_code == 422 and "Ngày kết thúc trước ngày bắt đầu." in response.text
    assert 'value="2022"' in response.text and "<details open>" in response.text  # what was typed
    with unit_of_work(engine) as session:
        stored = session.get(Programme, programme_id)
        assert stored is not None and (stored.title, stored.end_year) == ("Plan 2022–2024", 2024)


def _agreements(engine: Engine) -> tuple[int, int]:
    """A Vietnam–Singapore agreement recorded with the wrong kind and no crime areas, and an
    older one it supersedes."""
    with unit_of_work(engine) as session:
        vn, sg = agency(session, country="VN"), agency(session, country="SG")
        older = agreement(session, vn, sg, title="MOU 2005")
        newer = agreement(session, vn, sg, title="MOU on drugs 2015", kind="other", summary="In Hanoi.")
        return newer.id, older.id


def test_an_agreement_is_corrected_on_its_page_and_audited(client: TestClient, engine: Engine) -> None:
    agreement_id, older_id = _agreements(engine)
    officer = make_account(engine, "officer")
    data = {"title": "MOU on combating drug crime 2015", "kind": "memorandum_of_understanding",
            "crime_areas": ["drug_trafficking", "money_laundering"], "amends_id": "",
            "supersedes_id": str(older_id), "summary": "In Hanoi."}  # fmt: skip
    response = client.post(
        f"/registry/agreements/{agreement_id}", data=data, headers=officer.headers, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    page = client.get(f"/registry/agreements/{agreement_id}", headers=officer.headers).text
    assert "MOU on combating drug crime 2015" in page and "Memorandum of understanding" in page
    assert "Illicit drug trafficking, Money laundering" in page
    assert f'<a href="/registry/agreements/{older_id}">MOU 2005</a>' in page
    with unit_of_work(engine) as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "agreement", AuditEvent.action == "update")
        ).one()
        assert event.actor == officer.username and "memorandum_of_understanding" in str(event.changes)


def test_an_agreement_corrected_with_an_unknown_kind_is_a_page_with_the_error_and_nothing_changed(
    client: TestClient, engine: Engine
) -> None:
    agreement_id, _ = _agreements(engine)
    officer = make_account(engine, "officer")
    data = {"title": "Changed", "kind": "friendship", "summary": ""}
    response = client.post(
        f"/registry/agreements/{agreement_id}",
        data=data,
        headers={**officer.headers, "Accept-Language": "vi"},
        follow_redirects=False,
    )
    assert response.status_code == 422 and "Loại &#39;friendship&#39; không xác" in response.text
    assert 'value="Changed"' in response.text and "<details open>" in response.text
    with unit_of_work(engine) as session:
        stored = session.get(Agreement, agreement_id)
        assert stored is not None and (stored.title, stored.kind) == ("MOU on drugs 2015", "other")


def test_an_official_takes_a_new_post_on_the_page_and_keeps_the_old_one(
    client: TestClient, engine: Engine
) -> None:
    with unit_of_work(engine) as session:
        police = agency(session, "Cục Cảnh sát hình sự")
        cooperation = agency(session, "Cục Hợp tác quốc tế")
        someone = official(
            session, "Trần Văn B", agency_id=police.id,
            posts=[{"title": "Deputy Director", "agency_id": police.id, "start_date": date(2019, 1, 1)}],
        )  # fmt: skip
        official_id, cooperation_id = someone.id, cooperation.id
    officer = make_account(engine, "officer")
    data = {
        "title": "Director",
        "rank": "Major General",
        "agency_id": str(cooperation_id),
        "start_date": "2024-07-01",
    }
    response = client.post(
        f"/registry/officials/{official_id}/posts", data=data, headers=officer.headers, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    page = client.get(f"/registry/officials/{official_id}", headers=officer.headers).text
    assert "Deputy Director" in page and "Major General" in page
    assert page.count("Cục Hợp tác quốc tế</a>") == 1  # the official's agency now
    with unit_of_work(engine) as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "official", AuditEvent.action == "update")
        ).one()
        assert "Director (Major General" in str(event.changes)
    late = client.post(
        f"/registry/officials/{official_id}/posts",
        data={"title": "Adviser", "start_date": "2020-01-01"},
        headers={**officer.headers, "Accept-Language": "vi"},
        follow_redirects=False,
    )
    assert late.status_code == 422 and 'value="Adviser"' in late.text


def test_an_action_item_is_corrected_on_the_programme_page_and_audited(
    client: TestClient, engine: Engine
) -> None:
    programme_id = _programme_with_items(engine)
    with unit_of_work(engine) as session:
        owner = agency(session, "Cục Hợp tác quốc tế").id
        item_id = session.scalars(select(ActionItem.id).where(ActionItem.text == "Liaison post")).one()
    officer = make_account(engine, "officer")
    data = {"text": "Liaison officer posted in Moscow", "owner_agency_id": str(owner),
            "due_date": "2025-06-30", "status": "done", "note": "Officer arrived."}  # fmt: skip
    response = client.post(
        f"/registry/action-items/{item_id}", data=data, headers=officer.headers, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    page = client.get(f"/registry/programmes/{programme_id}", headers=officer.headers).text
    assert "Liaison officer posted in Moscow" in page and "Officer arrived." in page
    assert "100% · 2 of 2 action items done" in page
    unknown_owner = client.post(
        f"/registry/action-items/{item_id}",
        data={**data, "owner_agency_id": "999999"},
        headers=officer.headers,
    )
    assert unknown_owner.status_code == 422
    with unit_of_work(engine) as session:
        item = session.get(ActionItem, item_id)
        assert item is not None and (item.owner_agency_id, item.due_date) == (owner, date(2025, 6, 30))
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "action_item", AuditEvent.action == "update")
        ).one()
        assert "Liaison officer posted in Moscow" in str(event.changes)
