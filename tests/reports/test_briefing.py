"""The partner briefing with the demo data: the facts it states for the Russian MIA, China's frozen
assets and Singapore's training in both languages, talking points linked to their records, the
record-access gate (an H3 person sought, and the asset it owns, stay out for a reader who may not
read them), the PDF (Vietnamese diacritics, Cyrillic, fonts embedded, no missing glyph) and the
DOCX read back, the export audited, and bad input refused without a 5xx."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date

import pytest
from docx import Document
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from liaison import capabilities
from liaison.app import create_app
from liaison.assets import service as assets
from liaison.assets.schemas import AssetIn, StatusChangeIn
from liaison.core import i18n
from liaison.core.db import unit_of_work
from liaison.core.models import AuditEvent
from liaison.core.security.policy import SystemActor
from liaison.core.settings import get_settings
from liaison.registry.models import Agency
from liaison.reports.briefing import Briefing, build_briefing
from liaison.subjects import service as subjects
from liaison.subjects.schemas import NameIn, SubjectIn
from tests.conftest import csrf_token, fresh_engine, make_account, sign_in_pages
from tests.pdf_checks import fonts_used, text_of

# one worker holds this module's shared fixture (started once, not once per worker)
pytestmark = pytest.mark.xdist_group("reports-briefing")

UNIT = "international-cooperation"
OFFICER = SystemActor(username="officer-briefing", role="officer", unit=UNIT)
RESTRICTED_NAME = "Сергей Скрытный"
OTHER_UNIT = SystemActor(username="other", role="officer", unit="special-unit")


def load_demo(engine: Engine) -> None:
    """The demo data of every capability a briefing reads, and one H3 person sought believed to
    be in Russia, owned by another unit."""
    capabilities.install(capabilities.enabled())  # the asset demo freezes through a request's event
    with unit_of_work(engine) as session:
        for capability in capabilities.enabled(
            ["registry", "engagements", "requests", "subjects", "assets", "capacity"]
        ):
            assert capability.demo is not None
            capability.demo(session, "demo")
        restricted = subjects.create_subject(
            session,
            OTHER_UNIT,
            SubjectIn(
                names=[NameIn(full_name=RESTRICTED_NAME, language="ru")],
                believed_country="RU",
                handling_code="H3",
            ),
        )
        asset = assets.create_asset(
            session,
            OTHER_UNIT,
            AssetIn(
                kind="real_estate",
                name="Dacha near Moscow (fictitious)",
                owner_subject_id=restricted.id,
                country="RU",
                registration_number="DEMO-RU-50-0001",
                value="1000000",
                currency="USD",
                value_date=date(2025, 1, 10),
                identified_on=date(2025, 1, 10),
            ),
        )
        assets.change_status(
            session,
            OTHER_UNIT,
            asset.id,
            StatusChangeIn(status="frozen", effective_on=date(2025, 2, 1), decision="Demo order 1"),
        )


@pytest.fixture(scope="module")
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = fresh_engine("sqlite", request, tmp_path_factory.mktemp("briefing"))
    load_demo(engine)
    yield engine
    engine.dispose()


def mia_briefing(engine: Engine, language: str = "en", actor: SystemActor = OFFICER) -> Briefing:
    with unit_of_work(engine) as session, i18n.speaking(language):
        mia = session.scalar(select(Agency).where(Agency.ref == "ru-mvd"))
        assert mia is not None
        return build_briefing(session, actor, "RU", agency_id=mia.id)


def test_the_mia_briefing_states_both_programmes_open_commitments_and_requests(demo: Engine) -> None:
    briefing = mia_briefing(demo)
    programmes = {p["years"]: p for p in briefing.programmes}
    assert programmes["2022–2024"]["status_label"] == (
        "Ended in 2024, not yet closed: results due for review"
    )  # not "Under way" two years after its last year
    assert programmes["2025–2027"]["status_label"] == "Being prepared"
    assert briefing.commitments is not None
    open_flags = [c["is_open"] for c in briefing.commitments]
    assert any(open_flags) and open_flags == sorted(open_flags, reverse=True)  # open ones first
    assert briefing.requests is not None
    assert (briefing.requests["total"], briefing.requests["overdue"]) == (16, 4)
    points = [p.text for p in briefing.talking_points]
    assert any("2022–2024 ended in 2024" in p and "due for review" in p for p in points), points
    assert any("2025–2027: being prepared, one action item so far." in p for p in points), points
    assert not any("request request" in p for p in points), points
    assert any(
        p.startswith("Requests with Ministry of Internal Affairs") and "4 overdue" in p for p in points
    )


def test_every_talking_point_links_to_the_records_it_comes_from(demo: Engine) -> None:
    briefing = mia_briefing(demo)
    assert briefing.talking_points
    for point in briefing.talking_points:
        assert point.links, point.text
        assert all(link.path.startswith("/") for link in point.links)
    overdue = [p for p in briefing.talking_points if "overdue" in p.text and p.section == "requests"]
    assert overdue and all(link.path.startswith("/requests/") for p in overdue for link in p.links)


def test_a_reader_who_may_not_read_an_h3_subject_gets_a_briefing_without_it(demo: Engine) -> None:
    outsider = mia_briefing(demo)
    assert outsider.persons_sought is not None
    assert [p["name"] for p in outsider.persons_sought] == ["Иван Демонстрационный"]
    assert not any(RESTRICTED_NAME in p.text for p in outsider.talking_points)
    assert any("One person sought is believed to be in Russia" in p.text for p in outsider.talking_points)

    owner = mia_briefing(demo, actor=SystemActor(username="owner", role="officer", unit="special-unit"))
    assert owner.persons_sought is not None
    assert RESTRICTED_NAME in [p["name"] for p in owner.persons_sought]
    assert any("2 persons sought are believed to be in Russia" in p.text for p in owner.talking_points)


def test_a_role_that_may_not_read_persons_sought_gets_no_such_section(demo: Engine) -> None:
    briefing = mia_briefing(demo, actor=SystemActor(username="auditor", role="auditor", unit=UNIT))
    assert briefing.persons_sought is None
    assert not briefing.shows("persons_sought")
    assert not any(p.section == "persons_sought" for p in briefing.talking_points)


def test_the_vietnamese_briefing_speaks_vietnamese(demo: Engine) -> None:
    briefing = mia_briefing(demo, "vi")
    assert briefing.partner_name == "Bộ Nội vụ Liên bang Nga"
    assert briefing.headings["talking_points"] == "Nội dung trao đổi"
    assert {p["status_label"] for p in briefing.programmes} == {
        "Đã kết thúc năm 2024, chưa tổng kết: cần đánh giá kết quả",
        "Đang xây dựng",
    }
    titles = [p["title"] for p in briefing.programmes]  # the demo programmes' titles in Vietnamese
    assert titles[1].startswith("Chương trình phối hợp giữa Bộ Công an Việt Nam"), titles
    assert mia_briefing(demo).programmes[1]["title"].startswith("Coordination Program"), "English as written"
    assert any("quá hạn" in p.text for p in briefing.talking_points)


@pytest.fixture(scope="module")
def client(demo: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(get_settings(), demo)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def officer_token(demo: Engine) -> str:
    account = make_account(demo, "officer", unit=UNIT)
    assert account.token
    return account.token


def mia_id(engine: Engine) -> int:
    with unit_of_work(engine) as session:
        found = session.scalar(select(Agency.id).where(Agency.ref == "ru-mvd"))
        assert found is not None
        return found


def test_the_vietnamese_pdf_reads_back_with_its_diacritics_and_every_glyph_drawn(
    client: TestClient, officer_token: str, demo: Engine
) -> None:
    response = client.get(
        "/api/v1/reports/briefings/RU/document",
        params={
            "format": "pdf",
            "language": "vi",
            "agency_id": mia_id(demo),
            "notes": "Ghi chú: nhắc lại đề nghị",
        },
        headers={"Authorization": f"Bearer {officer_token}"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    text = text_of(response.content)
    for expected in (
        "Tài liệu chuẩn bị làm việc: Bộ Nội vụ Liên bang Nga",
        "Nội dung trao đổi",
        "Đang xây dựng",
        "2022–2024",
        "đã kết thúc năm 2024",  # the 2022–2024 programme, due for review
        "2025–2027",
        "đang xây dựng",  # the 2025–2027 programme in preparation
        "cam kết từ các cuộc làm việc trước chưa hoàn thành",  # the open commitments
        "Yêu cầu với Bộ Nội vụ Liên bang Nga: 11/16 đang xử lý, 4 quá hạn.",  # the requests
        "quá hạn",
        "Ghi chú: nhắc lại đề nghị",
        "Иван Демонстрационный",
    ):
        assert expected in text, expected
    assert RESTRICTED_NAME not in text
    used = fonts_used(response.content)
    assert used and all(font.embedded for font in used.values())
    assert {name: f.missing_glyphs for name, f in used.items() if f.missing_glyphs} == {}


def test_the_docx_reads_back_with_the_chosen_sections_only(
    client: TestClient, officer_token: str, demo: Engine
) -> None:
    response = client.get(
        "/api/v1/reports/briefings/RU/document",
        params={"format": "docx", "agency_id": mia_id(demo), "sections": ["talking_points", "programmes"]},
        headers={"Authorization": f"Bearer {officer_token}"},
    )
    assert response.status_code == 200, response.text
    document = Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings == ["Talking points", "Programmes and action items"]
    bullets = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "List Bullet"]
    assert any("2022–2024 ended in 2024" in b for b in bullets)
    assert not any("overdue" in b for b in bullets)  # the requests' points went with their section
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    assert "Action item" in cells


def test_an_export_is_audited_with_its_format_language_and_sections(
    client: TestClient, officer_token: str, demo: Engine
) -> None:
    client.get(
        "/api/v1/reports/briefings/RU/document",
        params={"format": "docx", "language": "vi", "sections": ["requests"]},
        headers={"Authorization": f"Bearer {officer_token}"},
    )
    with unit_of_work(demo) as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id.desc())
        ).first()
        assert event is not None
        assert (event.object_type, event.object_id) == ("briefing", "RU")
        assert event.detail == "docx; vi; requests"


def test_the_briefing_api_answers_facts_and_refuses_bad_input_as_problems(
    client: TestClient, officer_token: str
) -> None:
    auth = {"Authorization": f"Bearer {officer_token}"}
    facts = client.get("/api/v1/reports/briefings/RU", headers=auth)
    assert facts.status_code == 200
    assert facts.json()["requests"]["total"] == 16
    unknown_section = client.get("/api/v1/reports/briefings/RU", params={"sections": "gossip"}, headers=auth)
    assert unknown_section.status_code == 422
    assert unknown_section.headers["content-type"] == "application/problem+json"
    assert client.get("/api/v1/reports/briefings/ATLANTIS", headers=auth).status_code == 404
    foreign_agency = client.get("/api/v1/reports/briefings/KZ", params={"agency_id": 999_999}, headers=auth)
    assert foreign_agency.status_code == 404
    bad_format = client.get("/api/v1/reports/briefings/RU/document", params={"format": "exe"}, headers=auth)
    assert bad_format.status_code == 422


def test_an_auditor_reads_the_briefing_but_may_not_take_it_away(client: TestClient, demo: Engine) -> None:
    auditor = make_account(demo, "auditor")
    auth = {"Authorization": f"Bearer {auditor.token}"}
    assert client.get("/api/v1/reports/briefings/RU", headers=auth).status_code == 200
    assert client.get("/api/v1/reports/briefings/RU/document", headers=auth).status_code == 403


def test_the_briefing_page_refuses_an_unknown_section_with_a_readable_message(
    client: TestClient, demo: Engine
) -> None:
    officer = make_account(demo, "officer", unit=UNIT)
    assert sign_in_pages(client, officer, "/reports/briefings/RU").status_code == 303
    page = client.get("/reports/briefings/RU")
    assert page.status_code == 200 and "Talking points" in page.text
    form = {"csrf_token": csrf_token(client, "/reports/briefings/RU"), "sections": "gossip", "format": "pdf"}
    refused = client.post("/reports/briefings/RU/document", data=form)
    assert refused.status_code == 422
    assert "Unknown briefing section" in refused.text
    shown = client.post(
        "/reports/briefings/RU/document", data=form | {"sections": "requests", "format": "html"}
    )
    assert shown.status_code == 200
    assert 'value="requests" checked' in shown.text and 'value="programmes" checked' not in shown.text


def test_the_partner_view_shows_the_requests_persons_sought_and_the_ended_programme(
    client: TestClient, demo: Engine
) -> None:
    officer = make_account(demo, "officer", unit=UNIT)
    assert sign_in_pages(client, officer, "/registry/partners/RU").status_code == 303
    page = client.get("/registry/partners/RU").text
    assert "Ended in 2024, not yet closed: results due for review" in page
    assert "Under way ·" not in page and "0 of 3 action items done (0%)" in page
    assert 'id="h-requests"' in page and "open of 16, 4 overdue." in page
    assert "Persons sought believed there" in page and "Иван Демонстрационный" in page
    assert RESTRICTED_NAME not in page
    listed = client.get("/registry/programmes").text
    assert "Ended in 2024, not yet closed" in listed and "Being prepared" in listed
    ended = re.search(r'href="/registry/programmes/(\d+)">[^<]*2022–2024', page)
    assert ended is not None
    assert "Ended in 2024, not yet closed" in client.get(f"/registry/programmes/{ended[1]}").text


def partner_briefing(
    engine: Engine, partner: str, language: str = "en", actor: SystemActor = OFFICER
) -> Briefing:
    with unit_of_work(engine) as session, i18n.speaking(language):
        return build_briefing(session, actor, partner)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "frozen in China since"), ("vi", "đã bị phong tỏa tại Trung Quốc từ năm")],
)
def test_the_china_briefing_states_the_value_frozen_there(demo: Engine, language: str, expected: str) -> None:
    briefing = partner_briefing(demo, "CN", language)
    assert briefing.shows("assets") and briefing.assets is not None
    frozen = briefing.assets["totals"]["frozen"]
    assert float(frozen) > 0
    [point] = [p for p in briefing.talking_points if p.section == "assets"]
    assert point.text.startswith("USD ") and expected in point.text and "(2 " in point.text, point.text
    assert point.links[0].path == "/assets?country=CN"
    assert not briefing.shows("capacity_building")  # no capacity building with China: no section


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "3 officers trained with Singapore in "), ("vi", "3 cán bộ được đào tạo cùng Singapore năm ")],
)
def test_the_singapore_briefing_states_the_officers_trained(
    demo: Engine, language: str, expected: str
) -> None:
    briefing = partner_briefing(demo, "SG", language)
    assert briefing.capacity_building is not None
    assert briefing.capacity_building["officers_trained"] == 3
    assert any(
        p.text.startswith(expected) for p in briefing.talking_points if p.section == "capacity_building"
    )
    assert not briefing.shows("assets")  # nothing frozen in Singapore: no section


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "(2018) has been in force since 2018: 8 years; amendments proposed on 9 Oct 2024."),
        ("vi", "(2018) có hiệu lực từ năm 2018: đã 8 năm; đề xuất sửa đổi, bổ sung ngày 9 thg 10, 2024."),
    ],
)
def test_the_singapore_briefing_says_how_long_the_2018_agreement_has_been_in_force_and_what_was_proposed(
    demo: Engine, language: str, expected: str
) -> None:
    with unit_of_work(demo) as session, i18n.speaking(language):
        briefing = build_briefing(session, OFFICER, "SG", meeting_on=date(2026, 12, 9))
    [point] = [p for p in briefing.talking_points if p.section == "agreements" and "2018" in p.text]
    assert point.text.endswith(expected), point.text
    assert [link.path.split("/")[1] for link in point.links] == ["registry", "engagements"]


def test_a_reader_who_may_not_read_the_h3_owner_gets_no_asset_figures_for_its_asset(demo: Engine) -> None:
    outsider = partner_briefing(demo, "RU")
    assert outsider.assets is None
    assert not any(p.section == "assets" for p in outsider.talking_points)
    owner = partner_briefing(demo, "RU", actor=OTHER_UNIT)
    assert owner.assets is not None and owner.assets["totals"]["frozen"] == "1000000.00"
    assert any(
        p.text == "USD 1,000,000 frozen in Russia since 2025 (one asset)." for p in owner.talking_points
    ), [p.text for p in owner.talking_points]


def test_the_briefing_page_pdf_and_docx_show_assets_and_capacity_building(
    client: TestClient, officer_token: str, demo: Engine
) -> None:
    auth = {"Authorization": f"Bearer {officer_token}"}
    vietnamese_pdf = client.get(
        "/api/v1/reports/briefings/CN/document", params={"format": "pdf", "language": "vi"}, headers=auth
    )
    assert vietnamese_pdf.status_code == 200, vietnamese_pdf.text
    text = text_of(vietnamese_pdf.content)
    assert "Tổng đã phong tỏa" in text and "đã bị phong tỏa tại Trung Quốc" in text
    docx = client.get(
        "/api/v1/reports/briefings/SG/document",
        params={"format": "docx", "sections": ["talking_points", "capacity_building"]},
        headers=auth,
    )
    assert docx.status_code == 200, docx.text
    document = Document(io.BytesIO(docx.content))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings == ["Talking points", "Capacity building"]
    assert "Officers trained: 3" in [p.text for p in document.paragraphs]
    cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
    assert "Our participants" in cells
    officer = make_account(demo, "officer", unit=UNIT)
    assert sign_in_pages(client, officer, "/reports/briefings/CN").status_code == 303
    page = client.get("/reports/briefings/CN")
    assert page.status_code == 200
    assert "Assets held there" in page.text and 'data-figure="frozen"' in page.text
