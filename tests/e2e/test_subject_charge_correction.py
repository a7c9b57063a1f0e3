"""A charge recorded with the wrong provision, corrected from the file in a real Chromium and in
both languages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from liaison.subjects import service
from liaison.subjects.schemas import ChargeIn, NameIn, SubjectIn
from tests.e2e.conftest import LiveServer, sign_in, speak
from tests.requests.factories import OFFICER

WORDS = {
    "en": {"correct": "Correct", "provision": "Legal provision", "save": "Save the charge"},
    "vi": {"correct": "Sửa", "provision": "Điều luật", "save": "Lưu tội danh"},
}


def _subject(server: LiveServer) -> int:
    with Session(server.engine) as session:
        data = SubjectIn(
            names=[NameIn(full_name="Trần Văn Mẫu")], charges=[ChargeIn(description="Embezzlement")]
        )
        subject = service.create_subject(session, OFFICER, data)
        session.commit()
        return subject.id


@pytest.mark.parametrize("language", ["en", "vi"])
def test_a_charge_is_corrected_from_the_file(live_server, browser_page, language: str) -> None:  # type: ignore[no-untyped-def]
    words = WORDS[language]
    subject_id = _subject(live_server)
    page = browser_page
    sign_in(page, live_server, live_server.account("officer", "hoa.officer"))
    speak(page, language)
    page.goto(f"{live_server.url}/subjects/{subject_id}")

    charges = page.locator("section[aria-labelledby=charges-heading]")
    charges.get_by_text(words["correct"], exact=True).click()
    charges.get_by_label(words["provision"]).fill("Article 353, Criminal Code 2015")
    charges.get_by_role("button", name=words["save"]).click()

    expect(charges.locator("tbody tr").first).to_contain_text("Article 353, Criminal Code 2015")
