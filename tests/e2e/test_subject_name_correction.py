"""A person sought's name misspelt at entry, corrected from the file in a real Chromium and in both
languages: the file takes the corrected name."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from liaison.subjects import service
from liaison.subjects.schemas import NameIn, SubjectIn
from tests.e2e.conftest import LiveServer, sign_in, speak
from tests.requests.factories import OFFICER

WORDS = {
    "en": {"correct": "Correct", "name": "Name, as written", "save": "Save the name"},
    "vi": {"correct": "Sửa", "name": "Tên, đúng như được viết", "save": "Lưu tên"},
}


def _subject(server: LiveServer) -> int:
    with Session(server.engine) as session:
        subject = service.create_subject(
            session, OFFICER, SubjectIn(names=[NameIn(full_name="Trần Văn Mẫuu")])
        )
        session.commit()
        return subject.id


@pytest.mark.parametrize("language", ["en", "vi"])
def test_a_misspelt_name_is_corrected_from_the_file(live_server, browser_page, language: str) -> None:  # type: ignore[no-untyped-def]
    words = WORDS[language]
    subject_id = _subject(live_server)
    page = browser_page
    sign_in(page, live_server, live_server.account("officer", "hoa.officer"))
    speak(page, language)
    page.goto(f"{live_server.url}/subjects/{subject_id}")

    names = page.locator("section[aria-labelledby=names-heading]")
    names.get_by_text(words["correct"], exact=True).click()
    names.get_by_label(words["name"]).fill("Trần Văn Mẫu")
    names.get_by_role("button", name=words["save"]).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Trần Văn Mẫu")
