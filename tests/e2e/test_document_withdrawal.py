"""A document attached by mistake, withdrawn in a real Chromium and in both languages: the officer
gives the reason, the document stays on the request struck out with who withdrew it and why, and
the checklist counts it missing again."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from liaison.requests import service
from tests.e2e.conftest import LiveServer, open_as_officer
from tests.requests.factories import OFFICER, agency, attach_all_required, request_data

WORDS = {
    "en": {"reason": "Reason for withdrawal", "withdraw": "Withdraw",
           "withdrawn": "Withdrawn by", "missing": "missing"},
    "vi": {"reason": "Lý do rút", "withdraw": "Rút",
           "withdrawn": "Đã rút bởi", "missing": "còn thiếu"},
}  # fmt: skip
REASON = "Warrant of another person"


def _draft_with_its_documents(server: LiveServer, root: object) -> int:
    with Session(server.engine) as session:
        vn = agency(session, "Ministry of Public Security", "VN", "interior")
        ru = agency(session, "Ministry of Internal Affairs of Russia", "RU", "interior")
        request = service.create_request(session, OFFICER, request_data(vn, ru))
        attach_all_required(session, request, root)
        session.commit()
        return request.id


@pytest.mark.parametrize("language", ["en", "vi"])
def test_a_document_attached_by_mistake_is_withdrawn_with_its_reason(
    live_server, browser_page, tmp_path, language: str
) -> None:  # type: ignore[no-untyped-def]
    words = WORDS[language]
    request_id = _draft_with_its_documents(live_server, tmp_path)
    page = browser_page
    open_as_officer(page, live_server, language, f"/requests/{request_id}")
    documents = page.locator("section[aria-labelledby=h-documents]")
    row = documents.get_by_role("row").filter(has_text="arrest_warrant.pdf")
    expect(row.locator("del")).to_have_count(0)

    row.get_by_label(words["reason"]).fill(REASON)
    row.get_by_role("button", name=words["withdraw"]).click()

    expect(row.locator("del")).to_have_text("arrest_warrant.pdf")
    expect(row).to_contain_text(f"{words['withdrawn']} hoa.officer")
    expect(row).to_contain_text(REASON)
    expect(row.get_by_role("button", name=words["withdraw"])).to_have_count(0)
    checklist = documents.locator("ul").first
    expect(checklist.get_by_role("listitem").filter(has_text=words["missing"])).to_have_count(1)
