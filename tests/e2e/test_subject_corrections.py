"""A person sought's file corrected in a real Chromium and in both languages: a name misspelt at
entry (the file takes the corrected name) and a charge recorded with the wrong provision."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy.orm import Session

from liaison.subjects import service
from liaison.subjects.schemas import ChargeIn, NameIn, SubjectIn
from tests.e2e.conftest import LiveServer, open_as_officer
from tests.requests.factories import OFFICER

WORDS = {
    "en": {
        "correct": "Correct",
        "name": "Name, as written",
        "save name": "Save the name",
        "provision": "Legal provision",
        "save charge": "Save the charge",
    },
    "vi": {
        "correct": "Sửa",
        "name": "Tên, đúng như được viết",
        "save name": "Lưu tên",
        "provision": "Điều luật",
        "save charge": "Lưu tội danh",
    },
}


def open_section(server: LiveServer, page: Page, language: str, data: SubjectIn, section: str) -> Locator:
    """A new person sought's file, opened by an officer in `language`, with `section`'s
    correction form unfolded."""
    with Session(server.engine) as session:
        subject_id = service.create_subject(session, OFFICER, data).id
        session.commit()
    open_as_officer(page, server, language, f"/subjects/{subject_id}")
    part = page.locator(f"section[aria-labelledby={section}-heading]")
    part.get_by_text(WORDS[language]["correct"], exact=True).click()
    return part


@pytest.mark.parametrize("language", ["en", "vi"])
def test_a_misspelt_name_is_corrected_from_the_file(live_server, browser_page, language: str) -> None:  # type: ignore[no-untyped-def]
    data = SubjectIn(names=[NameIn(full_name="Trần Văn Mẫuu")])
    names = open_section(live_server, browser_page, language, data, "names")
    names.get_by_label(WORDS[language]["name"]).fill("Trần Văn Mẫu")
    names.get_by_role("button", name=WORDS[language]["save name"]).click()
    expect(browser_page.get_by_role("heading", level=1)).to_have_text("Trần Văn Mẫu")


@pytest.mark.parametrize("language", ["en", "vi"])
def test_a_charge_is_corrected_from_the_file(live_server, browser_page, language: str) -> None:  # type: ignore[no-untyped-def]
    data = SubjectIn(names=[NameIn(full_name="Trần Văn Mẫu")], charges=[ChargeIn(description="Embezzlement")])
    charges = open_section(live_server, browser_page, language, data, "charges")
    charges.get_by_label(WORDS[language]["provision"]).fill("Article 353, Criminal Code 2015")
    charges.get_by_role("button", name=WORDS[language]["save charge"]).click()
    expect(charges.locator("tbody tr").first).to_contain_text("Article 353, Criminal Code 2015")
