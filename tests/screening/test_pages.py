"""Screening pages: screen one person with the explanation, upload a file, follow it, download the hits."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from liaison.core.db import unit_of_work
from liaison.core.security.policy import CLI_ACTOR
from liaison.subjects.schemas import NameIn, SubjectIn
from liaison.subjects.service import create_subject
from tests.conftest import Account, make_account

pytestmark = pytest.mark.usefixtures("batch_worker")  # the runs must be screened


def _subject(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        create_subject(
            session, CLI_ACTOR, SubjectIn(names=[NameIn(full_name="王小洪")], birth_dates=["1957-07-01"])
        )


def _screen_file(client: TestClient, who: Account, body: str) -> tuple[str, str]:
    """Upload a batch file through the page and wait for the run: its page and final progress."""
    posted = client.post("/screening/batch", files={"file": ("travellers.csv", body.encode(), "text/csv")},
                         headers=who.headers, follow_redirects=False)  # fmt: skip
    assert posted.status_code == 303
    run_page = posted.headers["location"]
    deadline = time.monotonic() + 30
    while "done" not in (progress := client.get(run_page + "/progress", headers=who.headers)).text:
        assert time.monotonic() < deadline and "failed" not in progress.text
        time.sleep(0.2)
    return run_page, progress.text


def test_screen_page_explains_the_hit(engine: Engine, client: TestClient) -> None:
    _subject(engine)
    analyst = make_account(engine, "analyst")
    page = client.post("/screening", data={"name": "Wang Xiaohong", "birth_date": "1957-07-01"},
                       headers=analyst.headers)  # fmt: skip
    assert page.status_code == 200
    assert "Why this hit" in page.text and "wang xiaohong" in page.text.lower()
    empty = client.post("/screening", data={"name": ""}, headers=analyst.headers)
    assert empty.status_code == 422 and "Enter a name" in empty.text


def test_uploaded_file_is_screened_in_the_background_and_its_hits_downloaded(
    engine: Engine, client: TestClient
) -> None:
    _subject(engine)
    officer = make_account(engine, "officer")
    body = "record_id,name,birth_date,extra\nA1,Wang Xiaohong,1957-07-01,x\nA2,,,\nA3,Somebody Else,1980,\n"
    run_page, progress = _screen_file(client, officer, body)
    assert "name has no letters: 1" in progress
    hits = client.get(run_page + "/hits.csv", headers=officer.headers)
    assert hits.status_code == 200 and hits.text.splitlines()[1].startswith("A1,")
    queue = client.get("/screening/hits", headers=officer.headers)
    assert "Wang Xiaohong" in queue.text


def test_upload_of_another_kind_of_file_is_refused(engine: Engine, client: TestClient) -> None:
    officer = make_account(engine, "officer")
    posted = client.post("/screening/batch", files={"file": ("list.xlsx", b"PK..", "application/zip")},
                         headers=officer.headers)  # fmt: skip
    assert posted.status_code == 422 and "csv or .parquet" in posted.text


def test_upload_whose_content_is_not_what_its_name_says_is_refused(
    engine: Engine, client: TestClient
) -> None:
    officer = make_account(engine, "officer")
    disguised = {
        "arrivals.csv": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",  # an executable renamed
        "arrivals.parquet": b"name\nNguyen Van An\n",  # text renamed
    }
    for filename, content in disguised.items():
        posted = client.post("/screening/batch", files={"file": (filename, content, "text/csv")},
                             headers=officer.headers)  # fmt: skip
        assert posted.status_code == 422, filename
        assert "this is not a" in posted.text
    assert "/screening/batch/" not in client.get("/screening/batch", headers=officer.headers).text


def test_the_review_queue_pages_with_the_shared_pager_and_keeps_its_status(
    engine: Engine, client: TestClient
) -> None:
    _subject(engine)
    officer = make_account(engine, "officer")
    body = "record_id,name,birth_date\n" + "".join(f"T{n},Wang Xiaohong,1957-07-01\n" for n in range(51))
    _screen_file(client, officer, body)
    first = client.get("/screening/hits", headers=officer.headers).text
    assert "Page 1 of 2" in first and 'href="?status=open&amp;page=2" rel="next"' in first
    assert first.count('class="hit"') == 50
    second = client.get("/screening/hits?status=open&page=2", headers=officer.headers).text
    assert "Page 2 of 2" in second and second.count('class="hit"') == 1 and 'rel="prev"' in second
    assert client.get("/screening/hits?page=0", headers=officer.headers).status_code == 422
