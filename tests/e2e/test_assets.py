"""An officer records a fugitive's flat in China, names it in a freezing request, records the
request's execution, and sees the flat frozen and the frozen value on China's partner view, in a
real Chromium."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from liaison.core.db import unit_of_work
from liaison.core.records import today
from liaison.core.settings import get_settings
from liaison.requests import service as requests_service
from liaison.requests.schemas import RequestIn
from liaison.subjects import service as subjects_service
from liaison.subjects.schemas import SubjectIn
from tests.e2e.conftest import sign_in
from tests.requests.factories import SUPERVISOR, agency
from tests.subjects.factories import actor


def _granted_freezing_request(engine) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """A fugitive believed in China and a granted request to China to freeze his assets."""
    with unit_of_work(engine) as session:
        data = SubjectIn.model_validate({"names": [{"full_name": "Phạm Văn Thử"}], "believed_country": "CN"})
        subject_id = subjects_service.create_subject(session, actor("officer"), data).id
        home, china = (
            agency(session, "Bộ Công an", "VN"),
            agency(session, "Ministry of Public Security", "CN"),
        )
        request = requests_service.create_request(
            session, SUPERVISOR,
            RequestIn.model_validate({
                "kind": "mla_freezing_and_confiscation", "direction": "outgoing", "title": "Freeze the flat",
                "requesting_agency_id": home.id, "requested_agency_id": china.id,
            }),
        )  # fmt: skip
        for document in ("request_letter", "freezing_order"):
            requests_service.attach_document(
                session, SUPERVISOR, request.id, document, f"{document}.pdf", b"%PDF-1.4\n%%EOF\n",
                get_settings().documents_dir, 10**6,
            )  # fmt: skip
        for step in ("submit", "grant"):
            requests_service.transition_request(session, SUPERVISOR, request.id, step)
        return subject_id, request.id


def test_officer_freezes_a_flat_through_a_request_and_sees_the_value_on_the_partner_view(
    live_server, browser_page
) -> None:  # type: ignore[no-untyped-def]
    subject_id, request_id = _granted_freezing_request(live_server.engine)
    page = browser_page
    sign_in(page, live_server, live_server.account("officer"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Assets").click()
    page.get_by_role("link", name="Record an asset").click()
    page.get_by_label("Kind").select_option("real_estate")
    page.get_by_label("Name of the asset").fill("Flat in Shenzhen")
    page.get_by_label("Owner: person sought (number)").fill(str(subject_id))
    page.get_by_label("Held in (country code)").fill("CN")
    page.get_by_label("Address", exact=True).fill("Unit 1801, Tower 3, Shenzhen")
    page.get_by_label("Estimated value").fill("5200000")
    page.get_by_label("Currency (ISO 4217, e.g. USD, CNY)").fill("CNY")
    page.get_by_label("Date of the estimate").fill((today() - timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Record asset").click()
    expect(page.get_by_role("heading", name="Flat in Shenzhen")).to_be_visible()
    asset_page = page.url

    page.get_by_label("Request number").fill(str(request_id))
    page.get_by_label("What the request asks").select_option("freeze")
    page.get_by_role("button", name="Name in request").click()
    requests = page.get_by_role("region", name="Requests naming this asset")
    expect(requests.get_by_role("link", name=f"Request {request_id}")).to_be_visible()

    requests.get_by_role("link", name=f"Request {request_id}").click()
    page.get_by_role("button", name="Record execution").click()
    expect(page.get_by_role("button", name="Record execution")).to_have_count(0)
    page.goto(asset_page)
    history = page.get_by_role("region", name="Status history")
    expect(history.get_by_role("cell", name="Frozen")).to_be_visible()

    page.goto(live_server.url + "/registry/partners/CN")
    assets = page.get_by_role("region", name="Assets held there")
    expect(assets.get_by_role("cell", name="Frozen")).to_be_visible()
    expect(assets.locator("[data-figure=frozen]")).not_to_have_text("0.00 USD")
