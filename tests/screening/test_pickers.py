"""Type-ahead pickers of the request form, on SQLite and PostgreSQL: each answers a select of the
records this reader may read that match (a restricted person sought of another unit is not
listed), posting the same field as the number input it replaces; the form keeps the number
inputs for browsers without JavaScript."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.conftest import Account, make_account
from tests.registry.factories import commitment, engagement
from tests.screening.test_api import add_subject


def _pick(api: TestClient, who: Account, what: str, q: str, field: str, field_id: str):  # type: ignore[no-untyped-def]
    return api.get(
        f"/pick/{what}", params={"q": q, "field": field, "field_id": field_id}, headers=who.headers
    )


def test_the_subject_picker_lists_only_readable_matches_as_a_select_of_the_same_field(
    api: TestClient, officer: Account, engine: Engine
) -> None:
    visible = add_subject(api, officer, "Қасым Тоқаев", born="1953-05-17")
    owner = make_account(engine, "officer", unit="fugitives")
    hidden = add_subject(api, owner, "Kasym Tokayev", handling_code="H3", owning_unit="fugitives")
    answer = _pick(api, officer, "subjects", "Tokaev", "person_0_subject_id", "p0-subject")
    assert answer.status_code == 200
    assert '<select id="p0-subject" name="person_0_subject_id">' in answer.text
    assert f'value="{visible}"' in answer.text and f'value="{hidden}"' not in answer.text
    by_number = _pick(api, officer, "subjects", f"#{visible}", "person_0_subject_id", "p0-subject")
    assert f'value="{visible}" selected' in by_number.text
    assert f'value="{hidden}"' not in _pick(api, officer, "subjects", str(hidden), "f", "p0-subject").text


def test_engagement_and_commitment_pickers_find_by_title_text_or_number(
    api: TestClient, officer: Account, engine: Engine
) -> None:
    with Session(engine) as session:
        talks = engagement(session, "Talks with Russia's MIA")
        pledge = commitment(session, talks.id, "Exchange lists of fugitives")
        engagement(session, "ASEAN senior officials meeting")
        session.commit()
        talks_id, pledge_id = talks.id, pledge.id
    found = _pick(api, officer, "engagements", "MIA", "engagement_id", "r-engagement").text
    assert f'value="{talks_id}"' in found and "ASEAN" not in found
    assert (
        f'value="{talks_id}"'
        in _pick(api, officer, "engagements", str(talks_id), "engagement_id", "r-e").text
    )
    pledged = _pick(api, officer, "commitments", "Russia", "commitment_id", "r-commitment").text
    assert f'value="{pledge_id}"' in pledged and 'name="commitment_id"' in pledged
    assert f'value="{pledge_id}"' in _pick(api, officer, "commitments", str(pledge_id), "c", "r-c").text


def test_pickers_refuse_a_bad_field_and_a_reader_without_the_right(
    api: TestClient, officer: Account, engine: Engine
) -> None:
    assert _pick(api, officer, "subjects", "x", "bad field", "p0").status_code == 422
    auditor = make_account(engine, "auditor")
    assert _pick(api, auditor, "subjects", "x", "f", "p0").status_code == 403


def test_the_request_form_has_type_aheads_and_keeps_the_number_inputs(
    api: TestClient, officer: Account
) -> None:
    page = api.get("/requests/new?kind=extradition&direction=outgoing", headers=officer.headers).text
    for url, field in (("/pick/subjects", "person_0_subject_id"), ("/pick/engagements", "engagement_id"),
                       ("/pick/commitments", "commitment_id")):  # fmt: skip
        assert f'hx-get="{url}"' in page and f'name="{field}" type="number"' in page
