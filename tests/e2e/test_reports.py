"""A newcomer's path with the demo data, in a real Chromium: the Russia partner view shows the
requests and the person sought, links to the briefing for the Russian MIA, whose page states the
facts; the officer picks sections, adds a note and downloads it as a Vietnamese PDF."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.conftest import make_account
from tests.e2e.conftest import sign_in
from tests.pdf_checks import fonts_used, text_of
from tests.reports.test_briefing import UNIT, load_demo


def test_officer_downloads_the_vietnamese_briefing_for_the_russian_mia(
    live_server, browser_page, tmp_path: Path
) -> None:
    load_demo(live_server.engine)
    page = browser_page
    sign_in(page, live_server, make_account(live_server.engine, "officer", unit=UNIT))
    page.goto(f"{live_server.url}/registry/partners/RU")
    requests = page.get_by_role("region", name="Requests")
    expect(requests).to_contain_text("11 open of 16, 4 overdue.")
    expect(page.get_by_role("region", name="Persons sought believed there")).to_contain_text(
        "Иван Демонстрационный"
    )

    page.get_by_role(
        "link", name="Briefing for Ministry of Internal Affairs of the Russian Federation"
    ).click()
    expect(
        page.get_by_role("heading", name="Briefing: Ministry of Internal Affairs of the Russian Federation")
    ).to_be_visible()
    points = page.get_by_role("region", name="Talking points")
    expect(points).to_contain_text("2022–2024 ended in 2024: 0 of 3 action items done")
    expect(points).to_contain_text("2025–2027: being prepared")
    expect(points).to_contain_text(
        "Requests with Ministry of Internal Affairs of the Russian Federation: 11 open of 16, 4 overdue."
    )
    expect(points.get_by_role("link").first).to_have_attribute("href", "/registry/programmes/1")
    expect(page.get_by_role("region", name="Commitments from earlier engagements")).to_contain_text(
        "Research and add urgent cooperation contents of mutual interest"
    )

    page.get_by_role("checkbox", name="Citizen protection").uncheck()
    page.get_by_label("Notes for the document").fill("Đề nghị sớm ký kết Chương trình 2025–2027.")
    page.get_by_label("Language of the document").select_option(label="Tiếng Việt")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-vi.pdf")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    pdf = saved.read_bytes()
    text = text_of(pdf)
    for expected in (
        "Tài liệu chuẩn bị làm việc: Bộ Nội vụ Liên bang Nga",
        "đã kết thúc năm 2024",
        "Chương trình phối hợp giữa Bộ Công an Việt Nam",  # the programme's title in Vietnamese
        "đang xây dựng",
        "cam kết từ các cuộc làm việc trước chưa hoàn thành",
        "Yêu cầu với Bộ Nội vụ Liên bang Nga: 11/16 đang xử lý, 4 quá hạn.",
        "Đề nghị sớm ký kết Chương trình 2025–2027.",
    ):
        assert expected in text, expected
    assert "Bảo hộ công dân" not in text  # the section the officer left out
    assert all(font.embedded and not font.missing_glyphs for font in fonts_used(pdf).values())
